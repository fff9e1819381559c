#!/bin/sh
# Installs what the interop suites (test/interop) need: strongSwan's charon-systemd and swanctl with the
# plugins they load, and tshark. Idempotent, quiet and non-interactive; skips packages already installed.
set -eu

PACKAGES="strongswan-charon strongswan-swanctl charon-systemd libcharon-extra-plugins libstrongswan-extra-plugins tshark"

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing="$missing $p"
  fi
done

if [ -z "$missing" ]; then
  echo "strongSwan and tshark already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold $missing >/dev/null
echo "installed:$missing"

# The Debian packages start a system charon (ports 500/4500); the tests run their own on custom ports.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet strongswan 2>/dev/null; then
  $SUDO systemctl stop strongswan || true
fi
test -x /usr/sbin/charon-systemd
test -x /usr/sbin/swanctl
