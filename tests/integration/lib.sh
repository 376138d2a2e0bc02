#!/usr/bin/env bash
# Shared helpers for the integration tests (source it; do not run it). Starts the mock Matomo on
# a free loopback port, queries it, and always stops what it started, even when a test fails or
# is interrupted. Needs bash and curl only.
set -euo pipefail

TF_SOURCE_DIR=${TF_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
TF_MOCK=${TF_MOCK:-$TF_SOURCE_DIR/build/dev/tools/mock-matomo/mock-matomo}
TF_WORK=$(mktemp -d "${TMPDIR:-/tmp}/tf-it.XXXXXX")
TF_PIDS=()
TF_MOUNTS=()
TF_FAILURES=0
TF_MULTI=0            # 1 after start_mocks: the bracket is checked per target, target i on mock i
TF_BRACKET_FROM=()    # per mock: hits it had accepted before the run being checked (bracket_mark)
TF_BRACKET_DUPS=()    # per mock: its duplicates before that run
TF_MOCK_NAMES=()      # per mock: the target name mocks_targets gave it

tf_cleanup() {
  local rc=$? pid mnt f
  for pid in "${TF_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${TF_PIDS[@]}"; do
    # a process that ignores SIGTERM gets SIGKILL after 5 s
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  for mnt in "${TF_MOUNTS[@]}"; do
    umount "$mnt" 2>/dev/null || true
  done
  if ((rc != 0 && rc != 130)) && [[ -d "$TF_WORK" ]]; then
    # a failed test keeps its files, and shows the end of each run's stderr, for the CI log
    for f in $(ls -t "$TF_WORK"/*.err 2>/dev/null | head -6); do
      echo "--- tail of $(basename "$f"):" >&2
      tail -8 "$f" >&2
    done
    echo "--- the test's files are kept in $TF_WORK" >&2
    return
  fi
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
  TF_MULTI=0 TF_BRACKET_FROM=(0) TF_BRACKET_DUPS=(0)
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

# start_token_mock TIMEZONE [mock-matomo options...]: start_mock with site 1 in TIMEZONE and a
# super-user token, which it sets in TOKEN (backfill and other token-bearing tests).
start_token_mock() {
  local zone=$1
  shift
  TOKEN=0123456789abcdef0123456789abcdef
  printf '{"sites": [{"id": 1, "timezone": "%s"}], "tokens": [{"token": "%s", "super": true}]}\n' "$zone" "$TOKEN" \
    >"$TF_WORK/mock.json"
  start_mock --config "$TF_WORK/mock.json" "$@"
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

# ---- helpers of the run_*, generate_* and merge_* tests ----------------------------------------

TF_BIN=${TF_BIN:-$TF_SOURCE_DIR/build/dev/src/trafficinator}

# need_tools: the run tests read JSON with jq; fail (not skip) when it or the binaries are missing.
need_tools() {
  command -v jq >/dev/null || fail "jq is required by the run tests (apt-get install jq)"
  [[ -x "$TF_BIN" ]] || fail "trafficinator binary not found: $TF_BIN"
}

# jv FILE FILTER: one value of a JSON file, raw (jq -r).
jv() {
  jq -r "$2" "$1"
}

# run_tf NAME [trafficinator args...]: runs trafficinator in the foreground, bounded by
# TF_RUN_LIMIT seconds (default 120, then SIGKILL). stdout, stderr go to $TF_WORK/NAME.out and
# $TF_WORK/NAME.err; the exit code is left in RUN_RC (never aborts the test).
run_tf() {
  local name=$1
  shift
  RUN_RC=0
  timeout -k 5 "${TF_RUN_LIMIT:-120}" "$TF_BIN" "$@" >"$TF_WORK/$name.out" 2>"$TF_WORK/$name.err" \
    || RUN_RC=$?
  if ((RUN_RC == 124 || RUN_RC == 137)); then
    echo "FAIL: $name: trafficinator did not finish within ${TF_RUN_LIMIT:-120} s" >&2
    tail -5 "$TF_WORK/$name.err" >&2
    TF_FAILURES=$((TF_FAILURES + 1))
  fi
}

# bracket_bases: the mocks the bracket reads (every mock of start_mocks, or the current one).
bracket_bases() {
  if ((TF_MULTI)); then
    echo "${MOCKS_BASE[@]}"
  else
    echo "$MOCK_BASE"
  fi
}

# bracket_mark: the next assert_bracket counts only what the mocks accept from now on (for a
# second run against the same mocks).
bracket_mark() {
  local base i=0 stats
  TF_BRACKET_FROM=() TF_BRACKET_DUPS=()
  for base in $(bracket_bases); do
    stats=$(curl -s --max-time 10 "$base/mock/stats" || true)
    TF_BRACKET_FROM[i]=$(jq -r '.hits_accepted // 0' <<<"${stats:-{\}}")
    TF_BRACKET_DUPS[i]=$(jq -r '.duplicates // 0' <<<"${stats:-{\}}")
    i=$((i + 1))
  done
}

# assert_bracket SUMMARY [MOCK_BASE]: the ledger brackets the truth. R = hits the mock accepted
# since bracket_mark, D = those it had already stored (duplicates): acked <= R,
# R - D <= acked + unconfirmed (totals.*), and D <= possible_duplicates. With MOCK_BASE, that mock;
# after start_mocks, per target (the target named as mock i in mocks_targets, else the i-th; a
# target absent from the summary sent nothing; a mock that no longer answers, e.g. killed, is
# skipped); else the current mock.
assert_bracket() {
  local s=$1 n=${1##*/} bases=() i stats r dups acked unconfirmed possible at
  if [[ $# -ge 2 ]]; then bases=("$2"); else read -r -a bases <<<"$(bracket_bases)"; fi
  for i in "${!bases[@]}"; do
    stats=$(curl -s --max-time 10 "${bases[$i]}/mock/stats" || true)
    if [[ -z "$stats" ]]; then
      echo "bracket: $n: mock ${bases[$i]} does not answer (skipped)"
      continue
    fi
    dups=$(($(jq -r '.duplicates // 0' <<<"$stats") - ${TF_BRACKET_DUPS[$i]:-0}))
    r=$(($(jq -r '.hits_accepted' <<<"$stats") - ${TF_BRACKET_FROM[$i]:-0}))
    at=.totals
    if ((${#bases[@]} > 1)); then
      at=".targets[$i]"
      [[ -n "${TF_MOCK_NAMES[$i]:-}" ]] && at="(.targets[] | select(.name == \"${TF_MOCK_NAMES[$i]}\"))"
    fi
    read -r acked unconfirmed possible < <(jq -r "[$at] | first // {} |
      [.acked // 0, .unconfirmed // 0, .possible_duplicates // 0] | @tsv" "$s")
    if ((acked <= r && r - dups <= acked + unconfirmed)); then
      echo "ok: $n: bracket $acked <= $r (of them $dups stored twice) <= $acked + $unconfirmed"
    else
      echo "FAIL: $n: bracket broken: acked $acked <= stored $r, stored once $((r - dups)) <= acked + unconfirmed $((acked + unconfirmed))" >&2
      TF_FAILURES=$((TF_FAILURES + 1))
    fi
    if ((dups > possible)); then
      echo "FAIL: $n: the mock stored $dups hit(s) twice, possible_duplicates says $possible" >&2
      TF_FAILURES=$((TF_FAILURES + 1))
    fi
  done
}

# check_accounting SUMMARY [DEAD_LETTER_FILE]: generated = acked + rejected + failed +
# unconfirmed + not_sent in the totals and for every target, the summary says balanced, the
# dead-letter file has exactly one line per hit not acked, and the bracket holds (assert_bracket
# against the mocks of the test, unless TF_NO_BRACKET=1: a summary of several runs).
check_accounting() {
  local s=$1 n=${1##*/} balanced generated sum hits unbalanced lost
  read -r balanced generated sum hits unbalanced lost < <(jq -r '.accounting as $a | .totals as $t |
    [$a.balanced, $t.generated, $t.acked + $t.rejected + $t.failed + $t.unconfirmed + $t.not_sent, $a.generated,
     ([.targets[] | select(.generated != .acked + .rejected + .failed + .unconfirmed + .not_sent) | .name] | length),
     $t.rejected + $t.failed + $t.unconfirmed + $t.not_sent] | @tsv' "$s")
  check "$n: accounting balanced" "true" "$balanced"
  check "$n: generated = acked + rejected + failed + unconfirmed + not_sent" "$generated" "$sum"
  check "$n: totals.generated = accounting.generated" "$generated" "$hits"
  check "$n: targets not balanced" "0" "$unbalanced"
  if [[ $# -ge 2 ]]; then
    local lines=0
    [[ -f "$2" ]] && lines=$(grep -c . "$2" || true)
    check "$n: dead-letter lines = hits not acked" "$lost" "$lines"
  fi
  if [[ "${TF_NO_BRACKET:-0}" != 1 ]]; then
    assert_bracket "$s"
  fi
}

# small_fs DIR KB: mounts a tmpfs of KB kilobytes at DIR (created; unmounted at exit); returns
# 1 when mounting is not allowed here.
small_fs() {
  mkdir -p "$1"
  mount -t tmpfs -o "size=${2}k" tmpfs "$1" 2>/dev/null || return 1
  TF_MOUNTS+=("$1")
}

# check_delivered SUMMARY: a clean run against the strict mock (mock still running): zero
# violations, every generated hit acked, the mock accepted exactly the acked hits, and it
# reconstructed as many visits as were started.
check_delivered() {
  local s=$1 n=${1##*/} generated acked visits
  read -r generated acked visits < <(jq -r '[.totals.generated, .totals.acked,
    .totals.visits] | @tsv' "$s")
  local stats
  stats=$(mock_stats)
  local violations rejected accepted mock_visits in_url
  read -r violations rejected accepted mock_visits in_url < <(jq -r '[.violations_total,
    .hits_rejected, .hits_accepted, .visits, .token_in_url] | @tsv' <<<"$stats")
  check "$n: zero violations" "0" "$violations"
  [[ "$violations" == 0 ]] || jq -c '.violations' <<<"$stats" >&2
  check "$n: zero rejected hits" "0" "$rejected"
  check "$n: acked = generated" "$generated" "$acked"
  check "$n: mock accepted = acked" "$acked" "$accepted"
  check "$n: mock visits = visits started" "$visits" "$mock_visits"
  check "$n: no token in a URL" "0" "$in_url"
  check "$n: no duplicates stored" "0" "$(jq -r '.duplicates' <<<"$stats")"
  ((generated > 0)) || { echo "FAIL: $n: nothing was generated" >&2; TF_FAILURES=$((TF_FAILURES + 1)); }
}

# check_table NAME: the health table and the accounting line (with ✓) are on NAME's stdout.
check_table() {
  local out="$TF_WORK/$1.out"
  check "$1: table header" "1" "$(grep -c '^target  *status' "$out" || true)"
  check "$1: table total row" "1" "$(grep -c '^TOTAL ' "$out" || true)"
  check "$1: accounting line with ✓" "1" \
    "$(grep -Ec '^accounting: generated [0-9]+ = acked [0-9]+ \+ rejected [0-9]+ \+ failed [0-9]+ \+ unconfirmed [0-9]+ \+ not_sent [0-9]+ ✓$' "$out" || true)"
}

# tool_user_agent: USER_AGENT_HEADER's default, trafficinator/VERSION of $TF_BIN.
tool_user_agent() {
  echo "trafficinator/$("$TF_BIN" --version | awk '{print $2}')"
}

# mock_hits_count JQ_CONDITION: how many hits stored by the mock satisfy the condition, e.g.
# `mock_hits_count '.params.ec_id != null'`.
mock_hits_count() {
  curl -s --max-time 30 "$MOCK_BASE/mock/hits" | jq -s "[.[] | select($1)] | length"
}

# run_paced NAME VISITS_PER_S VISITS [trafficinator args...]: starts a fresh mock and runs
# `trafficinator run ARGS` against it with --speed set for VISITS_PER_S visits a second, a
# --visits VISITS cap, --seed 5 and real pauses of at most 20 ms; then checks exit 0, a clean
# delivery and the accounting. The mock is left running for more checks: stop_mock after them.
run_paced() {
  local name=$1 rate=$2 visits=$3
  shift 3
  local per_day
  per_day=$("$TF_BIN" run "$@" --show-config | sed -n 's/^TARGET_VISITS_PER_DAY  *\([0-9.]*\) .*/\1/p' || true)
  [[ -n "$per_day" ]] || fail "$name: no TARGET_VISITS_PER_DAY in --show-config"
  local speed
  speed=$(awk -v r="$rate" -v d="$per_day" 'BEGIN { printf "%.3f", r * 86400 / d }')
  start_mock
  local s=$TF_WORK/$name.json
  MATOMO_URL=$MOCK_URL PAUSE_BETWEEN_PVS_MIN=0 PAUSE_BETWEEN_PVS_MAX=0.02 \
    run_tf "$name" run "$@" --speed "$speed" --visits "$visits" --duration 20s --seed 5 \
    --summary-json "$s" --dead-letter "$TF_WORK/$name.dead" --quiet
  check "$name: exit code" "0" "$RUN_RC"
  if [[ -s "$s" ]]; then
    check_delivered "$s"
    check_accounting "$s" "$TF_WORK/$name.dead"
    check "$name: stopped by the visit cap" "max-arrivals" "$(jv "$s" '.stop_reason')"
    check "$name: visits started" "$visits" "$(jv "$s" '.totals.visits')"
  else
    echo "FAIL: $name: no summary: $(tail -3 "$TF_WORK/$name.err")" >&2
    TF_FAILURES=$((TF_FAILURES + 1))
  fi
}

# fault_run NAME FAULTS_JSON VISITS [trafficinator args...]: a fresh mock with the fault plan,
# then a smoke run of VISITS visits at 30 visits/s; the mock is left running (stop_mock after the
# checks).
fault_run() {
  local name=$1 faults=$2 visits=$3
  shift 3
  start_mock
  set_faults "$faults"
  MATOMO_URL=$MOCK_URL run_tf "$name" run --preset smoke --visits "$visits" --speed 3 --seed 21 \
    --summary-json "$TF_WORK/$name.json" --dead-letter "$TF_WORK/$name.dead" "$@"
  check "$name: exit code" "0" "$RUN_RC"
  [[ -s "$TF_WORK/$name.json" ]] || fail "$name: no summary: $(tail -3 "$TF_WORK/$name.err")"
  if [[ -s "$TF_WORK/$name.dead" ]]; then
    echo "$name: dead-letter reasons: $(jq -r .reason "$TF_WORK/$name.dead" | sort | uniq -c | tr '\n' ' ')" >&2
  fi
  check_delivered "$TF_WORK/$name.json"
  check_accounting "$TF_WORK/$name.json" "$TF_WORK/$name.dead"
}

# Several mocks, background runs and waits (lib_multi.sh): every test gets them.
source "$(dirname "${BASH_SOURCE[0]}")/lib_multi.sh"
