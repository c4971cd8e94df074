//===- SyntheticGraph.h - Seeded random workload graphs -------------------===//
//
// Random DAGs in program order (a chain with skip connections and now and
// then a shared weight) with tensor sizes from a kilobyte to a few
// megabytes, for unit tests and benchmarks that need many graphs of a given
// size without MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_GRAPH_SYNTHETICGRAPH_H
#define EGRL_GRAPH_SYNTHETICGRAPH_H

#include "egrl/Graph/WorkloadGraph.h"

namespace egrl {

/// Same (numNodes, seed), same graph, on every platform.
WorkloadGraph makeSyntheticGraph(unsigned numNodes, uint64_t seed);

} // namespace egrl

#endif // EGRL_GRAPH_SYNTHETICGRAPH_H
