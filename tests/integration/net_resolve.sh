#!/usr/bin/env bash
# Pinned addresses (issue 23): https://matomo.test:PORT/ reached through --resolve, --connect-to,
# RESOLVE and a target's resolve, with nginx (TLS, certificate for matomo.test) in front of the
# strict mock. nginx logs the SNI and Host it received: both stay the target's name. The probe
# names a hostname mismatch.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_tls.sh"
tls_mock
name_url="https://matomo.test:$TLS_PORT/matomo.php"

# expect_sni_host NAME: every request of run NAME reached nginx with SNI and Host matomo.test.
expect_sni_host() {
  local requests
  requests=$(jv "$TF_WORK/$1.json" .totals.requests)
  check "$1: SNI and Host are the target's name on every request" "$requests" \
    "$(grep -c '^matomo.test|matomo.test|NONE|200$' "$TLS_LOG" || true)"
  check "$1: no other SNI or Host" "$requests" "$(grep -c . "$TLS_LOG" || true)"
  : >"$TLS_LOG"
}

smoke_run resolve "$name_url" -- --cacert "$PKI/ca.pem" --resolve "matomo.test:$TLS_PORT:127.0.0.1"
expect_acked resolve
expect_sni_host resolve

smoke_run resolve_env "$name_url" RESOLVE="other.test:1:127.0.0.1 matomo.test:$TLS_PORT:127.0.0.1" \
  -- --cacert "$PKI/ca.pem"
expect_acked resolve_env
expect_sni_host resolve_env

smoke_run connect_to "$name_url" -- --cacert "$PKI/ca.pem" --connect-to "matomo.test:$TLS_PORT:127.0.0.1:$TLS_PORT"
expect_acked connect_to
expect_sni_host connect_to

# curl's meaning: the URL's port (443 here) is what is matched and sent in Host; the connection
# goes to the port given
smoke_run connect_to_port "https://matomo.test/matomo.php" -- --cacert "$PKI/ca.pem" \
  --connect-to "matomo.test:443:127.0.0.1:$TLS_PORT"
expect_acked connect_to_port
expect_sni_host connect_to_port

mkdir -p "$TF_WORK/conf"
jq -n --arg u "$name_url" --arg r "matomo.test:$TLS_PORT:127.0.0.1" --arg ca "$PKI/ca.pem" \
  '{targets: [{name: "default", url: $u, site_id: 1, cacert: $ca, resolve: [$r]}]}' >"$TF_WORK/conf/targets.json"
smoke_run per_target "" -- --targets "$TF_WORK/conf/targets.json"
expect_acked per_target
expect_sni_host per_target

out=$(tf_clean_env -- run --targets "$TF_WORK/conf/targets.json" --show-config 2>/dev/null)
check "show-config: the target's resolve" "1" \
  "$(grep -cE "^    proxy=direct cacert=$PKI/ca.pem resolve=matomo.test:$TLS_PORT:127.0.0.1\$" <<<"$out" || true)"

rc=0
err=$(tf_clean_env -- run --resolve "matomo.test:443" --visits 1 2>&1 >/dev/null) || rc=$?
check "a malformed --resolve: usage error" "2" "$rc"
check "a malformed --resolve: named" "1" \
  "$(grep -c 'RESOLVE: expected HOST:PORT:ADDR\[,ADDR…\] (or -HOST:PORT to remove), found "matomo.test:443"' <<<"$err" || true)"

# the probe names a hostname mismatch (the certificate is for matomo.test and 127.0.0.1)
printf 'MATOMO_URL=https://wrong.test:%s/\nRESOLVE=wrong.test:%s:127.0.0.1\nCA_BUNDLE=%s\nRANDOMIZE_VISITOR_COUNTRIES=false\n' \
  "$TLS_PORT" "$TLS_PORT" "$PKI/ca.pem" >"$TF_WORK/wrong.env"
rc=0
out=$("$TF_BIN" validate --probe "$TF_WORK/wrong.env") || rc=$?
check "probe of a wrong name: exit 1" "1" "$rc"
check "probe of a wrong name: names the mismatch" "1" \
  "$(grep -c "^probe default (https://wrong.test:$TLS_PORT/matomo.php): unreachable: .*no alternative certificate subject name matches target host name 'wrong.test'" <<<"$out" || true)"
sed -i "s/wrong.test/matomo.test/g" "$TF_WORK/wrong.env"
rc=0
out=$("$TF_BIN" validate --probe "$TF_WORK/wrong.env") || rc=$?
check "probe of the right name through RESOLVE: exit 0" "0" "$rc"

stop_mock
finish
