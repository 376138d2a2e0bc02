#!/usr/bin/env bash
# Killing one target mid-run loses nothing: three loopback mocks weighted 70/20/10; mock b is
# killed (SIGKILL) while the run is going, and the run goes on to its --duration. Every hit is
# accounted for (acked + rejected + failed + unconfirmed + not_sent = generated, per target, and
# the dead-letter file holds exactly the lost ones, all of b), b's breaker opened and stayed open
# (summary and table show its history), new visits failed over to a and c, which lost nothing:
# zero violations and the bracket on their mocks. b's status follows the documented health rule
# (HEALTH in the man page), so it is printed with the counts it was computed from.
source "$(dirname "$0")/lib.sh"
need_tools
start_mocks 3
T=$TF_WORK/targets.json
mocks_targets "$T" weighted a:70 b:20 c:10
S=$TF_WORK/run.json D=$TF_WORK/run.dead

RETRY_BACKOFF=100ms start_tf run run --preset smoke --targets "$T" --duration 8s --speed 2 --seed 11 \
  --quiet --summary-json "$S" --dead-letter "$D"

# kill b about half-way, once it has accepted 60 hits (~20 hits/s reach it; bounded: 10 s)
for _ in $(seq 200); do
  accepted=$(curl -s --max-time 2 "${MOCKS_BASE[1]}/mock/stat/hits_accepted" || echo 0)
  ((${accepted:-0} >= 60)) && break
  sleep 0.05
done
((${accepted:-0} >= 60)) || fail "mock b accepted only ${accepted:-0} hits in 10 s: $(tail -3 "$TF_WORK/run.err")"
kill_mock 1
wait_tf 60

[[ -s "$S" ]] || fail "run: no summary (exit $RUN_RC): $(tail -3 "$TF_WORK/run.err")"
check_accounting "$S" "$D"
check "run: stopped by the duration" "duration" "$(jv "$S" '.stop_reason')"
# exit code: 1 when nothing was acked or more than MAX_FAILURE_RATE of the hits were not, else 0
max_rate=$(jv "$S" '.config.MAX_FAILURE_RATE')
expected_rc=$(jq -r --arg m "$max_rate" \
  '.totals | if .acked == 0 or (.generated - .acked) / .generated > ($m | tonumber) then 1 else 0 end' "$S")
check "run: exit code (failure_rate vs MAX_FAILURE_RATE $max_rate)" "$expected_rc" "$RUN_RC"

lost=$(jv "$S" '.targets[1] | .rejected + .failed + .unconfirmed + .not_sent')
check "run: b lost hits when it died" "1" "$((lost > 0))"
check "run: a and c lost nothing" "0" "$(jv "$S" '[.targets[0,2] | .rejected + .failed + .unconfirmed + .not_sent] | add')"
check "run: every dead-letter line is b's" "$lost" "$(jq -r 'select(.target == "b") | .target' "$D" | grep -c . || true)"
check "run: b's breaker opened" "1" "$(jv "$S" '.targets[1].breaker.transitions > 0 | if . then 1 else 0 end')"
check "run: b's breaker was open for a while" "1" "$(jv "$S" '.targets[1].breaker.open_s > 0 | if . then 1 else 0 end')"
check "run: b's breaker is not closed at the end" "1" "$(jv "$S" '.targets[1].breaker.state != "closed" | if . then 1 else 0 end')"
check "run: new visits failed over (b started fewer visits than a at 2/7 of its weight)" "1" \
  "$(jv "$S" '.targets as $t | ($t[1].visits * 7 < $t[0].visits * 2) | if . then 1 else 0 end')"
# HEALTH: a target whose circuit is open or half-open is failing, whatever its earlier success
# rate (b's breaker is checked not closed below).
b_expected=failing
echo "b: acked $(jv "$S" '.targets[1].acked'), not acked $lost, status $(jv "$S" '.targets[1].status')"
check "run: b (killed) is failing" "$b_expected" "$(jv "$S" '.targets[1].status')"
check "run: the table shows b's status" "1" "$(grep -Ec "^b +$b_expected " "$TF_WORK/run.out" || true)"
check "run: the table shows b's breaker history" "1" \
  "$(grep -Ec '^breaker b: (open|half-open) now, [1-9][0-9]* transitions?, open for [0-9.]+s$' "$TF_WORK/run.out" || true)"
check "run: the table shows b's last error" "1" "$(grep -Ec '^last error b: ' "$TF_WORK/run.out" || true)"
for i in 0 2; do
  check "run: mock $i zero violations" "0" "$(curl -s --max-time 10 "${MOCKS_BASE[$i]}/mock/stat/violations_total")"
done

finish
