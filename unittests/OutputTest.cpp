//===- OutputTest.cpp - Files the tools write -----------------------------===//

#include "egrl/Support/Output.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

#include <csignal>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

using namespace egrl;

namespace {

std::string readAll(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  return buffer ? (*buffer)->getBuffer().str() : "<unreadable>";
}

/// Files in `dir` (to see that no temporary is left behind).
unsigned filesIn(llvm::StringRef dir) {
  unsigned count = 0;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec))
    ++count;
  return count;
}

/// Each test writes into a directory of its own, removed after it.
class WriteWholeFile : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("egrl-output", dir));
  }
  void TearDown() override { llvm::sys::fs::remove_directories(dir); }
  /// `name` in the test's directory.
  std::string path(llvm::StringRef name) const {
    llvm::SmallString<128> file(dir);
    llvm::sys::path::append(file, name);
    return std::string(file);
  }
  static bool isLink(llvm::StringRef file) {
    llvm::sys::fs::file_status status;
    return !llvm::sys::fs::status(file, status, /*follow=*/false) &&
           status.type() == llvm::sys::fs::file_type::symlink_file;
  }
  llvm::SmallString<128> dir;
};

TEST_F(WriteWholeFile, AFailedWriteKeepsTheOldFileAndIsAnError) {
  // A disk that filled while a checkpoint was written replaced the last good
  // one with a truncated file and aborted naming no file (llvm::writeToOutput
  // renames before it checks the stream). A file-size limit fails the write
  // the way a full disk does (EFBIG instead of ENOSPC).
  std::string checkpoint = path("checkpoint.json");
  ASSERT_FALSE(bool(writeWholeFile(checkpoint, "the last good checkpoint")));

  struct rlimit saved;
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &saved), 0);
  auto *oldHandler = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = saved;
  small.rlim_cur = 4096;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  llvm::Error err = writeWholeFile(checkpoint, std::string(100000, 'x'));
  setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, oldHandler);

  ASSERT_TRUE(bool(err));
  EXPECT_NE(llvm::toString(std::move(err)).find("too large"),
            std::string::npos);
  EXPECT_EQ(readAll(checkpoint), "the last good checkpoint");
  EXPECT_EQ(filesIn(dir), 1u) << "the temporary file is removed";
}

TEST_F(WriteWholeFile, ADeviceIsWrittenInPlaceAndItsErrorsReported) {
  // A rename would have replaced /dev/full with a regular file (as root),
  // and the write error was never seen: "wrote", exit 0.
  if (!llvm::sys::fs::exists("/dev/full"))
    GTEST_SKIP() << "no /dev/full";
  llvm::Error err = writeWholeFile("/dev/full", "{}");
  ASSERT_TRUE(bool(err));
  EXPECT_NE(llvm::toString(std::move(err)).find("No space left"),
            std::string::npos);
  llvm::sys::fs::file_status status;
  ASSERT_FALSE(llvm::sys::fs::status("/dev/full", status));
  EXPECT_EQ(status.type(), llvm::sys::fs::file_type::character_file);
  EXPECT_FALSE(bool(writeWholeFile("/dev/null", "{}")));
}

TEST_F(WriteWholeFile, ThroughALinkTheFileItNamesIsReplaced) {
  // The rename replaced the link itself with a regular file (as root, even
  // /dev/stdout), and the file it named kept its old contents.
  std::string real = path("real.json"), link = path("link.json");
  ASSERT_FALSE(bool(writeWholeFile(real, "old")));
  ASSERT_FALSE(llvm::sys::fs::create_link(real, link));
  ASSERT_FALSE(bool(writeWholeFile(link, "new")));
  EXPECT_EQ(readAll(real), "new");
  EXPECT_TRUE(isLink(link));
  EXPECT_EQ(filesIn(dir), 2u);
}

TEST_F(WriteWholeFile, ALinkToAFileNotThereYetStaysALink) {
  // The first run's output through a link (out.json -> build/out.json):
  // the link was replaced by a regular file (review of session 40).
  std::string link = path("link.json");
  ASSERT_EQ(::symlink("later.json", link.c_str()), 0);
  ASSERT_FALSE(bool(writeWholeFile(link, "first")));
  EXPECT_EQ(readAll(path("later.json")), "first");
  EXPECT_TRUE(isLink(link));
}

TEST_F(WriteWholeFile, AFileReplacedKeepsItsPermissions) {
  // A private (0600) checkpoint became world-readable when replaced.
  std::string file = path("private.json");
  ASSERT_FALSE(bool(writeWholeFile(file, "old")));
  ASSERT_FALSE(llvm::sys::fs::setPermissions(
      file, llvm::sys::fs::owner_read | llvm::sys::fs::owner_write));
  ASSERT_FALSE(bool(writeWholeFile(file, "new")));
  llvm::sys::fs::file_status status;
  ASSERT_FALSE(llvm::sys::fs::status(file, status));
  EXPECT_EQ(status.permissions(),
            llvm::sys::fs::owner_read | llvm::sys::fs::owner_write);
  EXPECT_EQ(readAll(file), "new");
}

TEST_F(WriteWholeFile, ADirectoryIsNotAFile) {
  llvm::Error err = writeWholeFile(dir, "{}");
  ASSERT_TRUE(bool(err));
  EXPECT_NE(llvm::toString(std::move(err)).find("directory"),
            std::string::npos);
  EXPECT_TRUE(llvm::sys::fs::is_directory(dir));
}

} // namespace
