#!/usr/bin/env bash
# `trafficinator replay` from the command line: every bad line named with file:line (exit 2), an
# unknown target named (exit 2), a missing file (exit 3), hits older than 24 h refused for a
# target without a token before anything is sent, and delivered with one (in a POST body, never
# in a URL), single and bulk, with --dead-letter choosing where still-failing hits go.
source "$(dirname "$0")/lib.sh"
need_tools
data=$TF_TEST_DATA_DIR/replay

run_tf bad replay "$data/bad.ndjson"
check "bad file: exit code" "2" "$RUN_RC"
check "bad file: missing params named" "1" "$(grep -c "bad.ndjson:2: error: params: missing" "$TF_WORK/bad.err" || true)"
check "bad file: bad JSON named" "1" "$(grep -c "bad.ndjson:3:2: error: not valid JSON" "$TF_WORK/bad.err" || true)"
check "bad file: bad visitor named" "1" \
  "$(grep -c 'bad.ndjson:4: error: visitor: expected 16 hex characters, found "0123456789abcdeg"' "$TF_WORK/bad.err" || true)"
run_tf unknown replay "$data/unknown-target.ndjson"
check "unknown target: exit code" "2" "$RUN_RC"
check "unknown target: named" "1" \
  "$(grep -c "unknown-target.ndjson:1: error: target: no target named 'staging' in the configuration (targets: default)" "$TF_WORK/unknown.err" || true)"
run_tf missing replay "$TF_WORK/nope.ndjson"
check "missing file: exit code" "3" "$RUN_RC"

# one visit of three hits, two days old
cat >"$TF_WORK/mock.json" <<'JSON'
{"sites": [{"id": 1, "timezone": "UTC"}], "tokens": [{"token": "tok-replay", "sites": [1]}]}
JSON
start_mock --config "$TF_WORK/mock.json"
old=$(($(now_s) - 2 * 86400))
D=$TF_WORK/old.ndjson
for k in 0 1 2; do
  jq -nc --argjson k "$k" --arg cdt "$((old + 10 * k))" '{visit: 9, hit: $k, visitor: "00000000000000aa",
    target: "default", outcome: "dead-lettered", reason: (if $k == 0 then "http-503" else "previous-hit-failed" end),
    attempts: 3, params: ({idsite: "1", rec: "1", _id: "00000000000000aa", cdt: $cdt,
    url: "https://shop.example/p\($k)", action_name: "P\($k)", token_auth: "***"}
    + (if $k == 0 then {new_visit: "1"} else {} end))}'
done >"$D"
MATOMO_URL=$MOCK_URL run_tf notoken replay "$D"
check "old hits without a token: exit code" "2" "$RUN_RC"
check "old hits without a token: named" "1" \
  "$(grep -c "old.ndjson:1: error: cdt: target 'default' has no token_auth, and 3 hit(s) have a cdt 24 h or more in the past" "$TF_WORK/notoken.err" || true)"
check "old hits without a token: nothing sent" "0" "$(mock_stat requests)"
check "old hits without a token: not marked replayed" "no" "$([[ -e "$D.replayed" ]] && echo yes || echo no)"

MATOMO_URL=$MOCK_URL MATOMO_TOKEN_AUTH=tok-replay run_tf single replay "$D" --dead-letter "$TF_WORK/still.ndjson" \
  --summary-json "$TF_WORK/single.json"
check "with a token: exit code" "0" "$RUN_RC"
check "with a token: all accepted" "3" "$(mock_stat hits_accepted)"
check "with a token: zero violations" "0" "$(mock_stat violations_total)"
check "with a token: no token in a URL" "0" "$(mock_stat token_in_url)"
check "with a token: in order, with their own times" "$old $((old + 10)) $((old + 20))" \
  "$(curl -s "$MOCK_BASE/mock/hits" | jq -r '.params.cdt' | paste -sd' ')"
check "--dead-letter: still-failing hits go there" "0" "$(wc -c <"$TF_WORK/still.ndjson")"
check "--dead-letter: no FILE.failed" "no" "$([[ -e "$D.failed" ]] && echo yes || echo no)"
check_accounting "$TF_WORK/single.json" "$TF_WORK/still.ndjson"

# the same hits in bulk, to a fresh visitor store (--force: replayed before)
curl -s --max-time 10 -o /dev/null --data "" "$MOCK_BASE/mock/reset"
MATOMO_URL=$MOCK_URL MATOMO_TOKEN_AUTH=tok-replay run_tf bulk replay "$D" --force --bulk 10
check "bulk: exit code" "0" "$RUN_RC"
check "bulk: all accepted" "3" "$(mock_stat hits_accepted)"
check "bulk: sent in bulk requests" "1" "$(($(mock_stat bulk_requests) > 0))"
check "bulk: zero violations" "0" "$(mock_stat violations_total)"
stop_mock

finish
