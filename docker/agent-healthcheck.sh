#!/bin/bash
# Healthy when the agent holds an established TCP connection to the hub's port (its one long-lived gRPC stream).
# The port comes from Agent__HubUrl (e.g. http://hub:8081 → 8081); /proc/net/tcp lists ports in hex, state 01 = established.
set -euo pipefail
url="${Agent__HubUrl:?Agent__HubUrl is not set}"
hostport="${url#*://}"; hostport="${hostport%%/*}"
port="${hostport##*:}"
if [ "$port" = "$hostport" ]; then
  case "$url" in https://*) port=443 ;; *) port=80 ;; esac
fi
hex=$(printf '%04X' "$port")
if awk -v p=":$hex" '$3 ~ p"$" && $4 == "01" { found = 1 } END { exit !found }' /proc/net/tcp /proc/net/tcp6 2>/dev/null; then
  exit 0
fi
echo "no established connection to the hub port $port" >&2
exit 1
