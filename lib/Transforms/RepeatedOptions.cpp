//===- RepeatedOptions.cpp - Pass options given more than once ------------===//

#include "RepeatedOptions.h"

#include "llvm/ADT/STLExtras.h"

std::vector<std::string>
egrl::optionsGivenTwice(const llvm::cl::Option &anyOption) {
  std::vector<std::string> names;
  // A pass's options are registered in its own sub-command (PassOptions),
  // not among the tool's.
  for (llvm::cl::SubCommand *options : anyOption.Subs)
    for (const auto &entry : options->OptionsMap) {
      const llvm::cl::Option &option = *entry.second;
      if (takesOneValue(option) && option.getNumOccurrences() > 1)
        names.push_back(option.ArgStr.str());
    }
  llvm::sort(names);
  names.erase(std::unique(names.begin(), names.end()), names.end());
  // As they are written in a pass's options.
  for (std::string &name : names)
    name += "=";
  return names;
}
