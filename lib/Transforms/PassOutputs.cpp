//===- PassOutputs.cpp - Files a pass writes beside the IR ----------------===//

#include "PassOutputs.h"

#include "egrl/Support/Output.h"

#include "llvm/ADT/StringSet.h"

using namespace mlir;

namespace {

/// The files the locations of `module` and of its top-level operations name:
/// where the parser read them (a file's module is at `file:0:0`, its ops
/// where they are written), and where inlined or fused IR came from.
llvm::StringSet<> filesNamedBy(ModuleOp module) {
  llvm::StringSet<> files;
  auto collect = [&](Location loc) {
    loc->walk([&](Location inner) {
      if (auto file = dyn_cast<FileLineColLoc>(inner))
        files.insert(file.getFilename().getValue());
      return WalkResult::advance();
    });
  };
  collect(module.getLoc());
  for (Operation &op : module.getBody()->getOperations())
    collect(op.getLoc());
  return files;
}

} // namespace

std::string egrl::passOutputClash(llvm::StringRef path, ModuleOp module) {
  if (path.empty() || path == "-")
    return "";
  if (isWrittenByThisProcess(path))
    return "the tool already writes that file (its -o, or stdout redirected "
           "to it), and one would replace the other";
  for (const auto &file : filesNamedBy(module))
    if (file.getKey() != "-" && file.getKey() != "<stdin>" &&
        isSameFile(path, file.getKey()))
      return "the IR was read from that file, which would be replaced";
  return "";
}
