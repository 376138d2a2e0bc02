#!/usr/bin/env bash
# Exactly once across a crash: a checkpointed backfill at full speed gets SIGKILL mid-way; the
# same command again completes it. The checkpoint's write-ahead log (FILE.wal) records every hit
# handed to the transport and every answer, so the resume rebuilds the acked set exactly and
# lists the hits that were in flight at the kill as unconfirmed (reason in-flight-at-crash,
# dead-lettered maybe_recorded) instead of resending them: the mock stores no hit twice (0
# duplicates, 0 duplicate orders), and every planned hit is stored or listed (0 lost). A second
# run with the same checkpoint while the first runs is refused (exit 2, "FILE is locked by pid N").
source "$(dirname "$0")/lib.sh"
need_tools

start_token_mock UTC
token=$TOKEN

concurrency=40
export MATOMO_URL=$MOCK_URL MATOMO_TOKEN_AUTH=$token TIMEZONE=UTC BACKFILL_MAX_VISITS_PER_DAY=1500
export BULK=20 CONCURRENCY=$concurrency
cp=$TF_WORK/cp.json
args=(run --backfill 2025-02-03..2025-02-06 --seed 5 --checkpoint "$cp" --quiet)

TF_RUN_LIMIT=120 run_tf plan generate --backfill 2025-02-03..2025-02-06 --seed 5 --output "$TF_WORK/plan.ndjson"
planned=$(grep -c . "$TF_WORK/plan.ndjson")
((planned > 20000)) || fail "the plan is too small: $planned hits"

start_tf first "${args[@]}" --summary-json "$TF_WORK/first.json"
first_pid=$TF_RUN_PID
# kill once a good part is delivered (the mock's count, polled), never after the end
for _ in $(seq 1200); do
  (($(mock_stat hits_accepted) >= planned / 4)) && break
  kill -0 "$first_pid" 2>/dev/null || break
  sleep 0.05
done
kill -0 "$first_pid" 2>/dev/null || fail "the backfill ended before the kill: $(tail -3 "$TF_WORK/first.err")"

# meanwhile, the same checkpoint in a second process is refused
run_tf twin "${args[@]}"
check "second run on the checkpoint: exit code" "2" "$RUN_RC"
check "second run on the checkpoint: message" "trafficinator: error: $cp is locked by pid $first_pid" \
  "$(tail -1 "$TF_WORK/twin.err")"

kill -KILL "$first_pid"
wait "$first_pid" 2>/dev/null || true
# the mock finishes what it had received: wait until its count stands still
stored=-1
for _ in $(seq 100); do
  now=$(mock_stat hits_received)
  [[ "$now" == "$stored" ]] && break
  stored=$now
  sleep 0.1
done
at_kill=$(mock_stat hits_accepted)
((at_kill < planned)) || fail "everything was delivered before the kill ($at_kill of $planned)"
[[ -s "$cp" ]] || fail "no checkpoint after the kill"
[[ -e "$cp.wal" ]] || fail "no write-ahead log beside the checkpoint"

bracket_mark  # the resume's bracket: what the mock stores from now on
run_tf second "${args[@]}" --summary-json "$TF_WORK/second.json" --dead-letter "$TF_WORK/second.dead"
check "resume: exit code" "0" "$RUN_RC"
[[ -s "$TF_WORK/second.json" ]] || fail "resume: no summary: $(tail -3 "$TF_WORK/second.err")"
check "resume: backfill complete" "true" "$(jv "$TF_WORK/second.json" '.backfill.complete')"
check_accounting "$TF_WORK/second.json" "$TF_WORK/second.dead"
in_flight=$(jv "$TF_WORK/second.json" '.backfill.in_flight_at_crash')
unconfirmed=$(jv "$TF_WORK/second.json" '.totals.unconfirmed')
listed=$(jq -s '[.[] | select(.reason == "in-flight-at-crash" and .maybe_recorded == true)] | length' \
  "$TF_WORK/second.dead")
check "resume: the hits in flight at the kill are unconfirmed" "$in_flight" "$unconfirmed"
check "resume: and listed maybe_recorded in the dead-letter file" "$in_flight" "$listed"
check "resume: at most one hit per visit in progress was in flight ($in_flight <= $concurrency)" "1" \
  "$((in_flight <= concurrency ? 1 : 0))"

curl -s --max-time 60 "$MOCK_BASE/mock/hits" | jq -c '.params' | sort >"$TF_WORK/stored.txt"
total=$(wc -l <"$TF_WORK/stored.txt")
unique=$(uniq "$TF_WORK/stored.txt" | wc -l)
duplicates=$((total - unique))
orders=$(mock_stat violations/DUPLICATE_ORDER)
echo "planned $planned, stored $total, distinct $unique, duplicates $duplicates, duplicate orders $orders," \
  "in flight at the kill $in_flight; violations: $(mock_stats | jq -c '.violations')" >&2
check "0 resent: the mock's duplicates" "0" "$(mock_stat duplicates)"
check "0 resent: hits stored twice" "0" "$duplicates"
check "0 duplicate orders" "0" "$orders"
# A hit in flight at the kill is stored or not (the mock may not have read it): listed either way.
check "0 lost: planned - in flight <= stored <= planned ($((planned - in_flight)) <= $unique <= $planned)" "1" \
  "$((unique >= planned - in_flight && unique <= planned ? 1 : 0))"
stop_mock
finish
