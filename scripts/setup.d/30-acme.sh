#!/usr/bin/env bash
# Debian's pebble + pebble-challtestsrv: the real ACME server the ACME tests run against.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
apt_install pebble
