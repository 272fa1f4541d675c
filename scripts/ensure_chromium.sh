#!/usr/bin/env bash
# Make sure a Chromium-family browser is installed for the browser test (never a downloaded one).
# Uses $CHROMIUM if set, else chromium, chromium-browser or google-chrome from the PATH; on Debian
# as root (this project's CI) it installs Debian's chromium with apt-get (about 20 s).
set -euo pipefail
for candidate in "${CHROMIUM:-}" chromium chromium-browser google-chrome; do
  if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1; then
    exit 0
  fi
done
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing chromium with apt-get"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
else
  echo "No Chromium found: install it (Debian/Ubuntu: sudo apt-get install chromium) or set CHROMIUM" >&2
  exit 1
fi
