#!/bin/sh
# Every test of ticketd, as CI runs it (.ci/run calls this):
#   1. installs what is missing (Debian packages);
#   2. builds with -Wall -Wextra -Werror under AddressSanitizer + UBSan;
#   3. runs ctest: the Catch2 unit tests of every room and the integration
#      tests against real Dovecot and SMTP servers on loopback;
#   4. runs the parser's libFuzzer target for a short fixed time
#      (TICKETD_FUZZ_SECONDS, default 60; 0 skips it).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
"$here/install-deps.sh"
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$root}"

build="${BUILD_DIR:-$root/build-test}"
BUILD_DIR="$build" "$here/build.sh" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTICKETD_WERROR=ON -DTICKETD_SANITIZE=ON

# Sanitizer reports fail the run; LeakSanitizer included.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
(cd "$build" && ctest --output-on-failure --timeout 900 -j2)

seconds="${TICKETD_FUZZ_SECONDS:-60}"
if [ "$seconds" -gt 0 ]; then
  TICKETD_FUZZ_BUILD="$root/build-fuzz" "$root/tests/fuzz/run" "$seconds"
fi
echo "test.sh: all tests passed"
