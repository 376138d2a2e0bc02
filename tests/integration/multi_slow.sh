#!/usr/bin/env bash
# A slow target does not slow the others: three loopback mocks (round-robin), the same seeded run
# twice, first with every mock answering at once, then with mock c adding 1.5 s of latency to
# every answer. The healthy targets a and b receive the same hits in both runs, and the rate at
# which they receive them (hits over the span of their arrival times at the mocks) drops by at
# most 10%. CONCURRENCY 20 is less than c's slow visits would take (Little's law: ~7 visits/s
# to c × ~4.5 s per visit ≈ 30 visits in progress): each target reserves its share of it (20/3
# → 6), so c runs on its 6 plus the 2 unreserved and its visits queue, while a and b keep theirs.
source "$(dirname "$0")/lib.sh"
need_tools
start_mocks 3
T=$TF_WORK/targets.json
mocks_targets "$T" round-robin a:1 b:1 c:1

# healthy_rate: hits/s received by mocks a and b together, over the span of their arrival times.
healthy_rate() {
  { curl -s --max-time 30 "${MOCKS_BASE[0]}/mock/hits"; curl -s --max-time 30 "${MOCKS_BASE[1]}/mock/hits"; } |
    jq -s '(map(.arrival_ms) | (max - min) / 1000) as $span | if $span > 0 then length / $span else 0 end'
}

# paced_run NAME: 120 visits at 20 visits/s, no pauses, summary checked for accounting. c's hits
# still in flight at the drain cut-off are unconfirmed; the verdict is not this test's subject
# (--max-failure-rate 1).
paced_run() {
  reset_mocks
  run_tf "$1" run --preset smoke --targets "$T" --visits 120 --duration 30s --speed 2 --seed 9 --quiet \
    --concurrency 20 --max-failure-rate 1 --summary-json "$TF_WORK/$1.json" --dead-letter "$TF_WORK/$1.dead"
  check "$1: exit code" "0" "$RUN_RC"
  [[ -s "$TF_WORK/$1.json" ]] || fail "$1: no summary: $(tail -3 "$TF_WORK/$1.err")"
  check_accounting "$TF_WORK/$1.json" "$TF_WORK/$1.dead"
  check "$1: zero violations on each mock" "0 0 0" "$(mocks_stat violations_total)"
}

use_mock 2
paced_run base
base_hits=$(jv "$TF_WORK/base.json" '.targets[0].acked + .targets[1].acked')
base_rate=$(healthy_rate)

set_faults '{"latency_ms": 1500}'
paced_run slow
check "slow: a and b received the same hits" "$base_hits" "$(jv "$TF_WORK/slow.json" '.targets[0].acked + .targets[1].acked')"
check "slow: c was slow (p50 ≥ 1500 ms)" "1" "$(jv "$TF_WORK/slow.json" '.targets[2].latency_ms.p50 >= 1500 | if . then 1 else 0 end')"
slow_rate=$(healthy_rate)
echo "healthy targets: $base_rate hits/s without, $slow_rate hits/s with a slow target"
check "slow: a and b kept at least 90% of their rate" "1" \
  "$(awk -v s="$slow_rate" -v b="$base_rate" 'BEGIN { print (b > 0 && s >= 0.9 * b) ? 1 : 0 }')"

finish
