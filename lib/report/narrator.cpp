#include "report/narrator.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "report/render.h"

namespace vigil::report {
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

std::string NarratorPrompt(const Incident& incident) {
  return "You draft the narrative of a security incident report for a SOC analyst. Use only "
         "the facts in the JSON below; do not invent addresses, accounts, times or counts. "
         "Write 3 to 6 plain sentences in English: what happened, in time order, and why it "
         "matters. No lists, no headings, no recommendations.\n\n" +
         IncidentJson(incident, RenderOptions{}) + "\n";
}

Result<std::string> RunNarrator(const NarratorOptions& o, const Incident& incident) {
  const std::string prompt = NarratorPrompt(incident);
  int to_child[2], from_child[2];
  if (pipe2(to_child, O_CLOEXEC) != 0) return MakeError(ErrorCode::kIo, "narrator: pipe failed");
  if (pipe2(from_child, O_CLOEXEC) != 0) {
    close(to_child[0]);
    close(to_child[1]);
    return MakeError(ErrorCode::kIo, "narrator: pipe failed");
  }
  IgnoreSigpipe sigpipe;
  Child c;
  c.pid = fork();
  if (c.pid == 0) {
    dup2(to_child[0], STDIN_FILENO);
    dup2(from_child[1], STDOUT_FILENO);
    execl("/bin/sh", "sh", "-c", o.command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(to_child[0]);
  close(from_child[1]);
  c.in = to_child[1];
  c.out = from_child[0];
  if (c.pid < 0) return MakeError(ErrorCode::kIo, "narrator: fork failed");
  fcntl(c.in, F_SETFL, O_NONBLOCK);

  std::string answer;
  size_t sent = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(o.timeout_ms);
  while (c.out >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) return MakeError(ErrorCode::kIo, "narrator: timed out");
    pollfd fds[2] = {{c.out, POLLIN, 0}, {c.in, POLLOUT, 0}};
    const nfds_t n = c.in >= 0 ? 2 : 1;
    if (poll(fds, n, int(left)) < 0 && errno != EINTR) {
      return MakeError(ErrorCode::kIo, "narrator: poll failed");
    }
    if (n == 2 && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP)) != 0) {
      const ssize_t w = write(c.in, prompt.data() + sent, prompt.size() - sent);
      if (w > 0) sent += size_t(w);
      if (w < 0 && errno != EAGAIN) sent = prompt.size();  // it stopped reading: fine
      if (sent == prompt.size()) {
        close(c.in);
        c.in = -1;
      }
    }
    if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
      char buf[4096];
      const ssize_t r = read(c.out, buf, sizeof buf);
      if (r > 0) {
        answer.append(buf, size_t(r));
        if (answer.size() > o.max_bytes) {
          return MakeError(ErrorCode::kIo, "narrator: answer longer than the limit");
        }
      } else if (r == 0 || errno != EAGAIN) {
        close(c.out);
        c.out = -1;
      }
    }
  }
  int status = 0;
  const pid_t pid = c.pid;
  c.pid = -1;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return MakeError(ErrorCode::kIo,
                     "narrator: the command failed (exit status " +
                         std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")");
  }
  for (char& ch : answer) {
    if ((static_cast<unsigned char>(ch) < 0x20 && ch != '\n') || ch == 0x7f) ch = '?';
  }
  while (!answer.empty() && (answer.back() == '\n' || answer.back() == ' ')) answer.pop_back();
  if (answer.empty()) return MakeError(ErrorCode::kIo, "narrator: the command said nothing");
  return answer;
}

}  // namespace vigil::report
