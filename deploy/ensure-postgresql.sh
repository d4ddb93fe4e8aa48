#!/usr/bin/env bash
# The test suite runs the services on a private PostgreSQL cluster too (tests/support/postgres.py).
# Install Debian's server package when it is missing (needs root, as CI has).
set -euo pipefail
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "PostgreSQL is missing: install Debian's 'postgresql' package (root needed)" >&2
  exit 1
fi
echo "installing PostgreSQL (Debian package) for the test suite ..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
