//===- Passes.td - egrl passes -----------------------------*- tablegen -*-===//

#ifndef EGRL_TRANSFORMS_PASSES
#define EGRL_TRANSFORMS_PASSES

include "mlir/Pass/PassBase.td"

def EGRLMemoryPlacement : Pass<"egrl-memory-placement", "::mlir::ModuleOp"> {
  let summary = "Choose the memory level of every weight and activation";
  let description = [{
    Builds the WorkloadGraph of each `func.func` (one inference graph), runs a
    placement strategy against an evaluator of the target, and records the
    result in the IR:

    * every op of a graph node gets
      `egrl.placement = #egrl.placement<node = N, weights = "...", output = "...">`
      (`weights` only on ops that read weights);
    * the module gets `egrl.record = #egrl.record<...>` (target, levels,
      strategy, evaluator, granularity, seed, and the sim-target and
      seed-from when given);
    * a remark on each function summarises the predicted latency, the
      speed-up over the `native` placement, bytes per level and validity;
    * `report=path.json` writes the same summary and the per-node placement
      as JSON;
    * `trace=run.json` writes a Chrome/Perfetto trace of one simulated
      inference of the placement on `nnpi-sim` (open it in ui.perfetto.dev);
      with another evaluator, a remark gives both latencies when they differ.

    ```mlir
    // egrl-opt --egrl-memory-placement="strategy=greedy target=nnpi-1000"
    %0 = linalg.matmul {egrl.placement = #egrl.placement<node = 0,
           weights = "sram", output = "sram">} ins(%a, %w : ...) outs(...)
    ```

    The functions of a module share the chip: weights stay resident for the
    whole run, so each function is placed, in module order, in the room the
    weights of the functions before it leave (the first one gets the room
    first: put the function that matters most first), and a weight several
    functions read gets one level, the one the first of them chose.
    Weights that would still take room another function needs while it runs
    move to a slower level afterwards, those no other function
    reads first, with a warning naming them; room that frees goes to the
    function's activations (room the search left unused stays so). Each
    function is reported on the room the others' weights leave it in the
    end (the report's `usable_bytes`), and
    where that is not the room it was placed in, it is measured again there.
    Its speed-up is quoted against native placed module-wide, as
    `strategy=native` places the module (native's placement of the function,
    measured in the room the other functions' native weights leave it), not
    against native in the room this strategy's other functions leave; a
    remark at the module adds the functions' latencies up, each run once,
    beside native's.
    `strategy=keep` only checks that the kept placements fit together.

    With `strategy=policy policy=FILE` (or `policy=nnpi-1000`, a shipped
    policy by name), a policy trained by `egrl-train` places the graph in one
    forward pass (its most likely levels, made to fit by the target's
    capacity rules) and is measured once; an explicit `budget=N` above 1
    refines with `egrl`, which measures that placement first as a candidate
    for its answer (docs/policy.md).

    With `sim-target=CHIP`, the evaluator measures on another chip with the
    target's levels, while the model-based strategies keep believing
    `target`: a compiler whose model is wrong (docs/mismatch.md).

    Functions whose shapes are not static are rejected with an error at the
    first dynamic op. Ops the graph builder does not model become
    memory-only nodes and get a remark.
  }];
  let dependentDialects = ["::egrl::EGRLDialect"];
  let options = [
    Option<"strategy", "strategy", "std::string", /*default=*/"\"greedy\"",
           "Placement strategy: native, greedy (the default), dp, ilp, "
           "portfolio (greedy on the target and on it with each rate halved "
           "and doubled, each measured), random, "
           "ea, anneal, pg, egrl, egrl-sac, policy (a trained policy file, "
           "see policy=; docs/strategies.md), or keep (measure the "
           "#egrl.placement the module already carries, edited or not)">,
    Option<"target", "target", "std::string", /*default=*/"\"\"",
           "Target: a bundled name (targets/*.json, installed in "
           "share/egrl/targets: nnpi-1000, the default, its mismatched "
           "variants nnpi-1000-*, edge-small) or a path to a target JSON "
           "(strategy=keep: the placed module's)">,
    Option<"evaluator", "evaluator", "std::string",
           /*default=*/"\"analytical\"",
           "Evaluator the strategy is measured on: analytical (the default), "
           "nnpi-sim or external:COMMAND (docs/external-evaluator.md)">,
    Option<"repeats", "repeats", "int64_t", /*default=*/"1",
           "Measure each new best placement K times in all (in the budget) "
           "and keep it by the median, for noisy evaluators; the report "
           "lists the final placement's measurements (1 to 1000; default: 1)">,
    Option<"retries", "retries", "int64_t", /*default=*/"0",
           "external: evaluators: restart a command that died or timed out, "
           "and send the placement again, up to this many times before the "
           "search stops with its best placement (0 to 100; default: 0)">,
    Option<"simTarget", "sim-target", "std::string", /*default=*/"\"\"",
           "The chip the evaluator measures on when it is not the target the "
           "model believes: a bundled name or a target JSON with the target's "
           "levels (default: the target; strategy=keep: the placed module's; "
           "docs/mismatch.md)">,
    Option<"granularity", "granularity", "std::string",
           /*default=*/"\"\"",
           "Graph nodes: 'fused' (a compiler's fusion groups, the default) or "
           "'op'; strategy=keep reads the placed module's by default">,
    Option<"policyFile", "policy", "std::string", /*default=*/"\"\"",
           "Policy file strategy=policy places with (trained by egrl-train; "
           "docs/policy.md), or the name of a shipped one (nnpi-1000: "
           "policies/*.json, installed in share/egrl/policies)">,
    Option<"budget", "budget", "int64_t", /*default=*/"-1",
           "Evaluations a search strategy may spend (default: 1000, which a "
           "printed pipeline spells budget=-1, not given; "
           "strategy=policy measures its placement once unless budget is "
           "given, and with budget above 1 refines it with egrl)">,
    Option<"seed", "seed", "uint64_t", /*default=*/"0",
           "Random seed, same seed, same placement (default: 0)">,
    Option<"seedFrom", "seed-from", "std::string", /*default=*/"\"none\"",
           "What a search (anneal, ea, random, egrl, egrl-sac) may start from: "
           "none (model-"
           "free, the default), native, model (the best of native, greedy, "
           "ilp and dp, measured in the budget), or portfolio (those and "
           "strategy=portfolio's plans)">,
    Option<"report", "report", "std::string", /*default=*/"\"\"",
           "Write a JSON report of the placement to this path">,
    Option<"trace", "trace", "std::string", /*default=*/"\"\"",
           "Write a Chrome/Perfetto trace of one inference of the placement "
           "on nnpi-sim to this path (one function per module)">,
    Option<"timeLimit", "time-limit", "double", /*default=*/"60",
           "Seconds a solver strategy (ilp) may run; positive and finite "
           "(default: 60)">,
    Option<"threads", "threads", "int64_t", /*default=*/"1",
           "Threads a search may evaluate on (and CBC may use, in its "
           "deterministic mode, at most 99); the placement is the same for any "
           "count (1 to 256; default: 1)">,
    Option<"progress", "progress", "bool", /*default=*/"true",
           "Print the progress of long searches to stderr, at most once a "
           "second on a terminal and every ten seconds into a file "
           "(EGRL_PROGRESS_SECONDS=S sets it): "
           "evaluations, best latency, ETA (egrl: its generation and best "
           "speed-up; ilp: how long CBC has been solving) (default: "
           "true)">,
  ];
}

def EGRLPrintGraph : Pass<"egrl-print-graph", "::mlir::ModuleOp"> {
  let summary = "Print the WorkloadGraph of each function";
  let description = [{
    Prints, for each `func.func`, the nodes the placement works on: index,
    kind, anchor op, MACs, vector ops, weight and output bytes, producers and
    last use. With `json=true` it prints the graph's JSON form (the input of
    `egrl-train` and the Python tools) instead. The IR is left unchanged.
    Sizes are in bytes of the IR's element types unless `element-bytes` is
    set (NNP-I runs int8: `element-bytes=1`).
  }];
  let options = [
    Option<"granularity", "granularity", "std::string",
           /*default=*/"\"fused\"", "'fused' (the default) or 'op'">,
    Option<"json", "json", "bool", /*default=*/"false",
           "Print the JSON form">,
    Option<"elementBytes", "element-bytes", "int64_t", /*default=*/"0",
           "Override the element size in bytes (default 0: from the IR; "
           "the placement pass uses the target's, 1 on nnpi-1000)">,
    Option<"output", "output", "std::string", /*default=*/"\"-\"",
           "Where to print (default '-': stdout; egrl-opt then prints the IR "
           "only where -o names it); the tool's -o file, or the file the IR "
           "was read from, is refused">,
    Option<"function", "function", "std::string", /*default=*/"\"\"",
           "Only this function (JSON holds one graph, so a module with "
           "several functions needs it)">,
  ];
}

def EGRLPrepareBufferization : Pass<"egrl-prepare-bufferization",
                                    "::mlir::ModuleOp"> {
  let summary = "Allocate the buffers of placed tensor.concat, "
                "insert_slice and linalg.softmax ops in their level, right "
                "before --one-shot-bufferize";
  let description = [{
    Run after `--egrl-memory-placement`, right before `--one-shot-bufferize`.
    Bufferization replaces a `tensor.concat`, and a `tensor.insert_slice`
    into an empty tensor (how torch-mlir writes `torch.cat`), by a new
    allocation plus copies, and the op's `#egrl.placement` is lost with it.
    This pass decomposes each placed concat into insert_slices (upstream's
    decomposition) and turns the empty tensor a placed chain of inserts
    fills into a `bufferization.alloc_tensor` whose `memory_space` is the
    op's `#egrl.mem<"output level">`, so bufferization allocates the buffer
    in that level; `--egrl-apply-memory-spaces` then counts it as placed.
    Later inserts of a chain write into the same buffer in place. A placed
    `linalg.softmax`, which bufferization rebuilds without its attributes,
    gets the same allocation for its empty init. A constant such a
    concat or chain inserts (its node's weight, which bufferization's copy
    would leave in the default memory space) is copied into its slot by a
    `linalg.copy` carrying the op's placement, so its global takes the
    weights level. Placed ops that share one `tensor.empty` init (CSE
    merges equal ones) each get a copy of it, so that bufferization gives
    each its own buffer, as the graph counts each node's output, rather
    than writing them all in place into the first one's.

    A concat (or chain of inserts, or softmax) whose buffer leaves the ops that accept
    any memory space (followed through views, the inserts of a chain, ops
    writing into it in place and pads, whose buffer takes its space) to
    reach a return, a call, a loop's or branch's yield, or any other op, is
    left as it is, with a warning at the first counting them: upstream
    bufferization cannot convert a buffer of another memory space at such a
    boundary. So are ops with dynamic shapes (the placement rejects them
    anyway), and concats upstream's decomposition declines. A later insert
    of a chain whose placement names another level gets a warning that its
    level is not applied, as an op writing into another node's buffer in
    place does.

    ```mlir
    %0 = bufferization.alloc_tensor() {memory_space = #egrl.mem<"sram">}
        : tensor<1x16x8x8xf32>
    %1 = tensor.insert_slice %a into %0[0, 0, 0, 0] [1, 8, 8, 8] [1, 1, 1, 1]
        : tensor<1x8x8x8xf32> into tensor<1x16x8x8xf32>
    ```
  }];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect",
                           "::mlir::tensor::TensorDialect",
                           "::egrl::EGRLDialect"];
}

