#!/usr/bin/env bash
# A run with a valid token and RANDOMIZE_VISITOR_COUNTRIES=true against a strict mock that knows
# the token: cip is sent and accepted (zero violations), the token travels in POST bodies only
# (token_in_url = 0), and the token string appears nowhere in stdout, stderr, the summary JSON or
# the dead-letter file (which has lines: the first requests are refused with 503, no retries).
source "$(dirname "$0")/lib.sh"
need_tools

token="h6-tok-5f1c9a7e2b3d4c6f"
cat >"$TF_WORK/mock.json" <<JSON
{"sites": [{"id": 1, "timezone": "UTC", "site_search": true, "goals": [1, 2, 3, 4, 5]}],
 "tokens": [{"token": "$token", "sites": [1]}],
 "faults": {"status": 503, "rate": 1, "limit": 3}}
JSON
start_mock --config "$TF_WORK/mock.json"
s=$TF_WORK/token.json
dead=$TF_WORK/token.dead
MATOMO_URL=$MOCK_URL MATOMO_TOKEN_AUTH=$token RANDOMIZE_VISITOR_COUNTRIES=true \
  run_tf token run --preset smoke --visits 30 --speed 4 --retries 0 --seed 3 --max-failure-rate 0.5 \
  --summary-json "$s" --dead-letter "$dead"
check "token: exit code" "0" "$RUN_RC"
[[ -s "$s" ]] || fail "no summary written: $(cat "$TF_WORK/token.err")"
check_accounting "$s" "$dead"
check "token: zero violations" "0" "$(mock_stat violations_total)"
check "token: zero rejected hits" "0" "$(mock_stat hits_rejected)"
check "token: no token in a URL" "0" "$(mock_stat token_in_url)"
check "token: the three 503s failed their hits" "3" "$(jv "$s" '.totals.status_codes["503"]')"
check "token: three hits failed" "3" "$(jv "$s" '.totals.failed')"
check "token: mock accepted = acked" "$(jv "$s" '.accounting.acked')" "$(mock_stat hits_accepted)"
[[ -s "$dead" ]] || fail "the dead-letter file is empty; the token check of it would prove nothing"
with_cip=$(mock_hits_count '.params.cip != null')
((with_cip > 0)) || fail "no hit carried cip"
check "token: every accepted hit carried the (redacted) token" "$(mock_stat hits_accepted)" \
  "$(mock_hits_count '.params.token_auth == "***"')"
for f in "$TF_WORK/token.out" "$TF_WORK/token.err" "$s" "$dead"; do
  check "token: not in ${f##*/}" "0" "$(grep -cF "$token" "$f" || true)"
done
check "token: redacted in the summary config" '***' "$(jv "$s" '.config.MATOMO_TOKEN_AUTH')"
stop_mock
finish
