#!/usr/bin/env bash
# A Matomo under overload that records a hit after the client has given up (mock fault
# record_then "late": every 4th request is processed for 2.5 s, then recorded; the client's
# timeout is 1 s). The hit is unconfirmed, and the rest of its visit is not sent (not_sent,
# reason previous-hit-unconfirmed, dead-lettered): a visitor's hits go one at a time, in order,
# and a next hit sent after the timeout reached the mock while the first was still being
# processed (CONCURRENT_VISITOR), or before it (a ping: PING_WITHOUT_VISIT).
source "$(dirname "$0")/lib.sh"
need_tools

# wait_late_hits ACKED LATE: the late hits are recorded after they arrived, maybe after the run
# ended: wait (bounded) until the mock holds the acked ones and them.
wait_late_hits() {
  for _ in $(seq 100); do
    (($(mock_stat hits_accepted) >= $1 + $2)) && break
    sleep 0.1
  done
}

# late_run NAME FAULTS [VAR=VALUE...] -- [RUN ARGS...]: a fresh mock with FAULTS, then a smoke run
# (2-3 pages and a ping per visit, timeout 1 s) with the variables and arguments; checks it ran
# and that late hits were injected, and waits for them. Sets s, dead, late and acked.
late_run() {
  local name=$1 faults=$2
  shift 2
  while [[ $# -gt 0 && $1 != -- ]]; do local -x "$1"; shift; done  # exported for this run only
  shift
  start_mock
  set_faults "$faults"
  s=$TF_WORK/$name.json
  dead=$TF_WORK/$name.dead
  MATOMO_URL=$MOCK_URL HEARTBEAT_PROBABILITY=1 PAGEVIEWS_MIN=2 PAGEVIEWS_MAX=3 \
    run_tf "$name" run --preset smoke --seed 21 --timeout 1s --max-failure-rate 1 --summary-json "$s" \
    --dead-letter "$dead" --quiet "$@"
  check "$name: exit code (--max-failure-rate 1)" "0" "$RUN_RC"
  [[ -s "$s" ]] || fail "$name: no summary: $(tail -3 "$TF_WORK/$name.err")"
  late=$(mock_stat faults_injected/record_then_late)
  ((late > 0)) || fail "$name: no late hit injected"
  acked=$(jv "$s" '.totals.acked')
  wait_late_hits "$acked" "$late"
}

late_run late '{"record_then": "late", "record_then_every": 4, "record_then_ms": 2500}' -- --visits 20 --speed 3
unconfirmed=$(jv "$s" '.totals.unconfirmed')
not_sent=$(jv "$s" '.totals.not_sent')
echo "late: $late late hits; acked $acked, unconfirmed $unconfirmed, not sent $not_sent; the mock stored $(mock_stat hits_accepted)"
check_accounting "$s" "$dead"
check "late: every late hit is unconfirmed" "true" "$(((unconfirmed >= late)) && echo true || echo "false: $unconfirmed of $late")"
check "late: no hit reached the mock while an earlier hit of its visitor was processed" "0" \
  "$(mock_stat violations/CONCURRENT_VISITOR)"
check "late: no ping reached the mock before the hit it follows" "0" "$(mock_stat violations/PING_WITHOUT_VISIT)"
check "late: no hit out of order" "0" "$(mock_stat violations/OUT_OF_ORDER)"
check "late: the mock refused nothing" "0" "$(jv "$s" '.totals.rejected')"
((not_sent > 0)) || fail "late: no hit after an unconfirmed one (every late hit ended its visit?)"
check "late: the rest of a visit after its unconfirmed hit is not sent, reason previous-hit-unconfirmed" "0" \
  "$(jq -s -c 'group_by(.visit)[] | select(any(.outcome == "not_sent"))
     | (map(select(.outcome == "unconfirmed")) | min_by(.hit).hit) as $u
     | select($u == null or any(.outcome == "not_sent" and (.hit <= $u or .reason != "previous-hit-unconfirmed")))' \
     "$dead" | grep -c . || true)"
check "late: not sent = dead-letter lines with reason previous-hit-unconfirmed" "$not_sent" \
  "$(jq -c 'select(.outcome == "not_sent" and .reason == "previous-hit-unconfirmed")' "$dead" | grep -c . || true)"
stop_mock

# Returning visitors: two pool visitors make every visit (one class of 2; a visitor is free again
# 30 model minutes after a visit, and 24 visits a day are 60 minutes apart, sped up to 5 a second),
# so a visitor's next visit waits behind the one with the late hit. That visit ends when the hit
# times out (1 s), while the mock still processes the hit for 1.3 s; the next visit of the same
# visitor starts only the request timeout (1 s) later, after the hit was recorded. Without that
# hold, its first hit reaches the mock beside the late one (CONCURRENT_VISITOR).
late_run returning '{"record_then": "late", "record_then_every": 5, "record_then_ms": 1300}' \
  AUTO_STOP_AFTER_HOURS=0 TARGET_VISITS_PER_DAY=24 RETURNING_VISITOR_PROBABILITY=1 RETURNING_VISITOR_POOL=2 \
  -- --visits 16 --speed 18000
echo "returning: $late late hits; $(mock_stat distinct_visitors) visitors;" \
  "acked $acked, unconfirmed $(jv "$s" '.totals.unconfirmed'); the mock stored $(mock_stat hits_accepted)"
check_accounting "$s" "$dead"
check "returning: the mock saw returning visitors" "true" \
  "$( (($(mock_stat distinct_visitors) <= 4)) && echo true || echo "false: $(mock_stat distinct_visitors) visitors")"
check "returning: no visit of a visitor reached the mock while its late hit was processed" "0" \
  "$(mock_stat violations/CONCURRENT_VISITOR)"
check "returning: no ping before the hit it follows" "0" "$(mock_stat violations/PING_WITHOUT_VISIT)"
check "returning: no hit out of order" "0" "$(mock_stat violations/OUT_OF_ORDER)"
stop_mock
finish
