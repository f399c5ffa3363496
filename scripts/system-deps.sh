#!/usr/bin/env sh
# Debian packages the test suite drives for real: Chromium (web viewer tests)
# and a Java runtime (Spark in local mode). Skipped when already present.
set -eu
need=""
command -v chromium >/dev/null 2>&1 || need="$need chromium"
command -v java >/dev/null 2>&1 || need="$need openjdk-17-jre-headless"
[ -z "$need" ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq $need >/dev/null
