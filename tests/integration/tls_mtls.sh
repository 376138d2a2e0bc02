#!/usr/bin/env bash
# Client certificates (mTLS, issue 23): nginx on loopback requires a certificate signed by the
# test CA in front of the strict mock. Without one nothing is acked; with --cert/--key (or a
# target's cert/key) every hit is; the key's content is never printed.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_tls.sh"
tls_mock 'ssl_verify_client on; ssl_client_certificate @PKI@/ca.pem;'
url="https://127.0.0.1:$TLS_PORT/matomo.php"

smoke_run no_cert "$url" -- --cacert "$PKI/ca.pem"
s=$TF_WORK/no_cert.json
check "no client certificate: nothing acked" "0" "$(jv "$s" .totals.acked)"
check "no client certificate: nginx refused every request (400)" "$(jv "$s" .totals.requests)" \
  "$(grep -c '^-|127.0.0.1|NONE|400$' "$TLS_LOG" || true)"
assert_bracket "$s"
[[ "$(grep -c '^-|127.0.0.1|NONE|400$' "$TLS_LOG" || true)" == "$(jv "$s" .totals.requests)" ]] ||
  { echo "nginx log:" >&2; cat "$TLS_LOG" >&2; jq -c '.targets[0] | [.errors, .last_error, .status_codes]' "$s" >&2; }

: >"$TLS_LOG"
smoke_run with_cert "$url" -- --cacert "$PKI/ca.pem" --cert "$PKI/client.pem" --key "$PKI/client.key"
expect_acked with_cert
check "with the client certificate: nginx verified it on every request" "$(jv "$TF_WORK/with_cert.json" .totals.requests)" \
  "$(grep -c '^-|127.0.0.1|SUCCESS|200$' "$TLS_LOG" || true)"

# a target's own cert and key (relative to the targets file); CA_BUNDLE from the environment
mkdir -p "$TF_WORK/conf"
cp "$PKI/client.pem" "$PKI/client.key" "$TF_WORK/conf/"
jq -n --arg u "$url" '{targets: [{name: "default", url: $u, site_id: 1, cert: "client.pem", key: "client.key"}]}' \
  >"$TF_WORK/conf/targets.json"
smoke_run per_target "" CA_BUNDLE="$PKI/ca.pem" -- --targets "$TF_WORK/conf/targets.json"
expect_acked per_target

# a key that does not belong to the certificate: a tls error naming the problem, not the key
smoke_run wrong_key "$url" -- --cacert "$PKI/ca.pem" --cert "$PKI/client.pem" --key "$PKI/other-ca.key"
expect_tls_failed wrong_key
check "wrong key: the last error names the key problem" "1" \
  "$(jv "$TF_WORK/wrong_key.json" '.targets[0].last_error.message' | grep -c "unable to set private key file: '$PKI/other-ca.key'" || true)"

rc=0
err=$(tf_clean_env -- run --key "$PKI/client.key" --visits 1 2>&1 >/dev/null) || rc=$?
check "--key without --cert: usage error" "2" "$rc"
check "--key without --cert: named" "1" "$(grep -c 'CLIENT_KEY: expected CLIENT_CERT as well, found it unset' <<<"$err" || true)"

tf_clean_env -- run --cert "$PKI/client.pem" --key "$PKI/client.key" --show-config --show-secrets \
  >"$TF_WORK/show.out" 2>&1 || true
check "show-config names the key file" "1" "$(grep -cE "^CLIENT_KEY +$PKI/client.key +--key\$" "$TF_WORK/show.out" || true)"
key_line=$(sed -n 2p "$PKI/client.key")
leaks=0
for f in "$TF_WORK"/*.out "$TF_WORK"/*.err "$TF_WORK"/*.json "$TF_WORK"/*.dead; do
  [[ -f "$f" ]] || continue
  if grep -q -e "PRIVATE KEY" -e "$key_line" "$f"; then
    echo "key content in $f" >&2
    leaks=$((leaks + 1))
  fi
done
check "the key's content is never printed" "0" "$leaks"

stop_mock
finish
