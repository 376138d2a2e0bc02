#!/usr/bin/env bash
# `run --backfill` of three Europe/Stockholm days (2025-10-26 has 25 hours) into the strict mock
# with a token: exit 0, zero violations, every hit acked and accepted once, bulk requests, every
# cdt inside the window, no mock visit crossing local midnight, the summary's backfill object
# complete; `generate --backfill` writes exactly the hits that were sent.
source "$(dirname "$0")/lib.sh"
need_tools

start_token_mock Europe/Stockholm
token=$TOKEN

export MATOMO_URL=$MOCK_URL MATOMO_TOKEN_AUTH=$token TIMEZONE=Europe/Stockholm
export BACKFILL_MAX_VISITS_PER_DAY=60 BACKFILL_DAILY_VARIATION=0.2
s=$TF_WORK/backfill.json
run_tf backfill run --backfill 2025-10-25..2025-10-27 --seed 21 --summary-json "$s" \
  --dead-letter "$TF_WORK/backfill.dead"
check "backfill: exit code" "0" "$RUN_RC"
[[ -s "$s" ]] || fail "no summary written: $(cat "$TF_WORK/backfill.err")"
check_delivered "$s"
check_accounting "$s" "$TF_WORK/backfill.dead"
check "backfill: complete" "true" "$(jv "$s" '.backfill.complete')"
check "backfill: no incomplete day" "[]" "$(jq -c '.backfill.incomplete_days' "$s")"
check "backfill: three days" "2025-10-25 2025-10-26 2025-10-27" "$(jq -r '[.backfill.days[].date] | join(" ")' "$s")"
check "backfill: every planned visit completed" "$(jv "$s" '.backfill.visits_planned')" \
  "$(jv "$s" '.backfill.visits_completed')"
check "backfill: visits started = planned" "$(jv "$s" '.backfill.visits_planned')" "$(jv "$s" '.totals.visits')"
check "backfill: bulk requests (fewer requests than hits)" "true" "$(jv "$s" '.totals.requests < .totals.hits')"
check "backfill: log line says complete" "1" "$(grep -c 'backfill complete: ' "$TF_WORK/backfill.err" || true)"

curl -s --max-time 30 "$MOCK_BASE/mock/hits" >"$TF_WORK/hits.ndjson"
check "backfill: the mock stored every hit" "$(jv "$s" '.totals.hits')" "$(grep -c . "$TF_WORK/hits.ndjson")"
# Local midnights (UTC): 10-25 00:00 CEST = 10-24 22:00Z, 10-26 = 10-25 22:00Z,
# 10-27 00:00 CET = 10-26 23:00Z, 10-28 = 10-27 23:00Z.
bounds='[1761343200, 1761429600, 1761519600, 1761606000]'
check "backfill: every cdt inside the window" "0" \
  "$(jq -s --argjson b "$bounds" '[.[] | .params.cdt | tonumber | select(. < $b[0] or . >= $b[3])] | length' "$TF_WORK/hits.ndjson")"
check "backfill: no visit crosses local midnight" "0" \
  "$(jq -s --argjson b "$bounds" '
      def day: . as $t | [$b[] | select(. <= $t)] | length;
      group_by([.visitor, .visit]) | map(map(.params.cdt | tonumber | day) | unique | length)
      | map(select(. > 1)) | length' "$TF_WORK/hits.ndjson")"
check "backfill: every day has hits" "3" \
  "$(jq -s --argjson b "$bounds" '
      def day: . as $t | [$b[] | select(. <= $t)] | length;
      [.[] | .params.cdt | tonumber | day] | unique | length' "$TF_WORK/hits.ndjson")"

run_tf generate generate --backfill 2025-10-25..2025-10-27 --seed 21 --output "$TF_WORK/gen.ndjson"
check "generate --backfill: exit code" "0" "$RUN_RC"
check "generate --backfill: the same number of hits" "$(jv "$s" '.totals.hits')" "$(grep -c . "$TF_WORK/gen.ndjson")"
stop_mock
finish
