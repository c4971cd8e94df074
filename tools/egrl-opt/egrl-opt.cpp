//===- egrl-opt.cpp - mlir-opt with the egrl dialect and passes -----------===//

#include "egrl/Distributed/Mpi.h"
#include "egrl/Support/Output.h"
#include "egrl/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

/// Whether `-o` was given on the command line (MlirOptMain registers it).
static bool outputGiven() {
  auto &options = llvm::cl::getRegisteredOptions();
  auto it = options.find("o");
  return it != options.end() && it->second->getNumOccurrences() > 0;
}

static int optMain(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerAllPasses();
  registry.insert<egrl::EGRLDialect>();
  egrl::registerEGRLPasses();
  auto [inputFilename, outputFilename] = mlir::registerAndParseCLIOptions(
      argc, argv,
      "egrl optimizer driver: memory placement for inference graphs\n",
      registry);

  // Passes that may write to stdout: the graph, report=- and trace=- (in
  // any quoting of pass options: report="-", report={-}).
  // A crash reproducer names its pipeline in the file, not here.
  bool mayWriteStdout = false;
  for (int i = 1; i < argc; ++i)
    for (const char *writer :
         {"egrl-print-graph", "report=", "trace=", "run-reproducer"})
      mayWriteStdout |= std::strstr(argv[i], writer) != nullptr;
  // `-o -` puts the IR on stdout: a report=- or trace=- would make a second
  // document there, which the pass refuses before it searches.
  if (mayWriteStdout && outputGiven() && outputFilename == "-")
    egrl::noteIRGoesToStdout();
  if (!mayWriteStdout || outputGiven())
    return mlir::asMainReturnCode(mlir::MlirOptMain(
        argc, argv, inputFilename, outputFilename, registry));

  // A pass may write to stdout: the IR goes there only if nothing else
  // did, so `> g.json` holds one document. It is held in memory until the
  // passes have run; when one fails, what the others produced (the chunks
  // of -split-input-file that passed) is still printed, as mlir-opt does.
  llvm::InitLLVM initLLVM(argc, argv);
  mlir::MlirOptMainConfig config =
      mlir::MlirOptMainConfig::createFromCLOptions();
  std::string errorMessage;
  std::unique_ptr<llvm::MemoryBuffer> input =
      mlir::openInputFile(inputFilename, &errorMessage);
  if (!input) {
    llvm::errs() << errorMessage << "\n";
    return 1;
  }
  std::string ir;
  llvm::raw_string_ostream irStream(ir);
  const bool failed = mlir::failed(
      mlir::MlirOptMain(irStream, std::move(input), registry, config));
  irStream.flush();
  if (std::string what = egrl::stdoutWrite(); !what.empty()) {
    if (!failed)
      llvm::errs() << "egrl-opt: " << what
                   << " went to stdout, so the IR is not printed there; -o "
                      "FILE writes it\n";
    return failed ? 1 : 0;
  }
  llvm::outs() << ir;
  return failed ? 1 : 0;
}

// Under mpirun, rank 0 runs the tool and the other ranks measure for it.
int main(int argc, char **argv) {
  return egrl::mpi::runTool(argc, argv, optMain);
}
