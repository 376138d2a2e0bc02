#!/usr/bin/env bash
# One run, however it is split: for N = 1, 2, 4, 8 the sorted NDJSON of `generate --shard K/N`
# over all K equals the unsharded `generate` (same seed), in realtime and in backfill, with a
# small returning-visitor pool so that many visitors come back, in visits that fall to other
# shards. Each shard holds only its visits (i ≡ K mod N).
source "$(dirname "$0")/lib.sh"
need_tools

# 30 pool visitors, 80 % of visits drawn from the pool, visits ~45 s apart: most pool visitors
# return, after Matomo's 30-minute window, often in another shard.
export RETURNING_VISITOR_POOL=30 RETURNING_VISITOR_PROBABILITY=0.8 TARGET_VISITS_PER_DAY=2000
export MATOMO_TOKEN_AUTH=shards-generate-token BACKFILL_MAX_VISITS_PER_DAY=120 BACKFILL_MAX_VISITS_TOTAL=240
sorted() { jq -c -S . "$@" | sort; }

# check_split NAME [generate args...]: the unsharded output, then N = 1, 2, 4, 8.
check_split() {
  local name=$1 n k
  shift
  TF_RUN_LIMIT=60 run_tf "$name" generate --preset smoke --seed 31 "$@"
  check "$name: exit code" "0" "$RUN_RC"
  sorted "$TF_WORK/$name.out" >"$TF_WORK/$name.sorted"
  local visits
  visits=$(jq -r .visit "$TF_WORK/$name.out" | sort -u | grep -c .)
  ((visits >= 150)) || fail "$name: only $visits visits generated: $(tail -2 "$TF_WORK/$name.err")"
  # visitors of more than one visit, and those whose visits fall to different shards of 8
  local returning spread
  returning=$(jq -r '"\(.params._id) \(.visit)"' "$TF_WORK/$name.out" | sort -u | awk '{n[$1]++}
    END {for (v in n) if (n[v] > 1) c++; print c + 0}')
  spread=$(jq -r '"\(.params._id) \(.visit % 8)"' "$TF_WORK/$name.out" | sort -u | awk '{n[$1]++}
    END {for (v in n) if (n[v] > 1) c++; print c + 0}')
  echo "$name: $visits visits, $returning returning visitors, $spread of them in several shards of 8"
  check "$name: returning visitors seen in several shards of 8" "yes" "$( ((spread >= 10)) && echo yes || echo no)"
  for n in 1 2 4 8; do
    : >"$TF_WORK/$name.$n.nd"
    for ((k = 0; k < n; k++)); do
      TF_RUN_LIMIT=60 run_tf part generate --preset smoke --seed 31 --shard "$k/$n" "$@"
      check "$name --shard $k/$n: exit code" "0" "$RUN_RC"
      check "$name --shard $k/$n: only visits i ≡ $k (mod $n)" "0" \
        "$(jq -c --argjson n "$n" --argjson k "$k" 'select(.visit % $n != $k)' "$TF_WORK/part.out" | grep -c . || true)"
      cat "$TF_WORK/part.out" >>"$TF_WORK/$name.$n.nd"
    done
    sorted "$TF_WORK/$name.$n.nd" >"$TF_WORK/$name.$n.sorted"
    cmp -s "$TF_WORK/$name.sorted" "$TF_WORK/$name.$n.sorted" && same=yes || same=no
    check "$name: the $n shards together = the unsharded output ($(grep -c . "$TF_WORK/$name.sorted") hits)" "yes" "$same"
  done
}

check_split realtime --visits 240
check_split backfill --backfill 2026-11-20..2026-11-21
finish
