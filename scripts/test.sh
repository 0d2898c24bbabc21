#!/usr/bin/env bash
# Runs every test. On a fresh Debian machine it first installs the real test peers the tests use
# (Postfix, dnsmasq, nftables, iproute2, chromium); it needs root for that and for network namespaces.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-deps.sh

dotnet build SmtpProbeHub.sln -c Release -warnaserror
dotnet test --solution SmtpProbeHub.sln -c Release --no-build
