//===- RepeatedOptions.cpp - Pass options given more than once ------------===//

#include "RepeatedOptions.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

std::vector<std::string>
egrl::optionsGivenTwice(const llvm::cl::Option &anyOption) {
  namespace cl = llvm::cl;
  std::vector<std::string> names;
  // A pass's options are registered in its own sub-command (PassOptions),
  // not among the tool's.
  for (cl::SubCommand *options : anyOption.Subs)
    for (const auto &entry : options->OptionsMap) {
      const cl::Option &option = *entry.second;
      const bool once = option.getNumOccurrencesFlag() == cl::Optional ||
                        option.getNumOccurrencesFlag() == cl::Required;
      if (once && option.getNumOccurrences() > 1)
        names.push_back(option.ArgStr.str());
    }
  llvm::sort(names);
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::string egrl::givenTwiceMessage(llvm::ArrayRef<std::string> names) {
  std::vector<std::string> options;
  for (const std::string &name : names)
    options.push_back(name + "=");
  if (options.size() == 1)
    return options.front() +
           " is given more than once (which value was meant?); give it once";
  return llvm::join(llvm::ArrayRef(options).drop_back(), ", ") + " and " +
         options.back() +
         " are each given more than once (which values were meant?); give "
         "each once";
}
