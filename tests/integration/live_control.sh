#!/usr/bin/env bash
# The live view of `run --listen` against the mock: /metrics parses and, once the run is over,
# its counters equal the final summary; /status has the summary's schema (merge reads it);
# POST /stop and POST /speed need the token (401 without); POST /speed changes the achieved
# rate within 2 s; POST /stop drains, prints the table and exits 130. The bracket holds.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_live.sh"
need_tools

token=$TF_WORK/token
printf '  s3cret-live-token\n' >"$token"

# --- 1. a bounded run; the final state stays served (--listen-linger) until POST /stop
start_mock
s=$TF_WORK/l1.json
MATOMO_URL=$MOCK_URL start_tf l1 run --preset smoke --visits 40 --seed 5 --listen 127.0.0.1:0 \
  --listen-token "$token" --listen-linger 60s --summary-json "$s"
listen_port l1
curl -s --max-time 5 -D "$TF_WORK/m.head" "$LIVE_BASE/metrics" >"$TF_WORK/m-live.prom" || fail "GET /metrics failed"
check "/metrics: Prometheus text content type" "1" "$(grep -ci '^content-type: text/plain; version=0.0.4' "$TF_WORK/m.head")"
check_exposition "$TF_WORK/m-live.prom"
for i in $(seq 300); do [[ -s $s ]] && break; sleep 0.1; done
[[ -s $s ]] || fail "no summary: $(tail -3 "$TF_WORK/l1.err")"
# the summary is written before the final state is published: wait for the final /status
for i in $(seq 100); do
  curl -s --max-time 2 "$LIVE_BASE/status" >"$TF_WORK/status.json" || true
  [[ $(jq -r '.stop_reason' "$TF_WORK/status.json" 2>/dev/null) != "" ]] && break
  sleep 0.1
done
check "linger: the final state" "$(jv "$s" .stop_reason)" "$(jv "$TF_WORK/status.json" .stop_reason)"
curl -s --max-time 5 "$LIVE_BASE/metrics" >"$TF_WORK/m-final.prom"
check_exposition "$TF_WORK/m-final.prom"
for outcome in acked rejected failed unconfirmed not_sent; do
  check "/metrics hits_${outcome}_total = summary" "$(jv "$s" ".totals.$outcome")" \
    "$(metrics_sum "$TF_WORK/m-final.prom" "trafficinator_hits_${outcome}_total")"
done
check "/metrics visits_started_total = summary" "$(jv "$s" .totals.visits)" \
  "$(metrics_sum "$TF_WORK/m-final.prom" trafficinator_visits_started_total)"
check "/metrics request histogram count = answers" "$(jv "$s" '[.targets[].latency_ms.count] | add')" \
  "$(metrics_sum "$TF_WORK/m-final.prom" trafficinator_request_duration_seconds_count)"
check "/metrics +Inf bucket = count" \
  "$(metrics_sum "$TF_WORK/m-final.prom" trafficinator_request_duration_seconds_count)" \
  "$(grep 'trafficinator_request_duration_seconds_bucket{.*le="+Inf"}' "$TF_WORK/m-final.prom" | awk '{s+=$NF} END {print s}')"
curl -s --max-time 5 -H 'Accept: application/openmetrics-text; version=1.0.0' -D "$TF_WORK/om.head" \
  "$LIVE_BASE/metrics" >"$TF_WORK/m.om"
check "OpenMetrics on Accept" "1" "$(grep -ci '^content-type: application/openmetrics-text' "$TF_WORK/om.head")"
check "OpenMetrics ends with # EOF" "# EOF" "$(tail -1 "$TF_WORK/m.om")"
check "OpenMetrics counter family without _total" "1" \
  "$(grep -c '^# TYPE trafficinator_hits_acked counter$' "$TF_WORK/m.om")"
# /status: the summary's schema (the keys only the file adds aside), and merge reads it
check "/status keys = summary keys" "$(jq -c '[keys[] | select(. != "timestamps" and . != "shard" and . != "config_fingerprint")]' "$s")" \
  "$(jq -c 'keys' "$TF_WORK/status.json")"
