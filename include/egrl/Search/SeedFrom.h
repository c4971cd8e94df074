//===- SeedFrom.h - What a search may start from --------------------------===//
//
// The seed-from= option's values: one list for the pass, the tools and the
// egrl.record verifier, which reads them back from placed IR. Header-only,
// so the dialect needs no search library.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_SEARCH_SEEDFROM_H
#define EGRL_SEARCH_SEEDFROM_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/ErrorHandling.h"

#include <optional>

namespace egrl {

/// What a search may start from, so that model-free and model-seeded runs
/// are one option apart (docs/strategies.md, "Seeding").
enum class SeedFrom {
  None,   ///< Nothing chosen for it: a model-free search.
  Native, ///< The native placement (the vendor compiler's, not the model's).
  Model,  ///< The model-based placements: native, greedy, ilp and dp.
  /// Those and portfolio's: greedy on the model with each rate halved and
  /// doubled (portfolioPlans()).
  Portfolio,
};

inline llvm::StringRef seedFromName(SeedFrom from) {
  switch (from) {
  case SeedFrom::None:
    return "none";
  case SeedFrom::Native:
    return "native";
  case SeedFrom::Model:
    return "model";
  case SeedFrom::Portfolio:
    return "portfolio";
  }
  llvm_unreachable("unknown SeedFrom");
}

inline std::optional<SeedFrom> parseSeedFrom(llvm::StringRef name) {
  for (SeedFrom from : {SeedFrom::None, SeedFrom::Native, SeedFrom::Model,
                        SeedFrom::Portfolio})
    if (name == seedFromName(from))
      return from;
  return std::nullopt;
}

/// Whether seeds of `from` are planned on the compiler's model (greedy and
/// ilp, ilp within the time limit): model and portfolio.
inline bool plansModelSeeds(SeedFrom from) {
  return from == SeedFrom::Model || from == SeedFrom::Portfolio;
}

/// "none, native, model or portfolio": what parseSeedFrom() takes, for
/// errors about a value it refused.
inline llvm::StringRef seedFromChoices() {
  return "none, native, model or portfolio";
}

} // namespace egrl

#endif // EGRL_SEARCH_SEEDFROM_H
