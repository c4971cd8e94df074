//===- OpCost.cpp - What one MLIR op computes and moves -------------------===//
//
// The graph builder's per-op rules: an op's multiply-accumulates and vector
// work, its kind, whether it may join its producer's node, and which ops move
// no data (views, buffer initialisations). Linalg ops are read through their
// interfaces and bodies (a fused generic contraction keeps its MACs), TOSA
// ops by name. The rules are documented in docs/graph.md.
//
//===----------------------------------------------------------------------===//

#include "OpCost.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MathExtras.h"

#include <limits>
#include <optional>

using namespace mlir;

namespace egrl::detail {

int64_t elementBytes(Type elementType) {
  if (elementType.isIndex())
    return 8;
  if (auto complex = dyn_cast<ComplexType>(elementType))
    return 2 * elementBytes(complex.getElementType());
  // A tensor of vectors: each element is the whole vector.
  if (auto vector = dyn_cast<VectorType>(elementType))
    return saturatingProduct({saturatingProduct(vector.getShape()),
                              elementBytes(vector.getElementType())});
  // Whole bytes, as stored: a power of two past a byte (i24 and tf32 take
  // four, as LLVM lays them out).
  auto storedBytes = [](unsigned bits) {
    return int64_t(llvm::PowerOf2Ceil((bits + 7) / 8));
  };
  if (elementType.isIntOrFloat())
    return storedBytes(elementType.getIntOrFloatBitWidth());
  // TOSA's quantized tensors (!quant.uniform<i8:f32, ...>) hold their
  // storage type.
  if (auto quantized = dyn_cast<quant::QuantizedType>(elementType))
    return storedBytes(quantized.getStorageTypeIntegralWidth());
  return 4;
}

bool elementBytesGuessed(Type elementType) {
  if (auto complex = dyn_cast<ComplexType>(elementType))
    return elementBytesGuessed(complex.getElementType());
  if (auto vector = dyn_cast<VectorType>(elementType))
    return elementBytesGuessed(vector.getElementType());
  return !elementType.isIndex() && !elementType.isIntOrFloat() &&
         !isa<quant::QuantizedType>(elementType);
}

/// Views and padding: no data is computed, the result aliases its source.
/// Padding is absorbed by the consumer, as a compiler folds it into the
/// consumer's address generation (the builder materialises a pad only when
/// the function returns it: no consumer absorbs it then).
bool isViewLike(Operation *op) {
  static const llvm::StringSet<> names = {"tensor.expand_shape",
                                          "tensor.collapse_shape",
                                          "tensor.cast",
                                          "tensor.reshape",
                                          "tensor.bitcast",
                                          "arith.bitcast",
                                          "tensor.pad",
                                          "tensor.extract_slice",
                                          "tosa.reshape",
                                          "tosa.pad",
                                          "tosa.slice",
                                          "tosa.identity",
                                          "bufferization.to_tensor"};
  return names.contains(op->getName().getStringRef());
}

bool isPad(Operation *op) {
  StringRef name = op->getName().getStringRef();
  return name == "tensor.pad" || name == "tosa.pad";
}

bool isBufferInit(Operation *op) {
  StringRef name = op->getName().getStringRef();
  return name == "tensor.empty" || name == "bufferization.alloc_tensor";
}

/// TOSA element-wise ops (TOSA has no Elementwise trait).
static bool isTosaElementwise(StringRef name) {
  static const llvm::StringSet<> names = {"tosa.abs",
                                          "tosa.add",
                                          "tosa.arithmetic_right_shift",
                                          "tosa.bitwise_and",
                                          "tosa.bitwise_not",
                                          "tosa.bitwise_or",
                                          "tosa.bitwise_xor",
                                          "tosa.cast",
                                          "tosa.ceil",
                                          "tosa.clamp",
                                          "tosa.clz",
                                          "tosa.cos",
                                          "tosa.equal",
                                          "tosa.erf",
                                          "tosa.exp",
                                          "tosa.floor",
                                          "tosa.greater",
                                          "tosa.greater_equal",
                                          "tosa.intdiv",
                                          "tosa.log",
                                          "tosa.logical_and",
                                          "tosa.logical_left_shift",
                                          "tosa.logical_not",
                                          "tosa.logical_or",
                                          "tosa.logical_right_shift",
                                          "tosa.logical_xor",
                                          "tosa.maximum",
                                          "tosa.minimum",
                                          "tosa.mul",
                                          "tosa.negate",
                                          "tosa.pow",
                                          "tosa.reciprocal",
                                          "tosa.rescale",
                                          "tosa.rsqrt",
                                          "tosa.select",
                                          "tosa.sigmoid",
                                          "tosa.sin",
                                          "tosa.sub",
                                          "tosa.table",
                                          "tosa.tanh",
                                          "tosa.apply_scale"};
  return names.contains(name);
}

/// Saturates instead of overflowing; WorkloadGraph::verify() rejects
/// absurd sizes with a diagnostic.
int64_t saturatingProduct(ArrayRef<int64_t> values) {
  int64_t result = 1;
  for (int64_t value : values)
    if (__builtin_mul_overflow(result, value, &result))
      return std::numeric_limits<int64_t>::max();
  return result;
}

ArrayRef<int64_t> shapeOf(Value value) {
  return cast<ShapedType>(value.getType()).getShape();
}

/// Saturating, like saturatingProduct().
int64_t saturatingSum(int64_t a, int64_t b) {
  int64_t result;
  return __builtin_add_overflow(a, b, &result)
             ? std::numeric_limits<int64_t>::max()
             : result;
}

int64_t elementsOf(Value value) { return saturatingProduct(shapeOf(value)); }

int64_t bytesOf(Value value) {
  return saturatingProduct(
      {elementsOf(value), elementBytes(getElementTypeOrSelf(value.getType()))});
}

/// Ops whose operand 0 is a table they gather rows from.
bool isGather(Operation *op) {
  StringRef name = op->getName().getStringRef();
  return name == "tosa.gather" || name == "tensor.gather";
}

/// The inputs feeding each factor of the product the body accumulates
/// (yields `acc + x * y`, `acc` the output's block argument, casts allowed
/// around the product), or nothing.
static std::optional<std::pair<llvm::SmallBitVector, llvm::SmallBitVector>>
accumulatedFactors(linalg::LinalgOp op) {
  if (op.getNumReductionLoops() == 0 || op.getNumDpsInits() != 1)
    return std::nullopt;
  Operation *yield = op.getBlock()->getTerminator();
  if (yield->getNumOperands() != 1)
    return std::nullopt;
  Operation *add = yield->getOperand(0).getDefiningOp();
  auto named = [](Operation *inner, StringRef a, StringRef b) {
    return inner && (inner->getName().getStringRef() == a ||
                     inner->getName().getStringRef() == b);
  };
  if (!named(add, "arith.addf", "arith.addi"))
    return std::nullopt;
  Value acc = op.getMatchingBlockArgument(op.getDpsInitOperand(0));
  Value product;
  if (add->getOperand(0) == acc)
    product = add->getOperand(1);
  else if (add->getOperand(1) == acc)
    product = add->getOperand(0);
  else
    return std::nullopt;
  Operation *mul = product.getDefiningOp();
  while (mul && mul->getNumOperands() == 1 && isa<CastOpInterface>(mul))
    mul = mul->getOperand(0).getDefiningOp();
  if (!named(mul, "arith.mulf", "arith.muli"))
    return std::nullopt;
  auto inputsFeeding = [&](Value value) {
    llvm::SmallBitVector inputs(op.getNumDpsInputs());
    SmallVector<Value> work{value};
    while (!work.empty()) {
      Value next = work.pop_back_val();
      if (auto arg = dyn_cast<BlockArgument>(next)) {
        if (arg.getOwner() == op.getBlock() &&
            arg.getArgNumber() < op.getNumDpsInputs())
          inputs.set(arg.getArgNumber());
      } else if (Operation *def = next.getDefiningOp();
                 def && def->getBlock() == op.getBlock()) {
        llvm::append_range(work, def->getOperands());
      }
    }
    return inputs;
  };
  return std::make_pair(inputsFeeding(mul->getOperand(0)),
                        inputsFeeding(mul->getOperand(1)));
}

/// What the body accumulates: nothing to speak of, the product of two
/// different inputs (whatever else it computes on the way: linalg's
/// elementwise fusion moves a dequantisation or a producer's activation into
/// a matmul's or a convolution's body, which hides it from the contraction
/// and convolution matchers; it still runs on the MAC array), or a square,
/// both factors reading the same elements (the same input, or one tensor
/// passed twice with the same indexing map): a variance's (x - mean)^2 is a
/// reduction on the vector units, not work for the MAC array.
enum class Accumulates { Other, Products, Squares };

static Accumulates accumulatedProduct(linalg::LinalgOp op) {
  auto factors = accumulatedFactors(op);
  if (!factors || factors->first.none())
    return Accumulates::Other;
  auto reads = [&](const llvm::SmallBitVector &inputs) {
    llvm::SmallVector<std::pair<const void *, const void *>> out;
    for (unsigned i : inputs.set_bits()) {
      OpOperand *operand = op.getDpsInputOperand(i);
      out.push_back({operand->get().getAsOpaquePointer(),
                     op.getMatchingIndexingMap(operand).getAsOpaquePointer()});
    }
    llvm::sort(out);
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  };
  if (reads(factors->first) == reads(factors->second))
    return Accumulates::Squares;
  return factors->second.any() ? Accumulates::Products : Accumulates::Other;
}

/// The kind of a multiply-accumulate the matchers did not name: a window
/// (an input indexed by a sum of loops) makes a convolution, depthwise when
/// no reduction loop indexes that input on its own (no sum over channels).
static NodeKind multiplyAccumulateKind(linalg::LinalgOp op) {
  bool window = false;
  bool reducesChannels = false;
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  for (OpOperand *input : op.getDpsInputOperands()) {
    bool windowed = false;
    bool reducedAlone = false;
    for (AffineExpr expr : op.getMatchingIndexingMap(input).getResults()) {
      if (auto dim = dyn_cast<AffineDimExpr>(expr))
        reducedAlone |=
            iterators[dim.getPosition()] == utils::IteratorType::reduction;
      else if (!isa<AffineConstantExpr>(expr))
        windowed = true;
    }
    window |= windowed;
    reducesChannels |= windowed && reducedAlone;
  }
  if (window)
    return reducesChannels ? NodeKind::Conv : NodeKind::DepthwiseConv;
  return op.getNumParallelLoops() > 2 ? NodeKind::BatchMatmul
                                      : NodeKind::Matmul;
}

/// Whether a contraction has batch dimensions (loops all three operands
/// share): a tiled matmul on packed operands (mmt4d) has more parallel loops
/// than a matmul, but no batch.
static bool hasBatchDims(linalg::LinalgOp op) {
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims))
    return op.getNumParallelLoops() > 2;
  return !dims->batch.empty();
}

