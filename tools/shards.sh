#!/usr/bin/env bash
# tools/shards.sh N [run args...]: runs a split run locally, the way the Kubernetes Indexed Job of
# deploy/kubernetes/ does: N processes of `trafficinator run --shard-count N ARGS...` at once, with
# JOB_COMPLETION_INDEX=0..N-1, each writing its own --summary-json, then `trafficinator merge` of
# the N summaries into one table and one merged summary.
#
#   TF_BIN       the binary (default: build/release, else build/ci, else build/dev, else PATH)
#   SHARDS_DIR   where shard-K.json, shard-K.log (stdout+stderr) and merged.json go
#                (default: a new directory shards.XXXXXX under ${TMPDIR:-/tmp}, printed)
#
# `--start-at +DURATION` (or START_AT=+DURATION) is turned into one RFC 3339 instant here, so
# that every shard waits for the same moment (each process would otherwise count from its own
# start). SIGINT/SIGTERM are passed on to every shard (each drains and writes its summary), as
# Kubernetes does with pods.
#
# Exit code: the merge's when every shard exited 0; otherwise the largest shard exit code (1:
# thresholds failed, 2: usage/config, 3: runtime, 130: interrupted). A shard without a summary is
# not merged and makes the exit code non-zero.
set -euo pipefail

usage() {
  echo "usage: tools/shards.sh N [trafficinator run args...]" >&2
  exit 2
}

[[ $# -ge 1 && "$1" =~ ^[1-9][0-9]*$ ]] || usage
n=$1
shift
((n <= 1000)) || { echo "shards.sh: N must be at most 1000, found $n" >&2; exit 2; }

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${TF_BIN:-}
if [[ -z "$bin" ]]; then
  for candidate in "$root/build/release/src/trafficinator" "$root/build/ci/src/trafficinator" \
    "$root/build/dev/src/trafficinator" "$(command -v trafficinator || true)"; do
    if [[ -n "$candidate" && -x "$candidate" ]]; then
      bin=$candidate
      break
    fi
  done
fi
[[ -n "$bin" && -x "$bin" ]] || { echo "shards.sh: no trafficinator binary (set TF_BIN)" >&2; exit 2; }

# absolute_instant +DURATION: now + DURATION as RFC 3339 UTC with milliseconds (DURATION as
# START_AT takes it: 90, 90s, 1.5s, 250ms, 5m, 2h, 1d).
absolute_instant() {
  local re='^\+([0-9]+(\.[0-9]+)?)(ms|s|m|h|d)?$'
  [[ $1 =~ $re ]] || { echo "shards.sh: --start-at: expected an RFC 3339 time or +DURATION (+30s), found \"$1\"" >&2; exit 2; }
  local delay_ms now_ms at_ms
  delay_ms=$(awk -v v="${BASH_REMATCH[1]}" -v u="${BASH_REMATCH[3]}" 'BEGIN {
    f = u == "ms" ? 1 : u == "m" ? 60000 : u == "h" ? 3600000 : u == "d" ? 86400000 : 1000
    printf "%d", v * f }')
  now_ms=$(date +%s%3N)
  at_ms=$((now_ms + delay_ms))
  date -u -d "@$((at_ms / 1000)).$(printf %03d $((at_ms % 1000)))" +%Y-%m-%dT%H:%M:%S.%3NZ
}

# The arguments the script owns, and --start-at +DURATION made absolute.
args=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --shard | --shard=* | --shard-count | --shard-count=* | --summary-json | --summary-json=*)
      echo "shards.sh: $1 is set by the script (--shard-count N, --summary-json SHARDS_DIR/shard-K.json)" >&2
      exit 2
      ;;
    --start-at | --start-at=*)
      if [[ $1 == --start-at ]]; then
        [[ $# -ge 2 ]] || usage
        at=$2
        shift
      else
        at=${1#--start-at=}
      fi
      if [[ $at == +* ]]; then
        at=$(absolute_instant "$at")
      fi
      args+=(--start-at "$at")
      ;;
    *) args+=("$1") ;;
  esac
  shift
done

# START_AT=+DURATION in the environment likewise
if [[ "${START_AT:-}" == +* ]]; then
  START_AT=$(absolute_instant "$START_AT")
  export START_AT
fi

dir=${SHARDS_DIR:-}
if [[ -z "$dir" ]]; then
  dir=$(mktemp -d "${TMPDIR:-/tmp}/shards.XXXXXX")
else
  mkdir -p "$dir"
fi
echo "shards.sh: $n shard(s) of $bin; summaries and logs in $dir" >&2

pids=()
# shellcheck disable=SC2317  # called by the traps
forward() {
  local pid
  for pid in "${pids[@]}"; do kill -"$1" "$pid" 2>/dev/null || true; done
}
trap 'forward TERM' TERM
trap 'forward INT' INT

for ((k = 0; k < n; k++)); do
  rm -f "$dir/shard-$k.json"
  JOB_COMPLETION_INDEX=$k "$bin" run --shard-count "$n" "${args[@]}" --summary-json "$dir/shard-$k.json" \
    >"$dir/shard-$k.log" 2>&1 &
  pids+=($!)
done

worst=0
summaries=()
for ((k = 0; k < n; k++)); do
  rc=0
  # `wait` returns early (> 128) when a trapped signal arrives: wait again until the shard exits.
  while true; do
    wait "${pids[k]}" && rc=0 || rc=$?
    kill -0 "${pids[k]}" 2>/dev/null || break
  done
  echo "shards.sh: shard $k/$n exited $rc" >&2
  ((rc > worst)) && worst=$rc
  if [[ -s "$dir/shard-$k.json" ]]; then
    summaries+=("$dir/shard-$k.json")
  else
    echo "shards.sh: shard $k/$n wrote no summary; last lines of $dir/shard-$k.log:" >&2
    tail -5 "$dir/shard-$k.log" >&2
    ((worst == 0)) && worst=3
  fi
done

if [[ ${#summaries[@]} -eq 0 ]]; then
  echo "shards.sh: no summary to merge" >&2
  exit "$worst"
fi
merge_rc=0
"$bin" merge "${summaries[@]}" --summary-json "$dir/merged.json" || merge_rc=$?
echo "shards.sh: merged ${#summaries[@]} of $n summaries into $dir/merged.json" >&2
if ((worst != 0)); then
  exit "$worst"
fi
exit "$merge_rc"
