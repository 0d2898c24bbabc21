#!/usr/bin/env bash
# Installs the Debian packages the tests run against, only when something is missing, and checks what the
# tests rely on afterwards. The tests start their own private Postfix, dnsmasq and PostgreSQL cluster; the
# system services that the packages may start are never used (dnsmasq-base has no service at all, and the
# postgresql package's own cluster is left as the package leaves it). HAProxy is for the end-to-end tests.
set -euo pipefail
need=()
# A path per package; a glob where the path holds a version (postgresql: /usr/lib/postgresql/15/bin on bookworm,
# not on PATH), which matches when any version is installed.
for pair in postfix:/usr/sbin/postfix dnsmasq-base:/usr/sbin/dnsmasq ssl-cert:/usr/sbin/make-ssl-cert \
            nftables:/usr/sbin/nft iproute2:/usr/sbin/ip chromium:/usr/bin/chromium \
            'postgresql:/usr/lib/postgresql/*/bin/initdb' haproxy:/usr/sbin/haproxy; do
  pkg=${pair%%:*}; pattern=${pair#*:}
  found=0
  for bin in $pattern; do
    if [ -x "$bin" ]; then found=1; break; fi
  done
  [ "$found" -eq 1 ] || need+=("$pkg")
done

if [ ${#need[@]} -gt 0 ]; then
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
  # With recommends, as on the machines the suite was checked on (postfix brings ca-certificates with them).
  apt-get install -y -q "${need[@]}"
fi

[ "$(id -u)" -eq 0 ] || exit 0

# What the private Postfix instances need, whatever state the packages left behind.
getent group postfix >/dev/null || groupadd --system postfix
getent group postdrop >/dev/null || groupadd --system postdrop
getent passwd postfix >/dev/null || useradd --system --gid postfix --home-dir /var/spool/postfix --shell /usr/sbin/nologin postfix
if [ ! -s /etc/ssl/certs/ssl-cert-snakeoil.pem ] || [ ! -s /etc/ssl/private/ssl-cert-snakeoil.key ]; then
  make-ssl-cert generate-default-snakeoil --force-overwrite
fi

# The private PostgreSQL clusters run as the postgres user (initdb and postgres refuse root); the package creates it.
getent group postgres >/dev/null || groupadd --system postgres
getent passwd postgres >/dev/null || useradd --system --gid postgres --home-dir /var/lib/postgresql --shell /bin/bash postgres
