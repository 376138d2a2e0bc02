#!/usr/bin/env bash
# --bulk 20 against the strict mock: bulk requests are used, zero violations, generated = acked
# = accepted by the mock. Then bulk answers that record only the first 2 hits (a 500 with
# tracked = 2): only the tail is resent, so nothing is lost and nothing is recorded twice
# (mock accepted = generated, exactly).
source "$(dirname "$0")/lib.sh"
need_tools

# bulk_run NAME [trafficinator args...]: 60 medium visits at 60 visits/s in bulks of 20, with
# short real pauses, against the running mock.
bulk_run() {
  local name=$1
  shift
  MATOMO_URL=$MOCK_URL PAUSE_BETWEEN_PVS_MIN=0 PAUSE_BETWEEN_PVS_MAX=0.02 \
    run_tf "$name" run --preset medium --speed 518.4 --visits 60 --duration 20s --seed 9 \
    --bulk 20 --summary-json "$TF_WORK/$name.json" --dead-letter "$TF_WORK/$name.dead" --quiet "$@"
  check "$name: exit code" "0" "$RUN_RC"
  [[ -s "$TF_WORK/$name.json" ]] || fail "$name: no summary: $(tail -3 "$TF_WORK/$name.err")"
  check_delivered "$TF_WORK/$name.json"
  check_accounting "$TF_WORK/$name.json" "$TF_WORK/$name.dead"
}

start_mock
s=$TF_WORK/bulk.json
bulk_run bulk
bulks=$(mock_stat bulk_requests)
((bulks > 0)) || fail "bulk: the mock received no bulk request"
check "bulk: every request was a bulk" "$(mock_stat requests)" "$bulks"
check "bulk: requests counted by the client = bulks received" "$bulks" "$(jv "$s" '.totals.requests')"
check "bulk: no retries" "0" "$(jv "$s" '.totals.retries')"
tool_ua=$(tool_user_agent)
check "bulk: every bulk request's User-Agent header is $tool_ua" "0" "$(mock_hits_count ".user_agent != \"$tool_ua\"")"
stop_mock

# USER_AGENT_HEADER=visitor: a bulk carries many visitors, so its header is the tool's name
start_mock
s=$TF_WORK/bulk_visitor.json
bulk_run bulk_visitor --user-agent visitor
check "bulk_visitor: the header is $tool_ua on every bulk" "0" "$(mock_hits_count ".user_agent != \"$tool_ua\"")"
stop_mock

start_mock
s=$TF_WORK/firstk.json
set_faults '{"bulk_first_k":2,"limit":3}'
# the retry budget counts bulk items: lift it so that the resent tails are not refused
RETRY_BUDGET=1 bulk_run firstk
check "firstk: three partial answers injected" "3" "$(mock_stat faults_injected_total)"
partial=$(jv "$s" '.totals.status_codes["500"] // 0')
((partial > 0)) || fail "firstk: the client saw no partial (500) bulk answer"
check "firstk: nothing recorded twice (accepted = generated)" "$(jv "$s" '.totals.generated')" \
  "$(mock_stat hits_accepted)"
check "firstk: the mock received each hit once, plus nothing" "$(jv "$s" '.totals.generated')" \
  "$(mock_stat hits_received)"
retries=$(jv "$s" '.totals.retries')
((retries > 0)) || fail "firstk: the partial bulks were not retried"
stop_mock
finish
