#!/usr/bin/env bash
# Quick loop for hot-path work: bytes allocated and CPU µs per unary gRPC call, Switchyard vs bare YARP, both
# hosted in one process (bench/Bench.Alloc) pinned to CPU 1; backend and h2load on CPU 0.
#   CALLS=20000 ROUNDS=3 bash bench/alloc.sh      (METRICS=1: also a data plane with Prometheus metrics on)
set -euo pipefail
cd "$(dirname "$0")/.."
for p in bench/Bench.Backend bench/Bench.Alloc; do
  dotnet build "$p" -c Release --nologo -v q -clp:ErrorsOnly
done
port=${BACKEND_PORT:-9111}
taskset -c "${LOAD_CPU:-0}" dotnet bench/Bench.Backend/bin/Release/net10.0/Bench.Backend.dll "$port" >/dev/null 2>&1 &
backend=$!
trap 'kill "$backend" 2>/dev/null || true' EXIT
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
taskset -c "${PROXY_CPU:-1}" dotnet bench/Bench.Alloc/bin/Release/net10.0/Bench.Alloc.dll "$port" "${CALLS:-20000}" "${ROUNDS:-3}"
