#!/usr/bin/env bash
# .NET SDK and NuGet packages.
# setup-for: run
set -euo pipefail
if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup: the .NET 10 SDK is required (dotnet not found on PATH)" >&2
  exit 1
fi
dotnet restore Operator.sln --verbosity quiet