static OpCost linalgCost(linalg::LinalgOp op) {
  OpCost cost;
  StringRef name = op->getName().getStringRef();
  int64_t iterations = saturatingProduct(op.getStaticLoopRanges());
  unsigned bodyOps = 0;
  bool hasMul = false;
  for (Operation &inner : op.getBlock()->without_terminator()) {
    ++bodyOps;
    StringRef innerName = inner.getName().getStringRef();
    hasMul |= innerName == "arith.mulf" || innerName == "arith.muli";
  }
  bool convolution = linalg::isaConvolutionOpInterface(op);
  // The zero-point subtractions in a quantized matmul's body hide it from
  // the contraction matcher; it is a matmul all the same.
  bool contraction = linalg::isaContractionOpInterface(op) ||
                     name == "linalg.quantized_matmul" ||
                     name == "linalg.quantized_batch_matmul";
  const Accumulates accumulates = accumulatedProduct(op);
  if ((contraction || (convolution && hasMul)) &&
      accumulates != Accumulates::Squares) {
    cost.macs = iterations;
    if (name.contains("depthwise"))
      cost.kind = NodeKind::DepthwiseConv;
    else if (convolution && isa<linalg::GenericOp>(op.getOperation()))
      cost.kind = multiplyAccumulateKind(op); // No name to tell depthwise.
    else if (convolution)
      cost.kind = NodeKind::Conv;
    else if (name.contains("batch") || hasBatchDims(op))
      cost.kind = NodeKind::BatchMatmul;
    else
      cost.kind = NodeKind::Matmul;
    return cost;
  }
  if (accumulates == Accumulates::Products) {
    // The other body ops ride along with the MACs, as the zero-point
    // subtractions of a quantized matmul do.
    cost.macs = iterations;
    cost.kind = multiplyAccumulateKind(op);
    return cost;
  }
  cost.vectorOps =
      saturatingProduct({iterations, int64_t(std::max(1u, bodyOps))});
  if (convolution || name.contains("pooling")) {
    cost.kind = NodeKind::Pool;
  } else if (op.getNumReductionLoops() > 0) {
    cost.kind = NodeKind::Reduction;
  } else {
    // All-parallel: element-wise, or pure data movement (transpose,
    // broadcast, copy) when the body only yields.
    cost.fusible = true;
    cost.kind = bodyOps == 0 ? NodeKind::DataMovement : NodeKind::Elementwise;
    if (bodyOps == 0)
      cost.vectorOps = 0;
  }
  return cost;
}

