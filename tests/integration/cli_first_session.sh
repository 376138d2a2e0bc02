#!/usr/bin/env bash
# A first session in a real terminal (tmux, 80 columns): `run --url <mock> --site-id 1 --visits 50`
# runs; the live line, with % done and ETA, never wraps at 80 columns and is redrawn in place;
# SIGUSR1 prints the table on a fresh line, in the compact layout that fits 80 columns; Ctrl-C once, under `timeout`, drains (exit 130,
# stop_reason stop_requested) and the ledger brackets what the mock stored.
source "$(dirname "$0")/lib.sh"
need_tools
command -v tmux >/dev/null || fail "tmux is required (tools/setup.sh installs it)"
socket="tf-it-$$"
tmux_() { tmux -L "$socket" -f "$TF_WORK/tmux.conf" "$@"; }
trap 'tmux_ kill-server 2>/dev/null || true; tf_cleanup' EXIT
printf 'set -g remain-on-exit on\nset -g history-limit 5000\n' >"$TF_WORK/tmux.conf"

# pane_text: everything the pane showed, wrapped rows joined (-J), so a wrapped line is one long line.
pane_text() { tmux_ capture-pane -p -J -S - -t first; }
# wait_pane REGEX SECONDS: waits until the pane shows a line matching REGEX; 0 if it did.
wait_pane() {
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    pane_text | grep -Eq "$1" && return 0
    sleep 0.1
  done
  return 1
}

start_mock
s=$TF_WORK/first.json
# `exec`: timeout, the shell under it and trafficinator are the terminal's foreground process
# group, as when typed in a shell, so Ctrl-C reaches all (and timeout forwards it once more). The
# shell under timeout records trafficinator's exit code: tmux marks a pane dead when its terminal
# closes but learns the status only when it reaps the process, which it sometimes does not.
tmux_ new-session -d -s first -x 80 -y 40 \
  "exec timeout 120 bash -c '\"\$0\" \"\$@\"; echo \$? >\"$TF_WORK/first.rc\"' '$TF_BIN' run --url '$MOCK_URL' --site-id 1 --visits 50 --rate 10 --seed 5 \
     --summary-json '$s' --dead-letter '$TF_WORK/first.dead'"
wait_pane '^elapsed .*[0-9]+% eta' 30 || fail "no live status line with % done and ETA: $(pane_text)"
wait_pane '^elapsed [1-9][0-9.]*s ' 30 || fail "the status line was not redrawn: $(pane_text)"
check "the status line is redrawn in place (one line)" "1" "$(pane_text | grep -c '^elapsed ')"
live=$(pane_text | grep '^elapsed ')
check "the live line fits 80 columns (fields dropped from the right): $live" "1" "$(( ${#live} > 20 && ${#live} < 80 ))"

tf_pid=$(pgrep -s "$(tmux_ display -p -t first '#{pane_pid}')" -x trafficinator || true)
[[ -n "$tf_pid" ]] || fail "trafficinator is not running: $(pane_text)"
kill -USR1 "$tf_pid"
wait_pane '^target +status' 10 || fail "SIGUSR1 printed no table on a fresh line: $(pane_text)"
check "SIGUSR1: nothing before the table's header on its line" "0" "$(pane_text | grep -c '.target  *status')"

tmux_ send-keys -t first C-c
for _ in $(seq 300); do
  [[ -s $TF_WORK/first.rc && $(tmux_ display -p -t first '#{pane_dead}') == 1 ]] && break
  sleep 0.1
done
check "Ctrl-C under timeout: exit code 130 (drained, not killed)" "130" "$(cat "$TF_WORK/first.rc" 2>/dev/null)"
text=$(pane_text)
check "Ctrl-C: the drain message starts its own line" "1" "$(grep -cE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T.* draining' <<<"$text")"
check "the live line never wider than 80 columns" "0" "$(grep -E '^elapsed .* \| ' <<<"$text" | awk 'length($0) > 80' | wc -l)"
# -J joins wrapped lines: a table line wider than the terminal would show here as one long line
# (log records on stderr are not the table's)
check "the tables (SIGUSR1, final) take the compact layout: no line wider than 80 columns" "0" \
  "$(grep -vE '^(elapsed .* \| |trafficinator: |[0-9]{4}-[0-9]{2}-[0-9]{2}T)' <<<"$text" | python3 -c '
import sys
wide = [l.rstrip("\n") for l in sys.stdin if len(l.rstrip("\n")) > 80]
sys.stderr.writelines(f"too wide: {l}\n" for l in wide)
print(len(wide))')"
check "both tables are compact (p99 ms column, no breaker column)" "2" "$(grep -cE '^target +status +acked .* p99 ms$' <<<"$text")"
[[ -s "$s" ]] || fail "no summary written: $text"
check "stopped by the request" "stop-requested" "$(jv "$s" '.stop_reason')"
assert_bracket "$s"
stop_mock
finish
