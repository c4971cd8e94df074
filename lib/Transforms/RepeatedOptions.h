//===- RepeatedOptions.h - Pass options given more than once ----*- C++ -*-===//
//
// "target=a target=b" in a pass's options would take the last value without
// a word, as cl::opt does: egrl's passes refuse it, as egrl refuses a key
// repeated in a JSON file. Occurrences are counted when the options are
// parsed (Pass::initializeOptions); a pass cloned from another (clonePass,
// as a pass manager does for its threads) copies the option values but not
// their counts, so a pass notes the names when it is initialized and its
// clones copy the note.
//
//===----------------------------------------------------------------------===//

#ifndef EGRL_LIB_TRANSFORMS_REPEATEDOPTIONS_H
#define EGRL_LIB_TRANSFORMS_REPEATEDOPTIONS_H

#include "egrl/Support/RepeatedOptions.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"

#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/CommandLine.h"

#include <string>
#include <vector>

namespace egrl {

/// The options of the pass that `anyOption` belongs to that its option
/// string gave more than once, sorted by name and written as in the option
/// string ("target="). List options, which are meant to repeat, are not
/// among them.
std::vector<std::string> optionsGivenTwice(const llvm::cl::Option &anyOption);

/// A pass's generated base (`PassBaseT`, EGRLxxxBase<Derived>) with the note:
/// `givenTwice` names the options its option string gave more than once,
/// taken as they are parsed and copied with the pass by clonePass().
template <typename PassBaseT> class NotesRepeatedOptions : public PassBaseT {
public:
  using PassBaseT::PassBaseT;

  mlir::LogicalResult
  initializeOptions(llvm::StringRef options,
                    llvm::function_ref<mlir::LogicalResult(const llvm::Twine &)>
                        errorHandler) final {
    if (mlir::failed(PassBaseT::initializeOptions(options, errorHandler)))
      return mlir::failure();
    givenTwice = optionsGivenTwice(anyOption());
    return mlir::success();
  }

protected:
  /// One of the pass's options, by which its others are found.
  virtual const llvm::cl::Option &anyOption() const = 0;

  /// Whether options were given twice; if so, an error naming them (with
  /// no location: of the options, nowhere in the IR) fails the pass.
  bool refusedRepeatedOptions() {
    if (givenTwice.empty())
      return false;
    mlir::emitError(mlir::UnknownLoc::get(&this->getContext()))
        << this->getArgument() << ": " << givenTwiceMessage(givenTwice);
    this->signalPassFailure();
    return true;
  }

  std::vector<std::string> givenTwice;
};

} // namespace egrl

#endif // EGRL_LIB_TRANSFORMS_REPEATEDOPTIONS_H
