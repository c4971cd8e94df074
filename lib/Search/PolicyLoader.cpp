//===- PolicyLoader.cpp - Load the LibTorch strategies on first use -------===//
//
// LibTorch's start-up (registering thousands of operators) costs ~0.4 s, ten
// times what the rest of egrl-opt needs, so graph-policy strategies live in
// libEGRLPolicy.so and are loaded only when asked for.
//
//===----------------------------------------------------------------------===//

#include "egrl/Search/Strategy.h"
#include "egrl/Support/Paths.h"

#include "llvm/Support/DynamicLibrary.h"

#include <mutex>

using namespace egrl;

namespace {
using PolicyFactory = Strategy *(*)(const char *);
} // namespace

llvm::Expected<std::unique_ptr<Strategy>>
egrl::createPolicyStrategy(llvm::StringRef name) {
  static std::once_flag once;
  static PolicyFactory factory = nullptr;
  static std::string loadError;
  std::call_once(once, [] {
    std::string path = policyLibraryPath();
    std::string error;
    auto library =
        llvm::sys::DynamicLibrary::getPermanentLibrary(path.c_str(), &error);
    if (!library.isValid()) {
      loadError = "cannot load " + path + ": " + error;
      return;
    }
    factory = reinterpret_cast<PolicyFactory>(
        library.getAddressOfSymbol("egrlCreatePolicyStrategy"));
    if (!factory)
      loadError = path + " has no egrlCreatePolicyStrategy";
  });
  if (!factory)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "strategy '%s' needs the LibTorch policy library: %s (set "
        "EGRL_POLICY_LIBRARY to libEGRLPolicy.so)",
        name.str().c_str(), loadError.c_str());
  std::unique_ptr<Strategy> strategy(factory(name.str().c_str()));
  if (!strategy)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "the policy library has no strategy '%s'",
                                   name.str().c_str());
  return std::move(strategy);
}
