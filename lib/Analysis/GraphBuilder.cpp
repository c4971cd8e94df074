//===- GraphBuilder.cpp - Build a WorkloadGraph from a func.func ----------===//
//
// One walk over the function body in program order classifies every tensor
// value as a weight (constants, and values computed only from constants),
// a host input (function arguments), an activation (written by a node), or
// nothing (tensor.empty and fills that only initialise an output buffer).
// Compute ops become nodes; at `fused` granularity element-wise ops join the
// node of their latest-produced activation input, as an epilogue fusion.
// What each op computes is OpCost.cpp's. The rules are documented in
// docs/graph.md.
//
//===----------------------------------------------------------------------===//

#include "egrl/Analysis/GraphBuilder.h"
#include "OpCost.h"
#include "egrl/Dialect/EGRL/IR/EGRLDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/CastInterfaces.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallBitVector.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringSet.h"

#include <functional>
#include <map>
#include <numeric>

using namespace mlir;
using namespace egrl;
using namespace egrl::detail;

std::optional<Granularity> egrl::parseGranularity(llvm::StringRef name) {
  if (name == "fused")
    return Granularity::Fused;
  if (name == "op")
    return Granularity::Op;
  return std::nullopt;
}

bool egrl::isPlacedFunction(func::FuncOp func) {
  if (func.isExternal())
    return false;
  if (!func.isPrivate())
    return true;
  Operation *table = SymbolTable::getNearestSymbolTable(func->getParentOp());
  return !table || !SymbolTable::symbolKnownUseEmpty(func, table);
}

void egrl::warnAboutComputeOutsideFuncs(ModuleOp module) {
  for (Operation &op : module.getBody()->getOperations()) {
    if (isa<func::FuncOp, ModuleOp>(op))
      continue;
    // Compute on tensors: an op other than a constant that makes one (a
    // helper returning a constant, or shape functions, compute nothing
    // the graph would place).
    bool holdsCompute = false;
    op.walk([&](Operation *inner) {
      if (inner != &op && !inner->hasTrait<OpTrait::ConstantLike>())
        holdsCompute |= llvm::any_of(inner->getResultTypes(), [](Type t) {
          return isa<RankedTensorType>(t);
        });
    });
    if (!holdsCompute)
      continue;
    auto symbol =
        op.getAttrOfType<StringAttr>(SymbolTable::getSymbolAttrName());
    std::string named =
        "'" + op.getName().getStringRef().str() + "'" +
        (symbol ? " @" + symbol.getValue().str() : std::string());
    bool isFunction = isa<FunctionOpInterface>(op) ||
                      op.getName().getStringRef().ends_with(".func");
    emitWarning(op.getLoc())
        << "egrl: "
        << (isFunction ? named + " is not placed"
                       : "the functions inside " + named + " are not placed")
        << ": graphs are built from the func.func ops of the module";
  }
}

namespace {

std::string locationString(Location loc) {
  if (auto fileLoc = loc->findInstanceOf<FileLineColLoc>())
    return (fileLoc.getFilename().getValue() + ":" + Twine(fileLoc.getLine()) +
            ":" + Twine(fileLoc.getColumn()))
        .str();
  std::string text;
  llvm::raw_string_ostream os(text);
  loc.print(os);
  return text;
}

struct ValueInfo {
  enum Class { None, Weight, Host, Activation } cls = None;
  llvm::SmallVector<unsigned, 2> weightIds; // Weight
  unsigned node = 0;                        // Activation
  Value root;                               // Activation: value written
  Value hostValue;                          // Host: an argument, a state load
};

struct WeightInfo {
  int64_t elements;
  int64_t elementBytes;
  /// What it is, as an attribute equal in every function that has it (the
  /// source op's name, attributes and type; a fold's key); null when no
  /// other function can read it (GraphOpMap::Weight::source).
  Attribute identity;
};

struct NodeState {
  Node node;
  llvm::SmallSetVector<unsigned, 4> weightIds;
  /// Elements of each weight the node reads (all, unless only looked up).
  llvm::DenseMap<unsigned, int64_t> weightReads;
  llvm::SmallSetVector<unsigned, 4> producers;
  llvm::SmallSetVector<Value, 2> hostValues;
  llvm::SmallSetVector<Value, 2> escaping;
  /// Results nothing reads: the op writes them all the same (bufferization
  /// allocates their buffers in the node's level).
  llvm::SmallVector<Value, 1> unread;
  Value lastResult;
  /// Ops of the node that read weights, with the bytes of each weight they
  /// read (the owners are known only once every node is built).
  struct WeightReader {
    Operation *op;
    llvm::SmallVector<std::pair<unsigned, int64_t>, 2> reads;
  };
  llvm::SmallVector<WeightReader, 2> weightReaders;
};

class GraphWalker {
public:
  GraphWalker(func::FuncOp func, const GraphBuildOptions &options,
              GraphOpMap *opMap)
      : func(func), options(options), opMap(opMap) {}