check "/status target keys = summary target keys" "$(jq -c '.targets[0] | keys' "$s")" \
  "$(jq -c '.targets[0] | keys' "$TF_WORK/status.json")"
"$TF_BIN" merge "$TF_WORK/status.json" >"$TF_WORK/merge.out" 2>&1 || fail "merge cannot read /status: $(cat "$TF_WORK/merge.out")"
check "/status never shows the token" "0" "$(grep -c 's3cret' "$TF_WORK/status.json" || true)"
check "POST /stop without the token: 401" "401" "$(post /stop)"
check "POST /stop with a wrong token: 401" "401" "$(post /stop wrong)"
check "POST /speed without the token: 401" "401" "$(post '/speed?value=2')"
check "POST /stop with the token: 202" "202" "$(post /stop s3cret-live-token)"
wait_tf 20
check "a finished run ends its linger on POST /stop: exit 0" "0" "$RUN_RC"
check "the token is never logged" "0" "$(cat "$TF_WORK/l1.err" "$TF_WORK/l1.out" | grep -c 's3cret' || true)"
check "series: outcomes add up to the totals" "$(jv "$s" .totals.acked)" "$(jq '[.series.points[][1]] | add' "$s")"
assert_bracket "$s"
stop_mock

# --- 2. POST /speed changes the achieved rate within 2 s; POST /stop drains and exits 130
start_mock
s=$TF_WORK/l2.json
MATOMO_URL=$MOCK_URL start_tf l2 run --preset smoke --speed 0.2 --duration 60s --seed 6 \
  --listen 127.0.0.1:0 --listen-token "$token" --summary-json "$s"
listen_port l2
wait_for_stat hits_accepted 3 20 || fail "no hits: $(tail -3 "$TF_WORK/l2.err")"
check "POST /speed with a bad value: 400" "400" "$(post '/speed?value=fast' s3cret-live-token)"
check "POST /speed out of SPEED's range: 400" "400" "$(post '/speed?value=0' s3cret-live-token)"
# At 2 visits/s (about 8 hits/s) 60 more hits take 7 s; at 20 visits/s, under 2 s.
check "POST /speed?value=2: 200" "200" "$(post '/speed?value=2' s3cret-live-token)"
b=$(mock_stat hits_accepted)
t0=$(date +%s%N)
wait_for_stat hits_accepted $((b + 60)) 10 || fail "60 more hits did not arrive within 10 s of POST /speed"
ms=$((($(date +%s%N) - t0) / 1000000))
echo "60 hits in $ms ms after POST /speed"
check "POST /speed: 60 more hits within 3 s (the old rate needs 7 s)" "1" "$((ms < 3000 ? 1 : 0))"
curl -s --max-time 5 "$LIVE_BASE/status" >"$TF_WORK/status2.json"
check "POST /speed: the requested rate is 20 visits/s" "20" "$(jq '.visit_rate.requested | round' "$TF_WORK/status2.json")"
check "POST /stop with the token: 202" "202" "$(post /stop s3cret-live-token)"
wait_tf 30
check "POST /stop: exit 130 as SIGINT" "130" "$RUN_RC"
check "POST /stop: the table" "1" "$(grep -c '^TOTAL ' "$TF_WORK/l2.out" || true)"
check "POST /stop: stopped by the request" "stop-requested" "$(jv "$s" .stop_reason)"
check_accounting "$s"
stop_mock

# --- 3. an address other than loopback needs the token file
MATOMO_URL=http://127.0.0.1:9/matomo.php run_tf l3 run --preset smoke --visits 1 --listen 0.0.0.0:0
check "non-loopback LISTEN without a token file: exit 2" "2" "$RUN_RC"
check "the error names LISTEN_TOKEN_FILE" "1" "$(grep -c 'needs LISTEN_TOKEN_FILE' "$TF_WORK/l3.err" || true)"
MATOMO_URL=http://127.0.0.1:9/matomo.php run_tf l4 run --preset smoke --visits 1 --listen nonsense
check "a LISTEN without a port: exit 2" "2" "$RUN_RC"
check "the error names LISTEN, expected and found" "1" "$(grep -c 'LISTEN: expected ADDR:PORT .*found "nonsense"' "$TF_WORK/l4.err" || true)"
finish
