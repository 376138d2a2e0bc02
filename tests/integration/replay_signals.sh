#!/usr/bin/env bash
# SIGINT during `replay`: a dead-letter file of 400 visits (3 hits each, one visitor and user
# agent each) is replayed to a mock that answers after 150 ms with CONCURRENCY 4, and interrupted
# once some hits went through. The replay drains the visits in progress, exits 130 and prints the
# table; every hit of the file is either acked (accepted by the mock) or written to FILE.failed
# as not sent (not-started: visits never started or never taken) or cut at the drain (drain-timeout), and the
# accounting adds up. The .replayed guard is written for an interrupted replay too (part of the
# file was sent), so FILE is refused a second time, and FILE.failed, replayed next, delivers
# exactly the rest: every hit of FILE reaches the mock once.
source "$(dirname "$0")/lib.sh"
need_tools
start_mock
D=$TF_WORK/big.ndjson
visits=400
now=$(now_s)
jq -nc --argjson n "$visits" --argjson t "$((now - 600))" 'range(0; $n) as $v | range(0; 3) as $k |
  ($v + 4096 | tostring | ("0000000000000000" + .)[-16:]) as $id |
  {visit: $v, hit: $k, visitor: $id, target: "default", outcome: "dead-lettered",
   reason: (if $k == 0 then "http-503" else "previous-hit-failed" end), attempts: 3,
   params: ({idsite: "1", rec: "1", _id: $id, cdt: ($t + $k | tostring),
             url: "https://shop.example/p\($k)", action_name: "P\($k)",
             ua: "Mozilla/5.0 (X11; Linux x86_64) Replay/\($v)"}
            + (if $k == 0 then {new_visit: "1"} else {} end))}' >"$D"
hits=$((visits * 3))
check "the file holds every hit" "$hits" "$(grep -c . "$D")"

set_faults '{"latency_ms": 150}'
MATOMO_URL=$MOCK_URL start_tf int replay "$D" --concurrency 4 --summary-json "$TF_WORK/int.json"
for _ in $(seq 200); do
  (($(mock_stat hits_accepted) >= 30)) && break
  sleep 0.05
done
accepted=$(mock_stat hits_accepted)
((accepted >= 30)) || fail "the mock accepted only $accepted hits in 10 s: $(tail -3 "$TF_WORK/int.err")"
kill -INT "$TF_RUN_PID"
wait_tf 30
check "interrupted: exit code" "130" "$RUN_RC"
[[ -s "$TF_WORK/int.json" ]] || fail "interrupted: no summary: $(tail -3 "$TF_WORK/int.err")"
check_table int
check "interrupted: stop reason" "stop-requested" "$(jv "$TF_WORK/int.json" '.stop_reason')"
check_accounting "$TF_WORK/int.json" "$D.failed"
acked=$(jv "$TF_WORK/int.json" '.totals.acked')
check "interrupted: every hit of the file accounted" "$hits" "$(jv "$TF_WORK/int.json" '.accounting.generated')"
check "interrupted: not everything was sent" "1" "$((acked < hits))"
check "interrupted: acked + FILE.failed = the file" "$hits" "$((acked + $(grep -c . "$D.failed")))"
check "interrupted: nothing rejected or failed" "0" "$(jv "$TF_WORK/int.json" '.totals.rejected + .totals.failed')"
check "interrupted: FILE.failed holds hits cut by the stop only" "0" \
  "$(jq -r 'select((.outcome | IN("not_sent", "unconfirmed") | not) or (.reason != "not-started" and .reason != "drain-timeout"))' "$D.failed" | grep -c . || true)"
check "interrupted: no visit split (whole visits in FILE.failed)" "0" \
  "$(jq -s 'group_by(.visit) | map(select(length != 3)) | length' "$D.failed")"
check "interrupted: the drain is logged" "1" "$(grep -c 'draining [0-9]* visits in progress' "$TF_WORK/int.err" || true)"
check "interrupted: the marker names the file" "$D" "$(jv "$D.replayed" '.file')"

# the guard: the interrupted file is refused; what was not sent is replayed from FILE.failed
MATOMO_URL=$MOCK_URL run_tf again replay "$D"
check "replay again: exit code" "2" "$RUN_RC"
check "replay again: names the guard" "1" "$(grep -c "was already replayed at .*use --force" "$TF_WORK/again.err" || true)"
set_faults '{}'
bracket_mark
MATOMO_URL=$MOCK_URL run_tf rest replay "$D.failed" --summary-json "$TF_WORK/rest.json"
check "rest: exit code" "0" "$RUN_RC"
check_accounting "$TF_WORK/rest.json" "$D.failed.failed"
check "rest: every hit of the file accepted once" "$hits" "$(mock_stat hits_accepted)"
check "rest: zero violations" "0" "$(mock_stat violations_total)"
stop_mock

finish
