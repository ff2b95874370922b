#!/usr/bin/env bash
# Debian's prometheus (+ promtool) and chromium: the real Prometheus server that scrapes the admin entry point and
# the headless browser that loads the dashboard in the observability tests. The browser is Debian's; no browser
# is ever downloaded by playwright-core (installed into .tools/ by 20-tools.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
apt_install prometheus chromium
