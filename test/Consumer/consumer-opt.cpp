//===- consumer-opt.cpp - An mlir-opt of its own with the egrl passes -----===//
//
// What a downstream compiler does to use egrl: register the dialect and the
// passes next to its own, then run --egrl-memory-placement on its models.
// It registers only the dialects the bundled models use, so it builds fast.
//
//===----------------------------------------------------------------------===//

#include "egrl/Target/Target.h"
#include "egrl/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

int main(int argc, char **argv) {
  // `consumer-opt --list-targets`: the bundled targets the installed
  // libEGRLCore finds next to itself.
  if (argc == 2 && std::strcmp(argv[1], "--list-targets") == 0) {
    llvm::outs() << llvm::join(egrl::bundledTargetNames(), " ") << "\n";
    return 0;
  }
  mlir::DialectRegistry registry;
  registry.insert<mlir::arith::ArithDialect, mlir::func::FuncDialect,
                  mlir::linalg::LinalgDialect, mlir::math::MathDialect,
                  mlir::tensor::TensorDialect, egrl::EGRLDialect>();
  egrl::registerEGRLPasses();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "egrl consumer: a downstream driver\n", registry));
}
