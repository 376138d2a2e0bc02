#!/usr/bin/env bash
# A target whose every request failed is reported "failed", not "unknown" ("unknown" means no
# requests). Every request answers 503; the breaker opens and holds the retries until the end, so
# the hits end abandoned, none dead-lettered.
source "$(dirname "$0")/lib.sh"
need_tools

start_mock
set_faults '{"status":503,"rate":1}'
s=$TF_WORK/health.json
MATOMO_URL=$MOCK_URL run_tf health run --preset smoke --visits 5 --speed 3 --drain-timeout 1s \
  --summary-json "$s"
[[ -s "$s" ]] || fail "no summary: $(tail -3 "$TF_WORK/health.err")"
check "health: requests were sent" "true" "$(jv "$s" '.totals.requests > 0')"
check "health: none succeeded" "0" "$(jv "$s" '.totals.acked')"
check "health: the target is failed" "failed" "$(jv "$s" '.targets[0].status')"
check "health: the total is failed" "failed" "$(jv "$s" '.totals.status')"
stop_mock
finish
