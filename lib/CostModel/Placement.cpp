//===- Placement.cpp - Placement JSON form --------------------------------===//

#include "egrl/CostModel/Placement.h"
#include "egrl/Support/Json.h"

#include <nlohmann/json.hpp>

using namespace egrl;
using json = nlohmann::json;

std::string Placement::toJSON(const Target &target) const {
  json list = json::array();
  for (const NodePlacement &np : nodes)
    list.push_back({{"weights", target.levels[np.weights].name},
                    {"output", target.levels[np.output].name}});
  return json{{"nodes", std::move(list)}}.dump();
}

llvm::Expected<Placement> Placement::fromJSON(llvm::StringRef text,
                                              const Target &target,
                                              unsigned expectedNodes) {
  auto fail = [](const std::string &what) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "placement: %s", what.c_str());
  };
  llvm::Expected<json> parsed = parseJsonInput(text, "placement");
  if (!parsed)
    return parsed.takeError();
  const json &root = *parsed;
  if (!root.is_object() || !root.contains("nodes") || !root["nodes"].is_array())
    return fail("expected {\"nodes\": [...]}");
  const json &list = root["nodes"];
  if (list.size() != expectedNodes)
    return fail("has " + std::to_string(list.size()) + " nodes, graph has " +
                std::to_string(expectedNodes));
  Placement placement(expectedNodes, target.slowestLevel());
  for (unsigned i = 0; i < expectedNodes; ++i) {
    if (!list[i].is_object())
      return fail("node " + std::to_string(i) +
                  ": expected {\"weights\": level, \"output\": level}, got " +
                  list[i].dump());
    for (const char *key : {"weights", "output"}) {
      const json &field = list[i].value(key, json());
      if (!field.is_string())
        return fail("node " + std::to_string(i) + ": " +
                    (field.is_null()
                         ? std::string("missing \"") + key + "\""
                         : std::string("\"") + key +
                               "\" must be a level name, not " + field.dump()));
      auto level = target.findLevel(field.get<std::string>());
      if (!level)
        return fail("node " + std::to_string(i) + ": unknown level '" +
                    field.get<std::string>() + "' (target '" + target.name +
                    "' has: " + target.levelNames() + ")");
      (std::string(key) == "weights" ? placement[i].weights
                                     : placement[i].output) = *level;
    }
  }
  return placement;
}
