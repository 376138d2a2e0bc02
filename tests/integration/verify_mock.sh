#!/usr/bin/env bash
# `trafficinator verify` against the mock's Reporting API (issue 21):
# - a single-hit run and a bulk run (with funnels, so goals and orders): `verify` and
#   `verify --live` exit 0 with every checked measure equal;
# - the mock loses 1 % of hits (store_nothing_rate): `verify` exits 1 and names the measures
#   that differ and by how much;
# - record-then-stall (unconfirmed hits that the mock recorded): `verify` accepts Matomo's
#   numbers within [acked, acked + unconfirmed] and says so;
# - a token without view access: exit 3 with Matomo's message; the token is never printed;
# - a backfill over three Europe/Stockholm days (one of 25 hours) verifies per local day, as one
#   range, and for one --date;
# - two shards' summaries (and their merge) verify like one run.
source "$(dirname "$0")/lib.sh"
need_tools
export PAUSE_BETWEEN_PVS_MIN=0 PAUSE_BETWEEN_PVS_MAX=0.02
export LOGGED_IN_PROBABILITY=0.3  # Matomo's idvisitor of a uid is sha1(uid): --live compares them per visitor
jq 'map(.probability = 0.3 | .enabled = true)' "$TF_SOURCE_DIR/presets/funnels.example.json" >"$TF_WORK/funnels.json"
export FUNNEL_CONFIG_PATH=$TF_WORK/funnels.json

# tf_run NAME [trafficinator run args...]: VISITS (60) medium visits at 60 visits/s against the current mock.
tf_run() {
  local name=$1
  shift
  MATOMO_URL=$MOCK_URL run_tf "$name" run --preset medium --speed 518.4 --visits "${VISITS:-60}" --duration 30s --seed 9 \
    --summary-json "$TF_WORK/$name.json" --dead-letter "$TF_WORK/$name.dead" --quiet "$@"
  [[ -s "$TF_WORK/$name.json" ]] || fail "$name: no summary: $(tail -3 "$TF_WORK/$name.err")"
}

# verify_run NAME [verify args...]: runs verify; its exit code in RUN_RC, its JSON in $TF_WORK/NAME.v.json.
verify_run() {
  local name=$1
  shift
  run_tf "$name" verify --json "$TF_WORK/$name.v.json" "$@"
}

# expect_all_equal NAME: verify exited 0 and every checked measure is equal.
expect_all_equal() {
  local v=$TF_WORK/$1.v.json
  check "$1: exit code" "0" "$RUN_RC"
  [[ -s "$v" ]] || fail "$1: no verify JSON: $(cat "$TF_WORK/$1.err")"
  check "$1: no difference, nothing merely within the bracket" "0 0 true" \
    "$(jq -r '"\(.differences) \(.within_bracket) \(.ok)"' "$v")"
  check "$1: visits, actions, orders and revenue were compared" "true" \
    "$(jq '[.measures[] | select(.verdict == "equal") | .measure] | contains(["visits","visitors","pageviews","events","orders","revenue_cents"])' "$v")"
  grep -q 'verify: all [0-9]* measures equal' "$TF_WORK/$1.out" || { echo "FAIL: $1: no conclusion line" >&2; TF_FAILURES=$((TF_FAILURES + 1)); }
}

for mode in single bulk; do
  start_mock
  if [[ $mode == bulk ]]; then tf_run "$mode" --bulk 20; else tf_run "$mode"; fi
  check "$mode: run exit code" "0" "$RUN_RC"
  assert_bracket "$TF_WORK/$mode.json"
  check "$mode: the ledger counted goal conversions" "true" \
    "$(jq '[.ledger[].days[].goals[].acked] | add > 0' "$TF_WORK/$mode.json")"
  verify_run "$mode-verify" "$TF_WORK/$mode.json"
  expect_all_equal "$mode-verify"
  check "$mode: goals were compared" "true" \
    "$(jq '[.measures[] | select(.measure | startswith("goal_")) | .verdict] | length > 0 and all(. == "equal")' "$TF_WORK/$mode-verify.v.json")"
  verify_run "$mode-live" "$TF_WORK/$mode.json" --live
  expect_all_equal "$mode-live"
  check "$mode: --live says so" "live" "$(jv "$TF_WORK/$mode-live.v.json" .mode)"
  check "$mode: --live compared every visitor of the ledger, none differs" \
    "$(jq '[.ledger[].days[].by_visitor | length] | add' "$TF_WORK/$mode.json") 0" \
    "$(jq -r '"\(.visitors.compared) \(.visitors.differ)"' "$TF_WORK/$mode-live.v.json")"
  stop_mock
