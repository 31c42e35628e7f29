#!/usr/bin/env bash
# The console's browser test drives Debian's Chromium (test/support/browser.ts): install it when
# it is missing, without questions, and fail loudly when that is not possible.
set -euo pipefail

chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
[ -x "$chromium" ] && exit 0

fail() {
  echo "ensure-chromium: $*" >&2
  echo "ensure-chromium: install Chromium, or set CHROMIUM_PATH to a Chromium or Chrome binary" >&2
  exit 1
}

[ -n "${CHROMIUM_PATH:-}" ] && fail "CHROMIUM_PATH=$chromium is not an executable"
command -v apt-get >/dev/null || fail "$chromium is missing and there is no apt-get here"
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || fail "$chromium is missing; installing it needs root or sudo"
  sudo=(sudo -n)
fi

echo "ensure-chromium: $chromium is missing; installing Debian's chromium" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q || fail "apt-get update failed"
"${sudo[@]}" apt-get install -y -q --no-install-recommends chromium || fail "apt-get install chromium failed"
[ -x "$chromium" ] || fail "chromium was installed but $chromium is still missing"
