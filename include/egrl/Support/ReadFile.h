//===- ReadFile.h - Reading an input file with a bound on its size --------===//
//
// Targets, graphs, policies and checkpoints are read whole. A path that is
// not a regular file (a device such as /dev/zero, a pipe that never ends)
// would be read until memory runs out, and a procfs file reports size 0;
// this reads to the end or to a bound, whichever comes first.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_SUPPORT_READFILE_H
#define EGRL_SUPPORT_READFILE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

namespace egrl {

/// The contents of `path`, or an error: it cannot be opened or read ("cannot
/// read <what> '<path>': <reason>"), or it holds more than `maxBytes` ("...:
/// larger than N bytes, more than any <what> holds").
llvm::Expected<std::string>
readFileAtMost(llvm::StringRef path, uint64_t maxBytes, llvm::StringRef what);

} // namespace egrl

#endif // EGRL_SUPPORT_READFILE_H
