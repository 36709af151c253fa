#pragma once
// What `vigil verify` prints (vigil-verify(1), OUTPUT). Names and details that come from the
// store may be forged: the text keeps only printable ASCII of them.

#include <iosfwd>
#include <string>
#include <vector>

#include "verify/exported_file.h"
#include "verify/verifier.h"

namespace vigil::verify {

// --format json: one object, the --file results (if any) in "files". No trailing newline.
std::string SummaryJson(const Summary& summary, const std::vector<ExportedFile>& files);
// VERIFIED or TAMPERED with the problems; then, unless `quiet`, how the store was read and
// what its checkpoints vouch for. Nothing at all for a verified store when `quiet`.
void WriteSummaryText(std::ostream& out, const Summary& summary, bool quiet);
// One line per --file: a file on no record always, the records of the others unless `quiet`.
void WriteFilesText(std::ostream& out, const std::vector<ExportedFile>& files, bool quiet);

}  // namespace vigil::verify
