#!/usr/bin/env bash
# Idempotent set-up for a fresh machine: every piece in scripts/setup.d runs in name order.
# Each piece installs only what is missing (apt-get, npm, the helm binary, ...), so a second run is quick.
set -euo pipefail
cd "$(dirname "$0")/.."
for piece in scripts/setup.d/*.sh; do
  [ -e "$piece" ] || continue
  bash "$piece"
done
