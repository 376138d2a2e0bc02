#!/usr/bin/env bash
# The Debian package: cpack builds the .deb from this build; dpkg -i installs it; the installed
# trafficinator runs (--version), its man page and the mock's are found (man -w), the presets
# and the bash completion are in place; dpkg -r removes it all again. Needs root (a CI machine);
# refuses to replace a trafficinator installed by another package.
source "$(dirname "$0")/lib.sh"
: "${TF_BUILD_DIR:?}"
[[ $(id -u) -eq 0 ]] || fail "dpkg -i needs root"
command -v man >/dev/null || fail "man is required (tools/setup.sh installs man-db)"
if dpkg-query -W -f='${Status}' trafficinator 2>/dev/null | grep -q "install ok installed"; then
  fail "a trafficinator package is installed already; not replacing it"
fi
(cd "$TF_BUILD_DIR" && timeout 300 cpack -G DEB -B "$TF_WORK/pkg" >"$TF_WORK/cpack.log" 2>&1) \
  || fail "cpack failed: $(tail -20 "$TF_WORK/cpack.log")"
deb=$(ls "$TF_WORK"/pkg/trafficinator_*.deb 2>/dev/null | head -1)
[[ -n "$deb" ]] || fail "no .deb in $TF_WORK/pkg: $(tail -5 "$TF_WORK/cpack.log")"
trap 'dpkg -r trafficinator >/dev/null 2>&1 || true; tf_cleanup' EXIT
dpkg -i "$deb" >"$TF_WORK/dpkg.log" 2>&1 || fail "dpkg -i failed: $(cat "$TF_WORK/dpkg.log")"
check "installed binary runs" "trafficinator $(dpkg-deb -f "$deb" Version)" "$(/usr/bin/trafficinator --version)"
check "man -w trafficinator" "0" "$(man -w trafficinator >/dev/null 2>&1; echo $?)"
check "man -w trafficinator-mock" "0" "$(man -w trafficinator-mock >/dev/null 2>&1; echo $?)"
check "the mock is installed as trafficinator-mock" "0" "$(/usr/bin/trafficinator-mock --help >/dev/null 2>&1; echo $?)"
check "presets under /usr/share/trafficinator" "true" "$([[ -f /usr/share/trafficinator/presets/medium.env ]] && echo true || echo false)"
check "bash completion generated from the CLI" "1" \
  "$(grep -c -- '--token-file' <(grep '^    run)' /usr/share/bash-completion/completions/trafficinator))"
dpkg -r trafficinator >"$TF_WORK/dpkg-r.log" 2>&1 || fail "dpkg -r failed: $(cat "$TF_WORK/dpkg-r.log")"
check "removed" "false" "$([[ -e /usr/bin/trafficinator ]] && echo true || echo false)"
finish
