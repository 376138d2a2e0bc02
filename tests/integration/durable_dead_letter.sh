#!/usr/bin/env bash
# The dead-letter file holds its promise: two consecutive runs append (each line carries its
# run), `replay` resends a file holding several runs; two overlapping runs with the same file
# (or the same --lock) are refused with exit 2 naming the holder's pid; a full file system
# gives exit 3 with the number of hits not saved, and the lines on disk stay whole JSON.
source "$(dirname "$0")/lib.sh"
need_tools

export PAUSE_BETWEEN_PVS_MIN=0 PAUSE_BETWEEN_PVS_MAX=0.01
dl=$TF_WORK/dl.ndjson

# ---- two consecutive runs append -----------------------------------------------------------
start_mock
set_faults '{"status":400,"rate":1}'  # every hit rejected: every visit goes to the dead letters
for i in 1 2; do
  MATOMO_URL=$MOCK_URL run_tf "app$i" run --preset smoke --visits 5 --speed 10 --seed "$i" \
    --summary-json "$TF_WORK/app$i.json" --dead-letter "$dl" --quiet
  [[ -s "$TF_WORK/app$i.json" ]] || fail "app$i: no summary: $(tail -3 "$TF_WORK/app$i.err")"
  assert_bracket "$TF_WORK/app$i.json"
done
lost1=$(jv "$TF_WORK/app1.json" '.totals.hits - .totals.acked')
lost2=$(jv "$TF_WORK/app2.json" '.totals.hits - .totals.acked')
((lost1 > 0 && lost2 > 0)) || fail "append: nothing was dead-lettered ($lost1, $lost2)"
check "append: the second run kept the first run's lines" "$((lost1 + lost2))" "$(grep -c . "$dl")"
check "append: every line is JSON" "$((lost1 + lost2))" "$(jq -c . "$dl" | wc -l)"
check "append: two runs in the file" "2" "$(jq -c .run "$dl" | sort -u | wc -l)"
check "append: each run has its pid and seed" "1 2" "$(jq -r '.run.seed' "$dl" | sort -u | tr '\n' ' ' | xargs)"
check "append: run ids start with a UTC time" "0" "$(jq -r '.run.started' "$dl" | grep -vc 'Z$' || true)"
check "append: the summary counts no unsaved line" "0" "$(jv "$TF_WORK/app2.json" '.dead_letter_unsaved')"
stop_mock

# `replay` of the two-run file: the same visit numbers in both runs are different visits
start_mock
MATOMO_URL=$MOCK_URL run_tf replay replay "$dl" --summary-json "$TF_WORK/replay.json" --dead-letter "$TF_WORK/replay.failed"
check "replay of two runs: exit code" "0" "$RUN_RC"
check "replay of two runs: every hit acked" "$((lost1 + lost2))" "$(jv "$TF_WORK/replay.json" '.totals.acked')"
check "replay of two runs: zero violations" "0" "$(mock_stat violations_total)"
assert_bracket "$TF_WORK/replay.json"
stop_mock

# ---- two overlapping runs ------------------------------------------------------------------
start_mock
set_faults '{"status":400,"rate":1}'
MATOMO_URL=$MOCK_URL start_tf long run --preset smoke --duration 60s --speed 3 --seed 3 \
  --dead-letter "$TF_WORK/shared.ndjson" --lock "$TF_WORK/cron.lock" --summary-json "$TF_WORK/long.json" --quiet
long_pid=$TF_RUN_PID
wait_for_file_line "$TF_WORK/long.err" 'seed 3' 20 || fail "the first run did not start: $(cat "$TF_WORK/long.err")"
before=$(mock_stat hits_received)
MATOMO_URL=$MOCK_URL run_tf second run --preset smoke --visits 5 --speed 10 --seed 4 \
  --dead-letter "$TF_WORK/shared.ndjson" --quiet
check "overlap: the second run is refused" "2" "$RUN_RC"
check "overlap: the message names the file and the holder" \
  "trafficinator: error: $TF_WORK/shared.ndjson is locked by pid $long_pid" "$(tail -1 "$TF_WORK/second.err")"
MATOMO_URL=$MOCK_URL run_tf third run --preset smoke --visits 5 --speed 10 --seed 4 \
  --dead-letter "$TF_WORK/other.ndjson" --lock "$TF_WORK/cron.lock" --quiet
check "--lock: the second run is refused" "2" "$RUN_RC"
check "--lock: the message names the lock and the holder" \
  "trafficinator: error: $TF_WORK/cron.lock is locked by pid $long_pid" "$(tail -1 "$TF_WORK/third.err")"
check "--lock: the refused run created no dead-letter file" "no" "$([[ -e "$TF_WORK/other.ndjson" ]] && echo yes || echo no)"
kill -INT "$long_pid"
wait_tf 30
check "overlap: the first run ends as interrupted" "130" "$RUN_RC"
lines=$(grep -c . "$TF_WORK/shared.ndjson" || true)
((lines > 0)) || fail "overlap: the first run dead-lettered nothing"
check "overlap: every line is JSON of the first run" "$lines" \
  "$(jq -c "select(.run.pid == $long_pid)" "$TF_WORK/shared.ndjson" | wc -l)"
check_accounting "$TF_WORK/long.json" "$TF_WORK/shared.ndjson"
assert_bracket "$TF_WORK/long.json"
stop_mock

# ---- a full file system --------------------------------------------------------------------
full=$TF_WORK/full
if small_fs "$full" 16; then
  limit=()
else
  echo "note: tmpfs not allowed here; a file-size limit (ulimit -f 16) stands in for it" >&2
  mkdir -p "$full"
  limit=(16)
fi
start_mock
set_faults '{"status":400,"rate":1}'
# about 600 hits of ~1 KB each: far more than 16 KB
if ((${#limit[@]} == 0)); then
  MATOMO_URL=$MOCK_URL run_tf full run --preset smoke --visits 100 --speed 50 --seed 6 \
    --summary-json "$TF_WORK/full.json" --dead-letter "$full/dl.ndjson" --quiet
else
  RUN_RC=0
  (trap '' XFSZ; ulimit -f "${limit[0]}"; MATOMO_URL=$MOCK_URL exec "$TF_BIN" run --preset smoke --visits 100 \
    --speed 50 --seed 6 --summary-json "$TF_WORK/full.json" --dead-letter "$full/dl.ndjson" --quiet) \
    >"$TF_WORK/full.out" 2>"$TF_WORK/full.err" || RUN_RC=$?
fi
check "full: exit code 3" "3" "$RUN_RC"
[[ -s "$TF_WORK/full.json" ]] || fail "full: no summary: $(tail -3 "$TF_WORK/full.err")"
saved=$(grep -c . "$full/dl.ndjson" || true)
unsaved=$(jv "$TF_WORK/full.json" '.dead_letter_unsaved')
lost=$(jv "$TF_WORK/full.json" '.totals.hits - .totals.acked')
((saved > 0 && unsaved > 0)) || fail "full: expected some lines saved and some not ($saved, $unsaved)"
check "full: saved + unsaved = hits given up" "$lost" "$((saved + unsaved))"
check "full: every line on disk is whole JSON" "$saved" "$(jq -c . "$full/dl.ndjson" | wc -l)"
check "full: the error says how many hits were not saved" "1" \
  "$(grep -c "error: $unsaved hit(s) could not be saved to the dead-letter file $full/dl.ndjson" "$TF_WORK/full.err" || true)"
assert_bracket "$TF_WORK/full.json"
stop_mock
finish
