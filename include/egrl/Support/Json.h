//===- Json.h - Reading JSON a user or a tool wrote -------------*- C++ -*-===//
//
// Every JSON input (targets, graphs, placements, policy files) comes through
// parseJsonInput, so that malformed text, numbers outside double range,
// absurd nesting and a key repeated in one object are errors, never
// exceptions or a stack overflow in code that walks the tree recursively
// (nlohmann's dump() and comparisons). An external evaluator's answers, one
// short line each, have messages of their own for text that does not parse
// and are held to the rule on repeated keys with findRepeatedKey.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_SUPPORT_JSON_H
#define EGRL_SUPPORT_JSON_H

#include "llvm/Support/Error.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>

namespace egrl {

/// Real inputs nest a handful of levels deep; anything beyond this is
/// rejected before it is parsed.
constexpr unsigned kMaxJsonDepth = 64;

/// Parses `text`; errors start with `origin` and say where and what.
llvm::Expected<nlohmann::json> parseJsonInput(llvm::StringRef text,
                                              llvm::StringRef origin);

/// A key repeated within one object of a JSON text: nlohmann keeps the last
/// one, which silently changes what the writer meant.
struct RepeatedKey {
  std::string key;
  /// The object it is in ("nodes[12]"), empty at the top level.
  std::string where;
  /// `field "key" appears twice in one object (which one was meant?)`.
  std::string message() const;
};

/// The first key `text` repeats within one object, if any. `text` must be
/// JSON that parses; parseJsonInput checks this already, for text it must
/// parse differently (an external evaluator's answers).
std::optional<RepeatedKey> findRepeatedKey(llvm::StringRef text);

/// `value` as an exact integer in [min, max]: a JSON integer, or a number
/// with an integral value (1e3); nullopt for anything else (0.7, 2^64, "3").
std::optional<int64_t> exactInteger(const nlohmann::json &value, int64_t min,
                                    int64_t max);

/// The first key of `object` not in `allowed`, as "key", and the message
/// "unknown field (known: a, b, c)"; nullopt when every key is known. A
/// misspelt optional field would otherwise be a silent default.
std::optional<std::pair<std::string, std::string>>
unknownField(const nlohmann::json &object,
             std::initializer_list<const char *> allowed);

/// What a JSON value's accessor threw, for a user who edited the file: the
/// library's "[json.exception.out_of_range.403] key 'graphs' not found" as
/// "field \"graphs\" is missing", and its other messages without their
/// "[json.exception...]" tag ("type must be number, but is string").
std::string describeJsonException(const nlohmann::json::exception &e);

/// Why `text`, a name read from a user's file (a chip's, a level's, a
/// graph's, a node's), cannot be printed as it is in remarks, reports, CSV
/// rows and attributes, or "" when it can: it is empty, or holds a control
/// character of any script (a line break, U+0085), a line or paragraph
/// separator, or a bidirectional control (which reorders the line it is
/// printed on). With `trimmed`, also a name that is blank (spaces of any
/// script, zero-width ones) or has spaces at either end (`"llc "` beside
/// `"llc"` would be two levels no remark tells apart).
std::string nameProblem(llvm::StringRef text, bool trimmed);

/// `text` for a message that quotes it: every character that would break
/// or reorder the line it is printed on is escaped as \uXXXX, so the
/// message shows it rather than obeys it: the C0 controls (U+0000-U+001F),
/// DEL (U+007F), the C1 controls (U+0080-U+009F, U+0085 among them),
/// U+2028, U+2029 and the bidirectional controls. A byte that is not UTF-8
/// is \xHH.
std::string escapedForMessage(llvm::StringRef text);

/// `value` as JSON text (dump()) for a message that quotes what a file gave
/// ("got ..."), escaped as escapedForMessage() does: "dr\u007fam", where
/// dump() gave a DEL that a terminal shows as "dram".
std::string quotedForMessage(const nlohmann::json &value);

} // namespace egrl

#endif // EGRL_SUPPORT_JSON_H