  FailureOr<WorkloadGraph> build();

private:
  /// The function has one block and static argument shapes; its arguments
  /// are the host inputs.
  LogicalResult checkSignature();
  LogicalResult rejectTorchIR();
  /// Adds what one op of the body means to the graph.
  LogicalResult visit(Operation &op);
  void visitReturn(Operation &op);
  void visitWeightSource(Operation &op);
  void visitWithoutTensorResults(Operation &op);
  /// An op computed from constants only is folded, as a compiler would:
  /// its results are constants and it is no node. False if it reads data.
  bool foldIfConstant(Operation &op, ArrayRef<Value> dataOperands,
                      const llvm::SetVector<Value> &captured);
  /// Data that flows in at run time: a tensor from the host or a node, or
  /// a scalar computed from one (a function argument, an element read
  /// back).
  bool isRuntimeTensor(Value value) const;
  bool isRuntimeData(Value value) const;
  /// The tensors behind run-time scalars among `values`, added to `out`.
  void addScalarSources(ValueRange values, SmallVectorImpl<Value> &out) const;
  LogicalResult checkStaticShapes(Operation *op);
  void remarkElementCounting(Operation *op, ShapedType type);
  /// A remark at `op` naming `what` ("egrl: [tensors with encoding ]WHAT"
  /// and what `explain` adds), once per `what` in a walk.
  template <typename Printable, typename Explain>
  void remarkOnce(Operation *op, StringRef prefix, Printable what,
                  Explain explain) {
    if (!options.remarkUnknownOps)
      return;
    std::string text;
    llvm::raw_string_ostream os(text);
    os << what;
    if (!remarked.insert(prefix.str() + " " + text).second)
      return;
    InFlightDiagnostic remark = emitRemark(op->getLoc());
    remark << "egrl: "
           << (prefix.empty() ? std::string()
                              : "tensors with " + prefix.str() + " ")
           << text;
    explain(remark);
  }
  LogicalResult checkStraightLine(Operation *op);
  void visitCompute(Operation *op, ArrayRef<Value> dataOperands,
                    const llvm::SetVector<Value> &captured);
  WorkloadGraph finish();

