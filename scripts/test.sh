#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors, and runs the whole
# test suite (unit, storage, HTTP and end-to-end tests) with CTest.
# Exits non-zero when any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
BUILD_DIR="${BUILD_DIR:-build}" scripts/build.sh -DBHXH_WERROR=ON "$@"
cd "${BUILD_DIR:-build}"
ctest --output-on-failure --parallel "$(nproc)" --timeout 300
