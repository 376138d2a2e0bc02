#!/usr/bin/env bash
# Helpers of the tls_* and net_* tests (source it after lib.sh; do not run it): a private CA and
# certificates made with openssl, nginx with TLS on loopback in front of the strict mock (so hits
# still reach the mock and the bracket can be asserted), and a small forward proxy. Needs the
# Debian packages openssl and nginx (tools/setup.sh installs them); a test fails, not skips,
# without them.

TF_DATA=${TF_TEST_DATA_DIR:-$TF_SOURCE_DIR/tests/data}

# need_tls_tools: openssl and nginx, besides need_tools.
need_tls_tools() {
  need_tools
  command -v openssl >/dev/null || fail "openssl is required (apt-get install openssl)"
  NGINX_BIN=$(command -v nginx || echo /usr/sbin/nginx)
  [[ -x "$NGINX_BIN" ]] || fail "nginx is required by the TLS tests (apt-get install nginx)"
}

# make_pki: a CA and certificates in $PKI ($TF_WORK/pki):
#   ca.pem            the test CA (what --cacert trusts)
#   server.pem/.key   for DNS:matomo.test and IP:127.0.0.1, signed by the CA
#   client.pem/.key   a client certificate signed by the CA (mTLS)
#   other-ca.pem      an unrelated CA (trusting it verifies nothing)
#   capath/           ca.pem under its OpenSSL subject hash (for --capath)
make_pki() {
  PKI=$TF_WORK/pki
  mkdir -p "$PKI/capath"
  local ssl="openssl"
  (
    cd "$PKI"
    $ssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=trafficinator test CA" \
      -keyout ca.key -out ca.pem 2>/dev/null
    $ssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=unrelated CA" \
      -keyout other-ca.key -out other-ca.pem 2>/dev/null
    $ssl req -newkey rsa:2048 -nodes -subj "/CN=matomo.test" -keyout server.key -out server.csr 2>/dev/null
    printf 'subjectAltName=DNS:matomo.test,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >server.ext
    $ssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext \
      -out server.pem 2>/dev/null
    $ssl req -newkey rsa:2048 -nodes -subj "/CN=trafficinator client" -keyout client.key -out client.csr 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' >client.ext
    $ssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile client.ext \
      -out client.pem 2>/dev/null
    cp ca.pem "capath/$($ssl x509 -hash -noout -in ca.pem).0"
  ) || fail "openssl could not make the test certificates"
  [[ -s "$PKI/server.pem" && -s "$PKI/client.pem" ]] || fail "no test certificates in $PKI"
}

