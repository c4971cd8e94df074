//===- PolicyLoader.h - Load the LibTorch strategies on first use -*- C++ -*-=//
//
// Private to lib/Search: createStrategy() loads libEGRLPolicy.so, whose
// strategies register themselves as it loads.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_LIB_SEARCH_POLICYLOADER_H
#define EGRL_LIB_SEARCH_POLICYLOADER_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace egrl {
/// Loads libEGRLPolicy.so once (EGRL_POLICY_LIBRARY overrides its path);
/// the error names `strategy`, which asked for it.
llvm::Error loadPolicyLibrary(llvm::StringRef strategy);
} // namespace egrl

#endif // EGRL_LIB_SEARCH_POLICYLOADER_H
