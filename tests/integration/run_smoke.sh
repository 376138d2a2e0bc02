#!/usr/bin/env bash
# `run --preset smoke` against the strict mock: exit 0, zero violations, every generated hit acked
# and accepted by the mock, the mock's visits = visits started, the table and the accounting
# line with ✓ on stdout, an empty dead-letter file.
source "$(dirname "$0")/lib.sh"
need_tools

start_mock
s=$TF_WORK/smoke.json
MATOMO_URL=$MOCK_URL run_tf smoke run --preset smoke --seed 11 --summary-json "$s" \
  --dead-letter "$TF_WORK/smoke.dead"
check "smoke: exit code" "0" "$RUN_RC"
[[ -s "$s" ]] || fail "no summary written: $(cat "$TF_WORK/smoke.err")"
check_delivered "$s"
check_accounting "$s" "$TF_WORK/smoke.dead"
check_table smoke
check "smoke: nothing dead-lettered" "0" "$(jv "$s" '.accounting.dead_lettered + .accounting.abandoned')"
check "smoke: stopped by duration" "duration" "$(jv "$s" '.stop_reason')"
check "smoke: seed recorded" "11" "$(jv "$s" '.seed')"
check "smoke: one request per hit" "$(jv "$s" '.totals.hits')" "$(jv "$s" '.totals.requests')"
check "smoke: every visit completed" "$(jv "$s" '.totals.visits')" "$(jv "$s" '.totals.visits_completed')"
check "smoke: the mock saw every hit once" "$(jv "$s" '.totals.hits')" "$(mock_stat hits_received)"
check "smoke: one hit in flight per visitor at most" "1" "$(mock_stat max_concurrent_per_visitor)"
stop_mock
check "smoke: mock verdict" "1" \
  "$(grep -c "^mock-matomo: $(jv "$s" '.totals.hits') hits, $(jv "$s" '.totals.hits') accepted, 0 violations$" "$MOCK_LOG" || true)"
finish
