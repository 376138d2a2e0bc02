#!/usr/bin/env bash
# --stages against the strict mock: five stages (ramp to 30/s, hold 30/s, ramp to 60/s, hold
# 60/s, ramp down); each flat stage's achieved visit rate within ±3 % of its rate (summary
# "stages", per-stage counts), the run ends after the last stage, the bracket holds. Bad stages
# are located errors (exit 2). --ramp-up reports a ramp and a hold.
source "$(dirname "$0")/lib.sh"
need_tools

run_tf bad_stages run --url http://127.0.0.1:9/matomo.php --stages "30s:10,5m" --duration 1s
check "bad stages: exit code" "2" "$RUN_RC"
check "bad stages: located, names the stage" "1" \
  "$(grep -c -- '--stages.*STAGES.*stage 2: expected DURATION:RATE (e.g. 30s:10), found "5m"' "$TF_WORK/bad_stages.err" || true)"
run_tf two_shapes run --url http://127.0.0.1:9/matomo.php --stages "5s:10" --ramp-up 5s
check "stages and ramp-up: exit code" "2" "$RUN_RC"
check "stages and ramp-up: one shape" "1" "$(grep -c 'RAMP_UP.*expected one load shape, found STAGES' "$TF_WORK/two_shapes.err" || true)"

start_mock
s=$TF_WORK/stages.json
# one or two hits a visit: the machine is shared, the pacing is what is measured
MATOMO_URL=$MOCK_URL AUTO_STOP_AFTER_HOURS=0 CONCURRENCY=400 TF_RUN_LIMIT=150 PAGEVIEWS_MIN=1 PAGEVIEWS_MAX=2 \
  ECOMMERCE_PROBABILITY=0 SITESEARCH_PROBABILITY=0 CLICK_EVENTS_PROBABILITY=0 RANDOM_EVENTS_PROBABILITY=0 HEARTBEAT_PROBABILITY=0 \
  run_tf stages run --preset smoke --stages "2s:30,20s:30,2s:60,20s:60,2s:0" --seed 7 \
  --summary-json "$s" --dead-letter "$TF_WORK/stages.dead" --quiet
check "stages: exit code" "0" "$RUN_RC"
[[ -s "$s" ]] || fail "stages: no summary: $(tail -3 "$TF_WORK/stages.err")"
check "stages: stopped at the end of the last stage" "duration" "$(jv "$s" '.stop_reason')"
check "stages: five stages reported" "5" "$(jv "$s" '.stages | length')"
check "stages: stage names" "2s:30 20s:30 2s:60 20s:60 2s:0" "$(jv "$s" '[.stages[].stage] | join(" ")')"
for i in 1 3; do
  read -r spec requested achieved visits < <(jq -r ".stages[$i] | [.stage, .requested_rate, .achieved_rate, .visits_started] | @tsv" "$s")
  echo "stage $spec: requested $requested/s, achieved $achieved/s ($visits visits)"
  check "stages: $spec within ±3 %" "true" "$(jq -n --argjson a "$achieved" --argjson r "$requested" '($a / $r - 1) | fabs <= 0.03')"
done
check "stages: the ramps ask for their mean" "45" "$(jv "$s" '.stages[2].requested_rate')"
check "stages: start lag per stage" "true" "$(jv "$s" '[.stages[].start_lag_ms.p99 | numbers] | length >= 4')"
check "stages: the table shows each stage" "5" "$(grep -c '^stage [1-5]/5 ' "$TF_WORK/stages.out" || true)"
check_delivered "$s"
check_accounting "$s" "$TF_WORK/stages.dead"
stop_mock

# --ramp-up: a ramp stage, then the rate held until the duration
start_mock
r=$TF_WORK/ramp.json
MATOMO_URL=$MOCK_URL AUTO_STOP_AFTER_HOURS=0 run_tf ramp run --preset smoke --rate 20 --ramp-up 2s --duration 4s \
  --seed 4 --summary-json "$r" --dead-letter "$TF_WORK/ramp.dead" --quiet
check "ramp-up: exit code" "0" "$RUN_RC"
check "ramp-up: a ramp and a hold" "2s:20 hold:20" "$(jv "$r" '[.stages[].stage] | join(" ")')"
check "ramp-up: the hold is open" "null" "$(jv "$r" '.stages[1].duration_s')"
check "ramp-up: the ramp asks for half the rate" "10" "$(jv "$r" '.stages[0].requested_rate')"
check_accounting "$r" "$TF_WORK/ramp.dead"
stop_mock
finish
