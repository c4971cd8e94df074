//===- ModelLoader.cpp - Workload graphs from .mlir or graph .json --------===//

#include "egrl/Analysis/ModelLoader.h"
#include "egrl/Dialect/EGRL/IR/EGRLDialect.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;
using namespace egrl;

llvm::Expected<WorkloadGraph>
egrl::loadWorkloadGraph(llvm::StringRef path, Granularity granularity,
                        llvm::StringRef function) {
  if (path.ends_with(".json"))
    return WorkloadGraph::load(path);

  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registry.insert<EGRLDialect>();
  MLIRContext context(registry, MLIRContext::Threading::DISABLED);
  context.allowUnregisteredDialects();

  // Errors become the returned error; remarks and warnings (what the graph
  // does not model) go to stderr as they are, so that a remark is not
  // printed as part of an error.
  std::string diagnostics, notes;
  llvm::raw_string_ostream os(diagnostics), notesOs(notes);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler notesHandler(sourceMgr, &context, notesOs);
  SourceMgrDiagnosticHandler handler(sourceMgr, &context, os);
  ScopedDiagnosticHandler split(&context, [&](Diagnostic &diag) {
    if (diag.getSeverity() == DiagnosticSeverity::Error)
      return failure(); // To `handler`.
    notesHandler.emitDiagnostic(diag.getLocation(), diag.str(),
                                diag.getSeverity());
    for (Diagnostic &note : diag.getNotes())
      notesHandler.emitDiagnostic(note.getLocation(), note.str(),
                                  note.getSeverity());
    return success();
  });
  auto flushNotes = [&] {
    llvm::errs() << notes;
    notes.clear();
  };
  auto fail = [&](const llvm::Twine &message) {
    flushNotes();
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   (message + diagnostics).str());
  };

  OwningOpRef<ModuleOp> module =
      parseSourceFile<ModuleOp>(path, sourceMgr, &context);
  if (!module)
    return fail(diagnostics.empty() ? "cannot read '" + path + "'"
                                    : llvm::Twine());
  warnAboutComputeOutsideFuncs(*module);
  func::FuncOp chosen;
  std::string names;
  bool sawDead = false;
  for (auto func : module->getOps<func::FuncOp>()) {
    // Named, any function with a body; else those that can run.
    if (func.isExternal())
      continue;
    if (function.empty() && !isPlacedFunction(func)) {
      sawDead = true;
      continue;
    }
    names += (names.empty() ? "" : ", ") + func.getSymName().str();
    if (!function.empty() ? func.getSymName() == function : !chosen)
      chosen = func;
    else if (function.empty())
      return fail(path + ": several functions (" + names +
                  ", ...); say which one to use with --function=NAME");
  }
  if (!chosen && !function.empty() &&
      module->lookupSymbol<func::FuncOp>(function))
    return fail(path + ": function @" + function +
                " is a declaration: it has no body to place");
  if (!chosen)
    return fail(
        path + ": " +
        (function.empty()
             ? llvm::Twine(sawDead ? "no func.func with a body but "
                                     "private ones nothing calls "
                                     "(name one with --function)"
                                   : "no func.func with a body")
             : "no function @" + function + " (functions: " + names + ")"));
  // The pass places a module's functions in order, each in the room those
  // before it leave; a tool takes the one named alone, on the whole chip.
  std::string before;
  for (auto func : module->getOps<func::FuncOp>()) {
    if (func == chosen)
      break;
    if (isPlacedFunction(func))
      before += (before.empty() ? "@" : ", @") + func.getSymName().str();
  }
  if (!before.empty())
    emitRemark(chosen.getLoc())
        << "egrl: @" << chosen.getSymName()
        << " is placed and measured alone, on the whole chip; the pass "
           "places it in the room the weights of the functions before it ("
        << before << ") leave, so their numbers can differ";
  GraphBuildOptions options;
  options.granularity = granularity;
  FailureOr<WorkloadGraph> graph = buildWorkloadGraph(chosen, options);
  if (failed(graph))
    return fail("");
  // What the graph does not model (ops it knows nothing of, reads it does
  // not see), as the pass remarks it: the tools' user is told too.
  flushNotes();
  return std::move(*graph);
}