  func::FuncOp func;
  const GraphBuildOptions &options;
  GraphOpMap *opMap;
  /// The module's globals, indexed once for every op that loads one.
  SymbolTableCollection symbols;
  llvm::DenseMap<Value, ValueInfo> info;
  /// Non-tensor values computed from run-time data, with the host inputs
  /// and activations they were read from (their dependences).
  llvm::DenseMap<Value, llvm::SmallVector<Value, 2>> runtimeScalars;
  /// A bufferized op was met (and said so once).
  bool warnedBuffers = false;
  /// The weight of each constant seen, by what it is (uniqued: an
  /// operand-less source's identity, a fold's key), so that the same one met
  /// twice is one weight, as after CSE.
  llvm::DenseMap<const void *, unsigned> weightOf;
  std::vector<WeightInfo> weights;
  /// What a fold computes (foldKey()): equal for equal folds, and `shared`
  /// when other functions can compute it too.
  struct FoldKey {
    Attribute key;
    bool shared;
  };
  FoldKey foldKey(Operation &op, ArrayRef<Value> dataOperands,
                  const llvm::SetVector<Value> &captured);
  /// `fold`'s key for one of its constants: a result, or the copy of one
  /// of its sources.
  FoldKey foldKeyAt(FoldKey fold, unsigned index) {
    MLIRContext *context = func.getContext();
    fold.key = ArrayAttr::get(
        context,
        {fold.key, IntegerAttr::get(IntegerType::get(context, 32), index)});
    return fold;
  }
  /// The weight a fold's constant `fold` is (one for equal keys), of
  /// `elements` elements of `elementBytes`: made on first use.
  unsigned foldedConstant(FoldKey fold, int64_t elements,
                          int64_t elementBytes) {
    unsigned id =
        weightOf.try_emplace(fold.key.getAsOpaquePointer(), weights.size())
            .first->second;
    if (id == weights.size())
      weights.push_back(
          {elements, elementBytes, fold.shared ? fold.key : Attribute()});
    return id;
  }
  /// The copy `fold` makes of its source at `position`, weight `id`: of the
  /// source's size, one for equal folds.
  unsigned foldedCopy(unsigned id, unsigned position, FoldKey fold) {
    return foldedConstant(foldKeyAt(fold, position), weights[id].elements,
                          weights[id].elementBytes);
  }
  /// `value` is weight `id`, of `type`'s size; an id past the last is a new
  /// weight, `identity` when other functions can load it too.
  void bindWeight(Value value, ShapedType type, unsigned id,
                  Attribute identity = {}) {
    info[value].cls = ValueInfo::Weight;
    info[value].weightIds.push_back(id);
    if (id == weights.size())
      weights.push_back({saturatingProduct(type.getShape()),
                         elementBytes(type.getElementType()), identity});
  }
  std::vector<NodeState> nodes;
  llvm::StringSet<> remarked;
};

LogicalResult GraphWalker::checkStaticShapes(Operation *op) {
  auto check = [&](Type type, StringRef role, unsigned index) -> LogicalResult {
    auto shaped = dyn_cast<ShapedType>(type);
    if (!shaped)
      return success();
    remarkElementCounting(op, shaped);
    if (shaped.hasStaticShape())
      return success();
    // At the op's location, without the op (and its regions) after it.
    return emitError(op->getLoc())
           << "'" << op->getName() << "' op egrl needs static shapes: " << role
           << " #" << index << " has type " << type
           << "; specialise the model to one input shape first";
  };
  for (auto [i, type] : llvm::enumerate(op->getOperandTypes()))
    if (failed(check(type, "operand", i)))
      return failure();
  for (auto [i, type] : llvm::enumerate(op->getResultTypes()))
    if (failed(check(type, "result", i)))
      return failure();
  return success();
}

/// The graph counts whole bytes per element: an i4 or f4 tensor counts as
/// one byte per element, twice what a chip that packs them holds. Said once
/// per type, since a target's element_bytes (which overrides every element's
/// size) may make it moot. Likewise a tensor encoding (sparse_tensor's):
/// every element is counted, as if dense.
void GraphWalker::remarkElementCounting(Operation *op, ShapedType type) {
  if (auto tensor = dyn_cast<RankedTensorType>(type);
      tensor && tensor.getEncoding())
    remarkOnce(op, "encoding", tensor.getEncoding(), [](auto &remark) {
      remark << " are counted as dense (every element of the shape, its "
                "bytes and its MACs): the graph does not know what the "
                "encoding stores";
    });
  Type element = type.getElementType();
  if (element.isIntOrFloat() && !element.isInteger(1) &&
      element.getIntOrFloatBitWidth() < 8)
    remarkOnce(op, "", element, [](auto &remark) {
      remark << " elements are counted as one byte each (the graph's sizes "
                "are whole bytes per element), so tensors of them count more "
                "bytes than a chip that packs them holds (i4: twice); a "
                "target's element_bytes sizes every element instead";
    });
  if (egrl::detail::elementBytesGuessed(element))
    remarkOnce(op, "", element, [](auto &remark) {
      remark << " elements have no size the graph knows and are counted as 4 "
                "bytes each; a target's element_bytes sizes every element "
                "instead";
    });
}

/// What to do about an op with regions the graph cannot see into.
static std::string controlFlowAdvice(Operation *op) {
  if (isa<LoopLikeOpInterface>(op))
    return "unroll it first (an scf.for with constant bounds: "
           "transform.loop.unroll through --transform-interpreter; an "
           "affine.for: --affine-loop-unroll=unroll-full); a loop whose trip "
           "count is known only at run time cannot be one graph";
  if (isa<RegionBranchOpInterface>(op))
    return "a branch taken at run time cannot be one graph: place each side "
           "as a function of its own";
  return "unroll or lower it first";
}

/// Control flow and calls hide compute the graph would cost as nothing: a
/// loop of matmuls would be one memory-only node, a callee's weights would be
/// placed apart from its caller's. Refused, with what to run first.
LogicalResult GraphWalker::checkStraightLine(Operation *op) {
  if (auto call = dyn_cast<CallOpInterface>(op)) {
    // A call to a declaration is an opaque kernel: an unknown op. A call to a
    // body in the module is compute the graph would not see.
    auto callee = dyn_cast_or_null<CallableOpInterface>(call.resolveCallable());
    if (!callee && isa<Value>(call.getCallableForCallee())) {
      // A func.constant names its function: canonicalisation turns the
      // indirect call into a direct one, which --inline can then inline.
      if (auto constant = cast<Value>(call.getCallableForCallee())
                              .getDefiningOp<func::ConstantOp>())
        return emitError(op->getLoc())
               << "egrl: '" << op->getName() << "' calls "
               << constant.getValueAttr()
               << " through a func.constant, a call the graph would not see "
                  "into: --canonicalize makes it a direct call, and --inline "
                  "then inlines it";
      return emitError(op->getLoc())
             << "egrl: '" << op->getName()
             << "' calls a function not known before run time; only "
                "straight-line inference graphs are supported";
    }
    if (callee && callee.getCallableRegion() &&
        !callee.getCallableRegion()->empty()) {
      // --inline leaves these calls: say so rather than advise it again.
      bool recursive = callee->isAncestor(op);
      bool noInline = op->hasAttr("no_inline");
      return emitError(op->getLoc())
             << "egrl: '" << op->getName()
             << "' calls a function with a body, whose compute and weights "
                "the placement would not see; "
             << (recursive ? "it is recursive, which --inline cannot inline: "
                             "only straight-line inference graphs are "
                             "supported"
                 : noInline
                     ? "it is marked no_inline, which --inline keeps: drop "
                       "the attribute and inline it (--inline)"
                     : "inline it first (--inline)");
    }
    return success();
  }
  if (op->getNumRegions() == 0)
    return success();
  // Linalg and tensor ops with bodies (softmax, pad, generate) compute one
  // element per iteration; the builder costs them from their shapes and the
  // body's op count, so the body must be straight-line too: a loop or a call
  // in it would be costed as one op per element.
  StringRef dialect = op->getName().getDialectNamespace();
  if (isa<linalg::LinalgOp>(op) || dialect == "linalg" || dialect == "tensor") {
    WalkResult nested = op->walk([&](Operation *inner) {
      if (inner == op ||
          (inner->getNumRegions() == 0 && !isa<CallOpInterface>(inner)))
        return WalkResult::advance();
      emitError(inner->getLoc())
          << "egrl: '" << inner->getName() << "' in the body of '"
          << op->getName()
          << "' is control flow or a call whose compute the graph would "
             "count as one op per element; only straight-line bodies are "
             "supported: "
          << controlFlowAdvice(inner);
      return WalkResult::interrupt();
    });
    return failure(nested.wasInterrupted());
  }
  return emitError(op->getLoc())
         << "egrl: '" << op->getName()
         << "' holds regions (control flow or a nested body) whose compute "
            "the graph would not see; only straight-line inference graphs are "
            "supported: "
         << controlFlowAdvice(op);
}

/// Whether the function returns `value`, directly or through views other
/// than pads: a pad it returns has no consumer to fold into, so the padded
/// tensor is written out (a pad of a pad is one write, by the outer pad).
bool isReturnedThroughViews(Value value) {
  Block *body = value.getParentBlock();
  SmallVector<Value> work{value};
  llvm::SmallPtrSet<Operation *, 4> seen;
  while (!work.empty()) {
    Value next = work.pop_back_val();
    for (Operation *user : next.getUsers()) {
      if (user->getBlock() != body || !seen.insert(user).second)
        continue;
      if (user->hasTrait<OpTrait::ReturnLike>())
        return true;
      if (isViewLike(user) && !isPad(user) && user->getOperand(0) == next)
        llvm::append_range(work, user->getResults());
    }
  }
  return false;
}

FailureOr<WorkloadGraph> GraphWalker::build() {
  if (failed(checkSignature()) || failed(rejectTorchIR()))
    return failure();
  for (Operation &op : func.getBody().front())
    if (failed(visit(op)))
      return failure();
  return finish();
}

LogicalResult GraphWalker::checkSignature() {
  if (func.isExternal())
    return emitError(func.getLoc()) << "egrl: function '" << func.getSymName()
                                    << "' has no body to place";
  if (!func.getBody().hasOneBlock())
    return emitError(func.getLoc())
           << "egrl: function '" << func.getSymName()
           << "' has control flow (several blocks); only straight-line "
              "inference graphs are supported";
  for (BlockArgument arg : func.getArguments()) {
    auto shaped = dyn_cast<ShapedType>(arg.getType());
    if (!shaped) {
      runtimeScalars.try_emplace(arg);
      continue;
    }
    if (!shaped.hasStaticShape())
      return emitError(arg.getLoc())
             << "egrl needs static shapes: argument #" << arg.getArgNumber()
             << " of '" << func.getSymName() << "' has type " << arg.getType()
             << "; specialise the model to one input shape first";
    ValueInfo &vi = info[arg];
    vi.cls = ValueInfo::Host;
    vi.hostValue = arg;
  }
  return success();
}

LogicalResult GraphWalker::rejectTorchIR() {
  // Unconverted torch IR, also inside regions, is not silently skipped.
  WalkResult torchIR = func.walk([&](Operation *op) {
    StringRef dialect = op->getName().getDialectNamespace();
    if (dialect != "torch" && dialect != "torch_c")
      return WalkResult::advance();
    emitError(op->getLoc())
        << "egrl: '" << op->getName()
        << "' is torch-dialect IR, not linalg or TOSA: lower the model "
           "first (torch-mlir's torch-backend-to-linalg-on-tensors-backend-"
           "pipeline or torch-backend-to-tosa-backend-pipeline)";
    return WalkResult::interrupt();
  });
  return failure(torchIR.wasInterrupted());
}

bool GraphWalker::isRuntimeTensor(Value value) const {
  auto it = info.find(value);
  return it != info.end() && (it->second.cls == ValueInfo::Host ||
                              it->second.cls == ValueInfo::Activation);
}

bool GraphWalker::isRuntimeData(Value value) const {
  return runtimeScalars.count(value) || isRuntimeTensor(value);
}

void GraphWalker::addScalarSources(ValueRange values,
                                   SmallVectorImpl<Value> &out) const {
  for (Value value : values) {
    auto it = runtimeScalars.find(value);
    if (it == runtimeScalars.end())
      continue;
    for (Value source : it->second)
      if (!llvm::is_contained(out, source))
        out.push_back(source);
  }
}

LogicalResult GraphWalker::visit(Operation &op) {
  if (op.hasTrait<OpTrait::ReturnLike>()) {
    visitReturn(op);
    return success();
  }
  if (failed(checkStaticShapes(&op)) || failed(checkStraightLine(&op)))
    return failure();
  // Bufferized compute has no tensor results and is not in the graph:
  // say so once, rather than leave a graph that looks placed.
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(&op);
      linalgOp && linalgOp.hasPureBufferSemantics() && !warnedBuffers) {
    warnedBuffers = true;
    emitWarning(op.getLoc())
        << "egrl: '" << op.getName()
        << "' computes on buffers (memref), not tensors; the placement "
           "sees only tensor IR, so compute on buffers is not placed: run "
           "it before bufferization (one-shot-bufferize)";
  }
  // State a global holds and the program changes (a KV cache in a mutable
  // ml_program or util global) flows in at run time, as an argument does.
  if (loadsMutableGlobal(&op, &symbols)) {
    ValueInfo &vi = info[op.getResult(0)];
    vi.cls = ValueInfo::Host;
    vi.hostValue = op.getResult(0);
    return success();
  }
  if (isWeightSource(&op, &symbols)) {
    visitWeightSource(op);
    return success();
  }
  if (llvm::none_of(op.getResultTypes(),
                    [](Type t) { return isa<RankedTensorType>(t); })) {
    visitWithoutTensorResults(op);
    return success();
  }
  if (isBufferInit(&op))
    return success();

