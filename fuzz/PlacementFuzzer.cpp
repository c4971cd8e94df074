//===- PlacementFuzzer.cpp - Placement JSON -------------------------------===//

#include "egrl/CostModel/Placement.h"
#include "egrl/Target/Target.h"

using namespace egrl;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  static const Target target = cantFail(loadTarget("nnpi-1000"));
  llvm::Expected<Placement> placement = Placement::fromJSON(text, target, 3);
  if (!placement)
    llvm::consumeError(placement.takeError());
  return 0;
}
