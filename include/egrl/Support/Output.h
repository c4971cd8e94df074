//===- Output.h - Files the tools write ------------------------------------===//

#ifndef EGRL_SUPPORT_OUTPUT_H
#define EGRL_SUPPORT_OUTPUT_H

#include "llvm/Support/Error.h"

namespace egrl {

/// Writes `text` to `path` ("-" is stdout) through a temporary file renamed
/// into place (llvm::writeToOutput), so a reader, a concurrent run or an
/// interrupted one never sees half a file.
llvm::Error writeWholeFile(llvm::StringRef path, llvm::StringRef text);

} // namespace egrl

#endif // EGRL_SUPPORT_OUTPUT_H
