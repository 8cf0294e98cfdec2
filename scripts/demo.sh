#!/bin/sh
# The local demo: installs what is missing, builds ticketd, starts a real
# Dovecot and a real SMTP server on loopback, delivers sample customer mails
# (English, Simplified Chinese in GBK, Traditional Chinese in Big5, a VIP, a
# refund request, an out-of-office reply), runs ticketd, and prints the
# tickets it made and the answers that reached the customers' mailboxes.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
"$here/install-deps.sh"
BUILD_DIR="${BUILD_DIR:-$here/../build}" "$here/build.sh" -DCMAKE_BUILD_TYPE=RelWithDebInfo
exec /usr/bin/python3 "$here/demo.py" --ticketd "${BUILD_DIR:-$here/../build}/daemon/ticketd" "$@"
