#!/usr/bin/env bash
# Per-visitor checks of the mock: concurrent requests of one visitor, out-of-order times, visit
# reconstruction (30-minute gap, site-local midnight, new_visit, campaign change), pings,
# duplicate orders, once-per-visit goals, fingerprint merging; and compat mode.
source "$(dirname "$0")/lib.sh"

cat >"$TF_WORK/config.json" <<'JSON'
{"sites": [{"id": 1, "timezone": "UTC", "goals": [1, {"id": 2, "allow_multiple": true}]}],
 "tokens": [{"token": "tok-write-1", "sites": [1]}]}
JSON
start_mock --config "$TF_WORK/config.json"
base="idsite=1&rec=1&url=https%3A%2F%2Fshop.example%2F"

# post QUERY: one hit as a form POST with the token in the body; prints "STATUS REASON"
post() {
  local headers status reason
  headers=$(curl -s --max-time 30 -o /dev/null -D - --data "$1&token_auth=tok-write-1" "$MOCK_URL")
  status=$(printf '%s\n' "$headers" | sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p')
  reason=$(printf '%s\n' "$headers" | tr -d '\r' | sed -n 's/^X-Mock-\(Reason\|Warning\): //p')
  echo "${status:-000} ${reason:--}"
}

# two slow requests of one visitor in flight at the same time
set_faults '{"latency_ms":800}'
requests_before=$(mock_stat requests)
curl -s -o /dev/null "$MOCK_URL?$base&cid=c0c0c0c0c0c0c0c0&pv_id=aaaaa1" &
first=$!
# the first is in flight once the mock has counted it (it then waits its 800 ms latency)
wait_for_stat requests $((requests_before + 1)) 5 || fail "the first request did not arrive"
curl -s -o /dev/null "$MOCK_URL?$base&cid=c0c0c0c0c0c0c0c0&pv_id=aaaaa2"
wait "$first"
# and one request each for two other visitors in parallel: not concurrent
curl -s -o /dev/null "$MOCK_URL?$base&cid=c1c1c1c1c1c1c1c1" &
first=$!
curl -s -o /dev/null "$MOCK_URL?$base&cid=c2c2c2c2c2c2c2c2"
wait "$first"
set_faults '{}'
check "concurrent requests of one visitor are flagged once" "1" "$(mock_stat violations/CONCURRENT_VISITOR)"
check "max concurrent per visitor" "2" "$(mock_stat max_concurrent_per_visitor)"
check "flagged hits are still recorded" "4" "$(mock_stat hits_accepted)"

# out of order: a hit earlier than the visitor's previous one
now=$(now_s)
check "in-order hit" "200 -" "$(post "$base&cid=d0d0d0d0d0d0d0d0&cdt=$((now - 600))")"
check "out-of-order hit is rejected in strict mode" "400 OUT_OF_ORDER" \
  "$(post "$base&cid=d0d0d0d0d0d0d0d0&cdt=$((now - 660))")"

# visit reconstruction for one visitor, cdt in the past (the token allows > 24 h)
t0=$((now - 4 * 3600))
post "$base&cid=e0e0e0e0e0e0e0e0&cdt=$t0" >/dev/null                    # visit 1
post "$base&cid=e0e0e0e0e0e0e0e0&cdt=$((t0 + 1799))" >/dev/null         # same visit (gap < 1800)
post "$base&cid=e0e0e0e0e0e0e0e0&cdt=$((t0 + 1799 + 1800))" >/dev/null  # visit 2 (gap = 1800)
post "$base&cid=e0e0e0e0e0e0e0e0&cdt=$((t0 + 3600))&new_visit=1" >/dev/null  # visit 3
midnight=$(( (now - 2 * 86400) / 86400 * 86400 ))
post "$base&cid=e1e1e1e1e1e1e1e1&cdt=$((midnight - 120))" >/dev/null     # visit 1
post "$base&cid=e1e1e1e1e1e1e1e1&cdt=$((midnight + 120))" >/dev/null     # visit 2: new day
visits=$(curl -s "$MOCK_BASE/mock/visits")
check "30-minute gap and new_visit split visits" "3" "$(grep -c '"visitor":"1|v:e0e0e0e0e0e0e0e0"' <<<"$visits")"
check "site-local midnight splits a visit" "2" "$(grep -c '"visitor":"1|v:e1e1e1e1e1e1e1e1"' <<<"$visits")"
check "the second hit joined visit 1" "1" "$(grep -c '"hits":2,"last_s":'$((t0 + 1799))',"number":1' <<<"$visits")"

# inside a bulk request, one visitor's times must not go backwards either
bulk="{\"requests\":[\"?$base&cid=d1d1d1d1d1d1d1d1&cdt=$((now - 300))\",\"?$base&cid=d1d1d1d1d1d1d1d1&cdt=$((now - 400))\"]}"
check "bulk: the out-of-order element is invalid" '{"invalid":1,"status":"success","tracked":1} OUT_OF_ORDER' \
  "$(curl -s -D "$TF_WORK/h" --data "$bulk" "$MOCK_URL") $(tr -d '\r' <"$TF_WORK/h" | sed -n 's/^X-Mock-Reason: //p')"

# campaign change on a non-first hit
post "$base%3Fmtm_campaign%3Dspring&cid=f0f0f0f0f0f0f0f0" >/dev/null
check "a campaign change mid-visit is rejected" "400 CAMPAIGN_CHANGE" \
  "$(post "$base%3Fmtm_campaign%3Dsummer&cid=f0f0f0f0f0f0f0f0")"
check "the same campaign again is fine" "200 -" "$(post "$base%3Fmtm_campaign%3Dspring&cid=f0f0f0f0f0f0f0f0")"

# pings, orders and goals
check "ping without a visit" "400 PING_WITHOUT_VISIT" "$(post "$base&cid=a1a1a1a1a1a1a1a1&ping=1")"
post "$base&cid=a1a1a1a1a1a1a1a1&pv_id=abc123" >/dev/null
check "ping of an open visit" "200 -" "$(post "$base&cid=a1a1a1a1a1a1a1a1&ping=1&pv_id=abc123")"
order="idgoal=0&ec_id=ORD-1&revenue=12.5&ec_st=12.5&ec_items=%5B%5B%22SKU1%22%2C%22Shoe%22%2C%22Shoes%22%2C12.5%2C1%5D%5D"
check "first order" "200 -" "$(post "$base&cid=a1a1a1a1a1a1a1a1&$order")"
check "duplicate ec_id" "400 DUPLICATE_ORDER" "$(post "$base&cid=a2a2a2a2a2a2a2a2&$order")"
check "Matomo rejects a duplicate order too" "1" "$(mock_stat matomo_violations/DUPLICATE_ORDER)"
check "goal 1 once" "200 -" "$(post "$base&cid=a1a1a1a1a1a1a1a1&idgoal=1")"
check "goal 1 twice in a visit" "400 GOAL_ALREADY_CONVERTED" "$(post "$base&cid=a1a1a1a1a1a1a1a1&idgoal=1")"
check "goal 2 allows multiple" "200 -" "$(post "$base&cid=a1a1a1a1a1a1a1a1&idgoal=2")"
check "goal 2 again" "200 -" "$(post "$base&cid=a1a1a1a1a1a1a1a1&idgoal=2")"

# fingerprint merging: two _id-only visitors with the same IP, user agent and language
fp="ua=Mozilla%2F5.0%20(X11)&lang=de-DE"
check "first _id-only visitor" "200 -" "$(post "$base&_id=b1b1b1b1b1b1b1b1&$fp")"
check "second one shares the fingerprint" "200 FINGERPRINT_MERGE_RISK" "$(post "$base&_id=b2b2b2b2b2b2b2b2&$fp")"
check "with cid there is no risk" "200 -" "$(post "$base&_id=b3b3b3b3b3b3b3b3&cid=b3b3b3b3b3b3b3b3&$fp")"
check "conversions count orders and goals" "4" "$(mock_stat conversions)"
stop_mock

# compat mode: strict-only problems are recorded (and counted), Matomo's rejections stay 400
start_mock --config "$TF_WORK/config.json" --compat
now=$(now_s)
post "$base&cid=d0d0d0d0d0d0d0d0&cdt=$((now - 600))" >/dev/null
check "compat: out-of-order is recorded with a warning" "200 OUT_OF_ORDER" \
  "$(post "$base&cid=d0d0d0d0d0d0d0d0&cdt=$((now - 660))")"
check "compat: unknown site is still 400" "400 UNKNOWN_SITE" "$(post "idsite=5&rec=1&url=https%3A%2F%2Fa.example%2F")"
check "compat: malformed bulk is a silent success" '{"invalid":0,"status":"success","tracked":0}' \
  "$(curl -s --data '{"requests": [' "$MOCK_URL")"
check "compat: mode" "compat" "$(mock_stat mode)"
stop_mock
finish
