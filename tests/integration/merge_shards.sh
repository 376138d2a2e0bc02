#!/usr/bin/env bash
# Two shards (--shard 0/2 and 1/2, same seed) run at the same time against one mock; `merge` of
# their --summary-json files exits 0 and adds up: every count of the merged totals is the sum of
# the shards', the accounting balances, the mock holds exactly the merged acked hits and visits,
# and the merged hit count equals `generate` of the same unsharded visits. Unreadable or foreign
# summaries, a duplicated shard, different seeds or configurations are refused with exit 2; a
# missing shard gives exit 1 unless --allow-partial.
source "$(dirname "$0")/lib.sh"
need_tools

start_mock
for k in 0 1; do
  MATOMO_URL=$MOCK_URL start_tf "shard$k" run --preset smoke --shard "$k/2" --visits 20 --speed 4 \
    --seed 12 --summary-json "$TF_WORK/shard$k.json" --quiet
  pids[k]=$TF_RUN_PID
done
for k in 0 1; do
  TF_RUN_PID=${pids[k]}
  wait_tf 60
  check "shard $k/2: exit code" "0" "$RUN_RC"
  [[ -s "$TF_WORK/shard$k.json" ]] || fail "shard $k/2: no summary: $(tail -3 "$TF_WORK/shard$k.err")"
  TF_NO_BRACKET=1 check_accounting "$TF_WORK/shard$k.json"  # one mock for both: bracket the merge
done

m=$TF_WORK/merged.json
run_tf merge merge "$TF_WORK/shard0.json" "$TF_WORK/shard1.json" --summary-json "$m"
check "merge: exit code" "0" "$RUN_RC"
[[ -s "$m" ]] || fail "merge wrote no summary: $(cat "$TF_WORK/merge.err")"
check_table merge
check_accounting "$m"
for field in visits visits_completed visits_not_started hits generated acked rejected failed unconfirmed not_sent \
  possible_duplicates unidentified_rejections bulk_answers_without_counts requests failed_attempts retries; do
  check "merge: totals.$field adds up" \
    "$(jq -s --arg f "$field" 'map(.totals[$f]) | add' "$TF_WORK/shard0.json" "$TF_WORK/shard1.json")" \
    "$(jv "$m" ".totals.$field")"
done
check "merge: status codes add up" \
  "$(jq -s -c 'map(.totals.status_codes | to_entries[]) | group_by(.key) | map({(.[0].key): (map(.value) | add)}) | add' \
     "$TF_WORK/shard0.json" "$TF_WORK/shard1.json")" "$(jq -c '.totals.status_codes' "$m")"
check "merge: each shard ran half the visits" "10 10" \
  "$(jv "$TF_WORK/shard0.json" '.totals.visits') $(jv "$TF_WORK/shard1.json" '.totals.visits')"
check "merge: the mock saw the merged visits" "$(jv "$m" '.totals.visits')" "$(mock_stat visits)"
check "merge: zero violations" "0" "$(mock_stat violations_total)"
stop_mock
# `report` of the shards: one HTML report of the sum, its series adding up to the merged totals
run_tf report report "$TF_WORK/shard0.json" "$TF_WORK/shard1.json" -o "$TF_WORK/shards.html"
check "report of two shards: exit code" "0" "$RUN_RC"
report_data=$(sed -n 's/.*<script id="tf-data" type="application\/json">//p' "$TF_WORK/shards.html" | sed 's#</script>.*##')
check "report of two shards: the merged acked" "$(jv "$m" '.totals.acked')" "$(jq '.outcomes.acked' <<<"$report_data")"
check "report of two shards: 2 shards" "2" "$(jq '.shards' <<<"$report_data")"
check "merge: the series adds up to the acked hits" "$(jv "$m" '.totals.acked')" "$(jq '[.series.points[][1]] | add' "$m")"
TF_RUN_LIMIT=60 run_tf gen generate --preset smoke --visits 20 --seed 12
check "merge: merged hits = generate of the unsharded visits" "$(grep -c . "$TF_WORK/gen.out")" \
  "$(jv "$m" '.accounting.generated')"

check "shard summaries record the shard" "0/2 1/2" \
  "$(jv "$TF_WORK/shard0.json" '.shard') $(jv "$TF_WORK/shard1.json" '.shard')"
check "shard summaries record one configuration" "$(jv "$TF_WORK/shard0.json" '.config_fingerprint')" \
  "$(jv "$TF_WORK/shard1.json" '.config_fingerprint')"
cp "$TF_WORK/shard0.json" "$TF_WORK/copy0.json"
run_tf dup merge "$TF_WORK/shard0.json" "$TF_WORK/copy0.json" "$TF_WORK/shard1.json"
check "merge of a duplicated shard: exit code" "2" "$RUN_RC"
check "merge of a duplicated shard: message" \
  "trafficinator: error: $TF_WORK/copy0.json: shard 0/2 again (also $TF_WORK/shard0.json): its hits would count twice" \
  "$(cat "$TF_WORK/dup.err")"
run_tf partial merge "$TF_WORK/shard0.json"
check "merge with a missing shard: exit code" "1" "$RUN_RC"
check "merge with a missing shard: names it" "1" "$(grep -c 'error: missing shard(s) 1/2' "$TF_WORK/partial.err" || true)"
run_tf partial2 merge "$TF_WORK/shard0.json" --allow-partial
check "merge --allow-partial: exit code" "0" "$RUN_RC"
jq '.seed = 13' "$TF_WORK/shard1.json" >"$TF_WORK/otherseed.json"
run_tf seeds merge "$TF_WORK/shard0.json" "$TF_WORK/otherseed.json"
check "merge of different seeds: exit code" "2" "$RUN_RC"
jq '.config_fingerprint = "fnv1a64:0000000000000000"' "$TF_WORK/shard1.json" >"$TF_WORK/otherconfig.json"
run_tf configs merge "$TF_WORK/shard0.json" "$TF_WORK/otherconfig.json"
check "merge of different configurations: exit code" "2" "$RUN_RC"

run_tf missing merge "$TF_WORK/shard0.json" /nonexistent/h6.json
check "merge of a missing file: exit code" "2" "$RUN_RC"
check "merge of a missing file: message" \
  "trafficinator: error: /nonexistent/h6.json: cannot read: No such file or directory" "$(cat "$TF_WORK/missing.err")"
echo '{"totals": {}}' >"$TF_WORK/foreign.json"
run_tf foreign merge "$TF_WORK/shard0.json" "$TF_WORK/foreign.json"
check "merge of a foreign JSON: exit code" "2" "$RUN_RC"
check "merge of a foreign JSON: message" \
  "trafficinator: error: $TF_WORK/foreign.json: not a trafficinator summary: missing \"schema_version\"" \
  "$(cat "$TF_WORK/foreign.err")"
finish