static OpCost tosaCost(Operation *op) {
  OpCost cost;
  StringRef name = op->getName().getStringRef();
  Value result = op->getResult(0);
  int64_t outElems = elementsOf(result);
  auto operandShape = [&](unsigned i) { return shapeOf(op->getOperand(i)); };
  if (name == "tosa.conv2d" || name == "tosa.conv3d") {
    // weight [OC, KH, KW, (KD,) IC]: each output element takes KH*KW*IC MACs.
    ArrayRef<int64_t> w = operandShape(1);
    cost.macs =
        saturatingProduct({outElems, saturatingProduct(w.drop_front())});
    cost.kind = NodeKind::Conv;
  } else if (name == "tosa.depthwise_conv2d") {
    ArrayRef<int64_t> w = operandShape(1); // [KH, KW, C, M]
    cost.macs = saturatingProduct({outElems, w[0], w[1]});
    cost.kind = NodeKind::DepthwiseConv;
  } else if (name == "tosa.transpose_conv2d") {
    ArrayRef<int64_t> w = operandShape(1); // [OC, KH, KW, IC]
    cost.macs =
        saturatingProduct({elementsOf(op->getOperand(0)), w[0], w[1], w[2]});
    cost.kind = NodeKind::Conv;
  } else if (name == "tosa.matmul") {
    ArrayRef<int64_t> a = operandShape(0); // [N, H, C]
    cost.macs = saturatingProduct({outElems, a[2]});
    cost.kind = NodeKind::BatchMatmul;
  } else if (name == "tosa.avg_pool2d" || name == "tosa.max_pool2d") {
    auto kernel = op->getAttrOfType<DenseI64ArrayAttr>("kernel");
    cost.vectorOps = saturatingProduct(
        {outElems, kernel ? saturatingProduct(kernel.asArrayRef()) : 1});
    cost.kind = NodeKind::Pool;
  } else if (name.starts_with("tosa.reduce_") || name == "tosa.argmax") {
    cost.vectorOps = elementsOf(op->getOperand(0));
    cost.kind = NodeKind::Reduction;
  } else if (isTosaElementwise(name)) {
    cost.vectorOps = outElems;
    cost.kind = NodeKind::Elementwise;
    cost.fusible = true;
  } else if (name == "tosa.transpose" || name == "tosa.tile" ||
             name == "tosa.reverse" || name == "tosa.pad") {
    cost.kind = NodeKind::DataMovement;
    cost.fusible = true;
  } else if (name == "tosa.concat" || name == "tosa.gather" ||
             name == "tosa.scatter" || name == "tosa.resize") {
    cost.kind = NodeKind::DataMovement;
  } else {
    cost.modelled = false;
  }
  return cost;
}

