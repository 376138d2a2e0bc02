#!/usr/bin/env bash
# Connection-level faults after the request was sent: the hit may have reached Matomo, so it is
# `unconfirmed` and, by default, never resent (a resent first hit would make a second visit).
# With --retry-unconfirmed it is resent and counted in possible_duplicates. Here the mock's
# stalls and drops record nothing, so the resends deliver every hit exactly once; the bracket and
# the accounting identity hold in every run.
source "$(dirname "$0")/lib.sh"
need_tools

# stalls past the client timeout, by default: three requests stall 2.5 s against --timeout 1s
s=$TF_WORK/stall_default.json
start_mock
set_faults '{"stall_ms":2500,"stall_rate":1,"limit":3}'
MATOMO_URL=$MOCK_URL run_tf stall_default run --preset smoke --visits 30 --speed 3 --seed 21 --timeout 1s \
  --retries 3 --max-failure-rate 1 --summary-json "$s" --dead-letter "$TF_WORK/stall_default.dead"
check "stall (default): exit code (--max-failure-rate 1)" "0" "$RUN_RC"
check_accounting "$s" "$TF_WORK/stall_default.dead"
check "stall (default): three timeouts counted" "3" "$(jv "$s" '.totals.errors.timeout')"
check "stall (default): three hits unconfirmed" "3" "$(jv "$s" '.totals.unconfirmed')"
check "stall (default): none resent" "0" "$(jv "$s" '.totals.retries')"
# Matomo may still be processing a timed-out hit: the rest of its visit is not sent (in order, one at a time)
check "stall (default): the rest of the stalled visits not sent (previous-hit-unconfirmed)" "$(jv "$s" '.totals.not_sent')" \
  "$(jq -c 'select(.outcome == "not_sent" and .reason == "previous-hit-unconfirmed")' "$TF_WORK/stall_default.dead" | grep -c . || true)"
check "stall (default): the rest acked" "$(jv "$s" '.totals.generated - 3 - .totals.not_sent')" "$(jv "$s" '.totals.acked')"
check "stall (default): maybe_recorded in the dead-letter file" "3" \
  "$(jq -c 'select(.outcome == "unconfirmed" and .maybe_recorded)' "$TF_WORK/stall_default.dead" | grep -c . || true)"
stop_mock

# the same with --retry-unconfirmed: resent, counted as possible duplicates, all delivered
s=$TF_WORK/stall.json
fault_run stall '{"stall_ms":2500,"stall_rate":1,"limit":3}' 30 --timeout 1s --retries 3 --retry-unconfirmed
check "stall: three timeouts counted" "3" "$(jv "$s" '.totals.errors.timeout')"
check "stall: three retries" "3" "$(jv "$s" '.totals.retries')"
check "stall: three possible duplicates" "3" "$(jv "$s" '.totals.possible_duplicates')"
stop_mock

# dropped connections: four requests closed without an answer. A drop on a reused connection is
# resent by libcurl itself on a fresh one (counted as a possible duplicate, not as a retry); one
# on a new connection is a reset, resent by the retry policy with --retry-unconfirmed.
s=$TF_WORK/drop.json
fault_run drop '{"drop_rate":1,"limit":4}' 30 --retries 3 --retry-unconfirmed
check "drop: four drops injected" "4" "$(mock_stat faults_injected/drop)"
check "drop: each drop resent once (by libcurl or a retry): four possible duplicates" "4" \
  "$(jv "$s" '.totals.possible_duplicates')"
check "drop: the resets are the retries" "$(jv "$s" '.totals.errors.reset')" "$(jv "$s" '.totals.retries')"
stop_mock
finish
