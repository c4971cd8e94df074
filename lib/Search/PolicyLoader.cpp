//===- PolicyLoader.cpp - Load the LibTorch strategies on first use -------===//
//
// LibTorch's start-up (registering thousands of operators) costs ~0.4 s, ten
// times what the rest of egrl-opt needs, so graph-policy strategies live in
// libEGRLPolicy.so and are loaded only when asked for.
//
//===----------------------------------------------------------------------===//

#include "PolicyLoader.h"
#include "egrl/Support/Paths.h"

#include "llvm/Support/DynamicLibrary.h"

#include <mutex>

using namespace egrl;

llvm::Error egrl::loadPolicyLibrary(llvm::StringRef strategy) {
  static std::once_flag once;
  static std::string loadError;
  // Loading runs the library's StrategyRegistration objects.
  std::call_once(once, [] {
    std::string path = policyLibraryPath();
    std::string error;
    auto library =
        llvm::sys::DynamicLibrary::getPermanentLibrary(path.c_str(), &error);
    if (!library.isValid())
      loadError = "cannot load " + path + ": " + error;
  });
  if (loadError.empty())
    return llvm::Error::success();
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      "strategy '%s' needs the LibTorch policy library: %s (set "
      "EGRL_POLICY_LIBRARY to libEGRLPolicy.so)",
      strategy.str().c_str(), loadError.c_str());
}
