//===- OptionHint.h - Pass options joined by commas -------------*- C++ -*-===//
//
// "strategy=greedy,target=x" reaches a pass option as one value: MLIR
// separates pass options by spaces. One hint says so wherever an option's
// value is checked.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_SUPPORT_OPTIONHINT_H
#define EGRL_SUPPORT_OPTIONHINT_H

#include "llvm/ADT/StringRef.h"

namespace egrl {

/// Whether `value` looks like several pass options joined by commas: an '='
/// after a ','.
inline bool joinsOptionsByCommas(llvm::StringRef value) {
  size_t comma = value.find(',');
  return comma != llvm::StringRef::npos &&
         value.drop_front(comma).contains('=');
}

/// The hint to append to an error about `value`, or "".
inline const char *commaJoinedOptionsHint(llvm::StringRef value) {
  return joinsOptionsByCommas(value)
             ? "; pass options are separated by spaces, not commas: "
               "\"strategy=greedy target=...\""
             : "";
}

} // namespace egrl

#endif // EGRL_SUPPORT_OPTIONHINT_H
