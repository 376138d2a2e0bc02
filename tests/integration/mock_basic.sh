#!/usr/bin/env bash
# The mock Matomo answers like Matomo: GIF for a valid pageview, 204 with send_image=0, 400 with
# its reason code for each class of bad hit, bulk counts, the monitor notice, /mock/stats
# numbers, the redacted /mock/hits, and a final report on SIGTERM.
source "$(dirname "$0")/lib.sh"

cat >"$TF_WORK/config.json" <<'JSON'
{"sites": [{"id": 1, "timezone": "UTC", "site_search": true, "goals": [1, 2]},
           {"id": 2, "timezone": "Europe/Berlin", "site_search": false}],
 "tokens": [{"token": "s3cr3t-super", "super": true}, {"token": "s3cr3t-site2", "sites": [2]}]}
JSON
start_mock --config "$TF_WORK/config.json"

# the listening socket's backlog (ss shows it as Send-Q) is the kernel's maximum, not cpp-httplib's
# compiled-in 5: more connects at one instant (four shards starting together) lost their SYNs and
# waited 1 s for the resend
check "listen backlog is net.core.somaxconn" "$(cat /proc/sys/net/core/somaxconn)" \
  "$(ss -Hltn "sport = :$MOCK_PORT" | awk '{print $3}')"

page="idsite=1&rec=1&url=https%3A%2F%2Fshop.example%2F&action_name=Home&pv_id=a1B2c3"

# accepted pageview: 200, 43-byte GIF, image/gif, no-store
out=$(curl -s -o "$TF_WORK/gif" -w '%{http_code} %{content_type} %{size_download}' \
  "$MOCK_URL?$page&cid=0123456789abcdef")
check "valid pageview answers the GIF" "200 image/gif 43" "$out"
check "GET answers carry Cache-Control: no-store" "1" \
  "$(curl -s -D - -o /dev/null "$MOCK_URL?$page&cid=0a0a0a0a0a0a0a0a" | grep -ci '^cache-control: no-store')"
check "the piwik.php alias is served" "200 -" "$(MOCK_URL=$MOCK_BASE/piwik.php hit "$page&cid=1111111111111111")"
check "send_image=0 answers 204" "204 -" "$(hit "$page&cid=2222222222222222&send_image=0")"

# each class of rejection, with its reason code
check "unknown idsite" "400 UNKNOWN_SITE" "$(hit "idsite=9&rec=1&url=https%3A%2F%2Fa.example%2F&cid=0123456789abcdef")"
check "short cid" "400 BAD_CID_LENGTH" "$(hit "$page&cid=0123")"
check "cip without token" "400 CIP_WITHOUT_TOKEN" "$(hit "$page&cid=0123456789abcdef&cip=10.1.2.3")"
future=$(( $(now_s) + 3600 ))
check "future cdt" "400 FUTURE_CDT" "$(hit "$page&cid=3333333333333333&cdt=$future")"
check "two action families" "400 MULTIPLE_ACTION_FAMILIES" \
  "$(hit "$page&cid=4444444444444444&e_c=Video&e_a=Play&search=shoes")"
check "a valid token admits cip (POST body)" "200" "$(curl -s -o /dev/null -w '%{http_code}' \
  --data "$page&cid=5555555555555555&cip=10.1.2.3&token_auth=s3cr3t-super" "$MOCK_URL")"
check "a token of another site does not" "400" "$(curl -s -o /dev/null -w '%{http_code}' \
  --data "$page&cid=5555555555555556&cip=10.1.2.4&token_auth=s3cr3t-site2" "$MOCK_URL")"

# monitors and probes
check "GET without parameters: 200 HTML notice" "200 text/html; charset=utf-8" \
  "$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "$MOCK_URL")"
check "POST with an empty body: 400" "400" "$(curl -s -o /dev/null -w '%{http_code}' --data '' "$MOCK_URL")"
check "a hit without rec=1 is answered and not recorded" "200 -" "$(hit "idsite=1&cid=6666666666666666")"
check "PUT is refused" "405" "$(curl -s -o /dev/null -w '%{http_code}' -X PUT --data x "$MOCK_URL")"