  // Data the op reads: every tensor operand, including destination-style
  // inits (an init may be an accumulator or a broadcast bias).
  // Memref arguments count too (bufferization.to_tensor reads them).
  SmallVector<Value> dataOperands;
  auto linalgOp = dyn_cast<linalg::LinalgOp>(&op);
  for (OpOperand &operand : op.getOpOperands()) {
    // An input its body never reads is no data (elementwise fusion drops
    // it, and a weight it held is not fetched).
    if (linalgOp && linalgOp.isDpsInput(&operand) &&
        !linalgOp.payloadUsesValueFromOperand(&operand))
      continue;
    Value value = operand.get();
    if (isa<RankedTensorType>(value.getType()) || info.count(value))
      dataOperands.push_back(value);
  }
  // Tensors a body reads from above count too: an embedding lookup is a
  // linalg.generic whose body does tensor.extract from the table.
  llvm::SetVector<Value> capturedValues;
  getUsedValuesDefinedAbove(op.getRegions(), capturedValues);
  for (Value captured : capturedValues)
    if (isa<RankedTensorType>(captured.getType()) &&
        !llvm::is_contained(dataOperands, captured))
      dataOperands.push_back(captured);
  // A scalar read back from an activation makes its producer a producer
  // of this op too.
  addScalarSources(op.getOperands(), dataOperands);
  addScalarSources(capturedValues.getArrayRef(), dataOperands);