done

# --- the mock loses 1 % of hits ----------------------------------------------------------------
start_mock
set_faults '{"store_nothing_rate": 0.01, "seed": 3}'
VISITS=150 tf_run lossy
check "lossy: run exit code (every hit acked)" "0" "$RUN_RC"
lost=$(mock_stat faults_injected/store_nothing)
((lost > 0)) || fail "lossy: the mock lost no hit"
# the bracket is broken on purpose: the mock acknowledged hits it did not store
check "lossy: stored + lost = acked" "$(jv "$TF_WORK/lossy.json" .totals.acked)" "$(($(mock_stat hits_accepted) + lost))"
verify_run lossy-verify "$TF_WORK/lossy.json"
grep -v ' ok$' "$TF_WORK/lossy-verify.out"
check "lossy: verify exit code" "1" "$RUN_RC"
diffs=$(jv "$TF_WORK/lossy-verify.v.json" .differences)
((diffs > 0)) || fail "lossy: no difference reported"
check "lossy: each difference is named with its size" "$diffs" "$(grep -c '^difference: .* Matomo [0-9]*, ledger [0-9.]* ([-+][0-9]*)$' "$TF_WORK/lossy-verify.out")"
check "lossy: Matomo holds less, never more" "true" \
  "$(jq '[.measures[] | select(.verdict == "difference") | .difference < 0] | all' "$TF_WORK/lossy-verify.v.json")"
grep -q "verify: $diffs of [0-9]* measures differ" "$TF_WORK/lossy-verify.out" || { echo "FAIL: lossy: no conclusion line" >&2; TF_FAILURES=$((TF_FAILURES + 1)); }
# --live names the visitors whose visits or actions Matomo lost, with their counts
verify_run lossy-live "$TF_WORK/lossy.json" --live
check "lossy --live: exit code" "1" "$RUN_RC"
differ=$(jv "$TF_WORK/lossy-live.v.json" .visitors.differ)
((differ > 0)) || fail "lossy --live: no visitor differs"
named=$((differ < 10 ? differ : 10))
check "lossy --live: the first visitors are named with their counts" "$named" \
  "$(grep -c '^visitor [0-9a-f]\{16\} of default (site 1) on [0-9-]*: visits Matomo [0-9]*, ledger [0-9.]*; actions Matomo [0-9]*, ledger [0-9.]*$' "$TF_WORK/lossy-live.out")"
check "lossy --live: each named visitor lacks visits or actions in Matomo" "true" \
  "$(jq '[.visitors.named[] | .visits.matomo < .visits.acked or .actions.matomo < .actions.acked] | all' "$TF_WORK/lossy-live.v.json")"
check "lossy --live: the row visitors_matching differs by the visitors named" "-$differ" \
  "$(jq '.measures[] | select(.measure == "visitors_matching") | .difference' "$TF_WORK/lossy-live.v.json")"
stop_mock

# --- record, then stall past the client's timeout: unconfirmed hits Matomo recorded -----------
start_mock
set_faults '{"record_then": "stall", "record_then_every": 7, "record_then_ms": 2500}'
MATOMO_URL=$MOCK_URL run_tf stall run --preset smoke --visits 20 --speed 3 --seed 21 --timeout 1s \
  --max-failure-rate 1 --summary-json "$TF_WORK/stall.json" --dead-letter "$TF_WORK/stall.dead" --quiet
check "stall: run exit code" "0" "$RUN_RC"
assert_bracket "$TF_WORK/stall.json"
unconfirmed=$(jv "$TF_WORK/stall.json" .totals.unconfirmed)
((unconfirmed > 0)) || fail "stall: no unconfirmed hit"
verify_run stall-verify "$TF_WORK/stall.json"
cat "$TF_WORK/stall-verify.out"
check "stall: verify exit code" "0" "$RUN_RC"
within=$(jv "$TF_WORK/stall-verify.v.json" .within_bracket)
((within > 0)) || fail "stall: no measure within the bracket: $(cat "$TF_WORK/stall-verify.out")"
grep -q "within the bracket \[acked, acked + unconfirmed\]" "$TF_WORK/stall-verify.out" \
  || { echo "FAIL: stall: verify does not say the numbers lie within the bracket" >&2; TF_FAILURES=$((TF_FAILURES + 1)); }
stop_mock

