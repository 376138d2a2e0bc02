#!/usr/bin/env bash
# Proxies are opt-in (issue 23): a small forward proxy on loopback (forward_proxy.py) carries the
# traffic to the strict mock only with --proxy, a target's proxy, or --use-env-proxy; proxy
# variables in the environment alone change nothing. --show-config says which applies and hides
# a proxy password.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_tls.sh"
need_tools
start_mock
start_forward_proxy
proxy_env=(http_proxy="$PROXY_URL" HTTP_PROXY="$PROXY_URL" https_proxy="$PROXY_URL" ALL_PROXY="$PROXY_URL" all_proxy="$PROXY_URL")

# expect_proxied NAME COUNT: the proxy carried COUNT requests during run NAME (then its log is reset).
expect_proxied() {
  check "$1: requests carried by the proxy" "$2" "$(grep -c ' 200$' "$PROXY_LOG" || true)"
  : >"$PROXY_LOG"
}

smoke_run env_only "$MOCK_URL" "${proxy_env[@]}"
expect_acked env_only
expect_proxied env_only 0

smoke_run flag "$MOCK_URL" -- --proxy "$PROXY_URL"
expect_acked flag
expect_proxied flag "$(jv "$TF_WORK/flag.json" .totals.requests)"

smoke_run use_env "$MOCK_URL" "${proxy_env[@]}" -- --use-env-proxy
expect_acked use_env
expect_proxied use_env "$(jv "$TF_WORK/use_env.json" .totals.requests)"

smoke_run no_proxy "$MOCK_URL" "${proxy_env[@]}" no_proxy=127.0.0.1 -- --use-env-proxy
expect_acked no_proxy
expect_proxied no_proxy 0

# a proxy password is used, never shown
secret_url="http://tester:s3cr3t-pw@${PROXY_URL#http://}"
mkdir -p "$TF_WORK/conf"
jq -n --arg u "$MOCK_URL" --arg p "$secret_url" '{targets: [{name: "default", url: $u, site_id: 1, proxy: $p}]}' \
  >"$TF_WORK/conf/targets.json"
smoke_run per_target "" -- --targets "$TF_WORK/conf/targets.json"
expect_acked per_target
expect_proxied per_target "$(jv "$TF_WORK/per_target.json" .totals.requests)"
check "the proxy password appears in no output" "0" \
  "$(cat "$TF_WORK"/*.out "$TF_WORK"/*.err "$TF_WORK"/*.json | grep -c 's3cr3t-pw' || true)"

out=$(tf_clean_env -- run --proxy "$secret_url" --show-config 2>/dev/null)
check "show-config: PROXY with the password redacted" "1" \
  "$(grep -cE "^PROXY +http://tester:\*\*\*@${PROXY_URL#http://} +--proxy\$" <<<"$out" || true)"
check "show-config: the target goes through the proxy" "1" \
  "$(grep -cE "^    proxy=http://tester:\*\*\*@${PROXY_URL#http://}\$" <<<"$out" || true)"
check "show-config: no password" "0" "$(grep -c 's3cr3t-pw' <<<"$out" || true)"
out=$(tf_clean_env "${proxy_env[@]}" -- run --show-config 2>/dev/null)
check "show-config: direct by default, whatever the environment says" "1" "$(grep -cE '^    proxy=direct$' <<<"$out" || true)"
out=$(tf_clean_env http_proxy="$PROXY_URL" -- run --use-env-proxy --show-config 2>/dev/null)
check "show-config: the environment's proxy with --use-env-proxy" "1" \
  "$(grep -cF "    proxy=environment (http_proxy=$PROXY_URL)" <<<"$out" || true)"

rc=0
err=$(tf_clean_env -- run --proxy "ftp://127.0.0.1:1" --visits 1 2>&1 >/dev/null) || rc=$?
check "a proxy of an unknown scheme: usage error" "2" "$rc"
check "a proxy of an unknown scheme: named" "1" "$(grep -c 'PROXY: expected a proxy URL' <<<"$err" || true)"

stop_mock
finish
