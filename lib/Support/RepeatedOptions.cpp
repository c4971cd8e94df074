//===- RepeatedOptions.cpp - An option given more than once ---------------===//

#include "egrl/Support/RepeatedOptions.h"

#include "llvm/ADT/StringExtras.h"

bool egrl::takesOneValue(const llvm::cl::Option &option) {
  return option.getNumOccurrencesFlag() == llvm::cl::Optional ||
         option.getNumOccurrencesFlag() == llvm::cl::Required;
}

std::string egrl::givenTwiceMessage(llvm::ArrayRef<std::string> spelled) {
  if (spelled.size() == 1)
    return spelled.front() +
           " is given more than once (which value was meant?); give it once";
  return llvm::join(spelled.drop_back(), ", ") + " and " + spelled.back() +
         " are each given more than once (which values were meant?); give "
         "each once";
}
