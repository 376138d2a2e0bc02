#!/usr/bin/env bash
# Installs the build and test dependencies from Debian packages, idempotently: packages that are
# already installed are not touched, and apt is not called at all when nothing is missing.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config
  libcurl4-openssl-dev libcli11-dev nlohmann-json3-dev libfmt-dev catch2
  libhowardhinnant-date-dev tzdata libcpp-httplib-dev libmimalloc-dev libssl-dev libspdlog-dev curl jq python3
  python3-yaml shellcheck tmux man-db dpkg-dev openssl nginx clang-format
  chromium prometheus ccache
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "setup: all ${#packages[@]} packages already installed"
  exit 0
fi
echo "setup: installing ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
