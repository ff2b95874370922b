#!/usr/bin/env bash
# Side-by-side benchmarks: Switchyard vs bare YARP vs nginx vs haproxy in front of one gRPC backend.
# Not part of the test suite. Installs what it needs (Debian nginx, haproxy, nghttp2-client), builds in
# Release, runs every scenario (bench/bench.py) and prints a Markdown table; raw TSV and the table are
# written to bench/results/ (git-ignored).
#   ROUNDS=5 CALLS=100000 SCENARIOS=basic,chain,... bash bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
apt_install nginx haproxy nghttp2-client openssl python3 util-linux procps
# Debian's nginx package may start a system instance on port 80; ours runs with its own config and ports.
for p in bench/Bench.Backend bench/Bench.BareYarp bench/Bench.H2Proxy bench/Bench.Client bench/Bench.Hops src/Switchyard; do
  dotnet build "$p" -c Release --nologo -v q -clp:ErrorsOnly
done
# The framework-dependent ReadyToRun publish, for the start scenario's r2r* variants (its default START_VARIANTS is
# jit,r2r) and the memory scenario's r2r variant; a start run naming other variants (e.g. the trimmed form through
# SWITCHYARD_BIN) does not wait minutes for it.
start_r2r=0
if [[ ",${SCENARIOS:-start}," == *",start,"* ]]; then
  [[ -z "${START_VARIANTS:-}" || ",${START_VARIANTS}" == *",r2r"* ]] && start_r2r=1
fi
if [[ $start_r2r -eq 1 || ",${MEMORY_VARIANTS:-}," == *",r2r,"* ]]; then
  dotnet publish src/Switchyard/Switchyard.csproj -c Release -r linux-x64 --self-contained false \
    -p:PublishReadyToRun=true -p:UseAppHost=false -o bench/results/r2r --nologo -v q -clp:ErrorsOnly
fi
# The trimmed self-contained publishes (src/Switchyard/Properties/PublishProfiles/trimmed.pubxml), when the memory or
# start scenario names them: "trimmed" without ReadyToRun, "trimmed-r2r" as the profile ships (one composite ReadyToRun
# image of the framework and the app), "trimmed-r2r-all" with ReadyToRun for the cold assemblies too (the profile's
# partial ReadyToRun off), "trimmed-r2r-separate" with a ReadyToRun image per assembly (the form shipped before
# 2026-12-07 22:40).
declare -A trimmed_flags=([trimmed]="-p:PublishReadyToRun=false" [trimmed-r2r]="" [trimmed-r2r-all]="-p:ReadyToRunColdAssemblies=true"
  [trimmed-r2r-separate]="-p:PublishReadyToRunComposite=false")
for v in trimmed trimmed-r2r trimmed-r2r-all trimmed-r2r-separate; do
  if [[ ",${MEMORY_VARIANTS:-},${START_VARIANTS:-}," == *",$v,"* ]]; then
    # shellcheck disable=SC2086 # the flags are a list of words
    publish_trimmed "bench/results/$v" ${trimmed_flags[$v]}
  fi
done
# The Native AOT publish (src/Switchyard/Properties/PublishProfiles/aot.pubxml), when the memory or start scenario names
# it ("aot", or a memory variant "aot-..." of the same executable).
if [[ ",${MEMORY_VARIANTS:-},${START_VARIANTS:-}," == *",aot,"* || ",${MEMORY_VARIANTS:-}," == *",aot-"* ]]; then
  publish_aot bench/results/aot
fi
exec python3 bench/bench.py