  if (isViewLike(&op) && !dataOperands.empty() &&
      !(isPad(&op) && isReturnedThroughViews(op.getResult(0)))) {
    ValueInfo source = info.lookup(dataOperands.front());
    for (Value result : op.getResults())
      info[result] = source;
    return success();
  }
  if (!foldIfConstant(op, dataOperands, capturedValues))
    visitCompute(&op, dataOperands, capturedValues);
  return success();
}

void GraphWalker::visitReturn(Operation &op) {
  // Results that are constants or computed from constants only are
  // folded, as a compiler would: no node writes them, so say so rather
  // than drop them quietly.
  SmallVector<std::string> constantResults;
  for (auto [index, v] : llvm::enumerate(op.getOperands())) {
    auto it = info.find(v);
    if (it != info.end() && it->second.cls == ValueInfo::Weight)
      constantResults.push_back("#" + std::to_string(index));
  }
  if (!constantResults.empty())
    emitWarning(op.getLoc())
        << "egrl: result" << (constantResults.size() > 1 ? "s " : " ")
        << llvm::join(constantResults, ", ")
        << (constantResults.size() > 1 ? " are" : " is")
        << " a constant or computed from constants only (a compiler "
           "folds it): no graph node writes it, so it is not placed, and "
           "the constants only it reads are not counted";
  for (Value v : op.getOperands()) {
    auto it = info.find(v);
    if (it == info.end() || it->second.cls != ValueInfo::Activation)
      continue;
    nodes[it->second.node].node.isGraphOutput = true;
    nodes[it->second.node].escaping.insert(it->second.root);
  }
}

void GraphWalker::visitWeightSource(Operation &op) {
  // Constants and tensors (or buffers, memref.get_global) loaded from
  // immutable globals (ml_program, IREE's util).
  Value result = op.getResult(0);
  auto type = dyn_cast<ShapedType>(result.getType());
  if (!type || !holdsSeveralElements(type))
    return;
  // The same constant or global loaded twice is one weight, as after
  // CSE: ops without operands are equal when their name, attributes
  // (uniqued; an unregistered op's properties among them) and type
  // are.
  unsigned id = weights.size();
  Attribute identity;
  if (op.getNumOperands() == 0) {
    identity = ArrayAttr::get(op.getContext(),
                              {op.getName().getIdentifier(),
                               allAttributesOf(&op), TypeAttr::get(type)});
    id = weightOf.try_emplace(identity.getAsOpaquePointer(), id).first->second;
  }
  bindWeight(result, type, id, identity);
}

/// `op` in generic form, its values numbered from itself, so that equal ops
/// in two places print alike (a function-wide numbering would not; what it
/// reads from outside prints as an unknown value).
static void printOnItsOwn(Operation &op, llvm::raw_ostream &os,
                          bool elideLargeAttributes) {
  OpPrintingFlags flags;
  flags.printGenericOpForm();
  if (elideLargeAttributes)
    flags.elideLargeElementsAttrs(16);
  AsmState state(&op, flags);
  op.print(os, state);
}

/// An operand-less op as text: what a fold reads besides weights (a scalar
/// constant, an empty init), or null when it has operands of its own.
static Attribute operandlessText(Value value) {
  Operation *def = value.getDefiningOp();
  if (!def || def->getNumOperands() != 0 || def->getNumRegions() != 0)
    return {};
  std::string text;
  llvm::raw_string_ostream os(text);
  printOnItsOwn(*def, os, /*elideLargeAttributes=*/false);
  return StringAttr::get(value.getContext(), text);
}

GraphWalker::FoldKey
GraphWalker::foldKey(Operation &op, ArrayRef<Value> dataOperands,
                     const llvm::SetVector<Value> &captured) {
  // Two folds compute the same constant when they are the same op (name,
  // attributes, result types and regions, printed with its operands out of
  // scope) of the same operands: each weight by its identity, anything
  // else by its operand-less definition. Then they are one weight in a
  // function (as after CSE) and across functions (as bufferization gives
  // equal constants one global). A fold of something only this function
  // has (a weight computed from its loop indices, a scalar computed here)
  // is told apart by that value itself, within the function only.
  MLIRContext *context = op.getContext();
  SmallVector<Attribute> key;
  std::string text;
  llvm::raw_string_ostream os(text);
  printOnItsOwn(op, os, /*elideLargeAttributes=*/true);
  key.push_back(StringAttr::get(context, text));
  key.push_back(allAttributesOf(&op));
  // Within this function a value is also told by what it is here: a
  // weight by its id, anything else by itself.
  auto local = [&](uint64_t what) {
    return IntegerAttr::get(IntegerType::get(context, 64), what);
  };
  bool shared = true;
  std::function<Attribute(Value)> describe = [&](Value value) -> Attribute {
    const ValueInfo &vi = info.lookup(value);
    if (vi.cls != ValueInfo::Weight) {
      if (Attribute text = operandlessText(value))
        return text;
      shared = false;
      return local(reinterpret_cast<uintptr_t>(value.getAsOpaquePointer()));
    }
    // A view of a weight (a slice, a reshape) carries the weight's ids, as
    // the whole weight is what must be resident; what a fold computes from
    // it depends on the view too: two halves of a packed weight, each
    // transposed, are two constants, not one.
    if (Operation *view = value.getDefiningOp();
        view && isViewLike(view) && view->getNumOperands() > 0) {
      std::string viewText;
      llvm::raw_string_ostream viewOs(viewText);
      printOnItsOwn(*view, viewOs, /*elideLargeAttributes=*/true);
      SmallVector<Attribute> parts = {StringAttr::get(context, viewText),
                                      allAttributesOf(view)};
      for (Value operand : view->getOperands())
        parts.push_back(describe(operand));
      // What its region reads from above: a pad's padding value.
      llvm::SetVector<Value> padding;
      getUsedValuesDefinedAbove(view->getRegions(), padding);
      for (Value value : padding)
        parts.push_back(describe(value));
      return ArrayAttr::get(context, parts);
    }
    SmallVector<Attribute> ids;
    for (unsigned id : vi.weightIds) {
      if (!weights[id].identity)
        shared = false;
      ids.push_back(weights[id].identity ? weights[id].identity : local(id));
    }
    return ArrayAttr::get(context, ids);
  };
  for (Value operand : dataOperands)
    key.push_back(describe(operand));
  for (Value value : captured)
    key.push_back(describe(value));
  return {ArrayAttr::get(context, key), shared};
}

