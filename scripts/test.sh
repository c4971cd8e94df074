#!/usr/bin/env bash
# Sets up, builds everything the tests need and runs every test suite
# (lit, unit tests, Python importer tests) through ctest.
# Usage: scripts/test.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${EGRL_BUILD_DIR:-$root/build}
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
cd "$build"
ctest --output-on-failure -j2
