#!/bin/sh
# Configures and builds ticketd in build/ (or $BUILD_DIR). Extra arguments go
# to cmake, e.g. -DTICKETD_SANITIZE=ON.
set -eu
cd "$(dirname "$0")/.."
# With ccache, make paths relative to the checkout so every clone (CI's
# included) reuses what another clone of the project compiled.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$(pwd)}"
BUILD_DIR="${BUILD_DIR:-build}"
cmake -S . -B "$BUILD_DIR" -G Ninja "$@" >/dev/null
ninja -C "$BUILD_DIR"
