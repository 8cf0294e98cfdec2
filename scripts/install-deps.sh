#!/bin/sh
# Installs what ticketd needs to build, test and run its demo, from Debian 12
# packages only (the list and the reason for each is in README.md,
# "Dependencies"). Safe to run again: apt-get skips what is there.
set -eu

PACKAGES="
  cmake ninja-build g++ pkg-config git ccache
  libcurl4-openssl-dev libmimetic-dev libsqlitecpp-dev libsqlite3-dev libfmt-dev
  libtomlplusplus-dev libcli11-dev nlohmann-json3-dev catch2
  libuchardet-dev libgumbo-dev libre2-dev libsystemd-dev
  dovecot-imapd python3 python3-aiosmtpd
  clang libclang-rt-14-dev libpython3.11-testsuite
  chromium dpkg-dev file systemd
"

missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
  echo "install-deps: everything is installed"
  exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing$missing"
# Dovecot's package starts the system service on install; ticketd's tests run
# their own Dovecot and never need it, so keep it from starting.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  remove_policy=1
else
  remove_policy=0
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
[ "$remove_policy" -eq 0 ] || $SUDO rm -f /usr/sbin/policy-rc.d
