//===- EGRLAttrs.td - egrl attributes ----------------------*- tablegen -*-===//

#ifndef EGRL_ATTRS
#define EGRL_ATTRS

include "egrl/Dialect/EGRL/IR/EGRLDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

class EGRL_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<EGRL_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

def EGRL_PlacementAttr : EGRL_Attr<"Placement", "placement"> {
  let summary = "Memory levels of an op's weights and output";
  let description = [{
    Set on every op of a placed graph node. `node` is the node's index in the
    WorkloadGraph (program order); `weights` is present only on ops that read
    weights (constants); `output` is the level the node's output activation
    is written to. Level names are those of the module's `egrl.record`.

    ```mlir
    #egrl.placement<node = 3, weights = "llc", output = "sram">
    #egrl.placement<node = 4, output = "sram">
    ```
  }];
  let parameters = (ins
    "int64_t":$node,
    OptionalParameter<"::mlir::StringAttr">:$weights,
    "::mlir::StringAttr":$output
  );
  let assemblyFormat = "`<` struct(params) `>`";
}

def EGRL_MemAttr : EGRL_Attr<"Mem", "mem"> {
  let summary = "A memory level, usable as a memref memory space";
  let description = [{
    ```mlir
    memref<1x64x56x56xf32, #egrl.mem<"sram">>
    ```
  }];
  let parameters = (ins "::mlir::StringAttr":$level);
  let assemblyFormat = "`<` $level `>`";
  let genVerifyDecl = 1;
}

def EGRL_RecordAttr : EGRL_Attr<"Record", "record"> {
  let summary = "Target, levels and strategy a placement was made with";
  let description = [{
    Set on the module by `--egrl-memory-placement` so a placement can be
    reproduced: the target's name and its level names (fastest first), the
    strategy, the evaluator it was measured on, the graph granularity and
    the seed; `sim_target` names the chip the evaluator measured on when it
    was not the target, and `seed_from` what the search started from when
    it was not `none`. `address_spaces` holds each level's integer address
    space (same order as `levels`), so `--egrl-lower-memory-spaces` needs no
    target file, and cannot pick up another chip's file of the same name.
    `target_digest` and `sim_target_digest` fingerprint the chips' contents
    (`Target::digest`), so that `strategy=keep`, which finds a chip by the
    name the record gives, can tell a bundled target from an edited copy
    of it that kept its name. `budget` is the evaluations a search was given
    (absent for strategies that measure one placement), which with the seed
    reproduces it.
  }];
  let parameters = (ins
    "::mlir::StringAttr":$target,
    "::mlir::ArrayAttr":$levels,
    "::mlir::StringAttr":$strategy,
    "::mlir::StringAttr":$evaluator,
    "::mlir::StringAttr":$granularity,
    "uint64_t":$seed,
    OptionalParameter<"::mlir::StringAttr">:$sim_target,
    OptionalParameter<"::mlir::StringAttr">:$seed_from,
    OptionalParameter<"::mlir::DenseI64ArrayAttr">:$address_spaces,
    OptionalParameter<"::mlir::StringAttr">:$target_digest,
    OptionalParameter<"::mlir::StringAttr">:$sim_target_digest,
    OptionalParameter<"uint64_t">:$budget
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

#endif // EGRL_ATTRS
