//===- Output.cpp - Files the tools write ---------------------------------===//

#include "egrl/Support/Output.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <fcntl.h>
#include <mutex>
#include <sys/stat.h>
#include <unistd.h>

/// `ec` as an error that says why, not which file: callers name it.
static llvm::Error why(std::error_code ec) {
  return llvm::createStringError(ec, ec.message());
}

/// The stream's write error, if any, as an error; cleared, so that the
/// stream's destructor does not abort the tool over it.
static llvm::Error takeStreamError(llvm::raw_fd_ostream &os) {
  if (!os.has_error())
    return llvm::Error::success();
  std::error_code ec = os.error();
  os.clear_error();
  return why(ec);
}

/// Runs `write` into `os`, then flushes it (or closes it: a device's close
/// error is then the stream's error, not an abort); the first error wins.
static llvm::Error
writeInto(llvm::raw_fd_ostream &os,
          llvm::function_ref<llvm::Error(llvm::raw_ostream &)> write,
          bool close) {
  llvm::Error err = write(os);
  if (close)
    os.close();
  else
    os.flush();
  llvm::Error streamErr = takeStreamError(os);
  if (err) {
    llvm::consumeError(std::move(streamErr));
    return err;
  }
  return streamErr;
}

llvm::Error egrl::writeFileWith(
    llvm::StringRef path,
    llvm::function_ref<llvm::Error(llvm::raw_ostream &)> write) {
  if (path == "-") {
    // Flushed and checked here: stdout's error would otherwise abort the
    // tool at exit, naming no document.
    return writeInto(llvm::outs(), write, /*close=*/false);
  }
  // A device, a pipe, or what /dev and /proc name (/dev/stdout may be a
  // file the shell opened) is written in place, appended to: a rename
  // would replace it.
  llvm::sys::fs::file_status status;
  bool exists = !llvm::sys::fs::status(path, status) &&
                status.type() != llvm::sys::fs::file_type::file_not_found;
  if (exists && status.type() == llvm::sys::fs::file_type::directory_file)
    return why(std::make_error_code(std::errc::is_a_directory));
  if (exists && (status.type() != llvm::sys::fs::file_type::regular_file ||
                 path.starts_with("/dev/") || path.starts_with("/proc/"))) {
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_Append);
    if (ec)
      return why(ec);
    return writeInto(os, write, /*close=*/true);
  }
  // Through a symbolic link the file it names is replaced, not the link;
  // a link to a file not there yet (a first run) is written through too.
  llvm::SmallString<256> file(path);
  if (exists) {
    if (llvm::SmallString<256> real; !llvm::sys::fs::real_path(path, real))
      file = real;
  } else {
    char target[4096];
    ssize_t length = ::readlink(file.c_str(), target, sizeof(target));
    if (length > 0 && size_t(length) < sizeof(target)) {
      llvm::StringRef linked(target, size_t(length));
      llvm::SmallString<256> resolved;
      if (llvm::sys::path::is_relative(linked))
        resolved = llvm::sys::path::parent_path(path);
      llvm::sys::path::append(resolved, linked);
      file = resolved;
    }
  }
  // A file is written beside and renamed into place only once every byte
  // got there, so a full disk keeps the file it would have replaced (a
  // checkpoint to resume from), and no reader sees half a file.
  llvm::Expected<llvm::sys::fs::TempFile> temp =
      llvm::sys::fs::TempFile::create(file + ".temp-%%%%%%",
                                      llvm::sys::fs::all_read |
                                          llvm::sys::fs::all_write);
  if (!temp)
    return why(llvm::errorToErrorCode(temp.takeError()));
  // A file replaced keeps its permissions (a private checkpoint stays so).
  if (exists)
    (void)llvm::sys::fs::setPermissions(temp->FD, status.permissions());
  llvm::Error err = llvm::Error::success();
  {
    llvm::raw_fd_ostream os(temp->FD, /*shouldClose=*/false);
    err = writeInto(os, write, /*close=*/false);
  }
  if (err) {
    llvm::consumeError(temp->discard());
    return err;
  }
  if (llvm::Error kept = temp->keep(file))
    return why(llvm::errorToErrorCode(std::move(kept)));
  return llvm::Error::success();
}

llvm::Error egrl::writeWholeFile(llvm::StringRef path, llvm::StringRef text) {
  return writeFileWith(path, [&](llvm::raw_ostream &os) {
    os << text;
    return llvm::Error::success();
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
