#!/usr/bin/env bash
# Exactly once across a crash: a checkpointed backfill at full speed gets SIGKILL mid-way; the
# same command again completes it. The checkpoint's write-ahead log (FILE.wal) rebuilds the acked
# set exactly, so the mock holds every planned hit (0 lost) and at most the hits that were in
# flight at the kill twice (at most CONCURRENCY: one hit per visit in progress). A second run
# with the same checkpoint while the first runs is refused (exit 2, "FILE is locked by pid N").
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

run_tf second "${args[@]}" --summary-json "$TF_WORK/second.json" --dead-letter "$TF_WORK/second.dead"
check "resume: exit code" "0" "$RUN_RC"
[[ -s "$TF_WORK/second.json" ]] || fail "resume: no summary: $(tail -3 "$TF_WORK/second.err")"
check "resume: backfill complete" "true" "$(jv "$TF_WORK/second.json" '.backfill.complete')"
# The generic bracket (check_accounting) would count the killed run's hits and the hits resent
# from its in-flight set, which the resume does not yet record as possible duplicates (issue 14
# is open for it): the bracket since the kill, and the duplicate bound, are checked below instead.
TF_NO_BRACKET=1 check_accounting "$TF_WORK/second.json" "$TF_WORK/second.dead"
# the bracket for the resumed run: what the mock stored after the kill
acked=$(jv "$TF_WORK/second.json" '.totals.acked')
unconfirmed=$(jv "$TF_WORK/second.json" '.totals.unconfirmed // 0')
since=$(($(mock_stat hits_accepted) - at_kill))
check "resume: acked <= stored since the kill ($acked <= $since)" "1" "$((acked <= since ? 1 : 0))"
check "resume: stored since the kill <= acked + unconfirmed" "1" "$((since <= acked + unconfirmed ? 1 : 0))"

curl -s --max-time 60 "$MOCK_BASE/mock/hits" | jq -c '.params' | sort >"$TF_WORK/stored.txt"
total=$(wc -l <"$TF_WORK/stored.txt")
unique=$(uniq "$TF_WORK/stored.txt" | wc -l)
duplicates=$((total - unique))
echo "planned $planned, stored $total, distinct $unique, duplicates $duplicates (bound $concurrency);" \
  "violations: $(mock_stats | jq -c '.violations')" >&2
check "0 lost: every planned hit stored" "$planned" "$unique"
check "duplicates <= hits in flight at the kill (<= CONCURRENCY $concurrency)" "1" \
  "$((duplicates <= concurrency ? 1 : 0))"
stop_mock
finish
