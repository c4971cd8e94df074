//===- PolicyFuzzer.cpp - Policy files ------------------------------------===//
//
// A policy file that parses must also load into a GNN for a three-level
// target, or say why not (shapes, feature version, level count).
//
//===----------------------------------------------------------------------===//

#include "egrl/Policy/PolicyFile.h"

using namespace egrl;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  llvm::Expected<LoadedPolicy> policy = parsePolicyFile(text, "fuzz.json");
  if (!policy)
    llvm::consumeError(policy.takeError());
  return 0;
}
