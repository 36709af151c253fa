#pragma once
// What `vigil verify` is handed to trust, read from files into its Options: public keys
// (from vigil keygen) and checkpoints kept off the machine (printed by vigil seal).

#include <iosfwd>
#include <string>
#include <vector>

#include "core/result.h"
#include "verify/verifier.h"

namespace vigil::verify {

// Reads each public key file into options.trusted_keys. kBadInput (naming the file) for one
// that is not a key; kNotFound / kIo when a file cannot be read.
Status AddTrustedKeys(const std::vector<std::string>& paths, Options& options);

// Reads each checkpoint file ("-": `in`, named "standard input") into
// options.detached_checkpoints. A file that is not a checkpoint at all is kBadInput; one that
// is a checkpoint but does not verify is a finding of Run (bad_signature). kUsage when
// checkpoints are given without a trusted key to check them with.
Status AddDetachedCheckpoints(const std::vector<std::string>& paths, std::istream& in,
                              Options& options);

}  // namespace vigil::verify
