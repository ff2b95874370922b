#!/usr/bin/env bash
# Runs the gateway on the embedded default (config/switchyard.yaml + config/manifests).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
dotnet run --project src/Switchyard -c Release -- run --config config/switchyard.yaml
