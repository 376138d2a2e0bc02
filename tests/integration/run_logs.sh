#!/usr/bin/env bash
# Logs: LOG_LEVEL=ERROR hides warnings (the cip warning of a run without a token) and the status
# records; --log-format json writes JSON lines (ts, level, msg, fields) that parse one by one; the
# cip warning is printed once per run, and never by replay.
source "$(dirname "$0")/lib.sh"
need_tools

# fresh: clears the mock's hits before a run, so the bracket compares one run with the mock.
fresh() { curl -s --max-time 10 -o /dev/null --data "" "$MOCK_BASE/mock/reset" || fail "mock reset failed"; }

start_mock
common=(run --url "$MOCK_URL" --site-id 1 --preset smoke --seed 3 --report-interval 1s)
run_tf text "${common[@]}" --env-file /dev/null --summary-json "$TF_WORK/text.json" --dead-letter "$TF_WORK/text.dead"
check "text: exit 0" "0" "$RUN_RC"
# smoke sets RANDOMIZE_VISITOR_COUNTRIES=false: ask for it, so the warning is due
fresh
RANDOMIZE_VISITOR_COUNTRIES=true run_tf warn "${common[@]}" --summary-json "$TF_WORK/warn.json" --dead-letter "$TF_WORK/warn.dead"
check "the cip warning is printed once" "1" "$(grep -c 'cip' "$TF_WORK/warn.err")"
assert_bracket "$TF_WORK/warn.json"

fresh
RANDOMIZE_VISITOR_COUNTRIES=true LOG_LEVEL=ERROR run_tf quiet "${common[@]}" --dead-letter "$TF_WORK/quiet.dead"
check "LOG_LEVEL=ERROR: exit 0" "0" "$RUN_RC"
check "LOG_LEVEL=ERROR: no warning, no status record" "0" "$(grep -c 'warning\|elapsed=' "$TF_WORK/quiet.err")"

fresh
RANDOMIZE_VISITOR_COUNTRIES=true run_tf json "${common[@]}" --log-format json --summary-json "$TF_WORK/json.json" \
  --dead-letter "$TF_WORK/json.dead"
check "json: exit 0" "0" "$RUN_RC"
lines=$(wc -l <"$TF_WORK/json.err")
check "json: every stderr line parses as a JSON object with ts, level and msg" "$lines" \
  "$(jq -c 'select(type == "object" and (.ts | type) == "string" and (.level | type) == "string" and (.msg | type) == "string")' \
       "$TF_WORK/json.err" | wc -l)"
check "json: there are records" "true" "$(jq -n "$lines >= 3")"
check "json: one warning record, with its key" "RANDOMIZE_VISITOR_COUNTRIES" \
  "$(jq -r 'select(.level == "warning") | .key' "$TF_WORK/json.err")"
check "json: status records carry numbers" "true" \
  "$(jq -s '[.[] | select(.msg == "status")] | length > 0 and all(.[]; (.acked | type) == "number")' "$TF_WORK/json.err")"
assert_bracket "$TF_WORK/json.json"
stop_mock
finish
