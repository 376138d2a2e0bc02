#!/usr/bin/env bash
# find-capacity against the mock capped at 400 requests/s (capacity fault: queueing delay, then
# 503): single-hit mode reports a capacity within ±10 % of 400 hits/s, a table of every step and
# the same in the summary JSON; a one-line warning names the target first. Without a target it
# refuses (exit 2).
source "$(dirname "$0")/lib.sh"
need_tools

run_tf no_target find-capacity --step 1s
check "no target: exit code" "2" "$RUN_RC"
check "no target: says so" "1" "$(grep -c 'find-capacity needs a target' "$TF_WORK/no_target.err" || true)"

printf '{"faults": {"capacity_rps": 400, "capacity_queue_ms": 100}}\n' >"$TF_WORK/capacity.json"
start_mock --config "$TF_WORK/capacity.json"
s=$TF_WORK/capacity_summary.json
start=$(now_s)
MATOMO_URL=$MOCK_URL CONCURRENCY=400 TF_RUN_LIMIT=170 run_tf capacity find-capacity --preset smoke --seed 9 \
  --retries 0 --start-rate 25 --step-factor 2 --step 6s --warmup 2s --summary-json "$s" \
  --dead-letter "$TF_WORK/capacity.dead"
took=$(( $(now_s) - start ))
echo "find-capacity took ${took}s"
check "capacity: exit code" "0" "$RUN_RC"
[[ -s "$s" ]] || fail "capacity: no summary: $(tail -5 "$TF_WORK/capacity.err")"
check "capacity: the warning names the target first" "1" \
  "$(head -1 "$TF_WORK/capacity.err" | grep -c "warning: find-capacity loads default ($MOCK_URL) until it breaks" || true)"
hits=$(jv "$s" '.capacity.hits_per_s')
echo "capacity: $hits hits/s ($(jv "$s" '.capacity.visits_per_s') visits/s); broke: $(jv "$s" '.broke.failed')"
check "capacity: within ±10 % of 400 hits/s" "true" "$(jq -n --argjson h "$hits" '($h / 400 - 1) | fabs <= 0.10')"
check "capacity: it broke above" "true" "$(jq -n --argjson b "$(jv "$s" '.broke.requested_visits_per_s')" \
  --argjson c "$(jv "$s" '.capacity.requested_visits_per_s')" '$b > $c')"
check "capacity: the table has every step" "$(jv "$s" '.steps | length')" \
  "$(grep -cE '^(warm-up|step|bisect) ' "$TF_WORK/capacity.out" || true)"
check "capacity: the mock refused beyond its capacity" "true" "$(mock_stats | jq '.faults_injected.capacity_503 > 0')"
assert_bracket "$s"
check "capacity: under 3 minutes" "true" "$([[ $took -lt 180 ]] && echo true || echo false)"
stop_mock
finish