OpCost costOf(Operation *op) {
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op))
    return linalgCost(linalgOp);
  if (op->getDialect() && op->getDialect()->getNamespace() == "tosa")
    return tosaCost(op);
  OpCost cost;
  if (op->hasTrait<OpTrait::Elementwise>() && op->getNumResults() == 1) {
    cost.vectorOps = elementsOf(op->getResult(0));
    cost.kind = NodeKind::Elementwise;
    cost.fusible = true;
    return cost;
  }
  StringRef name = op->getName().getStringRef();
  if (name == "linalg.softmax") {
    // IREE's softmax: max, subtract, exp, sum and divide per element.
    cost.vectorOps = saturatingProduct({5, elementsOf(op->getResult(0))});
    cost.kind = NodeKind::Reduction;
    return cost;
  }
  if (name == "tensor.concat" || name == "tensor.insert_slice" ||
      name == "tensor.gather" || name == "tensor.scatter") {
    cost.kind = NodeKind::DataMovement;
    return cost;
  }
  // One element per iteration of its straight-line body (the builder
  // refuses loops and calls in it): what the body computes, beside reading
  // elements and computing and checking their indices, which a gather or a
  // reverse does.
  if (auto generate = dyn_cast<tensor::GenerateOp>(op)) {
    auto isIndex = [](Type type) { return type.isIndex(); };
    int64_t computing = 0;
    for (Operation &inner : generate.getBody().front().without_terminator())
      if (!isa<tensor::ExtractOp, arith::ConstantOp>(inner) &&
          llvm::none_of(inner.getResultTypes(), isIndex) &&
          !llvm::all_of(inner.getOperandTypes(), isIndex))
        ++computing;
    cost.vectorOps =
        saturatingProduct({elementsOf(generate.getResult()), computing});
    cost.kind = computing == 0 ? NodeKind::DataMovement : NodeKind::Elementwise;
    return cost;
  }
  // A tensor of run-time scalars: written like a linalg.fill.
  if (name == "tensor.splat" || name == "tensor.from_elements") {
    cost.kind = NodeKind::DataMovement;
    cost.fusible = true;
    return cost;
  }
  // Relayouts of one tensor, which move its data and compute nothing, as a
  // transpose does: a pack (tiled, padded to whole tiles) or an unpack, and a
  // pad the builder materialises (one the function returns).
  if (isa<linalg::PackOp, linalg::UnPackOp>(op) || name == "tensor.pad") {
    cost.kind = NodeKind::DataMovement;
    cost.fusible = true;
    return cost;
  }
  cost.modelled = false;
  return cost;
}

} // namespace egrl::detail