# --- a token without view access: exit 3, Matomo's message, the token never printed ------------
start_token_mock UTC
MATOMO_TOKEN_AUTH=$TOKEN tf_run token
check "token: run exit code" "0" "$RUN_RC"
assert_bracket "$TF_WORK/token.json"
printf '%s\n' "$TOKEN" >"$TF_WORK/good.token"
printf 'fedcba9876543210fedcba9876543210\n' >"$TF_WORK/wrong.token"
verify_run token-good "$TF_WORK/token.json" --token-file "$TF_WORK/good.token"
expect_all_equal token-good
verify_run token-wrong "$TF_WORK/token.json" --token-file "$TF_WORK/wrong.token"
check "wrong token: exit code" "3" "$RUN_RC"
grep -q "refused the request: You can't access this resource as it requires 'view' access" "$TF_WORK/token-wrong.err" \
  || { echo "FAIL: wrong token: unclear message: $(cat "$TF_WORK/token-wrong.err")" >&2; TF_FAILURES=$((TF_FAILURES + 1)); }
check "wrong token: never printed" "0" "$(cat "$TF_WORK"/token-*.out "$TF_WORK"/token-*.err | grep -c -e "$TOKEN" -e fedcba9876543210 || true)"
verify_run token-none "$TF_WORK/token.json"
check "no token: exit code" "3" "$RUN_RC"
stop_mock

# --- a backfill over a DST change: per site-local day, one range, one --date ------------------
start_token_mock Europe/Stockholm
printf '%s\n' "$TOKEN" >"$TF_WORK/stockholm.token"
MATOMO_URL=$MOCK_URL MATOMO_TOKEN_AUTH=$TOKEN TIMEZONE=Europe/Stockholm BACKFILL_MAX_VISITS_PER_DAY=40 \
  run_tf backfill run --backfill 2025-10-25..2025-10-27 --seed 21 --summary-json "$TF_WORK/backfill.json" \
  --dead-letter "$TF_WORK/backfill.dead" --quiet
check "backfill: run exit code" "0" "$RUN_RC"
assert_bracket "$TF_WORK/backfill.json"
check "backfill: the ledger has the three local days" "2025-10-25 2025-10-26 2025-10-27" \
  "$(jq -r '[.ledger[].days[].date] | join(" ")' "$TF_WORK/backfill.json")"
verify_run backfill-days "$TF_WORK/backfill.json" --token-file "$TF_WORK/stockholm.token"
expect_all_equal backfill-days
check "backfill: one comparison per day" "3" "$(jq '[.measures[].date] | unique | length' "$TF_WORK/backfill-days.v.json")"
verify_run backfill-range "$TF_WORK/backfill.json" --token-file "$TF_WORK/stockholm.token" --period range
check "backfill --period range: exit code" "0" "$RUN_RC"
check "backfill --period range: one range" "2025-10-25,2025-10-27" "$(jq -r '[.measures[].date] | unique | join(" ")' "$TF_WORK/backfill-range.v.json")"
verify_run backfill-one "$TF_WORK/backfill.json" --token-file "$TF_WORK/stockholm.token" --date 2025-10-26 --live
expect_all_equal backfill-one
check "backfill --date: that day only" "2025-10-26" "$(jq -r '[.measures[].date] | unique | join(" ")' "$TF_WORK/backfill-one.v.json")"
stop_mock

# --- shards: two summaries, and their merge, verify like one run ------------------------------
start_mock
export RETURNING_VISITOR_POOL=60
for k in 0 1; do
  tf_run "shard$k" --shard "$k/2"
  check "shard $k/2: run exit code" "0" "$RUN_RC"
done
check "shards: the mock holds both shards' hits" \
  "$(($(jv "$TF_WORK/shard0.json" .totals.acked) + $(jv "$TF_WORK/shard1.json" .totals.acked)))" "$(mock_stat hits_accepted)"
verify_run shards-verify "$TF_WORK/shard0.json" "$TF_WORK/shard1.json"
expect_all_equal shards-verify
run_tf shards-merge merge "$TF_WORK/shard0.json" "$TF_WORK/shard1.json" --summary-json "$TF_WORK/merged.json"
check "shards: merge exit code" "0" "$RUN_RC"
assert_bracket "$TF_WORK/merged.json"
verify_run merged-verify "$TF_WORK/merged.json" --live
expect_all_equal merged-verify
verify_run shard0-alone "$TF_WORK/shard0.json"
check "one shard alone: missing shard, exit 2" "2" "$RUN_RC"
stop_mock
finish
