#!/usr/bin/env bash
# Installs the programs the web benchmark measures against and with: wrk drives the load, nginx serves the same
# page as a static file in the same run (the reference). Idempotent and quiet; skips what is present.
set -u
need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
. "$(dirname "$0")/apt-install-missing.sh"
exit 0
