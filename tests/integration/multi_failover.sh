#!/usr/bin/env bash
# Failover and replay with three loopback mocks (round-robin): mock b answers 503 for a window.
# Its breaker opens (summary and table show it), new visits fail over to a and c, nothing is lost
# (acked + rejected + failed + unconfirmed + not_sent = generated, per target; the bracket holds
# on each mock), and `replay` of the dead-letter
# file afterwards delivers the rest: the mocks' accepted counts grow by exactly the replayed
# hits. A second replay of the same file is refused (exit 2).
source "$(dirname "$0")/lib.sh"
need_tools
start_mocks 3
T=$TF_WORK/targets.json
mocks_targets "$T" round-robin a:1 b:1 c:1
S=$TF_WORK/run.json D=$TF_WORK/run.dead

# No returning visitors: a visitor's later visit delivered to b before the replay would make the
# replayed (earlier) hits out of order for the strict mock.
use_mock 1
set_faults '{"windows": [{"from_s": 1, "to_s": 4, "status": 503}]}'
RETURNING_VISITOR_PROBABILITY=0 RETRY_BACKOFF=100ms \
  run_tf run run --preset smoke --targets "$T" --duration 8s --speed 2 --retries 1 --seed 3 --quiet \
  --max-failure-rate 1 \
  --summary-json "$S" --dead-letter "$D"
check "run: exit code" "0" "$RUN_RC"
[[ -s "$S" ]] || fail "run: no summary: $(tail -3 "$TF_WORK/run.err")"
check_accounting "$S" "$D"
check "run: b's breaker opened" "1" "$(jv "$S" '.targets[1].breaker.transitions > 0 | if . then 1 else 0 end')"
check "run: b's breaker was open for a while" "1" "$(jv "$S" '.targets[1].breaker.open_s > 0 | if . then 1 else 0 end')"
check "run: only b lost hits" "0" "$(jv "$S" '[.targets[0,2] | .rejected + .failed + .unconfirmed + .not_sent] | add')"
lost=$(jv "$S" '.targets[1] | .rejected + .failed + .unconfirmed + .not_sent')
check "run: b lost hits" "1" "$((lost > 0))"
check "run: new visits failed over (b started fewer visits than a and c)" "1" \
  "$(jv "$S" '.targets as $t | ($t[1].visits < $t[0].visits and $t[1].visits < $t[2].visits) | if . then 1 else 0 end')"
check "run: the table shows b's breaker history" "1" \
  "$(grep -Ec '^breaker b: .* [1-9][0-9]* transitions?, open for [0-9.]+s$' "$TF_WORK/run.out" || true)"
check "run: the table shows b's last error" "1" "$(grep -c '^last error b: HTTP 503' "$TF_WORK/run.out" || true)"
check "run: zero violations on each mock" "0 0 0" "$(mocks_stat violations_total)"

# replay: every dead-lettered hit reaches b, once, in order, and nothing else is sent
set_faults '{}'
read -r a0 b0 c0 <<<"$(mocks_stat hits_accepted)"
bracket_mark
R=$TF_WORK/replay.json
run_tf replay replay "$D" --targets "$T" --summary-json "$R"
check "replay: exit code" "0" "$RUN_RC"
[[ -s "$R" ]] || fail "replay: no summary: $(tail -3 "$TF_WORK/replay.err")"
check_accounting "$R" "$D.failed"
read -r a1 b1 c1 <<<"$(mocks_stat hits_accepted)"
check "replay: b accepted exactly the replayed hits" "$lost" "$((b1 - b0))"
check "replay: a and c received nothing" "0 0" "$((a1 - a0)) $((c1 - c0))"
check "replay: every replayed hit acked" "$lost" "$(jv "$R" '.totals.acked')"
check "replay: nothing still failing" "0" "$(grep -c . "$D.failed" || true)"
check "replay: zero violations on each mock" "0 0 0" "$(mocks_stat violations_total)"
check "replay: the marker names the file" "$D" "$(jv "$D.replayed" '.file')"
check "replay: the table is printed" "1" "$(grep -c '^TOTAL ' "$TF_WORK/replay.out" || true)"

# a second replay of the same file is refused
run_tf again replay "$D" --targets "$T"
check "second replay: exit code" "2" "$RUN_RC"
check "second replay: names the guard" "1" "$(grep -c "was already replayed at .*use --force" "$TF_WORK/again.err" || true)"
check "second replay: nothing sent" "$a1 $b1 $c1" "$(mocks_stat hits_accepted)"

finish
