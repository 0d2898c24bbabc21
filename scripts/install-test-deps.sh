#!/usr/bin/env bash
# Installs the Debian packages the tests run against, only when something is missing.
set -euo pipefail
need=()
for pair in postfix:/usr/sbin/postfix dnsmasq-base:/usr/sbin/dnsmasq nftables:/usr/sbin/nft iproute2:/usr/sbin/ip chromium:/usr/bin/chromium; do
  pkg=${pair%%:*}; bin=${pair#*:}
  [ -x "$bin" ] || need+=("$pkg")
done
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing packages: ${need[*]}; run as root (or install them) to run every test." >&2
  exit 1
fi
echo "Installing ${need[*]} ..."
# Answer Postfix's questions up front: no dialog on a headless machine.
echo "postfix postfix/main_mailer_type select Internet Site" | debconf-set-selections
echo "postfix postfix/mailname string probehub.test" | debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${need[@]}"