void GraphWalker::visitWithoutTensorResults(Operation &op) {
  // An op that returns nothing but reads an activation (a store into a
  // global, a call to a sink) is a side effect the graph cannot place;
  // say so once per op name rather than drop the read silently.
  if (op.getNumResults() == 0 && options.remarkUnknownOps &&
      llvm::any_of(op.getOperands(),
                   [&](Value v) {
                     return isa<RankedTensorType>(v.getType()) &&
                            isRuntimeTensor(v);
                   }) &&
      remarked.insert(("sink " + op.getName().getStringRef()).str()).second)
    emitRemark(op.getLoc())
        << "egrl: '" << op.getName()
        << "' reads a run-time tensor and returns nothing; the graph "
           "does not see that read (only the function's results are "
           "graph outputs)";
  // Scalars and shape queries are nothing to place, but a scalar
  // computed from run-time data is run-time data itself.
  if (llvm::none_of(op.getOperands(),
                    [&](Value v) { return isRuntimeData(v); }))
    return;
  SmallVector<Value, 2> sources;
  for (Value operand : op.getOperands())
    if (isRuntimeTensor(operand) && !llvm::is_contained(sources, operand))
      sources.push_back(operand);
  addScalarSources(op.getOperands(), sources);
  for (Value result : op.getResults())
    runtimeScalars[result] = sources;
}

bool GraphWalker::foldIfConstant(Operation &op, ArrayRef<Value> dataOperands,
                                 const llvm::SetVector<Value> &captured) {
  // A scalar argument filled into a tensor is run-time data, not a
  // constant to fold.
  auto runtime = [&](Value v) { return isRuntimeData(v); };
  bool readsData = producesRuntimeData(&op) ||
                   llvm::any_of(op.getOperands(), runtime) ||
                   llvm::any_of(captured, runtime);
  ValueInfo folded;
  folded.cls = ValueInfo::Weight;
  for (Value operand : dataOperands) {
    const ValueInfo &vi = info.lookup(operand);
    if (vi.cls == ValueInfo::Activation || vi.cls == ValueInfo::Host)
      readsData = true;
    else if (vi.cls == ValueInfo::Weight)
      for (unsigned id : vi.weightIds)
        if (!llvm::is_contained(folded.weightIds, id))
          folded.weightIds.push_back(id);
  }
  if (readsData)
    return false;
  // A fold that computes fewer bytes than it reads (a zero initial state
  // times a weight, a lookup with constant indices into a larger table, a
  // weight quantised to a narrower type) is a constant of its own, of its
  // computed size, as a compiler materialises it: a copy of its sources
  // would count a whole table for the rows it keeps.
  // Fewer elements too: a target that counts every element at its own size
  // (element_bytes) would otherwise count a widened, narrowed fold (a
  // weight broadcast twice and cast to i8) larger than its source.
  int64_t sourceBytes = 0, resultBytes = 0;
  int64_t sourceElements = 0, resultElements = 0;
  for (unsigned id : folded.weightIds) {
    sourceBytes = saturatingSum(
        sourceBytes,
        saturatingProduct({weights[id].elements, weights[id].elementBytes}));
    sourceElements = saturatingSum(sourceElements, weights[id].elements);
  }
  for (Value result : op.getResults())
    if (isa<RankedTensorType>(result.getType())) {
      resultBytes = saturatingSum(resultBytes, bytesOf(result));
      resultElements = saturatingSum(resultElements, elementsOf(result));
    }
  if (!folded.weightIds.empty() && resultBytes < sourceBytes &&
      resultElements <= sourceElements) {
    // One element is a scalar constant, as a splat's: no weight.
    FoldKey fold = foldKey(op, dataOperands, captured);
    for (OpResult result : op.getResults())
      if (auto type = dyn_cast<RankedTensorType>(result.getType());
          type && elementsOf(result) > 1)
        bindWeight(result, type,
                   foldedConstant(foldKeyAt(fold, result.getResultNumber()),
                                  saturatingProduct(type.getShape()),
                                  elementBytes(type.getElementType())));
    return true;
  }
  // Computed from constants only (a transposed weight, a broadcast
  // bias, a filled buffer): a compiler folds it, so no node. It reads
  // folded copies of the weights, not the weights: a table read both
  // directly and transposed (tied embeddings) is held twice, once as it is
  // and once folded, where a weight only its fold reads is counted once, as
  // its copy (its own global is not read, and the lowering leaves it in the
  // slowest level). The copy has its source's size. Equal folds share it
  // (as after CSE, and across functions); different folds of one weight (it
  // transposed, and it scaled by two) are different constants, both held.
  // A fold of a fold is a copy of the copy, which no node reads when only
  // the last fold is read: a chain counts once.
  // A transpose undoing a transpose of a weight (W.T.contiguous() handed to
  // F.linear, which transposes it back) is the weight itself, as
  // canonicalization folds the pair: not a third constant beside W and W^T.
  if (auto outer = dyn_cast<linalg::TransposeOp>(&op)) {
    if (auto inner = outer.getInput().getDefiningOp<linalg::TransposeOp>()) {
      ArrayRef<int64_t> first = inner.getPermutation(),
                        second = outer.getPermutation();
      bool undone = first.size() == second.size();
      for (size_t i = 0; undone && i < second.size(); ++i)
        undone = first[second[i]] == int64_t(i);
      const ValueInfo &source = info.lookup(inner.getInput());
      if (undone && source.cls == ValueInfo::Weight) {
        info[outer->getResult(0)] = source;
        return true;
      }
    }
  }
  if (!folded.weightIds.empty()) {
    FoldKey fold = foldKey(op, dataOperands, captured);
    for (auto [position, id] : llvm::enumerate(folded.weightIds))
      id = foldedCopy(id, position, fold);
    for (Value result : op.getResults())
      info[result] = folded;
  } else if (computesFromIndices(&op)) {
    // An iota or a table computed from loop indices (torch.arange,
    // positional encodings, a causal mask): folded, it is a constant
    // tensor of its own.
    Value result = op.getResult(0);
    bindWeight(result, cast<ShapedType>(result.getType()), weights.size());
  }
  return true;
}

