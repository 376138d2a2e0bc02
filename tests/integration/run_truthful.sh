#!/usr/bin/env bash
# Truthful delivery (issue 13): "acked" means the server said it recorded the hit, and the
# verdict can be trusted. Against the mock:
# - backfill with a wrong token into the compat mock (Matomo 5.0.2's answers: bulk 200 with
#   counts, no invalid_indices): acked 0, rejected = hits, "backfill incomplete", exit 1; the rerun
#   with the right token delivers every hit once;
# - a bulk run to an unknown site: acked 0, exit 1 (with a super-user token, invalid_indices name
#   the hits);
# - a 301: acked 0, class redirect with its Location, exit 1;
# - record-then-stall on every 7th request with a 1 s timeout: those hits are unconfirmed, written
#   with maybe_recorded, never resent, the rest of their visits not sent; the bracket holds;
# - record-then-drop on every 5th request: the bracket holds, and what the mock stored twice is
#   counted in possible_duplicates (libcurl resends a request whose reused connection died).
source "$(dirname "$0")/lib.sh"
need_tools

token=0123456789abcdef0123456789abcdef
wrong=fedcba9876543210fedcba9876543210
cat >"$TF_WORK/mock.json" <<JSON
{"sites": [{"id": 1, "timezone": "UTC"}], "tokens": [{"token": "$token", "super": false, "sites": [1]}]}
JSON

# --- validate checks threshold expressions, located ------------------------------------------------
printf 'MATOMO_SITE_ID=1\nTHRESHOLDS=p99<500;p98<5\n' >"$TF_WORK/t.env"
run_tf validate validate "$TF_WORK/t.env"
check "validate: a bad threshold exits 1" "1" "$RUN_RC"
check "validate: the error names file, line, key, expected and found" "1" \
  "$(grep -Fc "$TF_WORK/t.env:2: error: THRESHOLDS: expected a metric (failure_rate, rejected, unconfirmed, p50, p90, p95, p99, p999, max, achieved_rate, hits_per_s), found \"p98\"" \
     "$TF_WORK/validate.out" "$TF_WORK/validate.err" | awk -F: '{ n += $NF } END { print n }')"
run_tf bad_run run --preset smoke --threshold 'p99<<5' --dry-run --visits 1
check "run: a bad --threshold is a usage error" "2" "$RUN_RC"
check "run: the message names the flag" "1" \
  "$(grep -c 'error: --threshold: THRESHOLDS: expected a number after <, found "<5"' "$TF_WORK/bad_run.err" || true)"

# --- backfill with a wrong token, compat mock -------------------------------------------------
start_mock --config "$TF_WORK/mock.json" --compat
args=(run --backfill 2025-03-03..2025-03-03 --seed 8 --checkpoint "$TF_WORK/cp.json" --dead-letter "$TF_WORK/bf.dead")
MATOMO_URL=$MOCK_URL MATOMO_TOKEN_AUTH=$wrong TIMEZONE=UTC BACKFILL_MAX_VISITS_PER_DAY=30 \
  run_tf wrong "${args[@]}" --summary-json "$TF_WORK/wrong.json"
s=$TF_WORK/wrong.json
check "wrong token: exit code" "1" "$RUN_RC"
[[ -s "$s" ]] || fail "wrong token: no summary: $(tail -3 "$TF_WORK/wrong.err")"
check_accounting "$s" "$TF_WORK/bf.dead"
check "wrong token: acked 0" "0" "$(jv "$s" '.totals.acked')"
check "wrong token: rejected = generated" "$(jv "$s" '.totals.generated - .totals.not_sent')" "$(jv "$s" '.totals.rejected')"
check "wrong token: the rejections could not be named" "$(jv "$s" '.totals.rejected')" \
  "$(jv "$s" '.totals.unidentified_rejections')"
check "wrong token: the table says so" "1" "$(grep -c '^note: .* rejected hit(s) could not be named' "$TF_WORK/wrong.out" || true)"
check "wrong token: backfill incomplete" "1" "$(grep -c 'backfill incomplete: ' "$TF_WORK/wrong.err" || true)"
check "wrong token: not healthy" "failing" "$(jv "$s" '.totals.status')"
check "wrong token: the mock recorded nothing" "0" "$(mock_stat hits_accepted)"
MATOMO_URL=$MOCK_URL MATOMO_TOKEN_AUTH=$token TIMEZONE=UTC BACKFILL_MAX_VISITS_PER_DAY=30 \
  run_tf right "${args[@]}" --summary-json "$TF_WORK/right.json"
