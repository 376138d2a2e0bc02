#!/usr/bin/env bash
# `generate` is deterministic and its hits pass the strict mock:
# - the same preset, visit count and seed twice give byte-identical output; another seed differs;
# - shards 0/2 and 1/2 together are exactly the unsharded output (sorted by visit, hit);
# - --format urls gives one URL per hit;
# - the hits of 200 medium visits, sent in order as one bulk with a valid token, are all accepted
#   by the strict mock (zero violations) and make 200 visits; the token is redacted in the output.
# TF_GENERATE_VISITS (default 1000) sets the size of the determinism runs.
source "$(dirname "$0")/lib.sh"
need_tools

n=${TF_GENERATE_VISITS:-1000}
gen() {  # gen OUT [generate args...]
  local out=$1
  shift
  TF_RUN_LIMIT=120 run_tf gen generate --preset medium --visits "$n" "$@"
  check "generate $*: exit code" "0" "$RUN_RC"
  mv "$TF_WORK/gen.out" "$TF_WORK/$out"
}

gen a.nd --seed 7
gen b.nd --seed 7
check "generate: output not empty" "1" "$(($(wc -l <"$TF_WORK/a.nd") > n ? 1 : 0))"
cmp -s "$TF_WORK/a.nd" "$TF_WORK/b.nd" && same=yes || same=no
check "generate: the same seed gives identical output" "yes" "$same"
gen c.nd --seed 8
cmp -s "$TF_WORK/a.nd" "$TF_WORK/c.nd" && same=yes || same=no
check "generate: another seed gives other output" "no" "$same"

gen s0.nd --seed 7 --shard 0/2
gen s1.nd --seed 7 --shard 1/2
sorted() { jq -c -S . "$@" | jq -s -c 'sort_by(.visit, .hit)[]'; }
sorted "$TF_WORK/a.nd" >"$TF_WORK/a.sorted"
sorted "$TF_WORK/s0.nd" "$TF_WORK/s1.nd" >"$TF_WORK/shards.sorted"
cmp -s "$TF_WORK/a.sorted" "$TF_WORK/shards.sorted" && same=yes || same=no
check "generate: shard 0/2 + shard 1/2 = unsharded" "yes" "$same"
check "generate: shard 0/2 has only even visits" "0" "$(jq -c 'select(.visit % 2 != 0)' "$TF_WORK/s0.nd" | grep -c . || true)"

TF_RUN_LIMIT=60 run_tf urls generate --preset medium --visits 100 --seed 7 --format urls
check "generate --format urls: exit code" "0" "$RUN_RC"
TF_RUN_LIMIT=60 run_tf nd generate --preset medium --visits 100 --seed 7
check "generate --format urls: one URL per hit" "$(wc -l <"$TF_WORK/nd.out")" \
  "$(grep -c '^https\?://[^ ]*matomo\.php?idsite=' "$TF_WORK/urls.out" || true)"

# the generated hits pass the strict mock (backdated cdt and cip need the token)
token="h6-generate-token-9f8e7d6c"
cat >"$TF_WORK/mock.json" <<JSON
{"sites": [{"id": 1, "timezone": "UTC", "site_search": true, "goals": [1, 2, 3, 4, 5]}],
 "tokens": [{"token": "$token", "super": true}]}
JSON
start_mock --config "$TF_WORK/mock.json"
MATOMO_TOKEN_AUTH=$token TF_RUN_LIMIT=60 run_tf tok generate --preset medium --visits 200 --seed 7
check "generate with a token: exit code" "0" "$RUN_RC"
check "generate: the token is not in the output" "0" "$(grep -cF "$token" "$TF_WORK/tok.out" "$TF_WORK/tok.err" | awk -F: '{s += $2} END {print s}')"
hits=$(grep -c . "$TF_WORK/tok.out")
jq -s -c --arg t "$token" '{token_auth: $t, requests: [sort_by(.visit, .hit)[] | "?" + (.params
  | del(.token_auth) | to_entries | map("\(.key)=\(.value | @uri)") | join("&"))]}' \
  "$TF_WORK/tok.out" >"$TF_WORK/bulk.json"
check "generate: the bulk is accepted" "200" "$(curl -s -o "$TF_WORK/bulk.answer" -w '%{http_code}' \
  --max-time 60 -H 'Content-Type: application/json' --data-binary @"$TF_WORK/bulk.json" "$MOCK_URL")"
check "generate: every generated hit tracked" "$hits" "$(jq '.tracked' "$TF_WORK/bulk.answer")"
check "generate: zero violations" "0" "$(mock_stat violations_total)"
check "generate: the mock reconstructs the 200 visits" "200" "$(mock_stat visits)"
stop_mock
finish
