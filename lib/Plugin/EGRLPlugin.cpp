//===- EGRLPlugin.cpp - egrl as a plugin for upstream mlir-opt ------------===//
//
// mlir-opt --load-dialect-plugin=libEGRLPlugin.so \
//          --load-pass-plugin=libEGRLPlugin.so --egrl-memory-placement ...
// The dialect entry point lets mlir-opt parse #egrl attributes in its input.
//
//===----------------------------------------------------------------------===//

#include "egrl/Transforms/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/Compiler.h"

extern "C" LLVM_ATTRIBUTE_WEAK mlir::PassPluginLibraryInfo
mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "EGRLPasses", LLVM_VERSION_STRING, []() {
            // A driver that links egrl (egrl-opt, or one that embeds it)
            // has the passes already: MLIR aborts when a pass name is
            // registered again with the plugin's copy of the class.
            if (!mlir::PassInfo::lookup("egrl-memory-placement"))
              egrl::registerEGRLPasses();
          }};
}

extern "C" LLVM_ATTRIBUTE_WEAK mlir::DialectPluginLibraryInfo
mlirGetDialectPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "EGRL", LLVM_VERSION_STRING,
          [](mlir::DialectRegistry *registry) {
            // Likewise the dialect, registered by the driver itself.
            if (!registry->getDialectAllocator(
                    egrl::EGRLDialect::getDialectNamespace()))
              registry->insert<egrl::EGRLDialect>();
          }};
}