check "right token: exit code" "0" "$RUN_RC"
check "right token: backfill complete" "true" "$(jv "$TF_WORK/right.json" '.backfill.complete')"
check "right token: every hit delivered once" "$(jv "$TF_WORK/right.json" '.totals.acked')" "$(mock_stat hits_accepted)"
check "right token: no duplicates" "0" "$(mock_stat duplicates)"
MATOMO_TOKEN_AUTH=$token TIMEZONE=UTC BACKFILL_MAX_VISITS_PER_DAY=30 TF_RUN_LIMIT=60 \
  run_tf plan generate --backfill 2025-03-03..2025-03-03 --seed 8 --output "$TF_WORK/plan.ndjson"
check "right token: the mock holds the whole plan" "$(grep -c . "$TF_WORK/plan.ndjson")" "$(mock_stat hits_accepted)"
stop_mock

# --- bulk to an unknown site ------------------------------------------------------------------
cat >"$TF_WORK/super.json" <<JSON
{"sites": [{"id": 1, "timezone": "UTC"}], "tokens": [{"token": "$token", "super": true}]}
JSON
start_mock --config "$TF_WORK/super.json"
MATOMO_URL=$MOCK_URL MATOMO_SITE_ID=7 MATOMO_TOKEN_AUTH=$token \
  run_tf unknown run --preset smoke --visits 10 --speed 4 --seed 2 --bulk 10 \
  --summary-json "$TF_WORK/unknown.json" --dead-letter "$TF_WORK/unknown.dead"
s=$TF_WORK/unknown.json
check "unknown site: exit code" "1" "$RUN_RC"
check_accounting "$s" "$TF_WORK/unknown.dead"
check "unknown site: acked 0" "0" "$(jv "$s" '.totals.acked')"
check "unknown site: rejected hits" "true" "$(jv "$s" '.totals.rejected > 0')"
check "unknown site: invalid_indices named them" "0" "$(jv "$s" '.totals.unidentified_rejections')"
check "unknown site: the threshold line" "1" "$(grep -c 'threshold failed: acked>0' "$TF_WORK/unknown.err" || true)"
check "unknown site: dead-letter lines are rejected, not maybe recorded" "0" \
  "$(jq -c 'select(.outcome == "rejected" and .maybe_recorded)' "$TF_WORK/unknown.dead" | grep -c . || true)"
stop_mock

# --- a redirect -------------------------------------------------------------------------------
start_mock
set_faults '{"status": 301, "location": "https://127.0.0.1:9/matomo.php"}'
MATOMO_URL=$MOCK_URL run_tf redirect run --preset smoke --visits 5 --speed 4 --seed 2 \
  --summary-json "$TF_WORK/redirect.json" --dead-letter "$TF_WORK/redirect.dead"
s=$TF_WORK/redirect.json
check "301: exit code" "1" "$RUN_RC"
check_accounting "$s" "$TF_WORK/redirect.dead"
check "301: acked 0" "0" "$(jv "$s" '.totals.acked')"
check "301: class redirect" "redirect" "$(jv "$s" '.totals.top_error.kind')"
check "301: the Location is shown" "Location: https://127.0.0.1:9/matomo.php" "$(jv "$s" '.targets[0].top_error.detail')"
check "301: not retried" "0" "$(jv "$s" '.totals.retries')"
check "301: the table's top error (the target and TOTAL)" "2" "$(grep -c 'redirect: [0-9]* (Location: https://127.0.0.1:9/' "$TF_WORK/redirect.out" || true)"
check "301: dead-letter lines carry the Location" "0" \
  "$(jq -c 'select(.outcome == "failed" and .detail != "Location: https://127.0.0.1:9/matomo.php")' "$TF_WORK/redirect.dead" | grep -c . || true)"
stop_mock

