#!/bin/sh
# Configures and builds ticketd in build/ (or $BUILD_DIR). Extra arguments go
# to cmake, e.g. -DTICKETD_SANITIZE=ON.
set -eu
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
cmake -S . -B "$BUILD_DIR" -G Ninja "$@" >/dev/null
ninja -C "$BUILD_DIR"
