#!/usr/bin/env bash
# `make test-production` runs the real engines of the production topology on this machine:
# Debian's nginx, redis-server and PostgreSQL (and openssl for a test certificate). Install
# what is missing (root needed, as CI has), without starting the packages' own services:
# the test starts each on its own ports and configuration.
set -euo pipefail
missing=()
command -v nginx >/dev/null || missing+=(nginx)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v openssl >/dev/null || missing+=(openssl)
command -v systemd-analyze >/dev/null || missing+=(systemd)  # to check the units it writes
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing for the production test: ${missing[*]} (Debian packages, root needed)" >&2
  exit 1
fi
echo "installing ${missing[*]} (Debian packages) for the production test ..."
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then  # no package may start its service while we install it
  printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && created_policy=1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
if [ "$created_policy" -eq 1 ]; then rm -f "$policy"; fi
