#!/usr/bin/env bash
# Issue 16: `generate --targets` writes exactly what `run` sends. With weighted and with mirror
# targets (two mocks, site ids 1 and 2), the hits each mock receives from `run` equal, hit for
# hit, the lines `generate` writes for that target with the same seed (the times cdt/h/m/s
# aside: run dates hits at send time, generate at a fixed epoch).
source "$(dirname "$0")/lib.sh"
need_tools
cat >"$TF_WORK/sites.json" <<'JSON'
{"sites": [{"id": 1, "timezone": "UTC", "site_search": true, "goals": [1, 2, 3, 4, 5]},
           {"id": 2, "timezone": "UTC", "site_search": true, "goals": [1, 2, 3, 4, 5]}]}
JSON
start_mocks 2 --config "$TF_WORK/sites.json"

# canonical: one line per hit, {target, params with sorted keys, ec_items as JSON}, without the
# times, sorted.
canonical() {
  jq -c '{t: .target, p: (.params | del(.cdt, .h, .m, .s, .token_auth)
                          | if (.ec_items | type) == "string" then .ec_items |= fromjson else . end)}' | jq -sc 'map({t, p: (.p | to_entries | sort_by(.key) | from_entries)}) | .[]' | sort
}

for strategy in weighted mirror; do
  reset_mocks
  T=$TF_WORK/$strategy.targets.json
  mocks_targets "$T.tmp" "$strategy" a:3 b:1
  jq '.targets[1].site_id = 2' "$T.tmp" >"$T"
  S=$TF_WORK/$strategy.json
  RETURNING_VISITOR_POOL=30 run_tf "$strategy" run --preset smoke --targets "$T" --visits 80 --seed 21 --quiet \
    --duration 60s --summary-json "$S" --dead-letter "$TF_WORK/$strategy.dead"
  check "$strategy: run exit code" "0" "$RUN_RC"
  # the bracket over both mocks: acked <= stored <= acked + unconfirmed
  stored=$(($(curl -s "${MOCKS_BASE[0]}/mock/stat/hits_accepted") + $(curl -s "${MOCKS_BASE[1]}/mock/stat/hits_accepted")))
  check "$strategy: bracket acked <= stored <= acked + unconfirmed" "yes" \
    "$(jq -r --argjson r "$stored" 'if .totals.acked <= $r and $r <= .totals.acked + (.totals.unconfirmed // 0) then "yes" else "no: \(.totals.acked) \($r)" end' "$S")"
  RETURNING_VISITOR_POOL=30 run_tf "$strategy.gen" generate --preset smoke --targets "$T" --visits 80 --seed 21 \
    --output "$TF_WORK/$strategy.ndjson"
  check "$strategy: generate exit code" "0" "$RUN_RC"
  canonical <"$TF_WORK/$strategy.ndjson" >"$TF_WORK/$strategy.generated"
  for i in 0 1; do
    name=$([[ $i == 0 ]] && echo a || echo b)
    curl -s --max-time 30 "${MOCKS_BASE[$i]}/mock/hits" | jq -c --arg t "$name" '{target: $t, params}'
  done | canonical >"$TF_WORK/$strategy.received"
  check "$strategy: hits generated" "$(jv "$S" '.accounting.generated')" "$(wc -l <"$TF_WORK/$strategy.generated" | tr -d ' ')"
  check "$strategy: generate = what the mocks received" "" \
    "$(diff "$TF_WORK/$strategy.generated" "$TF_WORK/$strategy.received" | head -5)"
  check "$strategy: both targets received hits" "2" \
    "$(cut -d'"' -f4 "$TF_WORK/$strategy.received" | sort -u | wc -l | tr -d ' ')"
done

finish