/// How many elements one execution of `op` can read from a tensor its body
/// captures: at most one per iteration (a lookup).
int64_t iterationsOf(Operation *op) {
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op))
    return saturatingProduct(linalgOp.getStaticLoopRanges());
  int64_t most = 1;
  for (Value result : op->getResults())
    if (isa<RankedTensorType>(result.getType()))
      most = std::max(most, elementsOf(result));
  return most;
}

void GraphWalker::visitCompute(Operation *op, ArrayRef<Value> dataOperands,
                               const llvm::SetVector<Value> &captured) {
  OpCost cost = costOf(op);
  if (!cost.modelled && options.remarkUnknownOps &&
      remarked.insert(op->getName().getStringRef()).second)
    emitRemark(op->getLoc())
        << "egrl: '" << op->getName()
        << "' is not modelled; it becomes a memory-only node "
           "(0 MACs, 0 vector ops)";

  // At `fused` granularity, an element-wise op joins the node that wrote its
  // latest-produced activation input (epilogue fusion).
  std::optional<unsigned> target;
  if (options.granularity == Granularity::Fused && cost.fusible) {
    for (Value operand : dataOperands) {
      const ValueInfo &vi = info.lookup(operand);
      if (vi.cls == ValueInfo::Activation && (!target || vi.node > *target))
        target = vi.node;
    }
  }
  // A chain of inserts into one tensor (torch-mlir's torch.cat,
  // tosa-to-linalg's concat) is one concatenation written in place into one
  // buffer, as a tensor.concat is one node: each insert into the result of
  // the one before, its only reader, joins that insert's node, unless the
  // slice it inserts is computed after that node (nodes read only earlier
  // nodes): then it starts a node of its own.
  auto producedBy = [&](unsigned node) {
    return llvm::all_of(dataOperands, [&](Value operand) {
      const ValueInfo &vi = info.lookup(operand);
      return vi.cls != ValueInfo::Activation || vi.node <= node;
    });
  };
  if (options.granularity == Granularity::Fused)
    if (auto insert = dyn_cast<tensor::InsertSliceOp>(op))
      if (insert.getDest().getDefiningOp<tensor::InsertSliceOp>() &&
          insert.getDest().hasOneUse())
        if (const ValueInfo &vi = info.lookup(insert.getDest());
            vi.cls == ValueInfo::Activation && producedBy(vi.node))
          target = vi.node;
  if (!target) {
    target = nodes.size();
    NodeState state;
    StringRef name = op->getName().getStringRef();
    state.node.opName = name.str();
    state.node.name = "n" + std::to_string(*target) + "_" +
                      name.substr(name.find('.') + 1).str();
    state.node.location = locationString(op->getLoc());
    state.node.kind = cost.kind;
    state.node.numOps = 0;
    nodes.push_back(std::move(state));
  }
  NodeState &state = nodes[*target];
  state.node.numOps += 1;
  state.node.macs = saturatingSum(state.node.macs, cost.macs);
  state.node.vectorOps = saturatingSum(state.node.vectorOps, cost.vectorOps);

  NodeState::WeightReader reader{op, {}};
  for (Value operand : dataOperands) {
    const ValueInfo &vi = info.lookup(operand);
    switch (vi.cls) {
    case ValueInfo::Weight:
      for (unsigned id : vi.weightIds) {
        state.weightIds.insert(id);
        // A slice of a weight exposes only its own elements.
        int64_t read = std::min(weights[id].elements, elementsOf(operand));
        if (captured.contains(operand))
          read = std::min(read, iterationsOf(op));
        // A loop nest over nothing (a batch of zero rows) reads nothing.
        if (isa<linalg::LinalgOp>(op) && iterationsOf(op) == 0)
          read = 0;
        // A gather reads one row of its table per output row.
        if (isGather(op) && operand == op->getOperand(0))
          read = std::min(read, elementsOf(op->getResult(0)));
        reader.reads.push_back(
            {id, saturatingProduct({read, weights[id].elementBytes})});
        int64_t &reads = state.weightReads[id];
        reads = std::min(weights[id].elements, saturatingSum(reads, read));
      }
      break;
    case ValueInfo::Host:
      state.hostValues.insert(vi.hostValue);
      break;
    case ValueInfo::Activation:
      if (vi.node != *target) {
        state.producers.insert(vi.node);
        nodes[vi.node].escaping.insert(vi.root);
      }
      break;
    case ValueInfo::None:
      break;
    }
  }
  for (Value result : op->getResults()) {
    if (!isa<RankedTensorType>(result.getType()))
      continue;
    ValueInfo &vi = info[result];
    vi.cls = ValueInfo::Activation;
    vi.node = *target;
    vi.root = result;
    state.lastResult = result;
    if (result.use_empty())
      state.unread.push_back(result);
  }
  if (opMap)
    opMap->nodeOf[op] = *target;
  if (!reader.reads.empty())
    state.weightReaders.push_back(std::move(reader));
}

