//===- ReadFile.cpp - Reading an input file with a bound on its size ------===//

#include "egrl/Support/ReadFile.h"

#include "llvm/Support/FileSystem.h"

using namespace egrl;

llvm::Expected<std::string> egrl::readFileAtMost(llvm::StringRef path,
                                                 uint64_t maxBytes,
                                                 llvm::StringRef what) {
  auto cannot = [&](std::error_code error) {
    return llvm::createStringError(error, "cannot read %s '%s': %s",
                                   what.str().c_str(), path.str().c_str(),
                                   error.message().c_str());
  };
  llvm::Expected<llvm::sys::fs::file_t> file =
      llvm::sys::fs::openNativeFileForRead(path);
  if (!file)
    return cannot(llvm::errorToErrorCode(file.takeError()));
  // A regular file's size sizes the buffer once; anything else is read in
  // chunks until it ends or passes the bound.
  std::string contents;
  llvm::sys::fs::file_status status;
  if (!llvm::sys::fs::status(*file, status) &&
      status.type() == llvm::sys::fs::file_type::regular_file &&
      status.getSize() <= maxBytes)
    contents.reserve(status.getSize());
  constexpr size_t kChunk = size_t(1) << 20;
  std::string chunk(kChunk, '\0');
  for (;;) {
    llvm::Expected<size_t> read = llvm::sys::fs::readNativeFile(
        *file, llvm::MutableArrayRef<char>(chunk.data(), chunk.size()));
    if (!read) {
      llvm::sys::fs::closeFile(*file);
      return cannot(llvm::errorToErrorCode(read.takeError()));
    }
    if (*read == 0)
      break;
    if (contents.size() + *read > maxBytes) {
      llvm::sys::fs::closeFile(*file);
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "cannot read %s '%s': larger than %llu bytes, more than any %s "
          "holds",
          what.str().c_str(), path.str().c_str(), (unsigned long long)maxBytes,
          what.str().c_str());
    }
    contents.append(chunk.data(), *read);
  }
  llvm::sys::fs::closeFile(*file);
  return contents;
}
