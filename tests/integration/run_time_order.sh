#!/usr/bin/env bash
# Issue 16, time: the README's example (`--preset medium --speed 100`) sped up further, so that a
# returning visitor's next visit comes seconds after their previous one, for a few seeds against
# the strict mock: no OUT_OF_ORDER (per visitor, every hit later than the previous one), no other
# violation, every cdt between the run's start and its end, and the summary says how the times
# were derived (real pauses of at most 50 ms are shorter than the model's dwell: clipped).
source "$(dirname "$0")/lib.sh"
need_tools

for seed in 1 2 3; do
  start_mock
  s=$TF_WORK/seed$seed.json
  started=$(now_s)
  MATOMO_URL=$MOCK_URL PAUSE_BETWEEN_PVS_MIN=0 PAUSE_BETWEEN_PVS_MAX=0.05 RETURNING_VISITOR_POOL=20 \
    run_tf "seed$seed" run --preset medium --visits 300 --speed 2000 --seed "$seed" --duration 60s \
    --summary-json "$s" --dead-letter "$TF_WORK/seed$seed.dead" --quiet
  ended=$(now_s)
  check "seed $seed: exit code" "0" "$RUN_RC"
  check "seed $seed: no OUT_OF_ORDER" "0" "$(mock_stat violations/OUT_OF_ORDER)"
  check_delivered "$s"
  assert_bracket "$s"
  returning=$(curl -s --max-time 30 "$MOCK_BASE/mock/visits" | jq -s '[.[] | select(.number > 1)] | length')
  ((returning > 0)) || { echo "FAIL: seed $seed: no returning visitor's second visit" >&2; TF_FAILURES=$((TF_FAILURES + 1)); }
  read -r lo hi < <(curl -s --max-time 30 "$MOCK_BASE/mock/hits" | jq -rs '[.[].params.cdt | tonumber] | "\(min) \(max)"')
  check "seed $seed: no hit dated before the run started" "1" "$((lo >= started ? 1 : 0))"
  check "seed $seed: no hit dated after the run ended" "1" "$((hi <= ended ? 1 : 0))"
  check "seed $seed: summary says hits were dated at send time" "model_or_send_time yes" \
    "$(jv "$s" '.timestamps.derived + " " + (if .timestamps.clipped_to_send_time > 0 then "yes" else "no" end)')"
  stop_mock
done

finish