def EGRLApplyMemorySpaces : Pass<"egrl-apply-memory-spaces",
                                 "::mlir::ModuleOp"> {
  let summary = "Move placements onto memref memory spaces after "
                "--egrl-memory-placement and --one-shot-bufferize";
  let description = [{
    Run after `--egrl-memory-placement` and `--one-shot-bufferize`; a module
    without placements gets a warning (an error with `require-all`) and is
    left as it is. For each op carrying an `#egrl.placement`, the buffer it
    writes its output into (a `memref.alloc`) gets memory space
    `#egrl.mem<"output level">`, and the globals of the weights it reads get
    `#egrl.mem<"weights level">` (a global several nodes read gets the level
    of the lowest-numbered one, its owner in the graph, whose level was
    measured; a global several functions read, whose placements put it in
    different levels (placed by hand, or by separate runs), goes to the
    slowest level, with a warning naming them). A padded copy (what
    `tensor.pad` bufferizes to) takes its source's level, as the graph folds
    padding into the consumer. A buffer only filled with one value
    (`linalg.fill`) and only read, a splat such as a recurrent layer's zero
    initial state, which the graph counts as free, goes to the slowest
    level. Views of a placed buffer (`memref.expand_shape`,
    `collapse_shape`, `subview`) take its memory space; other uses that need
    the original type receive a `memref.memory_space_cast`.

    The weights each level then holds (globals, buffers that ops computed
    from constants fill, and what those are computed from) are added up
    and, where the record names a bundled target (or `target=` names the
    chip), compared with the room the placement's chip has there: more is a
    warning (folds of one weight
    that CSE did not merge each fill a buffer; run `--cse` before
    placement).

    Buffers of ops bufferization replaces by an allocation and copies
    (`tensor.concat`, `tensor.insert_slice` into an empty tensor), which
    keep no attributes, unless `--egrl-prepare-bufferization` ran before
    bufferization (then they come allocated in their level and keep it),
    and of ops that lost their placement to a pass run between placement
    and bufferization (elementwise fusion, `tosa-to-linalg`, generalizing
    named ops) keep the default memory space, and so do the weights (constant
    globals) only such ops read: the pass warns with their counts, or fails
    with `require-all`; run the placement last before bufferization. An op
    whose init is another node's output (a concatenation's too), or an
    argument of the function, is written in place into that buffer, whose
    level stays that node's (or the caller's): a warning at the op says its
    output level is not applied. A
    placed buffer that already had a memory space of its own (another
    pass's integer space) gets the placement's, with a warning counting
    them.

    ```mlir
    %alloc = memref.alloc() : memref<1x8xf32, #egrl.mem<"sram">>
    ```
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::egrl::EGRLDialect"];
  let options = [
    Option<"requireAll", "require-all", "bool", /*default=*/"false",
           "Fail instead of warning when allocations or weights keep the "
           "default memory space because no placed op writes or reads them">,
    Option<"target", "target", "std::string", /*default=*/"\"\"",
           "Chip whose level sizes the weights each level holds are checked "
           "against: a bundled name or a JSON path (default: the chip in the "
           "module's #egrl.record when it is bundled; a placement for a "
           "target file is checked only with this option)">,
  ];
}

def EGRLLowerMemorySpaces : Pass<"egrl-lower-memory-spaces",
                                 "::mlir::ModuleOp"> {
  let summary = "Turn #egrl.mem memory spaces into the target's integer "
                "address spaces and drop the egrl attributes, so the standard "
                "lowering reaches LLVM IR";
  let description = [{
    Run after `--egrl-apply-memory-spaces`. Every `#egrl.mem<"level">`
    (memref types of allocations, globals, function signatures, casts)
    becomes the level's integer address space from the target JSON
    (`levels[].address_space`; by default the backing store is 0 and the
    faster levels count up from it), and the `egrl.placement` and
    `egrl.record` attributes, which no backend knows, are removed. The
    address spaces are the ones the module's `#egrl.record` holds (its
    target's, when the placement was made) unless `target=` is given, which
    must have the record's levels; a record without them takes them from the
    bundled target it names. Then, for example:

    ```sh
    egrl-opt model.mlir --egrl-memory-placement --egrl-prepare-bufferization \
      --one-shot-bufferize="bufferize-function-boundaries" \
      --egrl-apply-memory-spaces --egrl-lower-memory-spaces \
      --convert-linalg-to-loops --convert-math-to-llvm --convert-math-to-libm \
      --expand-strided-metadata --lower-affine \
      --convert-scf-to-cf --finalize-memref-to-llvm --convert-to-llvm \
      --reconcile-unrealized-casts | mlir-translate --mlir-to-llvmir
    ```

    (`--convert-math-to-llvm` turns `math.rsqrt` of a normalisation into
    LLVM's square root, before `--convert-math-to-libm` would call
    `rsqrtf`, which libm does not have; the latter turns `math.erf` of a
    GELU, and other math ops LLVM IR has no intrinsic for, into libm calls.) A memory space
    naming a level the target does not have is an error. A module with
    placements but no `#egrl.mem` memory space (apply was not run) gets a
    warning: its placement is dropped. A module with nothing of egrl's in it
    (its functions had nothing to place) passes through unchanged.

    That pipeline frees no buffer. Upstream's buffer deallocation
    (`--ownership-based-buffer-deallocation --canonicalize
    --buffer-deallocation-simplification --bufferization-lower-deallocations
    --convert-bufferization-to-memref`, the last for the
    `bufferization.clone` a returned argument or weight leaves)
    goes before this pass: each `memref.dealloc` of a buffer in a non-zero
    address space then frees it cast back to the default space, as
    `--finalize-memref-to-llvm` allocates it (`malloc`, then an
    addrspacecast); upstream's lowering would pass the addrspace pointer to
    `free`, which takes a default one, and fail (`'llvm.call' op operand
    type mismatch`). Run after this pass, the deallocation passes meet that
    failure.
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"\"",
           "Target whose address spaces to use: a bundled name or a JSON "
           "path (default: the target in the module's #egrl.record)">,
  ];
}

#endif // EGRL_TRANSFORMS_PASSES
