//===- PassOutputs.cpp - Files a pass writes beside the IR ----------------===//

#include "PassOutputs.h"

#include "egrl/Support/Output.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"

#include <mutex>
#include <vector>

using namespace mlir;

namespace {

/// A file a pass instance of a live pipeline will write.
struct PipelineOutput {
  const void *run;
  std::string kind, path;
};
std::mutex pipelineOutputsLock;
std::vector<PipelineOutput> pipelineOutputs;

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

std::string egrl::claimPipelineOutput(const void *run, llvm::StringRef kind,
                                      llvm::StringRef path) {
  if (path.empty() || path == "-")
    return "";
  // A device or a pipe (/dev/null, /dev/stderr) is written to, not
  // replaced: two runs may share it.
  llvm::sys::fs::file_status status;
  if (!llvm::sys::fs::status(path, status) &&
      status.type() != llvm::sys::fs::file_type::regular_file &&
      status.type() != llvm::sys::fs::file_type::file_not_found)
    return "";
  std::lock_guard<std::mutex> lock(pipelineOutputsLock);
  bool claimed = false;
  for (const PipelineOutput &output : pipelineOutputs) {
    // A pipeline run again initializes its passes again.
    if (output.run == run) {
      claimed |= output.kind == kind && output.path == path;
      continue;
    }
    if (isSameFile(path, output.path))
      return output.kind;
  }
  if (!claimed)
    pipelineOutputs.push_back({run, kind.str(), path.str()});
  return "";
}

void egrl::releasePipelineOutputs(const void *run) {
  std::lock_guard<std::mutex> lock(pipelineOutputsLock);
  llvm::erase_if(pipelineOutputs, [&](const PipelineOutput &output) {
    return output.run == run;
  });
}
