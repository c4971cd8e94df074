//===- EGRLDialect.td - The egrl dialect -------------------*- tablegen -*-===//
//
// Attributes recording where each tensor of an inference graph lives.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_DIALECT
#define EGRL_DIALECT

include "mlir/IR/OpBase.td"

def EGRL_Dialect : Dialect {
  let name = "egrl";
  let cppNamespace = "::egrl";
  let summary = "Memory placement of inference-graph tensors";
  let description = [{
    The `egrl` dialect records the memory level each tensor of an inference
    graph lives in, as chosen by `--egrl-memory-placement`:

    ```mlir
    module attributes {egrl.record = #egrl.record<target = "nnpi-1000",
        levels = ["sram", "llc", "dram"], strategy = "greedy",
        evaluator = "analytical", granularity = "fused", seed = 0>} {
      ...
      %0 = linalg.matmul {egrl.placement = #egrl.placement<node = 0,
               weights = "llc", output = "sram">} ...
    }
    ```

    After bufferization, `#egrl.mem<"sram">` is the memory space of the
    buffers (`--egrl-apply-memory-spaces`).
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasOperationAttrVerify = 1;
  let extraClassDeclaration = [{
    /// Name of the per-op placement attribute.
    static constexpr ::llvm::StringLiteral getPlacementAttrName() {
      return "egrl.placement";
    }
    /// Name of the module attribute recording target and strategy.
    static constexpr ::llvm::StringLiteral getRecordAttrName() {
      return "egrl.record";
    }
  }];
}

#endif // EGRL_DIALECT
