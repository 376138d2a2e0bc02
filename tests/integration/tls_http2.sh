#!/usr/bin/env bash
# --http2: single hits over HTTP/2 through nginx with TLS in front of the strict mock. Requests in
# flight share a few connections as streams, one per 50 requests in flight: with CONCURRENCY 120
# and a server that allows only 8 streams per connection, at most 3 connections carry every request
# (libcurl 7.88 used to open one connection per request that found the others full), the requests
# beyond the streams wait in libcurl's queue and are still acked, none unconfirmed; the bracket holds.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_tls.sh"
tls_mock 'http2_max_concurrent_streams 8;'
url="https://127.0.0.1:$TLS_PORT/matomo.php"
# the tracking requests in TLS_CONN_LOG (not the start's probes of /mock/stats, logged after their answer)
tracking() { grep "|/matomo.php\$" "$TLS_CONN_LOG" || true; }

smoke_run h2 "$url" -- --cacert "$PKI/ca.pem" --http2
expect_acked h2
check "h2: every request over HTTP/2" "$(jv "$TF_WORK/h2.json" .totals.requests)" \
  "$(tracking | grep -c '|HTTP/2.0|' || true)"
: >"$TLS_CONN_LOG"

# 120 visits in progress, no pauses: up to 120 requests in flight to one target
curl -s --max-time 10 -o /dev/null --data "" "$MOCK_BASE/mock/reset" || fail "reset of the mock failed"
TF_BIN=env run_tf busy -u CURL_CA_BUNDLE -u SSL_CERT_FILE -u SSL_CERT_DIR MATOMO_URL="$url" \
  PAUSE_BETWEEN_PVS_MIN=0 PAUSE_BETWEEN_PVS_MAX=0 RANDOMIZE_VISITOR_COUNTRIES=false CONCURRENCY=120 \
  "$TF_BIN" run --preset smoke --visits 240 --speed 1000 --seed 7 --retries 0 --duration 60s \
  --connect-timeout 30s --timeout 30s --cacert "$PKI/ca.pem" --http2 \
  --summary-json "$TF_WORK/busy.json" --dead-letter "$TF_WORK/busy.dead" --quiet
expect_acked busy
check "busy: nothing unconfirmed" "0" "$(jv "$TF_WORK/busy.json" .totals.unconfirmed)"
check "busy: every request over HTTP/2" "$(jv "$TF_WORK/busy.json" .totals.requests)" \
  "$(tracking | grep -c '|HTTP/2.0|' || true)"
connections=$(tracking | cut -d'|' -f1 | sort -u | wc -l)
check "busy: at most 3 connections (one per 50 requests in flight)" "yes" \
  "$( ((connections >= 1 && connections <= 3)) && echo yes || echo "no: $connections")"
finish
