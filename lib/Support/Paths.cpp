//===- Paths.cpp - Where the bundled data and the policy library are -----===//

#include "egrl/Support/Paths.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cstdlib>
#include <dlfcn.h>

using namespace egrl;

std::string egrl::coreLibraryDir() {
  static const std::string dir = [] {
    Dl_info info;
    // Any function of this library names the file it was loaded from.
    if (!dladdr(reinterpret_cast<void *>(&egrl::coreLibraryDir), &info) ||
        !info.dli_fname)
      return std::string();
    llvm::SmallString<256> real;
    if (llvm::sys::fs::real_path(info.dli_fname, real))
      return std::string();
    return llvm::sys::path::parent_path(real).str();
  }();
  return dir;
}

std::string egrl::bundledDataDir(llvm::StringRef kind, const char *envVar,
                                 llvm::StringRef buildTreeDir) {
  // An empty variable is unset (VAR= in a script), not the current
  // directory.
  if (envVar)
    if (const char *env = std::getenv(envVar); env && *env)
      return env;
  std::string libDir = coreLibraryDir();
  if (!libDir.empty()) {
    // EGRL_DATADIR_FROM_LIBDIR is share/egrl relative to the library
    // directory of the install layout (e.g. "../share/egrl").
    llvm::SmallString<256> installed(libDir);
    llvm::sys::path::append(installed, EGRL_DATADIR_FROM_LIBDIR, kind);
    llvm::sys::path::remove_dots(installed, /*remove_dot_dot=*/true);
    if (llvm::sys::fs::is_directory(installed))
      return std::string(installed);
  }
  return buildTreeDir.str();
}

std::string egrl::resolveBundledName(llvm::StringRef nameOrPath,
                                     llvm::StringRef dir,
                                     llvm::StringRef extension) {
  // The working directory does not change what a bundled name means: a
  // build or output directory named after a model, or a file saved under a
  // policy's name, was read instead of the bundled one.
  if (nameOrPath.empty() || nameOrPath.ends_with(extension) ||
      llvm::any_of(nameOrPath,
                   [](char c) { return llvm::sys::path::is_separator(c); }))
    return nameOrPath.str();
  llvm::SmallString<256> bundled(dir);
  llvm::sys::path::append(bundled, nameOrPath + extension);
  if (llvm::sys::fs::is_regular_file(bundled))
    return std::string(bundled);
  return nameOrPath.str();
}

std::string egrl::resolvePolicyFile(llvm::StringRef nameOrPath) {
  return resolveBundledName(
      nameOrPath,
      bundledDataDir("policies", "EGRL_POLICIES_DIR", EGRL_POLICIES_DIR),
      ".json");
}

std::vector<std::string> egrl::jsonStemsIn(llvm::StringRef dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec))
    if (llvm::sys::path::extension(it->path()) == ".json")
      names.push_back(llvm::sys::path::stem(it->path()).str());
  llvm::sort(names);
  return names;
}

std::vector<std::string> egrl::shippedPolicyNames() {
  return jsonStemsIn(
      bundledDataDir("policies", "EGRL_POLICIES_DIR", EGRL_POLICIES_DIR));
}

std::string egrl::policyLibraryPath() {
  if (const char *env = std::getenv("EGRL_POLICY_LIBRARY"); env && *env)
    return env;
  std::string libDir = coreLibraryDir();
  if (!libDir.empty()) {
    llvm::SmallString<256> beside(libDir);
    llvm::sys::path::append(beside,
                            llvm::sys::path::filename(EGRL_POLICY_LIBRARY));
    if (llvm::sys::fs::exists(beside))
      return std::string(beside);
  }
  return EGRL_POLICY_LIBRARY;
}
