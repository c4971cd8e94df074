//===- FuzzMain.cpp - Replay saved fuzzer inputs without libFuzzer --------===//
//
// The normal build links each harness with this main, so ctest replays the
// inputs in fuzz/regressions/ on every run (LLVM's runFuzzerOnInputs reads
// each file named on the command line and hands it to the harness).
//
//===----------------------------------------------------------------------===//

#include "llvm/FuzzMutate/FuzzerCLI.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv) {
  return llvm::runFuzzerOnInputs(argc, argv, LLVMFuzzerTestOneInput);
}
