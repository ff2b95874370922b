#!/usr/bin/env bash
# Debian's prometheus (+ promtool) and chromium: the real Prometheus server that scrapes the admin entry point
# (tests/Switchyard.DataPlane.Tests/Observability/PrometheusScrapeTests.cs), the linter of our /metrics output, and
# the headless browser the dashboard test drives with Microsoft.Playwright (DashboardBrowserTests.cs). The browser
# is Debian's: Playwright never downloads one here.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
apt_install prometheus chromium
