#!/usr/bin/env bash
# The browser tests (tests/browser) drive Debian's chromium through Playwright, which cannot
# download its own browser here; Chinese text needs the Noto CJK fonts, and date and time
# inputs in Chinese order need chromium's zh-CN locale (chromium-l10n). Install them when
# missing (needs root, as CI has).
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -f /usr/lib/chromium/locales/zh-CN.pak ] || missing+=(chromium-l10n)
fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || missing+=(fonts-noto-cjk)  # no -q: pipefail
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing for the browser tests: ${missing[*]} (Debian packages, root needed)" >&2
  exit 1
fi
echo "installing ${missing[*]} (Debian packages) for the browser tests ..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
