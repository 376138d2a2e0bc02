#!/usr/bin/env bash
# A target whose every request failed is reported "failing", not "unknown" ("unknown" means no
# requests). Every request answers 503; the breaker opens and holds the retries until the end.
# The default verdict: nothing acked exits 1 with a line naming the threshold.
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
check "health: the target is failing" "failing" "$(jv "$s" '.targets[0].status')"
check "health: the total is failing" "failing" "$(jv "$s" '.totals.status')"
check "health: a target that is down exits 1" "1" "$RUN_RC"
check "health: the threshold line" "1" "$(grep -c 'threshold failed: acked>0 (0)$' "$TF_WORK/health.err" || true)"
check_accounting "$s"
stop_mock
finish
