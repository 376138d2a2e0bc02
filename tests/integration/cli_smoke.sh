#!/usr/bin/env bash
# CLI smoke test: --help, --version, exit codes of validate, presets listing, --show-config.
set -u
: "${TF_BIN:?}" "${TF_SOURCE_DIR:?}" "${TF_TEST_DATA_DIR:?}"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
expect_rc() {  # expected_rc description command...
  local want=$1 what=$2; shift 2
  "$@" >/tmp/tf_cli_smoke.$$ 2>&1
  local got=$?
  [[ $got == "$want" ]] || { fail "$what: exit $got, expected $want"; cat /tmp/tf_cli_smoke.$$; }
}
trap 'rm -f /tmp/tf_cli_smoke.$$' EXIT
data=$TF_TEST_DATA_DIR/config

expect_rc 0 "--help" "$TF_BIN" --help
expect_rc 0 "--version" "$TF_BIN" --version
[[ $("$TF_BIN" --version) == "trafficinator "* ]] || fail "--version output"
expect_rc 2 "no subcommand" "$TF_BIN"
expect_rc 2 "unknown option" "$TF_BIN" run --bogus
for sub in run generate validate replay presets merge; do
  expect_rc 0 "$sub --help" "$TF_BIN" "$sub" --help
done

expect_rc 0 "every shipped preset validates" "$TF_BIN" validate "$TF_SOURCE_DIR"/presets/*.env
expect_rc 0 "built-in catalogue validates" "$TF_BIN" validate "$TF_SOURCE_DIR/presets/profiles/shop.urls.txt"
expect_rc 0 "example targets validate" "$TF_BIN" validate "$TF_SOURCE_DIR/presets/targets.example.json"
expect_rc 0 "example funnels validate" "$TF_BIN" validate "$TF_SOURCE_DIR/presets/funnels.example.json"
expect_rc 0 "valid files" "$TF_BIN" validate "$data/valid.env" "$data/targets.json" "$data/funnels.json" "$data/urls.txt"
for bad in invalid.env targets-invalid.json funnels-invalid.json urls-invalid.txt; do
  expect_rc 1 "validate $bad" "$TF_BIN" validate "$data/$bad"
done
expect_rc 1 "a missing file is invalid" "$TF_BIN" validate /nonexistent/file.env
expect_rc 1 "an empty file is invalid" "$TF_BIN" validate /dev/null
expect_rc 2 "validate without files" "$TF_BIN" validate

# The three problems of invalid.env are all named with their line numbers.
out=$("$TF_BIN" validate "$data/invalid.env")
grep -q "invalid.env:3: error: CONCURENCY: unknown key; did you mean CONCURRENCY?" <<<"$out" || fail "misspelt key not named: $out"
grep -q "invalid.env:4: error: SITESEARCH_PROBABILITY: expected a number from 0 to 1, found \"1.5\"" <<<"$out" || fail "range not named: $out"
grep -q "invalid.env:6: error: PAGEVIEWS_MAX: expected a value ≥ PAGEVIEWS_MIN (8), found 4" <<<"$out" || fail "min > max not named: $out"

# Binary input is an error, never a crash.
head -c 20000 /dev/urandom >/tmp/tf_cli_smoke_bin.$$
"$TF_BIN" validate /tmp/tf_cli_smoke_bin.$$ >/dev/null 2>&1
rc=$?
rm -f /tmp/tf_cli_smoke_bin.$$
[[ $rc == 1 ]] || fail "binary input: exit $rc, expected 1"

out=$("$TF_BIN" presets)
for preset in light medium heavy extreme smoke; do
  grep -q "$preset" <<<"$out" || fail "presets does not list $preset"
done
grep -Eq "^medium +10000 +0.116 +a mid-sized site" <<<"$out" || fail "presets: purpose, visits/day and visits/s: $out"
out=$("$TF_BIN" presets heavy)
grep -Eq "^TARGET_VISITS_PER_DAY=50000$" <<<"$out" || fail "presets heavy: every value it sets: $out"
grep -Eq "^CONCURRENCY=150$" <<<"$out" || fail "presets heavy: CONCURRENCY: $out"

out=$(env -i MATOMO_TOKEN_AUTH=s3cret "$TF_BIN" run --preset heavy --threads 3 --show-config)
grep -Eq "^CONCURRENCY +150 +preset heavy:7" <<<"$out" || fail "show-config origin of a preset value"
grep -Eq "^THREADS +3 +--threads" <<<"$out" || fail "show-config origin of a flag"
grep -Eq "^MATOMO_TOKEN_AUTH +\*\*\* +environment" <<<"$out" || fail "show-config must redact the token"
grep -q "s3cret" <<<"$out" && fail "show-config printed the token"
# A backfill's defaults are config rules: --show-config prints what the run uses, with the rule.
out=$(env -i MATOMO_URL=http://127.0.0.1:9/matomo.php MATOMO_TOKEN_AUTH=s3cret "$TF_BIN" run \
  --backfill 2026-11-01..2026-11-02 --show-config)
grep -Eq "^BULK +100 +rule: backfill sends 100 hits per POST\$" <<<"$out" || fail "show-config: a backfill's BULK 100 and its rule"
grep -Eq "^CONCURRENCY +500 +rule: 5 x BULK, to fill batches\$" <<<"$out" || fail "show-config: a backfill's CONCURRENCY and its rule"
out=$(env -i MATOMO_URL=http://127.0.0.1:9/matomo.php MATOMO_TOKEN_AUTH=s3cret "$TF_BIN" run \
  --backfill 2026-11-01..2026-11-02 --bulk 20 --concurrency 30 --show-config)
grep -Eq "^BULK +20 +--bulk\$" <<<"$out" || fail "show-config: --bulk replaces a backfill's BULK rule"
grep -Eq "^CONCURRENCY +30 +--concurrency\$" <<<"$out" || fail "show-config: --concurrency replaces the rule"
expect_rc 2 "bad flag value" "$TF_BIN" run --threads zero --show-config
expect_rc 2 "unknown preset" "$TF_BIN" generate --preset nope --show-config

if ((failures)); then
  echo "$failures failure(s)"
  exit 1
fi
echo "cli_smoke: all passed"
