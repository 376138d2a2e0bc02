#!/usr/bin/env bash
# Secrets stay secret: ?token_auth= in MATOMO_URL or in a target's url is a configuration error
# (exit 2) naming the key to use, before anything is sent, and the token appears in no output;
# a user:password@ URL is shown with the password as *** by --show-config, the summary,
# `generate --format urls` and `validate --probe`; a mistyped token is not echoed by
# `validate`. A URL with a query keeps it where it belongs (before the hit's parameters).
source "$(dirname "$0")/lib.sh"
need_tools

token=5ec12e7a0b1c2d3e4f5a6b7c8d9e0f1a
secret=pa55w0rdXYZ

start_mock
# ---- token_auth in MATOMO_URL ----
MATOMO_URL="$MOCK_URL?token_auth=$token" run_tf tokurl run --preset smoke --visits 3 --seed 1 \
  --summary-json "$TF_WORK/tokurl.json" --dead-letter "$TF_WORK/tokurl.dead"
check "token in MATOMO_URL: exit code" "2" "$RUN_RC"
check "token in MATOMO_URL: names the key to use" "1" "$(grep -c 'MATOMO_URL.*token_auth must not be in the URL.*set MATOMO_TOKEN_AUTH instead' "$TF_WORK/tokurl.err" || true)"
check "token in MATOMO_URL: nothing sent" "0" "$(mock_stat hits_received)"

# ---- token_auth in a target's url ----
jq -n --arg u "$MOCK_URL?token_auth=$token" '{targets: [{name: "a", url: $u, site_id: 1}]}' >"$TF_WORK/targets.json"
run_tf toktarget run --preset smoke --visits 3 --seed 1 --targets "$TF_WORK/targets.json"
check "token in a target url: exit code" "2" "$RUN_RC"
check "token in a target url: names the key to use" "1" \
  "$(grep -c 'token_auth must not be in the URL.*use the target.s "token_auth" or "token_auth_file" key' "$TF_WORK/toktarget.err" || true)"
run_tf tokvalidate validate "$TF_WORK/targets.json"
check "token in a target url: validate says invalid" "1" "$RUN_RC"

# ---- a mistyped token is not echoed ----
printf 'MATOMO_URL=%s\nMATOMO_TOKEN_AUTH="%s"%s\n' "$MOCK_URL" "${token:0:16}" "${token:16}" >"$TF_WORK/bad.env"
run_tf badenv validate "$TF_WORK/bad.env"
check "a token .env syntax error: validate says invalid" "1" "$RUN_RC"
jq -n --arg u "$MOCK_URL" '{targets: [{name: "a", url: $u, site_id: 1, token_auth: 12345678901234567890}]}' \
  >"$TF_WORK/numtoken.json"
run_tf numtoken validate "$TF_WORK/numtoken.json"
check "a number as token: validate says invalid" "1" "$RUN_RC"
check "a number as token: the type, not the value" "1" "$(grep -c 'token_auth.*expected a string, found a number' "$TF_WORK/numtoken.out" "$TF_WORK/numtoken.err" | awk -F: '{s += $2} END {print s}')"

# ---- user:password@ is redacted wherever the URL is shown ----
creds_url="http://user:$secret@127.0.0.1:$MOCK_PORT/matomo.php"
MATOMO_URL=$creds_url run_tf showcfg run --preset smoke --show-config
check "show-config: the password is redacted (the setting and the target)" "2" "$(grep -c "user:\*\*\*@127.0.0.1" "$TF_WORK/showcfg.out" || true)"
MATOMO_URL=$creds_url run_tf credsrun run --preset smoke --visits 3 --speed 10 --seed 1 --quiet \
  --summary-json "$TF_WORK/creds.json" --dead-letter "$TF_WORK/creds.dead"
check "user:password@: the run works" "0" "$RUN_RC"
check "user:password@: the summary shows it redacted" "http://user:***@127.0.0.1:$MOCK_PORT/matomo.php" \
  "$(jv "$TF_WORK/creds.json" '.config.MATOMO_URL')"
assert_bracket "$TF_WORK/creds.json"
MATOMO_URL=$creds_url run_tf genurls generate --preset smoke --visits 2 --seed 1 --format urls
check "generate --format urls: redacted" "0" "$(grep -vc "^http://user:\*\*\*@127.0.0.1:$MOCK_PORT/matomo.php?" "$TF_WORK/genurls.out" || true)"
printf 'MATOMO_URL=%s\n' "$creds_url" >"$TF_WORK/creds.env"
run_tf probe validate --probe "$TF_WORK/creds.env"
check "validate --probe: redacted" "1" "$(grep -c "user:\*\*\*@127.0.0.1" "$TF_WORK/probe.out" || true)"

# ---- a URL with a query keeps it before the hit's parameters ----
MATOMO_URL="http://127.0.0.1:$MOCK_PORT/?x=1" run_tf query generate --preset smoke --visits 1 --seed 1 --format urls
check "a query stays after matomo.php" "0" "$(grep -vc "^http://127.0.0.1:$MOCK_PORT/matomo.php?x=1&idsite=1&" "$TF_WORK/query.out" || true)"

# ---- the token and the password appear in no output ----
leaks=$(grep -l -e "$token" -e "${token:16}" -e "$secret" "$TF_WORK"/*.out "$TF_WORK"/*.err "$TF_WORK"/*.json "$TF_WORK"/*.dead 2>/dev/null \
  | grep -v -e '/targets.json$' -e '/numtoken.json$' || true)
check "no secret in any output" "" "$leaks"
stop_mock
finish
