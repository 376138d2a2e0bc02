#!/usr/bin/env bash
# Routing across three loopback mocks: weighted 70/20/10 sends whole visitors (every visitor's
# hits reach exactly one mock) in those proportions; round-robin splits visitors evenly between the
# enabled targets and a disabled target receives nothing; mirror sends every visit to every
# target with the same visitor ids. Every run: zero violations, each mock holds exactly the hits
# acked for its target, and the accounting identity holds per target.
source "$(dirname "$0")/lib.sh"
need_tools
start_mocks 3

# routed_run NAME STRATEGY SPEC... -- [trafficinator args...]: resets the mocks, runs a smoke run
# against them, checks exit 0, accounting, zero violations and per-target acked = mock accepted.
routed_run() {
  local name=$1 strategy=$2 i
  shift 2
  local specs=()
  while [[ $1 != -- ]]; do specs+=("$1"); shift; done
  shift
  reset_mocks
  mocks_targets "$TF_WORK/$name.targets.json" "$strategy" "${specs[@]}"
  S=$TF_WORK/$name.json
  run_tf "$name" run --preset smoke --targets "$TF_WORK/$name.targets.json" --seed 11 --quiet --duration 40s \
    --summary-json "$S" --dead-letter "$TF_WORK/$name.dead" "$@"
  check "$name: exit code" "0" "$RUN_RC"
  [[ -s "$S" ]] || fail "$name: no summary: $(tail -3 "$TF_WORK/$name.err")"
  check_accounting "$S" "$TF_WORK/$name.dead"
  check "$name: every hit acked" "$(jv "$S" '.totals.generated')" "$(jv "$S" '.totals.acked')"
  check "$name: zero violations on each mock" "0 0 0" "$(mocks_stat violations_total)"
  for i in 0 1 2; do
    check "$name: mock $i accepted = target $i acked" "$(jv "$S" ".targets[$i].acked")" \
      "$(curl -s "${MOCKS_BASE[$i]}/mock/stat/hits_accepted")"
  done
  for i in 0 1 2; do
    mock_visitor_ids "$i" >"$TF_WORK/$name.ids.$i"
  done
}

# share N TOTAL: N/TOTAL in percent, rounded.
share() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%d", (t > 0 ? 100 * n / t : 0) + 0.5 }'; }
# within LOW HIGH VALUE: "yes" when LOW <= VALUE <= HIGH.
within() { ((${1} <= ${3} && ${3} <= ${2})) && echo yes || echo "no ($3 not in $1..$2)"; }

# weighted 70/20/10: whole visitors, in proportion
routed_run weighted weighted a:70 b:20 c:10 -- --visits 400 --speed 8
w=$TF_WORK/weighted.ids
check "weighted: no visitor on two mocks" "0" \
  "$(cat <(comm -12 "$w.0" "$w.1") <(comm -12 "$w.0" "$w.2") <(comm -12 "$w.1" "$w.2") | wc -l)"
n0=$(wc -l <"$w.0") n1=$(wc -l <"$w.1") n2=$(wc -l <"$w.2")
total=$((n0 + n1 + n2))
check "weighted: every visit was delivered" "400" "$(jv "$S" '.totals.visits')"
check "weighted: more than 300 visitors seen" "1" "$((total > 300))"
check "weighted: a has 70% ± 8 of the visitors" "yes" "$(within 62 78 "$(share "$n0" "$total")")"
check "weighted: b has 20% ± 7 of the visitors" "yes" "$(within 13 27 "$(share "$n1" "$total")")"
check "weighted: c has 10% ± 6 of the visitors" "yes" "$(within 4 16 "$(share "$n2" "$total")")"

# round-robin over a and b; c is disabled and receives nothing
routed_run rr round-robin a:1 b:1 c:1:off -- --visits 120 --speed 8
r=$TF_WORK/rr.ids
check "round-robin: the disabled target received nothing" "0" "$(curl -s "${MOCKS_BASE[2]}/mock/stat/hits_received")"
check "round-robin: no hits counted for the disabled target" "0" "$(jv "$S" '.targets[2].hits')"
check "round-robin: no visitor on both mocks" "0" "$(comm -12 "$r.0" "$r.1" | wc -l)"
n0=$(wc -l <"$r.0") n1=$(wc -l <"$r.1")
check "round-robin: visitors are split evenly (50% ± 10 each)" "yes" "$(within 40 60 "$(share "$n0" $((n0 + n1)))")"
check "round-robin: every visit was delivered" "120" "$(jv "$S" '.targets[0].visits + .targets[1].visits')"

# mirror: every visit on every target, same visitor ids, each copy accounted separately
routed_run mirror mirror a:1 b:1 c:1 -- --visits 60 --speed 8
m=$TF_WORK/mirror.ids
check "mirror: a and b saw the same visitors" "" "$(diff "$m.0" "$m.1" | head -3)"
check "mirror: a and c saw the same visitors" "" "$(diff "$m.0" "$m.2" | head -3)"
check "mirror: every visit on every mock" "60 60 60" "$(mocks_stat visits)"
check "mirror: each copy accounted: target hits are equal" "true" \
  "$(jv "$S" '[.targets[].hits] | (unique | length == 1) and .[0] > 0')"
check "mirror: totals add the copies" "$(jv "$S" '.targets[0].hits * 3')" "$(jv "$S" '.totals.hits')"

finish
