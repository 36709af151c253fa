#include "core/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>

namespace vigil {
namespace {

// The child's pipes and pid, closed and reaped whatever happens.
struct Child {
  pid_t pid = -1;
  int in = -1, out = -1;
  ~Child() {
    if (in >= 0) close(in);
    if (out >= 0) close(out);
    if (pid > 0) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }
};

// SIGPIPE ignored while we write to a child that may not read: the write fails instead.
struct IgnoreSigpipe {
  struct sigaction old {};
  IgnoreSigpipe() {
    struct sigaction ign {};
    ign.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ign, &old);
  }
  ~IgnoreSigpipe() { sigaction(SIGPIPE, &old, nullptr); }
};

}  // namespace

Result<CommandRun> RunCommand(const std::string& command, const std::string& input, int timeout_ms,
                              size_t max_output) {
  int to_child[2], from_child[2];
  if (pipe2(to_child, O_CLOEXEC) != 0) return MakeError(ErrorCode::kIo, "pipe failed");
  if (pipe2(from_child, O_CLOEXEC) != 0) {
    close(to_child[0]);
    close(to_child[1]);
    return MakeError(ErrorCode::kIo, "pipe failed");
  }
  IgnoreSigpipe sigpipe;
  Child c;
  c.pid = fork();
  if (c.pid == 0) {
    dup2(to_child[0], STDIN_FILENO);
    dup2(from_child[1], STDOUT_FILENO);
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(to_child[0]);
  close(from_child[1]);
  c.in = to_child[1];
  c.out = from_child[0];
  if (c.pid < 0) return MakeError(ErrorCode::kIo, "fork failed");
  fcntl(c.in, F_SETFL, O_NONBLOCK);

  CommandRun run;
  size_t sent = 0;
  if (input.empty()) {
    close(c.in);
    c.in = -1;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (c.out >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) {
      return MakeError(ErrorCode::kIo, "timed out after " + std::to_string(timeout_ms) + " ms");
    }
    pollfd fds[2] = {{c.out, POLLIN, 0}, {c.in, POLLOUT, 0}};
    const nfds_t n = c.in >= 0 ? 2 : 1;
    if (poll(fds, n, int(left)) < 0 && errno != EINTR) {
      return MakeError(ErrorCode::kIo, "poll failed");
    }
    if (n == 2 && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP)) != 0) {
      const ssize_t w = write(c.in, input.data() + sent, input.size() - sent);
      if (w > 0) sent += size_t(w);
      if (w < 0 && errno != EAGAIN) sent = input.size();  // it stopped reading: fine
      if (sent == input.size()) {
        close(c.in);
        c.in = -1;
      }
    }
    if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      char buf[4096];
      const ssize_t r = read(c.out, buf, sizeof buf);
      if (r > 0) {
        run.output.append(buf, size_t(r));
        if (run.output.size() > max_output) {
          return MakeError(ErrorCode::kIo,
                           "output longer than " + std::to_string(max_output) + " bytes");
        }
      } else if (r == 0 || errno != EAGAIN) {
        close(c.out);
        c.out = -1;
      }
    }
  }
  // Output closed: wait for the exit, still within the time limit.
  for (;;) {
    int status = 0;
    const pid_t done = waitpid(c.pid, &status, WNOHANG);
    if (done == c.pid) {
      c.pid = -1;
      run.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      return run;
    }
    if (done < 0 && errno != EINTR) return MakeError(ErrorCode::kIo, "waitpid failed");
    if (std::chrono::steady_clock::now() >= deadline) {
      return MakeError(ErrorCode::kIo, "timed out after " + std::to_string(timeout_ms) + " ms");
    }
    poll(nullptr, 0, 5);
  }
}

}  // namespace vigil
