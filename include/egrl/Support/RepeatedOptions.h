//===- RepeatedOptions.h - An option given more than once -------*- C++ -*-===//
//
// cl::opt keeps the last of an option given twice without a word
// ("--target=a ... --target=b" measures on b), and so do MLIR's pass
// options. egrl refuses it, as it refuses a key repeated in a JSON file:
// the tools (tools/common) and the passes (lib/Transforms) say it in one
// wording.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_SUPPORT_REPEATEDOPTIONS_H
#define EGRL_SUPPORT_REPEATEDOPTIONS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/CommandLine.h"

#include <string>

namespace egrl {

/// Whether `option` takes one value (cl::opt), so that giving it twice is
/// ambiguous; lists (the tools' models and graphs) are meant to repeat.
bool takesOneValue(const llvm::cl::Option &option);

/// "--target is given more than once (which value was meant?); give it
/// once", or the same of several options; `spelled` names them as the user
/// wrote them ("--target", "target=").
std::string givenTwiceMessage(llvm::ArrayRef<std::string> spelled);

} // namespace egrl

#endif // EGRL_SUPPORT_REPEATEDOPTIONS_H