# --- a user threshold, and --abort-on-fail once it can no longer pass ------------------------------
start_mock
set_faults '{"status": 400, "rate": 0.5, "seed": 3}'
MATOMO_URL=$MOCK_URL run_tf abort run --preset smoke --duration 30s --speed 3 --seed 2 \
  --threshold 'rejected<1' --threshold 'p99<60000' --abort-on-fail --summary-json "$TF_WORK/abort.json" \
  --dead-letter "$TF_WORK/abort.dead"
s=$TF_WORK/abort.json
check "abort-on-fail: exit code" "1" "$RUN_RC"
check_accounting "$s" "$TF_WORK/abort.dead"
check "abort-on-fail: stopped long before the 30 s" "true" "$(jv "$s" '.elapsed_s < 15')"
check "abort-on-fail: the line names the threshold" "1" \
  "$(grep -Ec 'abort-on-fail: rejected<1 can no longer pass \([0-9]+\): stopping$' "$TF_WORK/abort.err" || true)"
check "abort-on-fail: the summary's thresholds" '[true,false,false,true]' "$(jq -c '[.thresholds[].ok]' "$s")"
check "abort-on-fail: the table's section" "1" "$(grep -c '^thresholds: .*✗ rejected<1 ' "$TF_WORK/abort.out" || true)"
stop_mock

# --- record, then stall past the client timeout (every 7th request) ------------------------------
start_mock
set_faults '{"record_then": "stall", "record_then_every": 7, "record_then_ms": 2500}'
MATOMO_URL=$MOCK_URL run_tf stall run --preset smoke --visits 20 --speed 3 --seed 21 --timeout 1s \
  --max-failure-rate 1 --summary-json "$TF_WORK/stall.json" --dead-letter "$TF_WORK/stall.dead"
s=$TF_WORK/stall.json
check "stall: exit code (--max-failure-rate 1)" "0" "$RUN_RC"
check_accounting "$s" "$TF_WORK/stall.dead"
stalls=$(mock_stat faults_injected/record_then_stall)
((stalls > 0)) || fail "stall: no stall injected"
# (>=: on a loaded machine another request may also outlast the 1 s timeout; the bracket holds)
unconfirmed=$(jv "$s" '.totals.unconfirmed')
check "stall: every stalled hit is unconfirmed" "true" "$(((unconfirmed >= stalls)) && echo true || echo "false: $unconfirmed of $stalls")"
check "stall: none resent (no retries)" "0" "$(jv "$s" '.totals.retries')"
check "stall: the mock stored no hit twice" "0" "$(mock_stat duplicates)"
check "stall: their dead-letter lines say maybe_recorded" "$unconfirmed" \
  "$(jq -c 'select(.outcome == "unconfirmed" and .maybe_recorded and .reason == "timeout")' "$TF_WORK/stall.dead" | grep -c . || true)"
# Matomo may still be processing a timed-out hit: the rest of its visit is not sent (in order, one at a time)
check "stall: the rest of a stalled visit is not sent (previous-hit-unconfirmed)" "$(jv "$s" '.totals.not_sent')" \
  "$(jq -c 'select(.outcome == "not_sent" and .reason == "previous-hit-unconfirmed")' "$TF_WORK/stall.dead" | grep -c . || true)"
check "stall: the default verdict would fail it" "true" "$(jv "$s" '.totals.failure_rate > 0.01')"
stop_mock

# --- record, then drop the connection (every 5th request) -----------------------------------------
start_mock
set_faults '{"record_then": "drop", "record_then_every": 5}'
MATOMO_URL=$MOCK_URL run_tf drop run --preset smoke --visits 20 --speed 3 --seed 21 \
  --max-failure-rate 1 --summary-json "$TF_WORK/drop.json" --dead-letter "$TF_WORK/drop.dead"
s=$TF_WORK/drop.json
check "drop: exit code (--max-failure-rate 1)" "0" "$RUN_RC"
check_accounting "$s" "$TF_WORK/drop.dead"
echo "drop: $(mock_stat faults_injected/record_then_drop) drops; acked $(jv "$s" '.totals.acked'), unconfirmed $(jv "$s" '.totals.unconfirmed'), possible duplicates $(jv "$s" '.totals.possible_duplicates'); the mock stored $(mock_stat hits_accepted), $(mock_stat duplicates) twice"
stop_mock
finish
