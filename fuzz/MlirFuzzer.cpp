//===- MlirFuzzer.cpp - MLIR through graph building and the pass ----------===//
//
// What the pass does with a module, on the analytical model (greedy) and on
// the simulator: anything but a diagnostic and a failed pass is a bug; and a
// placement the pass annotated, strategy=keep must measure again.
// Inputs the MLIR parser rejects never reach our code.
//
//===----------------------------------------------------------------------===//

#include "egrl/Transforms/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

using namespace mlir;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static DialectRegistry *registry = [] {
    auto *r = new DialectRegistry;
    registerAllDialects(*r);
    registerAllExtensions(*r);
    r->insert<egrl::EGRLDialect>();
    egrl::registerEGRLPasses();
    return r;
  }();
  MLIRContext context(*registry, MLIRContext::Threading::DISABLED);
  // Diagnostics are the expected outcome of bad input: keep them quiet.
  context.getDiagEngine().registerHandler([](Diagnostic &) {});
  // MLIR's lexer stops at a NUL: the input needs one after its end, as a
  // file read by the tools has (the fuzzer's buffer is exactly `size`).
  std::string text(reinterpret_cast<const char *>(data), size);
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(text, &context);
  if (!module)
    return 0;
  // Pipelines of the module's own passes: a `builtin.module(...)` wrapper
  // would nest them on the modules inside it.
  // The third measures the placement the input carries, as edited.
  for (const char *pipeline :
       {"egrl-memory-placement{budget=1}",
        "egrl-memory-placement{evaluator=nnpi-sim granularity=op budget=1},"
        "egrl-apply-memory-spaces",
        "egrl-memory-placement{strategy=keep target=nnpi-1000}"}) {
    OwningOpRef<ModuleOp> copy = module->clone();
    PassManager pm(&context);
    if (failed(parsePassPipeline(pipeline, pm)))
      abort(); // The pipeline itself is ours: it must parse.
    (void)pm.run(*copy);
  }
  // What the pass annotates, strategy=keep reads back: when a placement
  // succeeded, measuring it again must too.
  OwningOpRef<ModuleOp> placed = module->clone();
  PassManager place(&context), keep(&context);
  if (failed(parsePassPipeline("egrl-memory-placement{budget=1}", place)) ||
      failed(parsePassPipeline("egrl-memory-placement{strategy=keep}", keep)))
    abort();
  // So that every #egrl.placement after it is the pass's own.
  placed->walk([](Operation *op) {
    op->removeAttr(egrl::EGRLDialect::getPlacementAttrName());
  });
  bool annotated = false;
  if (succeeded(place.run(*placed)))
    placed->walk([&](Operation *op) {
      annotated |= op->hasAttr(egrl::EGRLDialect::getPlacementAttrName());
    });
  if (annotated && failed(keep.run(*placed)))
    abort();
  return 0;
}
