#!/usr/bin/env bash
# Helpers of the multi_*, replay_* and signal tests, sourced by lib.sh (do not source or run it
# on its own): several mocks at once, trafficinator in the background, and bounded waits on
# observable state (a mock statistic, a line in a file).

# ---- helpers of the multi_* and replay_* tests (several mocks) ---------------------------------

# start_mocks N [mock-matomo options...]: starts N mocks; their endpoints are MOCKS_URL[i] and
# MOCKS_BASE[i] (0-based). The MOCK_* variables are left on the last one (see use_mock).
start_mocks() {
  local n=$1 i
  shift
  MOCKS_URL=() MOCKS_BASE=() MOCKS_PID=() MOCKS_REPORT=() MOCKS_LOG=()
  for ((i = 0; i < n; i++)); do
    start_mock "$@"
    MOCKS_URL+=("$MOCK_URL") MOCKS_BASE+=("$MOCK_BASE") MOCKS_PID+=("$MOCK_PID")
    MOCKS_REPORT+=("$MOCK_REPORT") MOCKS_LOG+=("$MOCK_LOG")
  done
  TF_MULTI=1
  TF_BRACKET_FROM=() TF_BRACKET_DUPS=()
}

# use_mock I: points MOCK_* (and so mock_stat, mock_stats, set_faults, stop_mock) at mock I.
use_mock() {
  MOCK_URL=${MOCKS_URL[$1]} MOCK_BASE=${MOCKS_BASE[$1]} MOCK_PID=${MOCKS_PID[$1]}
  MOCK_REPORT=${MOCKS_REPORT[$1]} MOCK_LOG=${MOCKS_LOG[$1]}
}

# reset_mocks: POST /mock/reset to every mock of start_mocks (hits, visits, counts).
reset_mocks() {
  local base
  for base in "${MOCKS_BASE[@]}"; do
    curl -s --max-time 10 -o /dev/null --data "" "$base/mock/reset" || fail "reset of $base failed"
  done
  TF_BRACKET_FROM=() TF_BRACKET_DUPS=()
}

# mocks_targets FILE STRATEGY SPEC...: writes a targets JSON file whose i-th target is mock i of
# start_mocks; SPEC is NAME:WEIGHT[:off] (off = "enabled": false).
mocks_targets() {
  local file=$1 strategy=$2 i=0 spec name weight off
  shift 2
  local items=()
  TF_MOCK_NAMES=()
  for spec in "$@"; do
    IFS=: read -r name weight off <<<"$spec"
    TF_MOCK_NAMES+=("$name")
    items+=("$(jq -nc --arg n "$name" --arg u "${MOCKS_URL[$i]}" --argjson w "$weight" \
      --argjson e "$([[ "$off" == off ]] && echo false || echo true)" \
      '{name: $n, url: $u, site_id: 1, weight: $w, enabled: $e}')")
    i=$((i + 1))
  done
  printf '%s\n' "${items[@]}" | jq -s --arg s "$strategy" '{targets: ., distribution_strategy: $s}' >"$file"
}

# kill_mock I: SIGKILL to mock I of start_mocks (a target dying mid-run), waiting for its exit.
# Its MOCKS_* entries stay; queries to it then fail (the cleanup trap ignores the dead pid).
kill_mock() {
  local pid=${MOCKS_PID[$1]}
  kill -KILL "$pid" 2>/dev/null || fail "mock $1 (pid $pid) was not running"
  wait "$pid" 2>/dev/null || true
}

# mock_visitor_ids I: the distinct visitor ids (_id) of the hits stored by mock I, sorted.
mock_visitor_ids() {
  curl -s --max-time 30 "${MOCKS_BASE[$1]}/mock/hits" | jq -r '.params._id // empty' | sort -u
}

# mocks_stat PATH: `mock_stat PATH` of every mock of start_mocks, space-separated.
mocks_stat() {
  local base values=()
  for base in "${MOCKS_BASE[@]}"; do
    values+=("$(curl -s --max-time 10 "$base/mock/stat/$1")")
  done
  echo "${values[*]}"
}

# start_tf NAME [trafficinator args...]: starts trafficinator in the background (stdout, stderr
# to $TF_WORK/NAME.out, .err); sets TF_RUN_PID. The cleanup trap stops it if the test fails.
start_tf() {
  local name=$1
  shift
  "$TF_BIN" "$@" >"$TF_WORK/$name.out" 2>"$TF_WORK/$name.err" &
  TF_RUN_PID=$!
  TF_PIDS+=("$TF_RUN_PID")
}

# wait_tf SECONDS: waits at most SECONDS for TF_RUN_PID to exit; sets RUN_RC (its exit code) and
# WAITED_MS; on time-out it kills the process, records a failure and sets RUN_RC=timeout.
wait_tf() {
  local start deadline
  start=$(date +%s%N)
  deadline=$((start + $1 * 1000000000))
  while kill -0 "$TF_RUN_PID" 2>/dev/null && (($(date +%s%N) < deadline)); do sleep 0.05; done
  WAITED_MS=$((($(date +%s%N) - start) / 1000000))
  if kill -0 "$TF_RUN_PID" 2>/dev/null; then
    kill -KILL "$TF_RUN_PID" 2>/dev/null || true
    wait "$TF_RUN_PID" 2>/dev/null || true
    RUN_RC=timeout
    echo "FAIL: trafficinator still running after $1 s" >&2
    TF_FAILURES=$((TF_FAILURES + 1))
    return 0
  fi
  RUN_RC=0
  wait "$TF_RUN_PID" || RUN_RC=$?
}

# wait_for_stat PATH MIN SECONDS [BASE]: waits until the mock's /mock/stat/PATH is at least MIN
# (polling, bounded by SECONDS); 0 if it got there.
wait_for_stat() {
  local i value
  for ((i = 0; i < $3 * 20; i++)); do
    value=$(curl -s --max-time 2 "${4:-$MOCK_BASE}/mock/stat/$1" || true)
    ((${value:-0} >= $2)) && return 0
    sleep 0.05
  done
  return 1
}

# wait_for_file_line FILE REGEX SECONDS: waits until FILE has a line matching REGEX; 0 if found.
wait_for_file_line() {
  local i
  for ((i = 0; i < $3 * 20; i++)); do
    grep -Eq "$2" "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}
