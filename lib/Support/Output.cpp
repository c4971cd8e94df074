//===- Output.cpp - Files the tools write ---------------------------------===//

#include "egrl/Support/Output.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <fcntl.h>
#include <mutex>
#include <sys/stat.h>

llvm::Error egrl::writeWholeFile(llvm::StringRef path, llvm::StringRef text) {
  llvm::Error err = llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
    os << text;
    return llvm::Error::success();
  });
  // Callers name the file they could not write; the error says only why.
  return llvm::handleErrors(std::move(err), [](const llvm::FileError &e) {
    return llvm::createStringError(e.convertToErrorCode(),
                                   e.messageWithoutFileInfo());
  });
}

static std::mutex stdoutLock;
/// The kind of document stdout holds ("report"), or "".
static std::string stdoutDocument;

/// Whether the tool prints the IR to stdout (`-o -`).
static bool irOnStdout = false;

void egrl::noteIRGoesToStdout() {
  std::lock_guard<std::mutex> lock(stdoutLock);
  irOnStdout = true;
}

static std::string conflictLocked(llvm::StringRef document, bool once) {
  if (once && irOnStdout)
    return "the IR (-o -)";
  if (stdoutDocument.empty())
    return "";
  if (stdoutDocument != document)
    return "the " + stdoutDocument;
  return once ? "an earlier module's " + stdoutDocument : "";
}

std::string egrl::stdoutConflict(llvm::StringRef document, bool once) {
  std::lock_guard<std::mutex> lock(stdoutLock);
  return conflictLocked(document, once);
}

std::string egrl::claimStdout(llvm::StringRef document, bool once) {
  std::lock_guard<std::mutex> lock(stdoutLock);
  std::string conflict = conflictLocked(document, once);
  if (conflict.empty())
    stdoutDocument = document.str();
  return conflict;
}

std::string egrl::stdoutWrite() {
  std::lock_guard<std::mutex> lock(stdoutLock);
  return stdoutDocument.empty() ? "" : "the " + stdoutDocument;
}

bool egrl::isSameFile(llvm::StringRef a, llvm::StringRef b) {
  bool same = false;
  if (!llvm::sys::fs::equivalent(a, b, same) && same)
    return true;
  llvm::SmallString<256> x(a), y(b);
  for (llvm::SmallString<256> *path : {&x, &y}) {
    llvm::sys::fs::make_absolute(*path);
    llvm::sys::path::remove_dots(*path, /*remove_dot_dot=*/true);
  }
  return x == y;
}

bool egrl::isWrittenByThisProcess(llvm::StringRef path) {
#ifdef __linux__
  struct stat file;
  if (::stat(path.str().c_str(), &file) != 0 || !S_ISREG(file.st_mode))
    return false;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it("/proc/self/fd", ec), end;
       it != end && !ec; it.increment(ec)) {
    int fd;
    if (llvm::sys::path::filename(it->path()).getAsInteger(10, fd))
      continue;
    struct stat open;
    int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || (flags & O_ACCMODE) == O_RDONLY || ::fstat(fd, &open) != 0)
      continue;
    if (open.st_dev == file.st_dev && open.st_ino == file.st_ino)
      return true;
  }
#endif
  return false;
}

std::string egrl::csvField(llvm::StringRef text) {
  if (text.find_first_of(",\"\r\n") == llvm::StringRef::npos)
    return text.str();
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"')
      quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}
