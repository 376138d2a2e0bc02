#!/usr/bin/env bash
# Shared helpers for the integration tests (source it; do not run it). Starts the mock Matomo on
# a free loopback port, queries it, and always stops what it started, even when a test fails or
# is interrupted. Needs bash and curl only.
set -euo pipefail

TF_SOURCE_DIR=${TF_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
TF_MOCK=${TF_MOCK:-$TF_SOURCE_DIR/build/dev/tools/mock-matomo/mock-matomo}
TF_WORK=$(mktemp -d "${TMPDIR:-/tmp}/tf-it.XXXXXX")
TF_PIDS=()
TF_FAILURES=0

tf_cleanup() {
  local pid
  for pid in "${TF_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${TF_PIDS[@]}"; do
    # a process that ignores SIGTERM gets SIGKILL after 5 s
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$TF_WORK"
}
trap tf_cleanup EXIT
trap 'exit 130' INT TERM HUP

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# check DESCRIPTION EXPECTED ACTUAL: records a failure (the test goes on) when they differ.
check() {
  if [[ "$2" == "$3" ]]; then
    echo "ok: $1"
  else
    echo "FAIL: $1: expected '$2', got '$3'" >&2
    TF_FAILURES=$((TF_FAILURES + 1))
  fi
}

# finish: exits non-zero if any check failed. Call at the end of every test.
finish() {
  if ((TF_FAILURES > 0)); then
    fail "$TF_FAILURES check(s) failed"
  fi
  echo "PASS"
}

# start_mock [mock-matomo options...]: starts the mock on a free port and waits until it
# answers. Sets MOCK_PID, MOCK_PORT, MOCK_URL (the tracking endpoint), MOCK_BASE, MOCK_REPORT
# (written at stop_mock) and MOCK_LOG (its stderr).
start_mock() {
  [[ -x "$TF_MOCK" ]] || fail "mock binary not found: $TF_MOCK"
  local port_file="$TF_WORK/mock.port.$RANDOM"
  MOCK_REPORT="$TF_WORK/mock-report.$RANDOM.json"
  MOCK_LOG="$TF_WORK/mock.log.$RANDOM"
  "$TF_MOCK" --host 127.0.0.1 --port 0 --port-file "$port_file" --report "$MOCK_REPORT" "$@" \
    >"$MOCK_LOG.out" 2>"$MOCK_LOG" &
  MOCK_PID=$!
  TF_PIDS+=("$MOCK_PID")
  for _ in $(seq 100); do
    if [[ -s "$port_file" ]]; then
      MOCK_PORT=$(<"$port_file")
      MOCK_BASE="http://127.0.0.1:$MOCK_PORT"
      MOCK_URL="$MOCK_BASE/matomo.php"
      if curl -s -o /dev/null --max-time 2 "$MOCK_BASE/mock/stats"; then
        return 0
      fi
    fi
    kill -0 "$MOCK_PID" 2>/dev/null || fail "the mock exited at start: $(cat "$MOCK_LOG")"
    sleep 0.1
  done
  fail "the mock did not start within 10 s"
}

# stop_mock: SIGTERM, wait for the exit, check status 0 and that the report was written.
stop_mock() {
  local rc=0
  kill -TERM "$MOCK_PID"
  wait "$MOCK_PID" || rc=$?
  [[ $rc -eq 0 ]] || fail "the mock exited with $rc: $(cat "$MOCK_LOG")"
  [[ -s "$MOCK_REPORT" ]] || fail "the mock wrote no report to $MOCK_REPORT"
}

# mock_stats: the /mock/stats JSON.
mock_stats() {
  curl -s --max-time 10 "$MOCK_BASE/mock/stats"
}

# mock_stat PATH: one value of /mock/stats, e.g. `mock_stat hits_accepted`,
# `mock_stat violations/BAD_IDSITE`
# (0 for a reason never seen).
mock_stat() {
  curl -s --max-time 10 "$MOCK_BASE/mock/stat/$1"
}

# report_field FILE KEY: a top-level scalar of a pretty-printed JSON report.
report_field() {
  sed -n "s/^  \"$2\": \\([^,]*\\),\\{0,1\\}\$/\\1/p" "$1" | tr -d '"'
}

# set_faults JSON: replaces the mock's fault plan at runtime.
set_faults() {
  curl -s --max-time 10 -o /dev/null -w '%{http_code}' -X POST \
    -H 'Content-Type: application/json' --data "$1" "$MOCK_BASE/mock/faults" | grep -q '^200$' \
    || fail "POST /mock/faults rejected: $1"
}

# hit QUERY [curl options...]: sends one GET hit; prints "STATUS REASON" (REASON = the
# X-Mock-Reason header, "-" if none).
hit() {
  local query=$1
  shift
  local headers
  headers=$(curl -s --max-time 30 -o /dev/null -D - "$@" "$MOCK_URL?$query" || true)
  local status reason
  status=$(printf '%s\n' "$headers" | sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p')
  reason=$(printf '%s\n' "$headers" | tr -d '\r' | sed -n 's/^[Xx]-[Mm]ock-[Rr]eason: //p')
  echo "${status:-000} ${reason:--}"
}

# now_s: the current UNIX time in seconds.
now_s() {
  date +%s
}
