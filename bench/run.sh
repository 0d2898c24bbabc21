#!/usr/bin/env bash
# Runs the benchmarks of issue 6 and writes bench/results/latest.json and bench/results/latest.md, and the in-flight
# section of "Faults and limits", which writes bench/results/inflight.json and .md (a report is written only when one of
# its sections ran, so `bash bench/run.sh inflight` keeps latest.* as committed, and the other way round).
#
#   bash bench/run.sh                 every section at default sizes (about ten minutes on 2 cores)
#   bash bench/run.sh --smoke         tiny sizes, only checks that the harness works (writes smoke.json/.md, not committed)
#   bash bench/run.sh latency fleet   some sections only: latency throughput fleet footprint micro inflight monitors replicas
#   bash bench/run.sh --no-build ...  use the Release builds already there (scripts/test.sh built the solution)
#
# Needs root (private Postfix instances, like the tests) and installs Postfix and swaks when missing, and for a
# full run clang and zlib1g-dev (to publish the Native AOT agent).
# Only loopback traffic: a private Postfix, an in-process SMTP sink, the hub and agents on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

smoke=false; build=true; args=()
for arg in "$@"; do
  case "$arg" in
    --smoke) smoke=true; args+=("$arg") ;;
    --no-build) build=false ;;
    *) args+=("$arg") ;;
  esac
done

bash scripts/install-test-deps.sh
# The in-flight section keeps 1,000 connections open at once, each a descriptor at both ends (the sink in the harness,
# the prober in the hub or an agent): the soft limit on open files goes up to the hard one for everything started here
# (the harness checks what it got and says so when it is too low).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
apt_install() { # apt-get install "$@", refreshing the package lists once if that fails
  [ "$(id -u)" -eq 0 ] || { echo "missing Debian packages: $*; run as root or install them" >&2; exit 1; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" \
    || { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"; }
}
# swaks is reference (b).
[ -x /usr/bin/swaks ] || apt_install --no-install-recommends swaks
# clang and zlib's headers link the Native AOT agent, which the full run publishes as shipped (the SDK's documented
# prerequisites, installed as documented: with recommends).
if ! $smoke; then
  aot=()
  command -v clang >/dev/null || aot+=(clang)
  [ -f /usr/include/zlib.h ] || aot+=(zlib1g-dev)
  [ ${#aot[@]} -eq 0 ] || apt_install "${aot[@]}"
fi

if $build; then
  for project in src/Api src/Agent bench/Benchmarks; do
    dotnet build "$project" -c Release -warnaserror -v q -nologo
  done
fi

agent_args=()
if ! $smoke; then
  # The agent as shipped (docs/agents.md, "Installing an agent"): one Native AOT executable. Its size is a result; the
  # latency, throughput and footprint sections run this binary.
  published=bench/results/tmp/agent
  rm -rf "$published"
  dotnet publish src/Agent -c Release -r linux-x64 -o "$published" -v q -nologo
  agent_args=(--published-agent "$published/SmtpProbeHub.Agent")
fi

exec dotnet bench/Benchmarks/bin/Release/net10.0/SmtpProbeHub.Benchmarks.dll "${args[@]}" "${agent_args[@]}"
