#!/usr/bin/env bash
# Helpers of the live_* tests (source after lib.sh): the live view's port, authorised requests,
# a /metrics parser and headless Chromium, each call bounded in time.

# listen_port NAME: waits for "live view: http://HOST:PORT/" in $TF_WORK/NAME.err; sets LIVE_BASE.
listen_port() {
  wait_for_file_line "$TF_WORK/$1.err" 'live view: http://' 20 || fail "no live view line: $(cat "$TF_WORK/$1.err")"
  LIVE_BASE=$(grep -Eo 'live view: http://[^ ]+/' "$TF_WORK/$1.err" | head -1 | sed 's/^live view: //; s#/$##')
}

# post PATH [TOKEN]: POST to the live view; prints the HTTP status.
post() {
  local auth=()
  [[ -n ${2:-} ]] && auth=(-H "Authorization: Bearer $2")
  curl -s -o "$TF_WORK/post.body" -w '%{http_code}' --max-time 5 -X POST "${auth[@]}" "$LIVE_BASE$1"
}

# metrics_sum FILE NAME: the sum of the samples of metric NAME over all label sets.
metrics_sum() {
  awk -v n="$2" '$1 == n || index($1, n "{") == 1 { s += $NF } END { printf "%d\n", s }' "$1"
}

# check_exposition FILE: promtool check metrics when installed, else a strict line parser:
# every line a comment (# HELP/# TYPE NAME ...) or NAME{LABELS} VALUE, every sample's family
# declared by a # TYPE line before it.
check_exposition() {
  if command -v promtool >/dev/null; then
    promtool check metrics <"$1" >"$TF_WORK/promtool.out" 2>&1 || fail "promtool: $(cat "$TF_WORK/promtool.out")"
    return 0
  fi
  awk '
    /^# (HELP|TYPE) / { if ($2 == "TYPE") typed[$3] = 1; next }
    /^#/ { next }
    {
      if ($0 !~ /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? [-+0-9.eE]+$|^[^ ]+ (NaN|\+Inf|-Inf)$/) { print "bad line " NR ": " $0; bad = 1 }
      name = $1; sub(/\{.*/, "", name); base = name; sub(/_(bucket|sum|count)$/, "", base)
      if (!(name in typed) && !(base in typed)) { print "undeclared " name; bad = 1 }
    }
    END { exit bad }' "$1" >"$TF_WORK/parse.out" || fail "exposition does not parse: $(head -5 "$TF_WORK/parse.out")"
}

# chromium_run ARGS...: headless Chromium, at most 60 s, no sandbox (containers), a fresh profile.
chromium_run() {
  timeout -k 5 60 chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-extensions \
    --disable-background-networking --disable-component-update --disable-sync --disable-default-apps \
    --user-data-dir="$TF_WORK/chromium-profile" "${chromium_offline[@]}" "$@" 2>>"$TF_WORK/chromium.err"
}

# artefact_dir: where screenshots go (under the build directory), created.
artefact_dir() {
  local dir=${TF_BUILD_DIR:-$TF_WORK}/test-artefacts
  mkdir -p "$dir"
  echo "$dir"
}

# chromium_offline: Chromium's own resolver answers only 127.0.0.1, so nothing Chromium does
# (its update and account checks included) reaches beyond this machine.
chromium_offline=(--host-resolver-rules="MAP * ~NOTFOUND , EXCLUDE 127.0.0.1")

# page_requests NETLOG: "INITIATOR URL" of every request a page started (Chromium's own requests,
# whose initiator is "not an origin", left out), from a net log (--log-net-log).
page_requests() {
  python3 - "$1" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
for event in log["events"]:
    params = event.get("params", {})
    if event["type"] == start and "url" in params and params.get("initiator") != "not an origin":
        print(params.get("initiator"), params["url"])
PY
}

# requests_left_page NETLOG: the requests of the page to anything but loopback.
requests_left_page() {
  page_requests "$1" | awk '$2 !~ /^http:\/\/(127\.0\.0\.1|\[::1\])[:\/]/' || true
}
