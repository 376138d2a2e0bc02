#!/usr/bin/env bash
# HTTPS with a private CA (issue 23): nginx with TLS on loopback in front of the strict mock, with
# a CA and a server certificate made by the test. Without trust every hit fails as tls and none is
# acked; --cacert, --capath, a target's cacert, SSL_CERT_FILE and CURL_CA_BUNDLE make every hit
# acked; --insecure warns once; validate --probe names the failed verification.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_tls.sh"
tls_mock
url="https://127.0.0.1:$TLS_PORT/matomo.php"

smoke_run untrusted "$url"
expect_tls_failed untrusted
smoke_run other_ca "$url" -- --cacert "$PKI/other-ca.pem"
expect_tls_failed other_ca

smoke_run cacert "$url" -- --cacert "$PKI/ca.pem"
expect_acked cacert
smoke_run capath "$url" -- --capath "$PKI/capath"
expect_acked capath
smoke_run ssl_cert_file "$url" SSL_CERT_FILE="$PKI/ca.pem"
expect_acked ssl_cert_file
# curl's order: CURL_CA_BUNDLE before SSL_CERT_FILE; a setting before both
smoke_run curl_ca_bundle "$url" CURL_CA_BUNDLE="$PKI/ca.pem" SSL_CERT_FILE="$PKI/other-ca.pem"
expect_acked curl_ca_bundle
smoke_run flag_over_env "$url" SSL_CERT_FILE="$PKI/other-ca.pem" -- --cacert "$PKI/ca.pem"
expect_acked flag_over_env

out=$(tf_clean_env SSL_CERT_FILE="$PKI/ca.pem" -- run --show-config)
check "show-config: CA_BUNDLE from SSL_CERT_FILE, with its origin" "1" \
  "$(grep -cE "^CA_BUNDLE +$PKI/ca.pem +environment SSL_CERT_FILE\$" <<<"$out" || true)"
check "show-config: the target's trust and proxy" "1" \
  "$(grep -cE "^    proxy=direct cacert=$PKI/ca.pem\$" <<<"$out" || true)"

# a target's own cacert, relative to the targets file
mkdir -p "$TF_WORK/conf"
cp "$PKI/ca.pem" "$TF_WORK/conf/private-ca.pem"
jq -n --arg u "$url" '{targets: [{name: "default", url: $u, site_id: 1, cacert: "private-ca.pem"}]}' \
  >"$TF_WORK/conf/targets.json"
smoke_run per_target "" -- --targets "$TF_WORK/conf/targets.json"
expect_acked per_target
jq -n --arg u "$url" '{targets: [{name: "default", url: $u, site_id: 1, cacert: "missing.pem"}]}' \
  >"$TF_WORK/conf/bad.json"
rc=0
err=$(tf_clean_env -- run --targets "$TF_WORK/conf/bad.json" --visits 1 2>&1 >/dev/null) || rc=$?
check "a target's missing cacert: usage error" "2" "$rc"
check "a target's missing cacert: named with its place" "1" \
  "$(grep -cE "bad.json:[0-9]+:[0-9]+: error: targets\[0\]\.cacert: expected an existing file, found none at \"$TF_WORK/conf/missing.pem\"" <<<"$err" || true)"
rc=0
err=$(tf_clean_env -- run --cacert "$TF_WORK/none.pem" --visits 1 2>&1 >/dev/null) || rc=$?
check "--cacert of a missing file: usage error" "2" "$rc"
check "--cacert of a missing file: named" "1" "$(grep -c "CA_BUNDLE: expected an existing file" <<<"$err" || true)"

smoke_run insecure "$url" -- --insecure
expect_acked insecure
check "--insecure: one warning per run" "1" "$(grep -c 'warning: INSECURE (--insecure)' "$TF_WORK/insecure.err" || true)"

# validate --probe names why verification failed, and succeeds with the CA
printf 'MATOMO_URL=%s\nRANDOMIZE_VISITOR_COUNTRIES=false\n' "$url" >"$TF_WORK/untrusted.env"
rc=0
out=$("$TF_BIN" validate --probe "$TF_WORK/untrusted.env") || rc=$?
check "probe without trust: exit 1" "1" "$rc"
check "probe without trust: names the verification failure" "1" \
  "$(grep -cE '^probe default .*: unreachable: .*SSL certificate problem: unable to get local issuer certificate' <<<"$out" || true)"
printf 'CA_BUNDLE=%s\n' "$PKI/ca.pem" >>"$TF_WORK/untrusted.env"
rc=0
out=$("$TF_BIN" validate --probe "$TF_WORK/untrusted.env") || rc=$?
check "probe with CA_BUNDLE: exit 0" "0" "$rc"
check "probe with CA_BUNDLE: reachable" "1" "$(grep -c '^probe default .*: reachable, HTTP 200' <<<"$out" || true)"

stop_mock
finish
