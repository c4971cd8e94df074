//===- egrl-opt.cpp - mlir-opt with the egrl dialect and passes -----------===//

#include "egrl/Distributed/Mpi.h"
#include "egrl/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

static int optMain(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerAllPasses();
  registry.insert<egrl::EGRLDialect>();
  egrl::registerEGRLPasses();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "egrl optimizer driver: memory placement for inference "
                  "graphs\n",
      registry));
}

// Under mpirun, rank 0 runs the tool and the other ranks measure for it.
int main(int argc, char **argv) {
  return egrl::mpi::runTool(argc, argv, optMain);
}
