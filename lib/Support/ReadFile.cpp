//===- ReadFile.cpp - Reading an input file with a bound on its size ------===//

#include "egrl/Support/ReadFile.h"
#include "egrl/Support/Interrupt.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

using namespace egrl;

llvm::Expected<std::string> egrl::readFileAtMost(llvm::StringRef path,
                                                 uint64_t maxBytes,
                                                 llvm::StringRef what) {
  auto cannot = [&](int error) {
    std::error_code code(error, std::generic_category());
    return llvm::createStringError(code, "cannot read %s '%s': %s",
                                   what.str().c_str(), path.str().c_str(),
                                   code.message().c_str());
  };
  // A pipe with no writer (a FIFO, a stalled mount) blocks in open() or
  // read(): a stop signal ends the wait, where LLVM's file functions retry
  // after every signal and a tool could only be killed (outside tester s43:
  // a policy file that was a FIFO).
  auto interrupted = [&] {
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "cannot read %s '%s': interrupted by %s while waiting for it",
        what.str().c_str(), path.str().c_str(),
        signalName(stopSignal()).c_str());
  };
  std::string name = path.str();
  int fd;
  while ((fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC)) < 0) {
    if (errno != EINTR)
      return cannot(errno);
    if (stopSignal())
      return interrupted();
  }
  // A regular file's size sizes the buffer once; anything else is read in
  // chunks until it ends or passes the bound.
  std::string contents;
  struct stat status;
  if (::fstat(fd, &status) == 0 && S_ISREG(status.st_mode) &&
      uint64_t(status.st_size) <= maxBytes)
    contents.reserve(status.st_size);
  constexpr size_t kChunk = size_t(1) << 20;
  std::string chunk(kChunk, '\0');
  for (;;) {
    ssize_t read = ::read(fd, chunk.data(), chunk.size());
    if (read < 0) {
      int error = errno;
      if (error == EINTR && !stopSignal())
        continue;
      ::close(fd);
      return error == EINTR ? interrupted() : cannot(error);
    }
    if (read == 0)
      break;
    if (contents.size() + uint64_t(read) > maxBytes) {
      ::close(fd);
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "cannot read %s '%s': larger than %llu bytes, more than any %s "
          "holds",
          what.str().c_str(), path.str().c_str(), (unsigned long long)maxBytes,
          what.str().c_str());
    }
    contents.append(chunk.data(), size_t(read));
  }
  ::close(fd);
  return contents;
}
