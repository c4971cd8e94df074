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
llvm_config.add_tool_substitutions(tools, tool_dirs)