# free_port: a TCP port on 127.0.0.1 that was free a moment ago.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_tls_nginx UPSTREAM_BASE [SERVER_DIRECTIVES]: nginx (one worker, in the foreground, stopped
# by the cleanup trap) with TLS on a free loopback port, HTTP/1.1 and HTTP/2, the server
# certificate of make_pki (@PKI@ in SERVER_DIRECTIVES stands for its directory), proxying everything to UPSTREAM_BASE (e.g. $MOCK_BASE). Its access log
# has one line per request: "SNI|Host|client-verify|status", and TLS_CONN_LOG one per request:
# "connection-number|protocol|path" (protocol HTTP/1.1 or HTTP/2.0). Sets TLS_PORT, TLS_LOG and
# TLS_CONN_LOG.
start_tls_nginx() {
  local upstream=$1 extra=${2:-} dir attempt
  extra=${extra//@PKI@/$PKI}
  dir=$(mktemp -d "$TF_WORK/nginx.XXXXXX")
  TLS_LOG=$dir/access.log
  TLS_CONN_LOG=$dir/connections.log
  for attempt in 1 2 3; do
    TLS_PORT=$(free_port)
    cat >"$dir/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 512; }
http {
  log_format tf '\$ssl_server_name|\$host|\$ssl_client_verify|\$status';
  access_log $TLS_LOG tf;
  log_format tf_conn '\$connection|\$server_protocol|\$uri';
  access_log $dir/connections.log tf_conn;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  server {
    listen 127.0.0.1:$TLS_PORT ssl http2;
    ssl_certificate $PKI/server.pem;
    ssl_certificate_key $PKI/server.key;
    $extra
    location / {
      proxy_pass $upstream;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
EOF
    if [[ $(id -u) -eq 0 ]]; then
      sed -i '1i user root;' "$dir/nginx.conf"
    fi
    "$NGINX_BIN" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" 2>>"$dir/start.err" &
    TLS_NGINX_PID=$!
    TF_PIDS+=("$TLS_NGINX_PID")
    local i
    for i in $(seq 100); do
      if curl -s -o /dev/null --max-time 2 -k "https://127.0.0.1:$TLS_PORT/mock/stats"; then
        # nginx logs a request after answering it: wait for the probe's own lines before emptying
        # the logs, or they land in the test's count (integration.tls_mtls saw 7 requests for 6).
        local j
        for j in $(seq 200); do
          [[ -s "$TLS_LOG" && -s "$TLS_CONN_LOG" ]] && break
          sleep 0.01
        done
        : >"$TLS_LOG"
        : >"$TLS_CONN_LOG"
        return 0
      fi
      kill -0 "$TLS_NGINX_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -TERM "$TLS_NGINX_PID" 2>/dev/null || true
    # only a port taken between free_port and nginx's bind is tried again
    grep -q "Address already in use" "$dir/error.log" "$dir/start.err" 2>/dev/null || break
  done
  fail "nginx with TLS did not start: $(cat "$dir/error.log" "$dir/start.err" 2>/dev/null | tail -3)"
}

# tls_mock [SERVER_DIRECTIVES]: the certificates (make_pki), the strict mock, and nginx with TLS in
# front of it (start_tls_nginx).
tls_mock() {
  need_tls_tools
  make_pki
  start_mock
  start_tls_nginx "$MOCK_BASE" "$@"
}

# start_forward_proxy: a forward HTTP proxy on loopback (tests/data/integration/forward_proxy.py)
# that logs one line per request it carries to PROXY_LOG. Sets PROXY_URL.
start_forward_proxy() {
  local port_file=$TF_WORK/proxy.port
  PROXY_LOG=$TF_WORK/proxy.log
  : >"$PROXY_LOG"
  python3 "$TF_DATA/integration/forward_proxy.py" "$port_file" "$PROXY_LOG" 2>"$TF_WORK/proxy.err" &
  TF_PIDS+=("$!")
  local i
  for i in $(seq 100); do
    if [[ -s "$port_file" ]]; then
      PROXY_URL="http://127.0.0.1:$(<"$port_file")"
      return 0
    fi
    sleep 0.1
  done
  fail "the forward proxy did not start: $(cat "$TF_WORK/proxy.err")"
}

# tf_clean_env [ENV=VALUE ...] -- ARGS...: trafficinator ARGS without the machine's trust variables.
tf_clean_env() {
  local envs=()
  while [[ $# -gt 0 && "$1" != "--" ]]; do envs+=("$1"); shift; done
  [[ $# -gt 0 ]] && shift
  env -u CURL_CA_BUNDLE -u SSL_CERT_FILE -u SSL_CERT_DIR "${envs[@]}" "$TF_BIN" "$@"
}

# smoke_run NAME URL [ENV=VALUE ...] -- [trafficinator args...]: resets the mock, then a short run
# (6 visits, seed 7, no pauses, no retries, 30 s timeouts: TLS handshakes on a busy machine) of `trafficinator run` against URL (none: --targets given), without
# CURL_CA_BUNDLE, SSL_CERT_FILE and SSL_CERT_DIR unless given; summary in $TF_WORK/NAME.json.
smoke_run() {
  local name=$1 url=$2
  shift 2
  local envs=()
  while [[ $# -gt 0 && "$1" != "--" ]]; do envs+=("$1"); shift; done
  [[ $# -gt 0 ]] && shift
  curl -s --max-time 10 -o /dev/null --data "" "$MOCK_BASE/mock/reset" || fail "reset of the mock failed"
  # `env` runs trafficinator with these variables (run_tf runs $TF_BIN with its arguments), and
  # without the machine's own trust variables, which would otherwise apply (see CA_BUNDLE)
  [[ -n "$url" ]] && envs=(MATOMO_URL="$url" "${envs[@]}")
  TF_BIN=env run_tf "$name" -u CURL_CA_BUNDLE -u SSL_CERT_FILE -u SSL_CERT_DIR PAUSE_BETWEEN_PVS_MIN=0 PAUSE_BETWEEN_PVS_MAX=0.01 \
    RANDOMIZE_VISITOR_COUNTRIES=false "${envs[@]}" "$TF_BIN" run --preset smoke --visits 6 --speed 50 --seed 7 --retries 0 --duration 60s \
    --connect-timeout 30s --timeout 30s \
    --summary-json "$TF_WORK/$name.json" --dead-letter "$TF_WORK/$name.dead" --quiet "$@"
}

# expect_acked NAME: run NAME exited 0 and acked every hit, without a tls error; the bracket holds
# against the mock.
expect_acked() {
  local s=$TF_WORK/$1.json
  if [[ ! -s "$s" ]]; then
    check "$1: summary written" "yes" "no: $(tail -2 "$TF_WORK/$1.err")"
    return
  fi
  check "$1: exit code" "0" "$RUN_RC"
  check "$1: every hit acked" "$(jv "$s" .totals.hits)" "$(jv "$s" .totals.acked)"
  [[ "$(jv "$s" .totals.hits)" == "$(jv "$s" .totals.acked)" ]] || jq -c '.targets[0] | [.errors, .last_error]' "$s" >&2
  check "$1: no tls error" "0" "$(jv "$s" .totals.errors.tls)"
  assert_bracket "$s"
}

# expect_tls_failed NAME: run NAME acked nothing and every request failed as tls; the bracket holds.
expect_tls_failed() {
  local s=$TF_WORK/$1.json
  if [[ ! -s "$s" ]]; then
    check "$1: summary written" "yes" "no: $(tail -2 "$TF_WORK/$1.err")"
    return
  fi
  check "$1: nothing acked" "0" "$(jv "$s" .totals.acked)"
  check "$1: every request a tls error" "$(jv "$s" .totals.requests)" "$(jv "$s" .totals.errors.tls)"
  [[ "$(jv "$s" .totals.requests)" == "$(jv "$s" .totals.errors.tls)" ]] || jq -c '.targets[0] | [.errors, .last_error]' "$s" >&2
  check "$1: tls is the top error of the table" "1" "$(grep -cE '^default .* tls: [0-9]+$' "$TF_WORK/$1.out" || true)"
  assert_bracket "$s"
}
