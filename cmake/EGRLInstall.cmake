# The install layout, its RPATHs and the helpers that install and export a
# target (docs/embedding.md). Included before any target is created.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(EGRL_INSTALL_DATADIR "${CMAKE_INSTALL_DATADIR}/egrl")
set(EGRL_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/egrl")

# Installed binaries find our libraries relative to themselves, so a prefix
# can be moved; LLVM's and LibTorch's directories are kept from the link.
file(RELATIVE_PATH _egrl_libdir_from_bindir
  "/prefix/${CMAKE_INSTALL_BINDIR}" "/prefix/${CMAKE_INSTALL_LIBDIR}")
set(CMAKE_INSTALL_RPATH
  "\$ORIGIN/${_egrl_libdir_from_bindir}" "\$ORIGIN")
set(CMAKE_INSTALL_RPATH_USE_LINK_PATH ON)
# Where the build tree's bin/ and lib/ have that layout, link with the install
# RPATH: otherwise CMake pads the build RPATH with empty entries, which the
# loader reads as the current directory, to make room for it at install.
if(_egrl_libdir_from_bindir STREQUAL "../lib"
   AND NOT DEFINED CMAKE_BUILD_WITH_INSTALL_RPATH)
  set(CMAKE_BUILD_WITH_INSTALL_RPATH ON)
endif()
# libEGRLCore finds share/egrl relative to its own directory (lib/Support/
# Paths.cpp): "../share/egrl" in the usual layout.
file(RELATIVE_PATH EGRL_DATADIR_FROM_LIBDIR
  "/prefix/${CMAKE_INSTALL_LIBDIR}" "/prefix/${EGRL_INSTALL_DATADIR}")

# egrl_install_library(<target> <name>): installs a library and exports it
# as EGRL::<name> (also an alias in this tree).
function(egrl_install_library target name)
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${name})
  get_target_property(type ${target} TYPE)
  if(NOT type STREQUAL "MODULE_LIBRARY")
    target_compile_features(${target} INTERFACE cxx_std_17)
  endif()
  add_library(EGRL::${name} ALIAS ${target})
  install(TARGETS ${target} EXPORT EGRLTargets
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
    INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endfunction()

# egrl_install_tool(<target>): installs a tool into bin/ and exports it as
# EGRL::<target>.
function(egrl_install_tool target)
  install(TARGETS ${target} EXPORT EGRLTargets
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endfunction()

# Everything that is not a target, the exported targets and EGRLConfig.cmake.
# Called once at the end of the top-level CMakeLists.txt.
function(egrl_install_package)
  # Headers: the sources' and the tblgen'd ones.
  install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/egrl"
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
    FILES_MATCHING PATTERN "*.h" PATTERN "*.def" PATTERN "*.td")
  install(DIRECTORY "${PROJECT_BINARY_DIR}/include/egrl"
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
    FILES_MATCHING PATTERN "*.inc" PATTERN "CMakeFiles" EXCLUDE)

  # Data the libraries and tools find relative to libEGRLCore.so.
  # CONFIGURE_DEPENDS: a file added to targets/, models/, policies/ or docs/
  # is installed by the next build, without re-running cmake by hand.
  file(GLOB targets CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/targets/*.json")
  install(FILES ${targets} DESTINATION ${EGRL_INSTALL_DATADIR}/targets)
  file(GLOB models CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/models/*.mlir")
  install(FILES ${models} "${PROJECT_SOURCE_DIR}/models/README.md"
    DESTINATION ${EGRL_INSTALL_DATADIR}/models)
  # The graph JSONs egrl-opt writes at build time (models/CMakeLists.txt).
  install(DIRECTORY "${EGRL_MODEL_GRAPHS_DIR}/"
    DESTINATION ${EGRL_INSTALL_DATADIR}/models
    FILES_MATCHING PATTERN "*.json" PATTERN "CMakeFiles" EXCLUDE)
  # egrl-train's training corpus (--corpus=<prefix>/share/egrl/corpus).
  install(DIRECTORY "${PROJECT_SOURCE_DIR}/corpus/"
    DESTINATION ${EGRL_INSTALL_DATADIR}/corpus)
  file(GLOB policies CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/policies/*.json")
  install(FILES ${policies} "${PROJECT_SOURCE_DIR}/policies/README.md"
    DESTINATION ${EGRL_INSTALL_DATADIR}/policies)

  # The Python importer and plotting scripts; bin/egrl-import runs the
  # installed importer wherever the prefix is.
  install(DIRECTORY "${PROJECT_SOURCE_DIR}/python/egrl_import"
    DESTINATION ${EGRL_INSTALL_DATADIR}/python
    PATTERN "__pycache__" EXCLUDE)
  file(GLOB scripts CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/python/*.py")
  install(FILES ${scripts} "${PROJECT_SOURCE_DIR}/python/README.md"
    DESTINATION ${EGRL_INSTALL_DATADIR}/python)
  install(PROGRAMS "${PROJECT_SOURCE_DIR}/python/egrl-import"
    DESTINATION ${EGRL_INSTALL_DATADIR}/python)
  file(RELATIVE_PATH EGRL_PYTHON_FROM_BINDIR
    "/prefix/${CMAKE_INSTALL_BINDIR}" "/prefix/${EGRL_INSTALL_DATADIR}/python")
  configure_file("${PROJECT_SOURCE_DIR}/cmake/egrl-import.in"
    "${PROJECT_BINARY_DIR}/egrl-import-installed" @ONLY)
  install(PROGRAMS "${PROJECT_BINARY_DIR}/egrl-import-installed"
    DESTINATION ${CMAKE_INSTALL_BINDIR} RENAME egrl-import)

  # Documentation, with the dialect and pass reference tblgen'd in this build,
  # laid out as in the source tree so the links between documents hold: the
  # README above docs/, the figures' tables and plots (not their raw JSON and
  # logs), and the READMEs of policies/, python/ and models/ they link to.
  file(GLOB docs CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/docs/*.md" "${PROJECT_SOURCE_DIR}/docs/*.png")
  install(FILES "${PROJECT_SOURCE_DIR}/README.md"
    DESTINATION ${CMAKE_INSTALL_DOCDIR})
  install(FILES ${docs} DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs)
  install(DIRECTORY "${PROJECT_SOURCE_DIR}/docs/results"
    DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs
    FILES_MATCHING PATTERN "*.md" PATTERN "*.png" PATTERN "*.txt" PATTERN "*.csv")
  install(FILES "${PROJECT_BINARY_DIR}/docs/Dialects/EGRLDialect.md"
    "${PROJECT_BINARY_DIR}/docs/Passes/EGRLPasses.md"
    DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs/generated)
  foreach(dir policies python models)
    install(FILES "${PROJECT_SOURCE_DIR}/${dir}/README.md"
      DESTINATION ${CMAKE_INSTALL_DOCDIR}/${dir})
  endforeach()

  # find_package(EGRL): the exported targets and their dependencies.
  install(EXPORT EGRLTargets NAMESPACE EGRL::
    DESTINATION ${EGRL_INSTALL_CMAKEDIR})
  configure_package_config_file(
    "${PROJECT_SOURCE_DIR}/cmake/EGRLConfig.cmake.in"
    "${PROJECT_BINARY_DIR}/EGRLConfig.cmake"
    INSTALL_DESTINATION ${EGRL_INSTALL_CMAKEDIR}
    PATH_VARS EGRL_INSTALL_DATADIR CMAKE_INSTALL_INCLUDEDIR)
  write_basic_package_version_file(
    "${PROJECT_BINARY_DIR}/EGRLConfigVersion.cmake"
    COMPATIBILITY SameMinorVersion)
  install(FILES "${PROJECT_BINARY_DIR}/EGRLConfig.cmake"
    "${PROJECT_BINARY_DIR}/EGRLConfigVersion.cmake"
    DESTINATION ${EGRL_INSTALL_CMAKEDIR})
endfunction()
