//===- SourceRevision.cpp - The revision policy files record --------------===//
//
// SourceRevision.inc is written at every build (cmake/SourceRevision.cmake)
// and changes only when the revision does, so only this file recompiles.
//
//===----------------------------------------------------------------------===//

#include "egrl/Policy/PolicyFile.h"

#include "SourceRevision.inc"

llvm::StringRef egrl::sourceRevision() { return EGRL_SOURCE_REVISION; }
