#!/usr/bin/env bash
# Installs the programs the web benchmark measures against and with: wrk drives the load, nginx serves the same
# page as a static file in the same run (the reference). Idempotent and quiet; skips what is present.
set -u
need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing system packages: ${need[*]}"
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 \
      || echo "warning: could not install ${need[*]}"
  else
    echo "note: ${need[*]} missing and not root: apt-get install -y ${need[*]}"
  fi
fi
exit 0
