//===- Output.cpp - Files the tools write ----------------------------------===//

#include "egrl/Support/Output.h"

#include "llvm/Support/raw_ostream.h"

llvm::Error egrl::writeWholeFile(llvm::StringRef path, llvm::StringRef text) {
  return llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
    os << text;
    return llvm::Error::success();
  });
}
