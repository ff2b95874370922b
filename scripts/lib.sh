#!/usr/bin/env bash
# Shared helpers for scripts: apt packages installed once, only when missing.

# apt_install PKG...: installs the Debian packages that are not installed yet.
apt_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ ! -f /tmp/.switchyard-apt-updated ]; then
    $sudo apt-get update -qq >/dev/null && touch /tmp/.switchyard-apt-updated
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# publish_trimmed DIR [MSBUILD_FLAG...]: the trimmed self-contained form of `switchyard` for this machine's
# architecture (src/Switchyard/Properties/PublishProfiles/trimmed.pubxml) into DIR, run as DIR/switchyard — what the
# container image and scripts/run.sh ship. Later publishes redo only what changed.
publish_trimmed() {
  local dir=$1 rid
  shift
  rid="linux-$([ "$(uname -m)" = aarch64 ] && echo arm64 || echo x64)"
  dotnet publish src/Switchyard/Switchyard.csproj -c Release -r "$rid" -p:PublishProfile=trimmed "$@" -o "$dir" \
    --nologo -v q -clp:ErrorsOnly
}
