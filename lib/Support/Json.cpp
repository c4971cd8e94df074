//===- Json.cpp - Reading JSON files a user wrote --------------------------===//

#include "egrl/Support/Json.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/FormatVariadic.h"

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

namespace {
/// SAX handler that finds the first key repeated within one object, and
/// where (`nodes[12]`), in one linear pass.
struct RepeatedKeyFinder : nlohmann::json_sax<json> {
  struct Open {
    bool isObject;
    size_t index = 0; // Of the next element, in an array.
    std::string key;  // The last key read, in an object.
    std::set<std::string> keys;
  };
  std::vector<Open> open;
  std::optional<std::string> repeated;
  std::string where;

  /// A value starts: an array counts its elements.
  void value() {
    if (!open.empty() && !open.back().isObject)
      ++open.back().index;
  }
  std::string path() const {
    std::string text;
    for (size_t i = 0; i + 1 < open.size(); ++i) {
      if (open[i].isObject)
        text += (text.empty() ? "" : ".") + open[i].key;
      else
        text += "[" + std::to_string(open[i].index - 1) + "]";
    }
    return text;
  }
  bool null() override { return value(), true; }
  bool boolean(bool) override { return value(), true; }
  bool number_integer(number_integer_t) override { return value(), true; }
  bool number_unsigned(number_unsigned_t) override { return value(), true; }
  bool number_float(number_float_t, const string_t &) override {
    return value(), true;
  }
  bool string(string_t &) override { return value(), true; }
  bool binary(binary_t &) override { return value(), true; }
  bool start_object(std::size_t) override {
    value();
    open.push_back({true});
    return true;
  }
  bool key(string_t &name) override {
    Open &object = open.back();
    object.key = name;
    if (!repeated && !object.keys.insert(name).second) {
      repeated = name;
      where = path();
    }
    return true;
  }
  bool end_object() override {
    open.pop_back();
    return true;
  }
  bool start_array(std::size_t) override {
    value();
    open.push_back({false});
    return true;
  }
  bool end_array() override {
    open.pop_back();
    return true;
  }
  /// Where the pass stopped: its byte, and the field whose value it was
  /// reading (a number out of double range, which parse() reports with
  /// neither).
  size_t failedAt = 0;
  std::string failedField;
  bool parse_error(std::size_t position, const std::string &,
                   const nlohmann::detail::exception &) override {
    failedAt = position;
    // path() names the containers; the innermost one's element that failed
    // has not started (value() did not count it).
    failedField = path();
    if (!open.empty())
      failedField += open.back().isObject
                         ? (failedField.empty() ? "" : ".") + open.back().key
                         : "[" + std::to_string(open.back().index) + "]";
    return false;
  }
};
} // namespace

llvm::Expected<json> egrl::parseJsonInput(llvm::StringRef text,
                                          llvm::StringRef origin) {
  if (std::optional<size_t> at = tooDeepAt(text, kMaxJsonDepth))
    return llvm::createStringError(
        "%s: nested more than %u levels deep at byte %zu",
        origin.str().c_str(), kMaxJsonDepth, *at);
  try {
    json parsed = json::parse(text.begin(), text.end());
    // nlohmann keeps the last of a repeated key; in a hand-written file that
    // is a merge or copy-paste mistake that silently changes the input, so
    // it is an error, as an unknown field is. Checked by a second, SAX pass
    // over text that parsed: a parse callback would make nlohmann rescan
    // each parent container at every object's end (quadratic on a graph of
    // many nodes).
    if (std::optional<RepeatedKey> twice = findRepeatedKey(text))
      return llvm::createStringError(
          "%s: %s: %s", origin.str().c_str(),
          twice->where.empty() ? "(top level)" : twice->where.c_str(),
          twice->message().c_str());
    return parsed;
  } catch (const json::parse_error &e) {
    return llvm::createStringError("%s: malformed JSON at byte %zu: %s",
                                   origin.str().c_str(), e.byte, e.what());
  } catch (const json::out_of_range &e) {
    // A number outside double range (1e400): the SAX pass says where.
    RepeatedKeyFinder finder;
    json::sax_parse(text.begin(), text.end(), &finder);
    return llvm::createStringError(
        "%s: %s: a number outside the range of a double at byte %zu (%s)",
        origin.str().c_str(),
        finder.failedField.empty() ? "(top level)" : finder.failedField.c_str(),
        finder.failedAt, e.what());
  } catch (const json::exception &e) {
    return llvm::createStringError("%s: %s", origin.str().c_str(), e.what());
  }
}

