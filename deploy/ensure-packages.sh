#!/usr/bin/env bash
# Debian packages that the tests and benchmarks run, installed when missing (root needed, as
# CI has). Usage: ensure-packages.sh suite|production ...
#   suite:      PostgreSQL (the suite runs the services on private clusters too), Debian's
#               chromium for Playwright (it cannot download its own browser here), its zh-CN
#               locale (date and time inputs in Chinese order) and the Noto CJK fonts;
#   production: the production topology's own engines (nginx, redis-server, PostgreSQL),
#               openssl for a test certificate and systemd-analyze to check the units.
# No package may start its own service meanwhile: the tests start each engine on its own
# ports and configuration.
set -euo pipefail
missing=()
for purpose in "$@"; do
  case "$purpose" in
    suite)
      [ -x /usr/bin/chromium ] || missing+=(chromium)
      [ -f /usr/lib/chromium/locales/zh-CN.pak ] || missing+=(chromium-l10n)
      fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || missing+=(fonts-noto-cjk)  # no -q: pipefail
      ;;
    production)
      command -v nginx >/dev/null || missing+=(nginx)
      command -v redis-server >/dev/null || missing+=(redis-server)
      command -v openssl >/dev/null || missing+=(openssl)
      command -v systemd-analyze >/dev/null || missing+=(systemd)
      ;;
    *)
      echo "usage: $0 suite|production ..." >&2
      exit 2
      ;;
  esac
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
if [ "$(id -u)" -ne 0 ]; then
  echo "missing for $*: ${missing[*]} (Debian packages, root needed)" >&2
  exit 1
fi
echo "installing ${missing[*]} (Debian packages) for $* ..."
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then  # policy-rc.d's 101: no service is started on install
  printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && created_policy=1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
if [ "$created_policy" -eq 1 ]; then rm -f "$policy"; fi
