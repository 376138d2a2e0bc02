#!/usr/bin/env bash
# HTTPS through a forward proxy (issue 23): nginx with TLS on loopback in front of the strict mock,
# reached through a CONNECT tunnel of the small forward proxy (forward_proxy.py) only with --proxy
# or --use-env-proxy; https_proxy in the environment alone changes nothing. The certificate is
# still verified end to end (--cacert). validate --probe names the proxy and the pinned addresses
# in use.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_tls.sh"
tls_mock
start_forward_proxy
url="https://127.0.0.1:$TLS_PORT/matomo.php"

# tunnels NAME: the CONNECT tunnels to nginx the proxy opened during run NAME (then its log is reset).
tunnels() {
  grep -c "^CONNECT 127.0.0.1:$TLS_PORT 200\$" "$PROXY_LOG" || true
  : >"$PROXY_LOG"
}
# requests_at_nginx: the requests nginx answered since the last call (then its log is reset).
requests_at_nginx() {
  grep -c '|200$\||204$' "$TLS_LOG" || true
  : >"$TLS_LOG"
}

smoke_run env_only "$url" https_proxy="$PROXY_URL" HTTPS_PROXY="$PROXY_URL" -- --cacert "$PKI/ca.pem"
expect_acked env_only
check "env_only: no tunnel through the proxy" "0" "$(tunnels)"

: >"$TLS_LOG"
smoke_run flag "$url" -- --cacert "$PKI/ca.pem" --proxy "$PROXY_URL"
expect_acked flag
n=$(tunnels)
check "flag: the traffic went through the proxy's tunnel(s)" "true" "$( ((n >= 1)) && echo true || echo "false ($n)")"
check "flag: nginx answered every request" "$(jv "$TF_WORK/flag.json" .totals.requests)" "$(requests_at_nginx)"

smoke_run use_env "$url" https_proxy="$PROXY_URL" -- --cacert "$PKI/ca.pem" --use-env-proxy
expect_acked use_env
n=$(tunnels)
check "use_env: the traffic went through the proxy's tunnel(s)" "true" "$( ((n >= 1)) && echo true || echo "false ($n)")"

# through the proxy, an untrusted certificate still fails: the tunnel does not weaken TLS
smoke_run untrusted "$url" -- --proxy "$PROXY_URL"
expect_tls_failed untrusted
: >"$PROXY_LOG"

# validate --probe names the proxy, and the pinned addresses, it used
rc=0
out=$(tf_clean_env CA_BUNDLE="$PKI/ca.pem" PROXY="$PROXY_URL" -- validate --probe --url "$url") || rc=$?
check "probe through the proxy: exit 0" "0" "$rc"
check "probe through the proxy: site ok, TLS verified, the proxy named" "1" \
  "$(grep -cE "^probe default .*: ok: site 1 ok; .*TLS verified; proxy=$PROXY_URL; [0-9]+ ms\$" <<<"$out" || true)"
check "probe through the proxy: it opened a tunnel" "true" "$( (($(tunnels) >= 1)) && echo true || echo false)"
rc=0
out=$(tf_clean_env CA_BUNDLE="$PKI/ca.pem" RESOLVE="matomo.test:$TLS_PORT:127.0.0.1" -- \
  validate --probe --url "https://matomo.test:$TLS_PORT/matomo.php") || rc=$?
check "probe with --resolve: exit 0" "0" "$rc"
check "probe with --resolve: direct, the pinned address named" "1" \
  "$(grep -cE "^probe default .*: ok: site 1 ok; .*TLS verified; proxy=direct resolve=matomo.test:$TLS_PORT:127.0.0.1; [0-9]+ ms\$" <<<"$out" || true)"
check "nothing recorded by the probes (bot hits)" "0" "$(mock_stat hits_accepted)"

stop_mock
finish
