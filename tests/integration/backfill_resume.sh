#!/usr/bin/env bash
# An interrupted backfill resumed with --checkpoint: the first run gets SIGINT mid-way and exits
# 130 with an incomplete checkpoint; the same command again completes it with exit 0. The mock
# accepted every hit of the plan exactly once: accepted = received = the plan's hits, zero
# violations (no DUPLICATE_ORDER, no OUT_OF_ORDER).
source "$(dirname "$0")/lib.sh"
need_tools

start_token_mock UTC
token=$TOKEN

export MATOMO_URL=$MOCK_URL MATOMO_TOKEN_AUTH=$token TIMEZONE=UTC BACKFILL_MAX_VISITS_PER_DAY=400
# 20 requests/s of 50 hits: about 160 visits/s, so the 1,000-odd visits take several seconds.
export BACKFILL_RPS_LIMIT=20 BULK=50
args=(run --backfill 2025-02-03..2025-02-05 --seed 5 --checkpoint "$TF_WORK/cp.json")

run_tf plan generate --backfill 2025-02-03..2025-02-05 --seed 5 --output "$TF_WORK/plan.ndjson"
planned_hits=$(grep -c . "$TF_WORK/plan.ndjson")
((planned_hits > 3000)) || fail "the plan is too small: $planned_hits hits"

# Not under timeout(1): it would pass SIGINT on to its process group as well, and a second
# SIGINT means "stop at once" (hits in flight then have an unknown fate and are resent).
"$TF_BIN" "${args[@]}" --summary-json "$TF_WORK/first.json" >"$TF_WORK/first.out" 2>"$TF_WORK/first.err" &
pid=$!
TF_PIDS+=("$pid")
# mid-way: once the checkpoint exists and the mock holds a quarter of the plan (bounded: 20 s)
wait_for_file_line "$TF_WORK/cp.json" . 20 || fail "no checkpoint written: $(tail -3 "$TF_WORK/first.err")"
wait_for_stat hits_accepted $((planned_hits / 4)) 20 || fail "the first run delivered too little: $(tail -3 "$TF_WORK/first.err")"
kill -INT "$pid"
for _ in $(seq 600); do  # the drain is bounded; give up after 60 s whatever happens
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
kill -KILL "$pid" 2>/dev/null || true
rc=0
wait "$pid" || rc=$?
check "first run: interrupted" "130" "$rc"
assert_bracket "$TF_WORK/first.json"
bracket_mark
check "first run: drained, nothing abandoned in flight" "0" "$(grep -c 'immediate stop' "$TF_WORK/first.err" || true)"
first_done=$(jv "$TF_WORK/cp.json" '.completed_visits')
echo "first run: $(jq -c '.accounting' "$TF_WORK/first.json"); partial visits: $(jq -c '.partial' "$TF_WORK/cp.json")"
grep -v ' elapsed=' "$TF_WORK/first.err" | tail -5
planned=$(jv "$TF_WORK/first.json" '.backfill.visits_planned')
echo "first run: $first_done of $planned visits complete"
check "first run: part of the visits complete" "1" "$(( first_done > 0 && first_done < planned ))"
check "first run: summary says incomplete" "false" "$(jv "$TF_WORK/first.json" '.backfill.complete')"
check "first run: incomplete days listed" "true" "$(jv "$TF_WORK/first.json" '.backfill.incomplete_days | length > 0')"
check "first run: log names the incomplete days" "1" "$(grep -c 'backfill incomplete: ' "$TF_WORK/first.err" || true)"

run_tf second "${args[@]}" --summary-json "$TF_WORK/second.json"
check "second run: exit code" "0" "$RUN_RC"
assert_bracket "$TF_WORK/second.json"
check "second run: complete" "true" "$(jv "$TF_WORK/second.json" '.backfill.complete')"
check "second run: resumed the completed visits" "$first_done" "$(jv "$TF_WORK/second.json" '.backfill.resumed_visits')"
check "second run: every visit complete" "$planned" "$(jv "$TF_WORK/cp.json" '.completed_visits')"

check "mock: every planned hit accepted" "$planned_hits" "$(mock_stat hits_accepted)"
check "mock: no hit received twice" "$planned_hits" "$(mock_stat hits_received)"
check "mock: zero violations" "0" "$(mock_stat violations_total)"
check "mock: no duplicate order" "0" "$(mock_stat violations/DUPLICATE_ORDER)"
check "mock: no out-of-order hit" "0" "$(mock_stat violations/OUT_OF_ORDER)"
stop_mock
finish
