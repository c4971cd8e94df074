//===- BufferProvenance.h - Where buffers get their data ------------------===//
//
// After bufferization, --egrl-apply-memory-spaces follows each buffer back
// to where its data comes from: the ops that write a buffer (an alloc, an
// alloca, a global), the buffer at the root of a view, the storage behind a
// weight a placed op reads (a global, or buffers that ops with no placement
// fill from constants only), the compute ops that read a buffer, the record
// of the placement around an op, and the global behind a get_global.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_LIB_TRANSFORMS_BUFFERPROVENANCE_H
#define EGRL_LIB_TRANSFORMS_BUFFERPROVENANCE_H

#include "egrl/Dialect/EGRL/IR/EGRLDialect.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

namespace egrl {

/// The value at the root of `value`'s views (a buffer, or an argument).
mlir::Value viewRoot(mlir::Value value);

/// The op that created the storage behind `value`, looking through views.
mlir::Operation *storageOf(mlir::Value value);

using BufferWriters =
    llvm::DenseMap<mlir::Operation *, llvm::SmallVector<mlir::Operation *>>;

/// For every buffer (alloc, alloca, global), the ops that write into it,
/// directly or through views: copies (their target) and destination-style
/// ops (their inits).
BufferWriters writersOfBuffers(mlir::ModuleOp module);

/// Storage holding the weight read through `value`, first: the global
/// itself, or a buffer compiler-folded ops (a transpose of a constant, which
/// carries no placement) filled from globals; then those globals, however
/// long the chain (Swin V2's position-bias MLP runs on a constant table:
/// a chain cut at five ops left its first weights in the default space).
/// A global the program changes (a KV cache) is state that flows in at run
/// time, as the graph has it, not a weight; so is what an op with no
/// placement computes from an activation (fromConstantsOnly).
void collectWeightStorage(mlir::Value value, const BufferWriters &writers,
                          llvm::DenseMap<mlir::Operation *, bool> &memo,
                          llvm::SmallVectorImpl<mlir::Operation *> &out);

/// The destination-style ops that read `buffer`, through views, as an input
/// or from their body (a lookup's table).
llvm::SmallVector<mlir::Operation *> computeOpsReading(mlir::Value buffer);

/// Calls `visit` with every buffer allocation in `root`: a heap one, or a
/// stack one (--promote-buffers-to-stack run before this pass).
void walkAllocations(mlir::Operation *root,
                     llvm::function_ref<void(mlir::Operation *)> visit);

/// The memory space of an allocation's buffer.
mlir::Attribute memorySpaceOf(mlir::Operation *alloc);

/// The one memref.copy that writes into `alloc` (or into a subview of it),
/// or null: tensor.pad bufferizes to an alloc filled with the padding value
/// and one copy of its source into the interior.
mlir::memref::CopyOp onlyCopyInto(mlir::Operation *alloc);

/// The record of the nearest module around `op` (or `op` itself) that has
/// one: a nested module placed on its own has its own.
RecordAttr recordOf(mlir::Operation *op);

/// The slowest level of the placement around `op` (its record's last), where
/// graph inputs and what the graph does not count live; null without one.
mlir::StringAttr slowestLevelOf(mlir::Operation *op);

/// The global a storage op loads, if it is a get_global.
mlir::memref::GlobalOp globalOf(mlir::Operation *storage,
                                mlir::SymbolTableCollection &symbols);

/// Whether `get` loads a splat constant, which the graph counts as free
/// (a compiler folds or broadcasts it) and so as no weight.
bool isSplatGlobal(mlir::Operation *get, mlir::SymbolTableCollection &symbols);

} // namespace egrl

#endif // EGRL_LIB_TRANSFORMS_BUFFERPROVENANCE_H