# bulk: one bad element does not fail the batch; invalid_indices only for a super-user token
bulk='{"requests":["?idsite=1&rec=1&url=https%3A%2F%2Fshop.example%2Fa&cid=7777777777777777",
  {"idsite":1,"rec":1,"url":"https://shop.example/b","cid":"8888888888888888"},
  "?idsite=1&rec=1&url=https%3A%2F%2Fshop.example%2Fc&cid=12"]TOKEN}'
out=$(curl -s -H 'Content-Type: application/json' --data "${bulk/TOKEN/}" "$MOCK_URL")
check "bulk counts tracked and invalid" '{"invalid":1,"status":"success","tracked":2}' "$out"
out=$(curl -s -H 'Content-Type: application/json' \
  --data "${bulk/TOKEN/,\"token_auth\":\"s3cr3t-super\"}" "$MOCK_URL" | tr -d ' ')
check "bulk with a super-user token lists invalid_indices" \
  '{"invalid":1,"invalid_indices":[2],"status":"success","tracked":2}' "$out"
check "bulk with send_image 0 answers 204" "204" "$(curl -s -o /dev/null -w '%{http_code}' \
  -H 'Content-Type: application/json' --data '{"requests":[],"send_image":0}' "$MOCK_URL")"
check "malformed bulk JSON is rejected in strict mode" "BULK_MALFORMED" \
  "$(curl -s -D - -o /dev/null --data '{"requests": [' "$MOCK_URL" | tr -d '\r' | sed -n 's/^X-Mock-Reason: //p')"

# the numbers: 4 accepted singles + 1 with a token + 4 in bulk = 9 accepted, from 7 visitors
check "hits_accepted" "9" "$(mock_stat hits_accepted)"
check "hits_rejected" "8" "$(mock_stat hits_rejected)"
check "hits_ignored (rec missing)" "1" "$(mock_stat hits_ignored)"
check "bulk_requests" "4" "$(mock_stat bulk_requests)"
check "violations BAD_CID_LENGTH (two singles, two bulk elements)" "3" "$(mock_stat violations/BAD_CID_LENGTH)"
check "Matomo-equivalent count of UNKNOWN_SITE" "1" "$(mock_stat matomo_violations/UNKNOWN_SITE)"
check "strict-only reasons are not Matomo-equivalent" "0" "$(mock_stat matomo_violations/FUTURE_CDT)"
check "visits: one per visitor" "7" "$(mock_stat visits)"
check "distinct visitors" "7" "$(mock_stat distinct_visitors)"

# /mock/hits: NDJSON, token redacted
hits=$(curl -s "$MOCK_BASE/mock/hits")
check "one NDJSON line per stored hit" "9" "$(printf '%s\n' "$hits" | grep -c '"visit":')"
check "the token never appears in /mock/hits" "0" "$(printf '%s\n' "$hits" | grep -c 's3cr3t' || true)"
check "tokens are shown as ***" "1" "$(printf '%s\n' "$hits" | grep -c '"token_auth":"\*\*\*"')"
check "a token in the URL is counted" "1" "$(curl -s -o /dev/null "$MOCK_URL?$page&cid=9999999999999999&token_auth=s3cr3t-super"; mock_stat token_in_url)"

check "/mock/violations explains each rejection" "1" \
  "$(curl -s "$MOCK_BASE/mock/violations" | grep -c '"code":"FUTURE_CDT".*"rejected":true')"

# reset
curl -s --data '' "$MOCK_BASE/mock/reset" >/dev/null
check "reset clears the counts" "0" "$(mock_stat hits_accepted)"
hit "$page&cid=abcdefabcdefabcd" >/dev/null

# SIGTERM: exit 0 and a final JSON report with the numbers, without tokens
stop_mock
check "report: hits_accepted" "1" "$(report_field "$MOCK_REPORT" hits_accepted)"
check "report: mode" "strict" "$(report_field "$MOCK_REPORT" mode)"
check "report has no token" "0" "$(grep -c 's3cr3t' "$MOCK_REPORT" || true)"
check "stderr holds only the verdict" "mock-matomo: 1 hits, 1 accepted, 0 violations" "$(cat "$MOCK_LOG")"
finish