std::string RepeatedKey::message() const {
  return "field \"" + key +
         "\" appears twice in one object (which one was meant?)";
}

std::optional<RepeatedKey> egrl::findRepeatedKey(llvm::StringRef text) {
  RepeatedKeyFinder finder;
  json::sax_parse(text.begin(), text.end(), &finder);
  if (!finder.repeated)
    return std::nullopt;
  return RepeatedKey{*finder.repeated, finder.where};
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

/// A character that breaks the line a name is printed on.
static bool breaksTheLine(uint32_t c) {
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029;
}

/// A bidirectional control, which reorders the line a name is printed on.
static bool reordersTheLine(uint32_t c) {
  return c == 0x061c || c == 0x200e || c == 0x200f ||
         (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/// A space of any script, zero-width ones and the byte-order mark included.
static bool isSpace(uint32_t c) {
  return c == ' ' || c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200d) ||
         c == 0x202f || c == 0x205f || c == 0x2060 || c == 0x3000 ||
         c == 0xfeff;
}

std::string egrl::nameProblem(llvm::StringRef text, bool trimmed) {
  if (text.empty())
    return "is empty";
  std::vector<uint32_t> chars;
  const auto *next = reinterpret_cast<const llvm::UTF8 *>(text.begin());
  const auto *end = reinterpret_cast<const llvm::UTF8 *>(text.end());
  while (next < end) {
    llvm::UTF32 c;
    if (llvm::convertUTF8Sequence(&next, end, &c, llvm::strictConversion) !=
        llvm::conversionOK)
      return "is not UTF-8";
    chars.push_back(c);
  }
  if (auto bad = llvm::find_if(chars, breaksTheLine); bad != chars.end()) {
    // LF, CR, NEL and the two separators end a line (the JSON escape \n,
    // or text pasted from another system); TAB, NUL or DEL do not.
    const bool lineBreak = *bad == '\n' || *bad == '\r' || *bad == 0x85 ||
                           *bad == 0x2028 || *bad == 0x2029;
    return llvm::formatv("holds U+{0:X-4} ({1})", *bad,
                         lineBreak ? "a line break" : "a control character")
        .str();
  }
  if (auto bad = llvm::find_if(chars, reordersTheLine); bad != chars.end())
    return llvm::formatv("holds the bidirectional control U+{0:X-4}", *bad)
        .str();
  if (trimmed && llvm::all_of(chars, isSpace))
    return "is blank";
  if (trimmed && (isSpace(chars.front()) || isSpace(chars.back())))
    return "has a space at its start or end";
  return "";
}

std::string egrl::escapedForMessage(llvm::StringRef text) {
  std::string out;
  out.reserve(text.size());
  const auto *next = reinterpret_cast<const llvm::UTF8 *>(text.begin());
  const auto *end = reinterpret_cast<const llvm::UTF8 *>(text.end());
  while (next < end) {
    const llvm::UTF8 *start = next;
    llvm::UTF32 c;
    if (llvm::convertUTF8Sequence(&next, end, &c, llvm::strictConversion) !=
        llvm::conversionOK) {
      // Not UTF-8 (which a parsed file's strings are): the byte in hex.
      out += llvm::formatv("\\x{0:x-2}", unsigned(*start)).str();
      next = start + 1;
      continue;
    }
    if (breaksTheLine(c) || reordersTheLine(c))
      out += llvm::formatv("\\u{0:x-4}", c).str();
    else
      out.append(reinterpret_cast<const char *>(start), next - start);
  }
  return out;
}

std::string egrl::quotedForMessage(const json &value) {
  // dump() escapes the C0 controls, and writes nothing else outside
  // strings but ASCII punctuation, digits and letters: every character
  // escaped here is inside a string, where \uXXXX is its JSON escape. The
  // parser accepts UTF-8 only; the replacement keeps a value built
  // otherwise from throwing in the middle of an error message.
  return escapedForMessage(value.dump(-1, ' ', /*ensure_ascii=*/false,
                                      json::error_handler_t::replace));
}

std::string egrl::describeJsonException(const json::exception &e) {
  llvm::StringRef what = e.what();
  // "[json.exception.<kind>.<id>] <message>"
  if (what.starts_with("[json.exception.")) {
    size_t close = what.find("] ");
    if (close != llvm::StringRef::npos)
      what = what.drop_front(close + 2);
  }
  llvm::StringRef key = what;
  if (key.consume_front("key '") && key.consume_back("' not found"))
    return ("field \"" + key + "\" is missing").str();
  return what.str();
}
