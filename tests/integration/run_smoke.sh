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
check "smoke: every hit acked" "$(jv "$s" '.totals.generated')" "$(jv "$s" '.totals.acked')"
check "smoke: stopped by duration" "duration" "$(jv "$s" '.stop_reason')"
check "smoke: seed recorded" "11" "$(jv "$s" '.seed')"
check "smoke: one request per hit" "$(jv "$s" '.totals.hits')" "$(jv "$s" '.totals.requests')"
check "smoke: every visit completed" "$(jv "$s" '.totals.visits')" "$(jv "$s" '.totals.visits_completed')"
check "smoke: the mock saw every hit once" "$(jv "$s" '.totals.hits')" "$(mock_stat hits_received)"
check "smoke: one hit in flight per visitor at most" "1" "$(mock_stat max_concurrent_per_visitor)"
# USER_AGENT_HEADER: the header names the tool; the simulated browser is in every hit's ua parameter
tool_ua=$(tool_user_agent)
check "smoke: every hit carries its browser in ua" "0" "$(mock_hits_count '(.params.ua // "") | test("^Mozilla/")  | not')"
check "smoke: every User-Agent header is $tool_ua" "0" "$(mock_hits_count ".user_agent != \"$tool_ua\"")"
stop_mock
check "smoke: mock verdict" "1" \
  "$(grep -c "^mock-matomo: $(jv "$s" '.totals.hits') hits, $(jv "$s" '.totals.hits') accepted, 0 violations$" "$MOCK_LOG" || true)"

# USER_AGENT_HEADER=visitor: the header is the visit's browser, the same as its ua parameter
run_paced visitor_ua 40 20 --preset smoke --user-agent visitor
check "visitor_ua: the header is the ua parameter on every hit" "0" "$(mock_hits_count '.user_agent != .params.ua')"
check "visitor_ua: hits arrived" "true" "$(mock_hits_count 'true' | jq '. > 50')"
stop_mock
# USER_AGENT_HEADER empty: no User-Agent header at all (the ua parameter still names the browser)
run_paced no_ua 40 10 --preset smoke --user-agent ""
check "no_ua: no User-Agent header on any hit" "0" "$(mock_hits_count '.user_agent != ""')"
stop_mock
finish
