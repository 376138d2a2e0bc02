#!/usr/bin/env bash
# DAILY_PROFILE over a compressed day (issue 19): SPEED=4320 runs a day in 20 s. HOURLY_PROFILE
# weighs the four 6-hour blocks of the day 1:2:3:4, so visits should start 10, 20, 30 and 40 %
# of the time in them. Each visit's first hit (new_visit=1) as the mock received it is placed on
# the run's compressed clock (started + elapsed × SPEED, TIMEZONE=UTC) and counted in its block.
# Tolerance ±0.04 of a share: ~2000 visits give a binomial spread of about 0.01, the weekday
# factor may change at the compressed midnight (e.g. Thursday 0.97 to Friday 0.9), and a visit
# starts a few ms after its due time (a ms is 4.3 s of the compressed day).
source "$(dirname "$0")/lib.sh"
need_tools

start_mock
s=$TF_WORK/daily.json
MATOMO_URL=$MOCK_URL TIMEZONE=UTC DAILY_PROFILE=true SPEED=4320 TARGET_VISITS_PER_DAY=2000 \
  HOURLY_PROFILE=1,1,1,1,1,1,2,2,2,2,2,2,3,3,3,3,3,3,4,4,4,4,4,4 AUTO_STOP_AFTER_HOURS=0 CONCURRENCY=400 \
  PAGEVIEWS_MIN=1 PAGEVIEWS_MAX=1 ECOMMERCE_PROBABILITY=0 SITESEARCH_PROBABILITY=0 CLICK_EVENTS_PROBABILITY=0 \
  RANDOM_EVENTS_PROBABILITY=0 HEARTBEAT_PROBABILITY=0 TF_RUN_LIMIT=60 \
  run_tf daily run --preset smoke --duration 20s --seed 11 --summary-json "$s" --dead-letter "$TF_WORK/daily.dead" --quiet
check "daily: exit code" "0" "$RUN_RC"
[[ -s "$s" ]] || fail "daily: no summary: $(tail -3 "$TF_WORK/daily.err")"
assert_bracket "$s"
visits=$(jv "$s" '.targets[0].visits')
((visits > 1200)) || fail "daily: only $visits visits over the compressed day (about 1900 expected)"
started_ms=$(jq -r '.started | ((sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601) * 1000 + (capture("\\.(?<ms>[0-9]+)Z$").ms | tonumber))' "$s")
shares=$(curl -s --max-time 30 "$MOCK_BASE/mock/hits" | jq -s --argjson t0 "$started_ms" '
  [.[] | select(.params.new_visit == "1") | ($t0 + (.arrival_ms - $t0) * 4320) / 3600000 | floor % 24 / 6 | floor]
  | length as $n | group_by(.) | map({block: .[0], share: (length / $n)})')
echo "daily: $visits visits; shares of the 6-hour blocks: $(jq -c 'map(.share * 1000 | round / 1000)' <<<"$shares")"
for block in 0 1 2 3; do
  check "daily: block $block (hours $((block * 6))-$((block * 6 + 5))) holds $(((block + 1) * 10)) % ± 4" "true" \
    "$(jq --argjson b "$block" 'map(select(.block == $b))[0].share // 0 | . - ($b + 1) / 10 | fabs <= 0.04' <<<"$shares")"
done
stop_mock
finish
