#!/usr/bin/env bash
# Signals during a run: SIGUSR1 prints the health table and the run goes on; SIGINT stops new
# visits, drains the ones in progress, prints the table and exits 130 with the accounting
# balanced (dead-letter lines = hits not acked, the bracket holds); a second SIGINT during a long
# drain stops at once, still accounted: hits in flight are unconfirmed, the rest not sent.
# Timing waits on the mock's counts, never on sleeps.
source "$(dirname "$0")/lib.sh"
need_tools

start_mock
s=$TF_WORK/sig.json
# 20 visits/s for up to 30 s, 0.2-0.4 s real pauses: visits are in progress at any moment
MATOMO_URL=$MOCK_URL PAUSE_BETWEEN_PVS_MIN=0.2 PAUSE_BETWEEN_PVS_MAX=0.4 \
  start_tf sig run --preset smoke --speed 2 --duration 30s --drain-timeout 10s --seed 4 \
  --summary-json "$s" --dead-letter "$TF_WORK/sig.dead"
wait_for_file_line "$TF_WORK/sig.err" 'seed 4' 20 || fail "the run did not start: $(cat "$TF_WORK/sig.err")"
wait_for_stat hits_accepted 10 20 || fail "no hits delivered: $(tail -3 "$TF_WORK/sig.err")"
kill -USR1 "$TF_RUN_PID"
wait_for_file_line "$TF_WORK/sig.out" '^TOTAL ' 10 || fail "SIGUSR1 printed no table"
before=$(mock_stat hits_accepted)
wait_for_stat hits_accepted $((before + 5)) 10 || fail "no hits delivered after SIGUSR1 (still $before)"
kill -0 "$TF_RUN_PID" 2>/dev/null || fail "the run stopped after SIGUSR1"
kill -INT "$TF_RUN_PID"
wait_tf 20
check "SIGINT: exit code 130" "130" "$RUN_RC"
check "SIGINT: drained within the drain timeout" "1" "$((WAITED_MS < 12000 ? 1 : 0))"
check "SIGINT: two tables (SIGUSR1, exit)" "2" "$(grep -c '^TOTAL ' "$TF_WORK/sig.out" || true)"
check "SIGINT: the accounting line with ✓ once, at exit" "1" \
  "$(grep -Ec '^accounting: generated [0-9]+ = acked [0-9]+ \+ rejected [0-9]+ \+ failed [0-9]+ \+ unconfirmed [0-9]+ \+ not_sent [0-9]+ ✓$' "$TF_WORK/sig.out" || true)"
[[ -s "$s" ]] || fail "SIGINT: no summary written"
check_accounting "$s" "$TF_WORK/sig.dead"
check "SIGINT: zero violations" "0" "$(mock_stat violations_total)"
check "SIGINT: every generated hit acked" "$(jv "$s" '.totals.generated')" "$(jv "$s" '.totals.acked')"
check "SIGINT: the drain finished every visit in progress" "$(jv "$s" '.totals.visits')" \
  "$(jv "$s" '.totals.visits_completed')"
check "SIGINT: nothing in the dead-letter file (visits never started are only counted)" "0" \
  "$(grep -c . "$TF_WORK/sig.dead" 2>/dev/null || true)"
check "SIGINT: stopped by the signal" "stop-requested" "$(jv "$s" '.stop_reason')"
check "SIGINT: stopped before the 30 s duration" "true" "$(jv "$s" '.elapsed_s < 20')"
stop_mock

# a second SIGINT during a drain that would take long (2-3 s pauses, 30 s drain timeout)
start_mock
s=$TF_WORK/sig2.json
MATOMO_URL=$MOCK_URL PAUSE_BETWEEN_PVS_MIN=2 PAUSE_BETWEEN_PVS_MAX=3 \
  start_tf sig2 run --preset smoke --speed 2 --duration 30s --drain-timeout 30s --seed 4 \
  --summary-json "$s" --dead-letter "$TF_WORK/sig2.dead"
wait_for_file_line "$TF_WORK/sig2.err" 'seed 4' 20 || fail "the run did not start: $(cat "$TF_WORK/sig2.err")"
wait_for_stat hits_accepted 5 20 || fail "no hits delivered: $(tail -3 "$TF_WORK/sig2.err")"
# two signals at once (a terminal's Ctrl-C under `timeout`) are one request: a drain
kill -INT "$TF_RUN_PID"
kill -INT "$TF_RUN_PID"
wait_for_file_line "$TF_WORK/sig2.err" 'draining' 5 || fail "no drain after the first SIGINT: $(cat "$TF_WORK/sig2.err")"
# a second signal counts only more than 1 s after the first (the rule's window, not a race)
sleep 1.2
kill -0 "$TF_RUN_PID" 2>/dev/null || fail "two SIGINTs within 1 s did not drain (the run ended at once)"
kill -INT "$TF_RUN_PID"
wait_tf 10
check "second SIGINT: exit code 130" "130" "$RUN_RC"
check "second SIGINT: stops at once" "1" "$((WAITED_MS < 3000 ? 1 : 0))"
[[ -s "$s" ]] || fail "second SIGINT: no summary written"
check_accounting "$s" "$TF_WORK/sig2.dead"
check "second SIGINT: the table is printed" "1" "$(grep -c '^TOTAL ' "$TF_WORK/sig2.out" || true)"
check "second SIGINT: visits in progress are cut (unconfirmed or not sent)" "true" \
  "$(jv "$s" '.totals.unconfirmed + .totals.not_sent > 0')"
check "second SIGINT: stopped at once" "immediate-stop" "$(jv "$s" '.stop_reason')"
stop_mock
finish
