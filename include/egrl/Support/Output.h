//===- Output.h - Files the tools write -----------------------------------===//

#ifndef EGRL_SUPPORT_OUTPUT_H
#define EGRL_SUPPORT_OUTPUT_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace egrl {

/// Writes what `write` streams to `path` ("-" is stdout) through a temporary
/// file renamed into place once every byte was written, so a reader, a
/// concurrent run, an interrupted one or a full disk never leaves half a
/// file (the old one stays); through a symbolic link, the file it names is
/// replaced. A device, a pipe, or a path under /dev or /proc (/dev/stdout)
/// is appended to in place. Unlike llvm::writeToOutput, a write error (ENOSPC,
/// EIO) is an error, not a renamed truncated file and an abort. The error says
/// why, not which file: callers name it.
llvm::Error
writeFileWith(llvm::StringRef path,
              llvm::function_ref<llvm::Error(llvm::raw_ostream &)> write);
/// writeFileWith() of `text`.
llvm::Error writeWholeFile(llvm::StringRef path, llvm::StringRef text);

/// A pass writing a `document` ("graph", "report", "trace") to stdout claims
/// it, and egrl-opt then leaves the IR out of stdout unless `-o` names where
/// it goes, so that `> report.json` holds one document and nothing else.
/// What already holds stdout that writing `document` there would collide
/// with ("the graph", "an earlier module's report"; "" when nothing does):
/// another document, or with `once` an earlier one of the same kind (a JSON
/// report is one document; the text graph of several modules, as with
/// -split-input-file, may follow itself).
std::string stdoutConflict(llvm::StringRef document, bool once);
/// stdoutConflict, and when there is none stdout is `document`'s.
std::string claimStdout(llvm::StringRef document, bool once);
/// The tool prints the IR to stdout (`-o -`): a document that must be alone
/// there (`once`: the report, the trace) conflicts with it; the text graph,
/// read beside the IR, does not.
void noteIRGoesToStdout();
/// What went to stdout ("the report"; "" when nothing did).
std::string stdoutWrite();

/// Whether two paths name one file: as files when both exist (links), else
/// as absolute paths without dots (`a.json` and `./a.json`). For refusing an
/// output that would overwrite another output or an input.
bool isSameFile(llvm::StringRef a, llvm::StringRef b);

/// Whether `path` is a regular file this process has open for writing (on
/// Linux; elsewhere false): a pass's output file that is also the tool's
/// (mlir-opt's -o, or stdout redirected to it) would lose one of the two,
/// since the tool writes through a descriptor it opened before the pass.
bool isWrittenByThisProcess(llvm::StringRef path);

/// `text` as one CSV field (RFC 4180): quoted, with quotes doubled, when it
/// holds a comma, a quote or a line break (a model's file name may).
std::string csvField(llvm::StringRef text);

} // namespace egrl

#endif // EGRL_SUPPORT_OUTPUT_H
