//===- Paths.h - Where the bundled data and the policy library are -------===//
//
// The tools and libraries find the bundled targets, models, policies and
// libEGRLPolicy.so relative to the loaded libEGRLCore.so, so an installed
// prefix works wherever it is moved; a build tree falls back to the paths
// compiled in. docs/embedding.md describes the layout and the overrides.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_SUPPORT_PATHS_H
#define EGRL_SUPPORT_PATHS_H

#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace egrl {

/// The directory of the loaded libEGRLCore.so (symlinks resolved), or empty
/// if the dynamic loader cannot say.
std::string coreLibraryDir();

/// The bundled data directory `kind` ("targets", "models", "policies",
/// "python"): the environment variable `envVar` if it is set (and `envVar`
/// is not null); else `<prefix>/share/egrl/<kind>` of the prefix
/// libEGRLCore.so is installed in, if that exists; else `buildTreeDir`.
std::string bundledDataDir(llvm::StringRef kind, const char *envVar,
                           llvm::StringRef buildTreeDir);

/// What a target, model or policy argument names, `dir` holding the bundled
/// ones as `<name><extension>`: a bare name (no path separator, not ending
/// in `extension`) of a bundled item is that item's file, whatever the
/// working directory holds (a file or directory `./nnpi-1000` does not
/// shadow the bundled `nnpi-1000`: `./nnpi-1000` names it). Anything else is
/// a path and is returned unchanged, so the error that follows names what
/// was given.
std::string resolveBundledName(llvm::StringRef nameOrPath, llvm::StringRef dir,
                               llvm::StringRef extension);

/// A policy argument: the name of a shipped policy (`nnpi-1000` →
/// `<policies dir>/nnpi-1000.json`, the directory from
/// bundledDataDir("policies", "EGRL_POLICIES_DIR", …)) or a path, as
/// resolveBundledName says.
std::string resolvePolicyFile(llvm::StringRef nameOrPath);

/// The names of the shipped policies (`policies/*.json`), sorted.
std::vector<std::string> shippedPolicyNames();

/// The stems of the `*.json` files in `dir`, sorted (bundled targets,
/// shipped policies).
std::vector<std::string> jsonStemsIn(llvm::StringRef dir);

/// libEGRLPolicy.so: EGRL_POLICY_LIBRARY if set; else the one next to
/// libEGRLCore.so, if there is one; else the build-tree path compiled in.
std::string policyLibraryPath();

} // namespace egrl

#endif // EGRL_SUPPORT_PATHS_H
