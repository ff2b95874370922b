#!/usr/bin/env bash
# Runs the embedded default: the demo gRPC backends (user-v1 / user-v2 h2c, user-secure https) and the gateway
# on config/switchyard.yaml + config/manifests (hot reload: edit a manifest, traffic moves). Prints the client
# command. Ctrl+C stops both processes (by PID).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
dotnet build src/Switchyard/Switchyard.csproj -c Release -v q --nologo -clp:ErrorsOnly
dotnet build src/Switchyard.Demo/Switchyard.Demo.csproj -c Release -v q --nologo -clp:ErrorsOnly
demo=src/Switchyard.Demo/bin/Release/net10.0/switchyard-demo.dll
gateway=src/Switchyard/bin/Release/net10.0/switchyard.dll

pids=()
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop EXIT
trap 'exit 130' INT TERM

dotnet "$demo" serve & pids+=($!)
dotnet "$gateway" run --config config/switchyard.yaml & pids+=($!)

for _ in $(seq 1 120); do
  if curl -sf http://127.0.0.1:9000/readyz >/dev/null 2>&1; then break; fi
  sleep 0.5
done

cat <<MSG

Switchyard is serving config/manifests on :8000 (h2c + HTTP/1.1), :8443 (TLS) and :9000 (admin).
Call mypackage.UserService through it (80% user-v1, 20% user-v2):

  dotnet $demo call --gateway http://127.0.0.1:8000 --count 20
  dotnet $demo call --gateway http://127.0.0.1:8000 --method list --count 5
  dotnet $demo call --gateway http://127.0.0.1:8000 --authority grpc-secure.localhost --count 5

Health: curl http://127.0.0.1:9000/readyz   Stop: Ctrl+C
MSG
wait -n "${pids[@]}"
