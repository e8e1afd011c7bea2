# Sourced by scripts/test-services.sh and scripts/bench-tools.sh: installs the Debian packages named in the array
# `need` when running as root with apt-get, quietly; otherwise says what is missing. Never fails the caller.
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing system packages: ${need[*]}"
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 \
      || echo "warning: could not install ${need[*]}${missing_hint:-}"
  else
    echo "note: ${need[*]} missing and not root: apt-get install -y ${need[*]}${missing_hint:-}"
  fi
fi
