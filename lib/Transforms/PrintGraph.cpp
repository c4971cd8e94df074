//===- PrintGraph.cpp - The --egrl-print-graph pass -----------------------===//

#include "PassOutputs.h"
#include "RepeatedOptions.h"

#include "egrl/Analysis/GraphBuilder.h"
#include "egrl/Search/Report.h"
#include "egrl/Support/OptionHint.h"
#include "egrl/Support/Output.h"
#include "egrl/Transforms/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

namespace egrl {
#define GEN_PASS_DEF_EGRLPRINTGRAPH
#include "egrl/Transforms/Passes.h.inc"
} // namespace egrl

using namespace mlir;
using namespace egrl;

namespace {

void printGraph(const WorkloadGraph &graph, int64_t elementBytes,
                llvm::raw_ostream &os) {
  auto bytes = [&](int64_t elements, double irBytes) {
    return elementBytes > 0 ? elements * elementBytes
                            : bytesOfElements(elements, irBytes);
  };
  std::vector<unsigned> lastUse = graph.computeLastUse();
  int64_t macs = 0, weights = 0;
  // Activation bytes live at each step (producer to last consumer).
  std::vector<int64_t> live(graph.size() + 1, 0);
  for (unsigned i = 0; i < graph.size(); ++i) {
    const Node &node = graph.nodes[i];
    macs += node.macs;
    weights += bytes(node.weightElements, node.weightElementBytes);
    int64_t out = bytes(node.outputElements, node.outputElementBytes);
    for (unsigned t = i; t <= lastUse[i]; ++t)
      live[t] += out;
  }
  int64_t peakLive = *std::max_element(live.begin(), live.end());
  os << "egrl graph @" << graph.name << ": " << graph.size() << " nodes ("
     << graph.granularity << "), " << macs << " MACs, weights " << weights
     << " B (" << formatBytes(weights) << "), peak live activations "
     << peakLive << " B (" << formatBytes(peakLive) << ")\n";
  for (unsigned i = 0; i < graph.size(); ++i) {
    const Node &node = graph.nodes[i];
    os << "  #" << i << " " << node.name
       << " kind=" << stringifyNodeKind(node.kind) << " ops=" << node.numOps
       << " macs=" << node.macs << " vops=" << node.vectorOps
       << " weights=" << bytes(node.weightElements, node.weightElementBytes);
    if (node.weightElementsRead() != node.weightElements)
      os << " (reads "
         << bytes(node.weightElementsRead(), node.weightElementBytes) << ")";
    os << " out=" << bytes(node.outputElements, node.outputElementBytes)
       << " host_in="
       << bytes(node.hostInputElements, node.hostInputElementBytes) << " in=[";
    llvm::interleaveComma(node.producers, os);
    os << "]";
    if (!node.sharedWeights.empty()) {
      os << " shared_weights=[";
      llvm::interleaveComma(node.sharedWeights, os);
      os << "]";
      bool partial = false;
      for (size_t k = 0; k < node.sharedWeightReadElements.size(); ++k)
        partial |= node.sharedWeightReadElements[k] !=
                   graph.nodes[node.sharedWeights[k]].weightElements;
      if (partial) {
        os << " (reads ";
        llvm::interleaveComma(
            llvm::seq<size_t>(0, node.sharedWeights.size()), os, [&](size_t k) {
              const Node &owner = graph.nodes[node.sharedWeights[k]];
              os << bytes(node.sharedWeightReadElements[k],
                          owner.weightElementBytes);
            });
        os << ")";
      }
    }
    os << " last_use=" << lastUse[i];
    if (node.isGraphOutput)
      os << " graph_output";
    os << "\n";
  }
}

struct PrintGraphPass : public NotesRepeatedOptions<
                            egrl::impl::EGRLPrintGraphBase<PrintGraphPass>> {
  using NotesRepeatedOptions::NotesRepeatedOptions;

  const llvm::cl::Option &anyOption() const override { return granularity; }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    // Errors about the options have no location (MemoryPlacement.cpp).
    Location noLoc = UnknownLoc::get(&getContext());
    if (refusedRepeatedOptions())
      return;
    auto kind = parseGranularity(granularity);
    if (!kind) {
      emitError(noLoc) << "egrl-print-graph: unknown granularity '"
                       << granularity << "' (expected 'fused' or 'op')"
                       << commaJoinedOptionsHint(granularity);
      return signalPassFailure();
    }
    // Graph JSON bounds an element at 64 bytes (WorkloadGraph::verify):
    // a larger one would print a graph no tool reads back.
    if (elementBytes < 0 || elementBytes > 64) {
      emitError(noLoc)
          << "egrl-print-graph: element-bytes must be between 0 and 64, not "
          << std::to_string(elementBytes);
      return signalPassFailure();
    }
    SmallVector<func::FuncOp> funcs;
    for (auto func : module.getOps<func::FuncOp>())
      if (!func.isExternal() &&
          (function.empty() || func.getSymName() == function))
        funcs.push_back(func);
    if (!function.empty() && funcs.empty()) {
      auto declared = module.lookupSymbol<func::FuncOp>(function);
      emitError(noLoc) << "egrl-print-graph: function=" << function << ": "
                       << (declared
                               ? "@" + function +
                                     " is a declaration: it has no body "
                                     "to print"
                               : "the module has no function @" + function);
      return signalPassFailure();
    }
    if (funcs.empty()) {
      emitError(module.getLoc()) << "egrl-print-graph: the module has no "
                                    "func.func with a body to print";
      return signalPassFailure();
    }
    if (json && funcs.size() > 1) {
      // The functions are the module's: said at the module.
      emitError(module.getLoc())
          << "egrl-print-graph: json=true prints one graph "
             "but the module has "
          << funcs.size() << " functions; choose one with "
          << "function=NAME";
      return signalPassFailure();
    }
    // Printed whole, then written through a temporary file renamed into
    // place, so a failure or a concurrent run never leaves half a file.
    std::string text;
    llvm::raw_string_ostream os(text);
    for (func::FuncOp func : funcs) {
      // Cached: a placement pass later in the pipeline reuses the graph.
      const WorkloadGraph *graph =
          *kind == Granularity::Fused
              ? getChildAnalysis<FusedWorkloadGraph>(func).graph()
              : getChildAnalysis<OpWorkloadGraph>(func).graph();
      if (!graph)
        return signalPassFailure();
      if (json) {
        WorkloadGraph copy = *graph;
        if (elementBytes > 0)
          for (Node &node : copy.nodes)
            node.weightElementBytes = node.outputElementBytes =
                node.hostInputElementBytes = elementBytes;
        os << copy.toJSON() << "\n";
      } else {
        printGraph(*graph, elementBytes, os);
      }
    }
    if (std::string clash = passOutputClash(output, module); !clash.empty()) {
      emitError(noLoc) << "egrl-print-graph: cannot write '" << output
                       << "': " << clash;
      return signalPassFailure();
    }
    if (output == "-")
      // The JSON graph is one document, alone on stdout; the text graph of
      // several modules may follow itself, and the IR (-o -).
      if (std::string holder = claimStdout("graph", /*once=*/json);
          !holder.empty()) {
        emitError(noLoc) << "egrl-print-graph: stdout already holds "
                         << holder << "; give the graph a file (output=FILE)";
        return signalPassFailure();
      }
    if (llvm::Error err = writeWholeFile(output, text)) {
      emitError(noLoc) << "egrl-print-graph: cannot write '" << output
                       << "': " << llvm::toString(std::move(err));
      return signalPassFailure();
    }
    markAllAnalysesPreserved();
  }
};
} // namespace