WorkloadGraph GraphWalker::finish() {
  WorkloadGraph graph;
  graph.name = func.getSymName().str();
  graph.granularity =
      options.granularity == Granularity::Fused ? "fused" : "op";
  std::vector<int> owner(weights.size(), -1);

  // Mixed element types in one tensor group are folded into one average
  // element size (a graph stores elements and a size), a fraction where the
  // types mix, so that elements times it is their bytes. (Rounded to whole
  // bytes, 500 B of i8 and f32 in equal counts became 600 B.) A target's
  // element_bytes sizes every element alike instead.
  auto averageBytes = [](int64_t bytes, int64_t elements) {
    return elements ? double(bytes) / double(elements) : 0.0;
  };

  for (unsigned i = 0, e = nodes.size(); i < e; ++i) {
    NodeState &state = nodes[i];
    Node &node = state.node;

    int64_t weightBytes = 0;
    node.weightReadElements = 0;
    // Elements read from each owner's weights, in owner order.
    std::map<unsigned, int64_t> sharedReads;
    for (unsigned id : state.weightIds) {
      if (owner[id] < 0) {
        owner[id] = i;
        node.weightElements =
            saturatingSum(node.weightElements, weights[id].elements);
        node.weightReadElements = saturatingSum(node.weightReadElements,
                                                state.weightReads.lookup(id));
        weightBytes = saturatingSum(
            weightBytes, saturatingProduct(
                             {weights[id].elements, weights[id].elementBytes}));
      } else {
        int64_t &read = sharedReads[owner[id]];
        read = saturatingSum(read, state.weightReads.lookup(id));
      }
    }
    node.weightElementBytes = averageBytes(weightBytes, node.weightElements);
    // An op's #egrl.placement has one weights level: its own node's, when it
    // reads weights of its own (else no op would carry that node's level,
    // and a shared weight's owner has ops of its own to say it), then the
    // owner of the weight it reads most of.
    if (opMap)
      for (const NodeState::WeightReader &reader : state.weightReaders) {
        auto better = [&](const std::pair<unsigned, int64_t> &a,
                          const std::pair<unsigned, int64_t> &b) {
          bool ownA = owner[a.first] == int(i), ownB = owner[b.first] == int(i);
          return ownA != ownB ? ownA : a.second > b.second;
        };
        auto best = reader.reads.front();
        for (const auto &read : reader.reads)
          if (better(read, best))
            best = read;
        opMap->weightOwnerOf[reader.op] = unsigned(owner[best.first]);
      }
    for (auto [ownerNode, read] : sharedReads) {
      node.sharedWeights.push_back(ownerNode);
      node.sharedWeightReadElements.push_back(
          std::min(read, graph.nodes[ownerNode].weightElements));
    }

    node.producers.assign(state.producers.begin(), state.producers.end());
    llvm::sort(node.producers);

    int64_t hostBytes = 0;
    for (Value value : state.hostValues) {
      node.hostInputElements =
          saturatingSum(node.hostInputElements, elementsOf(value));
      hostBytes = saturatingSum(hostBytes, bytesOf(value));
    }
    node.hostInputElementBytes =
        averageBytes(hostBytes, node.hostInputElements);

    // The node's output: the values other nodes (or the return) read, and
    // results nothing reads (a multi-result op's unused one), which its ops
    // write all the same; a node nobody reads still writes its last result.
    for (Value value : state.unread)
      state.escaping.insert(value);
    if (state.escaping.empty() && state.lastResult)
      state.escaping.insert(state.lastResult);
    int64_t outputBytes = 0;
    for (Value value : state.escaping) {
      node.outputElements =
          saturatingSum(node.outputElements, elementsOf(value));
      outputBytes = saturatingSum(outputBytes, bytesOf(value));
    }
    node.outputElementBytes = averageBytes(outputBytes, node.outputElements);
    if (!state.escaping.empty()) {
      ArrayRef<int64_t> shape = shapeOf(state.escaping.front());
      node.outputShape.assign(shape.begin(), shape.end());
    }
    graph.nodes.push_back(std::move(node));
  }
  if (opMap)
    for (unsigned id = 0, e = weights.size(); id < e; ++id)
      if (owner[id] >= 0)
        opMap->weights.push_back(
            {weights[id].identity.getAsOpaquePointer(), weights[id].elements,
             weights[id].elementBytes, unsigned(owner[id])});
  return graph;
}

} // namespace

int64_t egrl::storedElementBytes(Type elementType) {
  return elementBytes(elementType);
}

FailureOr<WorkloadGraph> egrl::buildWorkloadGraph(func::FuncOp func,
                                                  const GraphBuildOptions &opts,
                                                  GraphOpMap *opMap) {
  FailureOr<WorkloadGraph> graph = GraphWalker(func, opts, opMap).build();
  if (failed(graph))
    return failure();
  if (llvm::Error err = graph->verify()) {
    emitError(func.getLoc()) << "egrl: " << llvm::toString(std::move(err));
    return failure();
  }
  return graph;
}

WorkloadGraphAnalysis::WorkloadGraphAnalysis(Operation *op,
                                             Granularity granularity)
    : result(failure()) {
  if (auto func = dyn_cast<func::FuncOp>(op)) {
    GraphBuildOptions options;
    options.granularity = granularity;
    result = buildWorkloadGraph(func, options, &map);
  } else {
    op->emitError("WorkloadGraphAnalysis runs on a func.func");
  }
}
