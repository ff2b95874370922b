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
# container image and scripts/run.sh ship. Skipped when DIR holds a publish made with the same SDK and flags and no
# file under src/ nor Directory.*.props changed since: even with nothing to redo, `dotnet publish` re-runs the
# trimmer's and ReadyToRun's checks over the whole framework (20 s idle, 7 minutes on a loaded 2-core machine), which
# every start of scripts/run.sh paid.
publish_trimmed() {
  local dir=$1 rid want stamp="$1/.switchyard-publish"
  shift
  rid="linux-$([ "$(uname -m)" = aarch64 ] && echo arm64 || echo x64)"
  want="sdk $(dotnet --version) rid $rid flags $*"
  if [ -x "$dir/switchyard" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -z "$(
    find src Directory.Build.props Directory.Packages.props \( -name bin -o -name obj \) -prune -o \
      -type f -newer "$stamp" -print -quit)" ]; then
    return 0
  fi
  # Stamped with the time the publish began, so a file edited while it ran counts as changed next time.
  local began
  began=$(date +%s)
  rm -f "$stamp"
  # ReadyToRun's intermediate images are reused when their inputs look unchanged, whatever the mode that made them:
  # a separate-images publish after a composite one copied the composite's rewritten component assemblies without
  # their composite image (the executable aborted at start). Each publish compiles them afresh.
  rm -rf "src/Switchyard/obj/Release/net10.0/$rid/R2R"
  dotnet publish src/Switchyard/Switchyard.csproj -c Release -r "$rid" -p:PublishProfile=trimmed "$@" -o "$dir" \
    --nologo -v q -clp:ErrorsOnly || return 1
  echo "$want" > "$stamp"
  touch -d "@$began" "$stamp"
}
