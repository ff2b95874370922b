#!/usr/bin/env bash
# Idempotent set-up for a fresh machine: the pieces in scripts/setup.d run in name order.
# Each piece installs only what is missing (apt-get, npm, the helm binary, ...), so a second run is quick.
#   bash scripts/setup.sh       everything: running, building, testing, packaging (scripts/test.sh)
#   bash scripts/setup.sh run   only the pieces marked "# setup-for: run" — what scripts/run.sh needs
set -euo pipefail
cd "$(dirname "$0")/.."
for piece in scripts/setup.d/*.sh; do
  [ -e "$piece" ] || continue
  if [ "${1:-}" = run ] && ! grep -q '^# setup-for: run' "$piece"; then
    continue
  fi
  echo "setup: $piece"
  bash "$piece"
done
