#!/usr/bin/env bash
# Installs the Debian packages the tests need, when they are missing:
#   chromium         browser tests of the app (Playwright drives /usr/bin/chromium)
#   poppler-utils    pdftoppm, to render PDF packs to PNG in tests
#   postgresql       the database tests run against a real server (scripts/postgres.sh)
#   fonts-nanum, fonts-noto-core
#                    Hangul, Thai and Arabic glyphs, so that browser screenshots show
#                    candidates' names in their own scripts rather than empty boxes
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
fc-list :lang=ko 2>/dev/null | grep -q . || missing+=(fonts-nanum)
fc-list :lang=th 2>/dev/null | grep -q . || missing+=(fonts-noto-core)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "system-deps: missing ${missing[*]}; run as root or install them with apt-get" >&2
  exit 1
fi
echo "system-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
