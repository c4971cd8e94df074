//===- Json.cpp - Reading JSON files a user wrote --------------------------===//

#include "egrl/Support/Json.h"

#include "llvm/ADT/STLExtras.h"

#include <cmath>
#include <set>
#include <vector>

using namespace egrl;
using json = nlohmann::json;

/// The byte offset where nesting first exceeds `maxDepth`, if it does.
/// Brackets inside strings do not count.
static std::optional<size_t> tooDeepAt(llvm::StringRef text,
                                       unsigned maxDepth) {
  unsigned depth = 0;
  bool inString = false;
  for (size_t i = 0, e = text.size(); i < e; ++i) {
    char c = text[i];
    if (inString) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        inString = false;
      continue;
    }
    if (c == '"')
      inString = true;
    else if (c == '[' || c == '{') {
      if (++depth > maxDepth)
        return i;
    } else if ((c == ']' || c == '}') && depth > 0)
      --depth;
  }
  return std::nullopt;
}

llvm::Expected<json> egrl::parseJsonInput(llvm::StringRef text,
                                          llvm::StringRef origin) {
  if (std::optional<size_t> at = tooDeepAt(text, kMaxJsonDepth))
    return llvm::createStringError(
        "%s: nested more than %u levels deep at byte %zu",
        origin.str().c_str(), kMaxJsonDepth, *at);
  // nlohmann keeps the last of a repeated key; in a hand-written file that
  // is a merge or copy-paste mistake that silently changes the input, so it
  // is an error, as an unknown field is.
  std::vector<std::set<std::string>> keysOfOpenObjects;
  std::optional<std::string> repeated;
  auto noteKeys = [&](int, json::parse_event_t event, json &parsed) {
    if (event == json::parse_event_t::object_start)
      keysOfOpenObjects.emplace_back();
    else if (event == json::parse_event_t::object_end &&
             !keysOfOpenObjects.empty())
      keysOfOpenObjects.pop_back();
    else if (event == json::parse_event_t::key && !repeated &&
             !keysOfOpenObjects.empty() &&
             !keysOfOpenObjects.back().insert(parsed.get<std::string>()).second)
      repeated = parsed.get<std::string>();
    return true;
  };
  try {
    json parsed = json::parse(text.begin(), text.end(), noteKeys);
    if (repeated)
      return llvm::createStringError(
          "%s: field \"%s\" appears twice in one object (which one was meant?)",
          origin.str().c_str(), repeated->c_str());
    return parsed;
  } catch (const json::parse_error &e) {
    return llvm::createStringError("%s: malformed JSON at byte %zu: %s",
                                   origin.str().c_str(), e.byte, e.what());
  } catch (const json::exception &e) {
    // A number outside double range (1e400) is an out_of_range error.
    return llvm::createStringError("%s: %s", origin.str().c_str(), e.what());
  }
}

std::optional<int64_t> egrl::exactInteger(const json &value, int64_t min,
                                          int64_t max) {
  if (value.is_number_unsigned()) {
    uint64_t v = value.get<uint64_t>();
    if (v > uint64_t(std::numeric_limits<int64_t>::max()))
      return std::nullopt;
    int64_t s = int64_t(v);
    return s >= min && s <= max ? std::optional<int64_t>(s) : std::nullopt;
  }
  if (value.is_number_integer()) {
    int64_t v = value.get<int64_t>();
    return v >= min && v <= max ? std::optional<int64_t>(v) : std::nullopt;
  }
  if (value.is_number_float()) {
    double v = value.get<double>();
    // Compare in double before converting: converting an out-of-range
    // double to int64_t is undefined.
    if (!std::isfinite(v) || std::floor(v) != v || std::fabs(v) >= 0x1p63)
      return std::nullopt;
    int64_t s = int64_t(v);
    return s >= min && s <= max ? std::optional<int64_t>(s) : std::nullopt;
  }
  return std::nullopt;
}

std::optional<std::pair<std::string, std::string>>
egrl::unknownField(const json &object,
                   std::initializer_list<const char *> allowed) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (llvm::is_contained(allowed, llvm::StringRef(it.key())))
      continue;
    std::string list;
    for (const char *key : allowed)
      list += (list.empty() ? "" : ", ") + std::string(key);
    return std::make_pair(it.key(), "unknown field (known: " + list + ")");
  }
  return std::nullopt;
}
