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
# container image and scripts/run.sh ship.
publish_trimmed() {
  publish_profile trimmed "$@"
}

# publish_aot DIR [MSBUILD_FLAG...]: the Native AOT form of `switchyard` (src/Switchyard/Properties/PublishProfiles/
# aot.pubxml) into DIR, run as DIR/switchyard: one native executable, no JIT. Not what ships (README "Performance").
# The native link needs a C toolchain: clang (the compiler's default) and zlib's headers; on Debian
# `apt-get install clang zlib1g-dev`. Debian's versioned clang-NN packages install no plain `clang`, so the newest
# clang-NN on PATH is named instead when there is no `clang`.
publish_aot() {
  local cc
  cc=$(command -v clang >/dev/null && echo clang ||
    compgen -c clang- | grep -E '^clang-[0-9]+$' | sort -t- -k2 -n | tail -n 1)
  if [ -z "$cc" ]; then
    apt_install clang zlib1g-dev
    cc=clang
  fi
  local dir=$1
  shift
  publish_profile aot "$dir" -p:CppCompilerAndLinker="$cc" "$@"
}

# publish_rid: the runtime identifier of this machine's architecture.
publish_rid() {
  echo "linux-$([ "$(uname -m)" = aarch64 ] && echo arm64 || echo x64)"
}

# publish_profile PROFILE DIR [MSBUILD_FLAG...]: publishes src/Switchyard with the publish profile PROFILE
# (src/Switchyard/Properties/PublishProfiles/PROFILE.pubxml) for this machine's architecture into DIR. Skipped when DIR
# holds a publish made with the same SDK, profile and flags and no file under src/ nor Directory.*.props changed since:
# even with nothing to redo, `dotnet publish` re-runs the trimmer's and ReadyToRun's checks over the whole framework
# (20 s idle, 7 minutes on a loaded 2-core machine), which every start of scripts/run.sh paid.
publish_profile() {
  local profile=$1 dir=$2 rid want stamp="$2/.switchyard-publish"
  shift 2
  rid=$(publish_rid)
  # The trimmed form's stamp names no profile (it was the only one): its existing publishes stay valid.
  want="sdk $(dotnet --version) rid $rid$([ "$profile" = trimmed ] || echo " profile $profile") flags $*"
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
  dotnet publish src/Switchyard/Switchyard.csproj -c Release -r "$rid" -p:PublishProfile="$profile" "$@" -o "$dir" \
    --nologo -v q -clp:ErrorsOnly || return 1
  echo "$want" > "$stamp"
  touch -d "@$began" "$stamp"
}
