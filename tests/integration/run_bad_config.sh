#!/usr/bin/env bash
# Each class of configuration error stops `run` before anything is sent, with exit 2 and a
# message that names the culprit: a misspelt key in --env-file (FILE:LINE and a suggestion),
# MATOMO_URL together with --targets (both named), an unknown preset, a missing env file, an
# invalid funnels file (FILE:LINE:COLUMN), bad values from the environment and from flags. The
# mock, given as the target of every case, receives no request.
source "$(dirname "$0")/lib.sh"
need_tools

start_mock
data=$TF_TEST_DATA_DIR
# expect_config_error NAME EXPECTED_MESSAGE [run args...]: `run --visits 1 ARGS` exits 2 with the
# exact message line on stderr; MATOMO_URL is the mock unless the caller's environment overrides it.
expect_config_error() {
  local name=$1 message=$2
  shift 2
  MATOMO_URL=${MATOMO_URL:-$MOCK_URL} TF_RUN_LIMIT=30 run_tf "$name" run --visits 1 "$@"
  check "$name: exit code" "2" "$RUN_RC"
  check "$name: message" "1" "$(grep -cxF -- "$message" "$TF_WORK/$name.err" || true)"
  check "$name: nothing on stdout" "" "$(cat "$TF_WORK/$name.out")"
}

env_file=$data/integration/misspelt.env
expect_config_error misspelt "$env_file:3: error: PAGEVEIWS_MIN: unknown key; did you mean PAGEVIEWS_MIN?" \
  --preset smoke --env-file "$env_file"

cat >"$TF_WORK/targets.json" <<JSON
{"targets": [{"name": "mock", "url": "$MOCK_URL", "site_id": 1}]}
JSON
expect_config_error both "environment: error: MATOMO_URL: expected either MATOMO_URL or a targets list, found both (MATOMO_URL from environment, targets from targets $TF_WORK/targets.json)" \
  --preset smoke --targets "$TF_WORK/targets.json"

expect_config_error preset '--preset: error: unknown preset "nope"; built-in presets: extreme, heavy, light, medium, smoke' \
  --preset nope

expect_config_error missing "/nonexistent/h6.env: error: cannot open: No such file or directory" \
  --preset smoke --env-file /nonexistent/h6.env

FUNNEL_CONFIG_PATH=$data/config/funnels-invalid.json expect_config_error funnels \
  "$data/config/funnels-invalid.json:4:20: error: [0].probability: expected a number from 0 to 1, found 1.5 (file named by FUNNEL_CONFIG_PATH at environment)" --preset smoke

MATOMO_SITE_ID=abc expect_config_error site \
  'environment: error: MATOMO_SITE_ID: expected an integer from 1 to 2147483647, found "abc"' --preset smoke

MATOMO_URL=not-a-url expect_config_error url \
  'environment: error: MATOMO_URL: expected an http(s) URL with a host, found "not-a-url"' --preset smoke

expect_config_error bulk '--bulk: error: BULK: expected an integer from 0 to 10000, found "-3"' \
  --preset smoke --bulk -3

# no target at all: the predecessor's example URL is never used
rc=0
env -u MATOMO_URL timeout 30 "$TF_BIN" run --preset smoke --visits 1 \
  >"$TF_WORK/notarget.out" 2>"$TF_WORK/notarget.err" || rc=$?
check "no target: exit code" "2" "$rc"
check "no target: message" "1" "$(grep -cxF -- "trafficinator: error: no target: set MATOMO_URL to a tracking endpoint (.../matomo.php), or give --targets FILE or MULTI_TARGET_CONFIG" "$TF_WORK/notarget.err" || true)"

check "no request reached the mock" "0" "$(mock_stat requests)"
stop_mock
finish
