#!/usr/bin/env bash
# Output files and streams: a symlinked --summary-json stays a symlink and its target holds the
# JSON; a --summary-json FIFO (not a regular file) is written in place; an unwritable summary path gives exit 2
# before any hit is sent; SIGPIPE (stdout to `head -c 1`) and a closed stdout keep the run, the
# summary and the exit code; `generate` into a full file system exits 3.
source "$(dirname "$0")/lib.sh"
need_tools

export PAUSE_BETWEEN_PVS_MIN=0 PAUSE_BETWEEN_PVS_MAX=0.01
run_args=(run --preset smoke --visits 5 --speed 10 --seed 8 --quiet)

# fresh_mock: forgets the hits of earlier runs, so that assert_bracket sees one run only.
fresh_mock() {
  curl -s --max-time 10 -o /dev/null --data "" "$MOCK_BASE/mock/reset" || fail "mock reset failed"
}

start_mock
# ---- a symlinked summary stays a symlink ----
mkdir -p "$TF_WORK/real"
ln -s real/summary.json "$TF_WORK/link.json"
MATOMO_URL=$MOCK_URL run_tf link "${run_args[@]}" --summary-json "$TF_WORK/link.json" --dead-letter "$TF_WORK/link.dead"
check "symlink: exit code" "0" "$RUN_RC"
check "symlink: the link is still a link" "yes" "$([[ -L "$TF_WORK/link.json" ]] && echo yes || echo no)"
check "symlink: its target holds the summary" "8" "$(jv "$TF_WORK/real/summary.json" '.seed')"
check "symlink: no temporary file is left" "summary.json" "$(ls -A "$TF_WORK/real" | xargs)"
assert_bracket "$TF_WORK/real/summary.json"

# ---- a FIFO in the test's own directory is written in place, not replaced ----
fresh_mock
mkfifo "$TF_WORK/summary.fifo"
timeout 120 cat "$TF_WORK/summary.fifo" >"$TF_WORK/fifo.json" &
reader=$!
MATOMO_URL=$MOCK_URL run_tf devout "${run_args[@]}" --summary-json "$TF_WORK/summary.fifo" --dead-letter "$TF_WORK/devout.dead"
wait "$reader" || true
check "fifo: exit code" "0" "$RUN_RC"
check "fifo: the summary came through the FIFO" "8" "$(jq -r .seed "$TF_WORK/fifo.json")"
check "fifo: still a FIFO" "1" "$([[ -p "$TF_WORK/summary.fifo" ]] && echo 1 || echo 0)"
check "fifo: the table is kept" "1" "$(grep -c '^TOTAL ' "$TF_WORK/devout.out" || true)"

# ---- an unwritable summary path: exit 2 before anything is sent ----
before=$(mock_stat hits_received)
MATOMO_URL=$MOCK_URL run_tf nodir "${run_args[@]}" --summary-json "$TF_WORK/missing/s.json" --dead-letter "$TF_WORK/nodir.dead"
check "unwritable summary: exit code" "2" "$RUN_RC"
check "unwritable summary: the message" \
  "trafficinator: error: cannot write $TF_WORK/missing/s.json: No such file or directory" "$(tail -1 "$TF_WORK/nodir.err")"
check "unwritable summary: no hit was sent" "$before" "$(mock_stat hits_received)"
MATOMO_URL=$MOCK_URL run_tf isdir "${run_args[@]}" --metrics-file "$TF_WORK/real" --dead-letter "$TF_WORK/isdir.dead"
check "a directory as --metrics-file: exit code" "2" "$RUN_RC"
check "a directory as --metrics-file: no hit was sent" "$before" "$(mock_stat hits_received)"

# ---- SIGPIPE: stdout to a reader that quits (and `head -c 1`: no death by SIGPIPE) ----
fresh_mock
# stdout to a pipe whose reader is gone (waited for), so the first write gets EPIPE
exec {gone}> >(exit 0)
reader=$!
while kill -0 "$reader" 2>/dev/null; do sleep 0.01; done
RUN_RC=0
MATOMO_URL=$MOCK_URL timeout -k 5 60 "$TF_BIN" "${run_args[@]}" --summary-json "$TF_WORK/pipe.json" \
  --dead-letter "$TF_WORK/pipe.dead" >&"$gone" 2>"$TF_WORK/pipe.err" || RUN_RC=$?
exec {gone}>&-
check "SIGPIPE: exit code" "0" "$RUN_RC"
check "SIGPIPE: the summary is written" "8" "$(jv "$TF_WORK/pipe.json" '.seed')"
check "SIGPIPE: the table went to stderr instead" "1" "$(grep -c '^TOTAL ' "$TF_WORK/pipe.err" || true)"
check_accounting "$TF_WORK/pipe.json" "$TF_WORK/pipe.dead"
assert_bracket "$TF_WORK/pipe.json"

fresh_mock
RUN_RC=0
MATOMO_URL=$MOCK_URL timeout -k 5 60 "$TF_BIN" "${run_args[@]}" --summary-json "$TF_WORK/head.json" \
  --dead-letter "$TF_WORK/head.dead" 2>"$TF_WORK/head.err" | head -c 1 >/dev/null
check "| head -c 1: exit code" "0" "${PIPESTATUS[0]}"
check "| head -c 1: the summary is written" "8" "$(jv "$TF_WORK/head.json" '.seed')"
assert_bracket "$TF_WORK/head.json"

# ---- a closed stdout ----
fresh_mock
RUN_RC=0
MATOMO_URL=$MOCK_URL timeout -k 5 60 "$TF_BIN" "${run_args[@]}" --summary-json "$TF_WORK/closed.json" \
  --dead-letter "$TF_WORK/closed.dead" >&- 2>"$TF_WORK/closed.err" || RUN_RC=$?
check "closed stdout: exit code" "0" "$RUN_RC"
check "closed stdout: the summary is written" "8" "$(jv "$TF_WORK/closed.json" '.seed')"
check "closed stdout: the table went to stderr instead" "1" "$(grep -c '^TOTAL ' "$TF_WORK/closed.err" || true)"
assert_bracket "$TF_WORK/closed.json"
stop_mock

# ---- generate into a full file system ----
if small_fs "$TF_WORK/full" 16; then
  RUN_RC=0
  "$TF_BIN" generate --preset smoke --visits 200 --seed 8 >"$TF_WORK/full/gen.ndjson" 2>"$TF_WORK/genfull.err" || RUN_RC=$?
  check "generate > full disk: exit code" "3" "$RUN_RC"
  check "generate > full disk: the message" "trafficinator: error: cannot write to standard output: No space left on device" \
    "$(tail -1 "$TF_WORK/genfull.err")"
else
  echo "note: tmpfs not allowed here; generate to a full disk not checked" >&2
fi
finish
