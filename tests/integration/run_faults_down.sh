#!/usr/bin/env bash
# The target is down (503) for a window of 2.5 s while visits keep arriving, with --retries 0:
# the first failures are dead-lettered with the rest of their visit, the circuit breaker then
# holds the visits in progress (delivered once the target is back), and arrivals that could not
# start before the end are abandoned and listed. generated = acked + dead-lettered + abandoned
# exactly; the dead-letter file has one line per lost hit, each with a reason and an attempt
# count; the mock holds exactly the acked hits; a `replay` of the file afterwards delivers the rest
# cleanly. `--max-failure-rate 0` turns the loss into exit 1.
source "$(dirname "$0")/lib.sh"
need_tools

# down_run NAME [trafficinator args...]: a fresh mock down from 0.3 s to 2.8 s after the plan is
# installed, then 60 smoke visits at 20 visits/s (3.6 s at most) without retries.
down_run() {
  local name=$1
  shift
  start_mock
  set_faults '{"windows":[{"from_s":0.3,"to_s":2.8,"status":503}]}'
  MATOMO_URL=$MOCK_URL run_tf "$name" run --preset smoke --visits 60 --speed 2 --seed 33 \
    --retries 0 --drain-timeout 3s --summary-json "$TF_WORK/$name.json" \
    --dead-letter "$TF_WORK/$name.dead" "$@"
  [[ -s "$TF_WORK/$name.json" ]] || fail "$name: no summary: $(tail -3 "$TF_WORK/$name.err")"
}

s=$TF_WORK/down.json
dead=$TF_WORK/down.dead
down_run down
check "down: exit code (no failure threshold)" "0" "$RUN_RC"
check_accounting "$s" "$dead"
check_table down
dead_lettered=$(jv "$s" '.accounting.dead_lettered')
((dead_lettered > 0)) || fail "down: nothing was dead-lettered during the down window"
check "down: zero violations" "0" "$(mock_stat violations_total)"
check "down: mock accepted = acked" "$(jv "$s" '.accounting.acked')" "$(mock_stat hits_accepted)"
check "down: the 503s are counted" "$(mock_stat faults_injected_total)" \
  "$(jv "$s" '.totals.status_codes["503"]')"
check "down: every dead-letter line has visit, hit, target, reason, attempts" "0" \
  "$(jq -c 'select((.visit | type) != "number" or (.hit | type) != "number" or .target != "default"
     or (.reason | type) != "string" or (.attempts | type) != "number")' "$dead" | grep -c . || true)"
check "down: reasons are http-503, previous-hit-failed, not-started or drain-timeout" "" \
  "$(jq -r '.reason' "$dead" | grep -Ev '^(http-503|previous-hit-failed|not-started|drain-timeout)$' | sort -u)"
check "down: a hit refused with 503 had exactly one attempt (--retries 0)" "0" \
  "$(jq -c 'select(.reason == "http-503" and .attempts != 1)' "$dead" | grep -c . || true)"
check "down: http-503 hits + the rest of their visits = dead-lettered" "$dead_lettered" \
  "$(jq -c 'select(.reason == "http-503" or .reason == "previous-hit-failed")' "$dead" | grep -c . || true)"
check "down: the lost hits of a visit are contiguous" "0" \
  "$(jq -s -c 'group_by(.visit)[] | map(.hit) | select(. != [range(.[0]; .[0] + length)])' "$dead" | grep -c . || true)"

# the target is up again: the dead-letter file replays cleanly, and the mock then holds every hit
MATOMO_URL=$MOCK_URL run_tf replay replay "$dead" --preset smoke --dead-letter "$TF_WORK/replay.dead"
check "replay: exit code" "0" "$RUN_RC"
check "replay: the mock now holds every generated hit" "$(jv "$s" '.accounting.generated')" \
  "$(mock_stat hits_accepted)"
check "replay: zero violations" "0" "$(mock_stat violations_total)"
check "replay: nothing dead-lettered again" "0" "$(cat "$TF_WORK/replay.dead" 2>/dev/null | grep -c . || true)"
stop_mock

# the same run with --max-failure-rate 0: exit 1, the table and the accounting still printed
s=$TF_WORK/strict.json
down_run strict --max-failure-rate 0
check "strict: --max-failure-rate 0 with dead letters exits 1" "1" "$RUN_RC"
check_accounting "$s" "$TF_WORK/strict.dead"
check_table strict
stop_mock
finish
