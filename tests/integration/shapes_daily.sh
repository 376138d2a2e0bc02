#!/usr/bin/env bash
# DAILY_PROFILE over a compressed day (issue 19): SPEED=4320 runs a day in 20 s. HOURLY_PROFILE
# weighs the four 6-hour blocks of the day 1:2:3:4, so visits should start 10, 20, 30 and 40 %
# of the time in them. Each visit's first hit (new_visit=1) as the mock received it is placed on
# the run's compressed clock (started + elapsed × SPEED, TIMEZONE=UTC) and counted in its block.
# The expected shares include the weekday factor, which changes at the compressed midnight (e.g.
# Thursday 0.97 to Friday 0.9: a fixed 10/20/30/40 % failed once, 0.449 in the last block); the
# tolerance is 4 binomial standard deviations (~1,800 visits: about ±0.045). A visit starts a few
# ms after its due time (a ms is 4.3 s of the compressed day).
# The seed is fixed, so every run draws the same random numbers, and runs started at the same
# time of day place them on the same compressed hours: the draw, not a bias, is what repeats.
# Seed 11 started near 16:00 UTC puts the last block ~2.7 sigma high (0.446 for 0.415), every day;
# over a week of start times its worst block is 3.45 sigma, and over 2,000 seeds the mean shares
# equal the expected ones to 3 decimals (tests/unit/test_app_shapes_daily.cpp has the engine alone).
# SHAPES_DAILY_TZ=N (hours east of UTC, -12..14; default 0) runs the site N hours ahead, so the
# compressed day starts at another local time: the same check at other hours of the day.
source "$(dirname "$0")/lib.sh"
need_tools

tz_hours=${SHAPES_DAILY_TZ:-0}
[[ "$tz_hours" =~ ^-?[0-9]+$ ]] && ((tz_hours >= -12 && tz_hours <= 14)) || fail "SHAPES_DAILY_TZ: expected -12..14, found '$tz_hours'"
zone=UTC
((tz_hours == 0)) || zone=$(printf 'Etc/GMT%+d' $((-tz_hours)))  # POSIX signs: Etc/GMT-3 is UTC+3
tz_ms=$((tz_hours * 3600000))
start_mock
s=$TF_WORK/daily.json
MATOMO_URL=$MOCK_URL TIMEZONE=$zone DAILY_PROFILE=true SPEED=4320 TARGET_VISITS_PER_DAY=2000 \
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
shares=$(curl -s --max-time 30 "$MOCK_BASE/mock/hits" | jq -s --argjson t0 "$started_ms" --argjson tz "$tz_ms" '
  [.[] | select(.params.new_visit == "1") | ($t0 + $tz + (.arrival_ms - $t0) * 4320) / 3600000 | floor % 24 / 6 | floor]
  | length as $n | group_by(.) | map({block: .[0], share: (length / $n)})')
echo "daily: $visits visits; shares of the 6-hour blocks: $(jq -c 'map(.share * 1000 | round / 1000)' <<<"$shares")"
# The expected share of each block over the compressed day as it ran: the hourly weights times the
# weekday factor of each compressed minute's date (Mon..Sun 1, 1, 1, 0.97, 0.9, 0.68, 0.72, as
# backfill uses them), so a day that crosses from Thursday into Friday expects what it should.
expected=$(jq -n --argjson t0 "$started_ms" --argjson tz "$tz_ms" '
  [1, 1, 1, 0.97, 0.9, 0.68, 0.72] as $wf
  | [range(0; 1440) | ($t0 + $tz + . * 60000) as $t | ((($t / 3600000) | floor) % 24 / 6 | floor) as $b
     | {block: $b, w: (($b + 1) * $wf[((($t / 86400000) | floor) + 3) % 7])}]
  | (map(.w) | add) as $sum | group_by(.block) | map({block: .[0].block, share: ((map(.w) | add) / $sum)})')
echo "daily: expected shares: $(jq -c 'map(.share * 1000 | round / 1000)' <<<"$expected")"
n=$(jq 'length' <<<"$(curl -s --max-time 30 "$MOCK_BASE/mock/hits" | jq -s '[.[] | select(.params.new_visit == "1")]')")
echo "daily: started $(jq -r '.started' "$s") in $zone; sigmas of the blocks: $(jq -nc --argjson n "$n" \
  --argjson got "$shares" --argjson exp "$expected" '[range(0; 4) as $b | ($exp | map(select(.block == $b))[0].share) as $e
  | (($got | map(select(.block == $b))[0].share // 0) - $e) / (($e * (1 - $e) / $n) | sqrt) * 100 | round / 100]')"
for block in 0 1 2 3; do
  # within 4 binomial standard deviations of the expected share (about ±0.045 for 0.4 and 1,800 visits)
  check "daily: block $block (hours $((block * 6))-$((block * 6 + 5))) holds its expected share ± 4σ" "true" \
    "$(jq -n --argjson b "$block" --argjson n "$n" --argjson got "$shares" --argjson exp "$expected" '
      ($exp | map(select(.block == $b))[0].share) as $e
      | (($got | map(select(.block == $b))[0].share // 0) - $e | fabs) <= 4 * (($e * (1 - $e) / $n) | sqrt)')"
done
stop_mock
finish
