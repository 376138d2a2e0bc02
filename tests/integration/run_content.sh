#!/usr/bin/env bash
# Content-heavy configurations against the strict mock, about 2 s each at a high --speed with a
# --visits cap: the shipped funnels with every funnel likely, and most visits ending in an order.
# Zero violations, counts match (generated = acked = accepted by the mock, mock visits = visits
# started), and the funnel steps and orders did arrive.
source "$(dirname "$0")/lib.sh"
need_tools

# funnels-heavy: the shipped example with every funnel likely
jq 'map(.probability = 0.4 | .enabled = true)' "$TF_SOURCE_DIR/presets/funnels.example.json" \
  >"$TF_WORK/funnels.json"
FUNNEL_CONFIG_PATH=$TF_WORK/funnels.json run_paced funnels 40 60 --preset medium
check "funnels: the tent funnel's site search arrived" "true" \
  "$(mock_hits_count '.params.search == "ultralight tent"' | jq '. > 0')"
check "funnels: the mock recorded goal conversions" "true" "$(mock_stat conversions | jq '. > 0')"
check "funnels: downloads of the manual funnel arrived" "true" \
  "$(mock_hits_count '.params.download != null and (.params.download | test("camp-stove-manual"))' | jq '. > 0')"
stop_mock

# ecommerce-heavy: most visits end in an order
ECOMMERCE_PROBABILITY=0.9 run_paced ecommerce 40 60 --preset heavy
orders=$(mock_hits_count '.params.ec_id != null and .params.idgoal == "0"')
((orders >= 20)) || { echo "FAIL: ecommerce: only $orders orders of 60 visits" >&2; TF_FAILURES=$((TF_FAILURES + 1)); }
stop_mock

# custom dimensions: visit scope on each visit's first hit, action scope on page views; the
# strict mock accepts them (check_delivered: zero violations, the bracket)
CUSTOM_DIMENSIONS='1:visit:guest|member|vip;2:action:News|Reviews|Guides' run_paced dimensions 40 60 --preset medium
check "dimensions: every visit's first hit has a visit-scope value" "$(jv "$TF_WORK/dimensions.json" .totals.visits)" \
  "$(mock_hits_count '.params.new_visit == "1" and (.params.dimension1 | IN("guest", "member", "vip"))')"
check "dimensions: page views carry an action-scope value" "true" \
  "$(mock_hits_count '.params.dimension2 | IN("News", "Reviews", "Guides")' | jq '. > 0')"
stop_mock
finish
