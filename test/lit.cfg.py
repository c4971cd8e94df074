# -*- Python -*-
# lit configuration of the egrl regression tests.

import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "EGRL"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.egrl_obj_root, "test")

config.environment["FILECHECK_OPTS"] = "-enable-var-scope"
# Bundled targets are found relative to the source tree.
config.environment["EGRL_TARGETS_DIR"] = os.path.join(config.egrl_src_root, "targets")

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

config.substitutions.append(("%egrl_src", config.egrl_src_root))
config.substitutions.append(("%targets", os.path.join(config.egrl_src_root, "targets")))
config.substitutions.append(("%models", os.path.join(config.egrl_src_root, "models")))
config.substitutions.append(
    ("%egrl_plugin", os.path.join(config.egrl_lib_dir, "libEGRLPlugin.so")))
config.substitutions.append(("%python", config.host_python))
# mlir-runner's support libraries, for tests that run what they lower.
config.substitutions.append(
    ("%mlir_runner_libs", ",".join(
        os.path.join(os.path.dirname(config.llvm_tools_dir), "lib", name)
        for name in ("libmlir_c_runner_utils.so", "libmlir_runner_utils.so"))))

# The MPI pool's tests (test/Distributed) need mpirun: as root (CI
# containers) it must be told that is fine; --oversubscribe runs more ranks
# than cores; orte_abort_on_non_zero_status 0 lets a job survive a worker
# that exits (docs/scale-out.md).
if config.egrl_mpiexec:
    config.available_features.add("mpi")
    config.environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
    config.environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
    for name in ("HOME", "TMPDIR"):
        if name in os.environ:
            config.environment[name] = os.environ[name]
    # OpenMPI 4.1.4's mpirun can deadlock in its own PMIx finalize after a
    # rank calls MPI_Abort (all ranks gone, mpirun ignoring SIGTERM), far
    # more often when two jobs run at once (docs/scale-out.md): the MPI
    # tests run one at a time (test/Distributed/lit.local.cfg), a stuck
    # mpirun is killed rather than hanging the suite, and the files are
    # retried (ALLOW_RETRIES).
    lit_config.parallelism_groups["mpi"] = 1
    mpirun = ("timeout -s KILL 60 %s --oversubscribe "
              "--mca orte_abort_on_non_zero_status 0" % config.egrl_mpiexec)
    if config.egrl_sanitize:
        # OpenMPI's own allocations live in components it dlopens and
        # unloads, so LeakSanitizer reports them at exit with no library to
        # suppress them by: no leak check for the ranks (ASan and UBSan
        # still run).
        asan = os.environ.get("ASAN_OPTIONS", "")
        mpirun = "env ASAN_OPTIONS=%sdetect_leaks=0 %s" % (
            asan + ":" if asan else "", mpirun)
    config.substitutions.append(("%mpirun", mpirun))

upstream_mlir_opt = os.path.join(config.llvm_tools_dir, "mlir-opt")
if config.egrl_sanitize:
    # Sanitizer options come from the environment (scripts/test-sanitizers.sh);
    # upstream mlir-opt is not instrumented, so it needs the ASan runtime
    # preloaded to load our instrumented plugin.
    for name in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
        if name in os.environ:
            config.environment[name] = os.environ[name]
    upstream_mlir_opt = "env LD_PRELOAD=%s %s" % (config.egrl_asan_runtime,
                                                  upstream_mlir_opt)

tool_dirs = [config.egrl_tools_dir, config.llvm_tools_dir]
tools = [
    "egrl-opt",
    "egrl-bench",
    "egrl-train",
    "mlir-translate",
    ToolSubst("upstream-mlir-opt", upstream_mlir_opt),
]
# bench/'s programs (EGRL_BUILD_BENCHMARKS): tests of their options.
if config.egrl_benchmarks:
    config.available_features.add("benchmarks")
    tools.append("egrl-model-error")
llvm_config.add_tool_substitutions(tools, tool_dirs)
