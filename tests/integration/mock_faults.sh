#!/usr/bin/env bash
# Fault injection of the mock: error statuses at a seeded rate with Retry-After, limits, down
# windows, connection drops, stalls past the client timeout, added latency and a bulk answer
# that records only the first k hits. Faulted requests record nothing.
source "$(dirname "$0")/lib.sh"

start_mock
page="idsite=1&rec=1&url=https%3A%2F%2Fshop.example%2F&action_name=Home&cid=0123456789abcdef"

# send N: N sequential hits; prints their status codes on one line
send() {
  local codes=() i
  for ((i = 0; i < $1; i++)); do
    codes+=("$(curl -s -o /dev/null -w '%{http_code}' "$MOCK_URL?$page")")
  done
  echo "${codes[*]}"
}
count_of() { tr ' ' '\n' <<<"$2" | grep -c "^$1\$" || true; }

# 503 for 30% of requests, seeded: the same seed gives the same sequence
set_faults '{"status":503,"rate":0.3,"seed":42,"retry_after":"3"}'
first=$(send 40)
set_faults '{"status":503,"rate":0.3,"seed":42,"retry_after":"3"}'
second=$(send 40)
check "a seed repeats the fault sequence" "$first" "$second"
n503=$(count_of 503 "$first")
n200=$(count_of 200 "$first")
check "every request is either faulted or accepted" "40" "$((n503 + n200))"
((n503 > 0 && n503 < 40)) || fail "rate 0.3 gave $n503 of 40"
check "faults injected are counted" "$((2 * n503))" "$(mock_stat faults_injected/status_503)"
check "faulted requests record nothing" "$((2 * n200))" "$(mock_stat hits_accepted)"
set_faults '{"status":503,"rate":1}'
check "Retry-After is sent only when configured" "0" \
  "$(curl -s -D - -o /dev/null "$MOCK_URL?$page" | grep -ci '^retry-after' || true)"

# 429 with Retry-After for the first two requests only
set_faults '{"status":429,"retry_after":"2","limit":2}'
check "Retry-After on an injected 429" "2" \
  "$(curl -s -D - -o /dev/null "$MOCK_URL?$page" | tr -d '\r' | sed -n 's/^Retry-After: //Ip')"
check "limit: two faults, then normal answers" "429 200 200" "$(send 3)"

# a down window from now for 1.5 s
set_faults '{"windows":[{"from_s":0,"to_s":1.5,"status":503}]}'
check "inside the window: 503" "503" "$(send 1)"
# the window's end, observed: poll (bounded: 5 s) until the answers change
start_ns=$(date +%s%N) answer=503
for _ in $(seq 100); do
  answer=$(send 1)
  [[ $answer == 200 ]] && break
  sleep 0.05
done
check "after the window: 200" "200" "$answer"
check "the window lasted its 1.5 s" "1" "$((($(date +%s%N) - start_ns) >= 1000000000 ? 1 : 0))"

# connection drop: closed without an answer (curl: empty reply, exit 52)
set_faults '{"drop_rate":1,"limit":1}'
rc=0
curl -s -o /dev/null "$MOCK_URL?$page" || rc=$?
check "a dropped connection gets no answer" "52" "$rc"
check "the next request is served" "200" "$(send 1)"
check "drops are counted" "1" "$(mock_stat faults_injected/drop)"

# stall past the client timeout: the client gives up, nothing is recorded
before=$(mock_stat hits_accepted)
set_faults '{"stall_ms":2500,"limit":1}'
rc=0
curl -s -o /dev/null --max-time 1 "$MOCK_URL?$page" || rc=$?
check "a stalled request times out at the client" "28" "$rc"
check "a stalled request records nothing" "$before" "$(mock_stat hits_accepted)"
check "stalls are counted" "1" "$(mock_stat faults_injected/stall)"

# record, then stall / drop: the hit is stored although the client sees a timeout / no answer
before=$(mock_stat hits_accepted)
set_faults '{"record_then":"stall","record_then_every":1,"record_then_ms":2500,"limit":1}'
rc=0
curl -s -o /dev/null --max-time 1 "$MOCK_URL?$page" || rc=$?
check "record-then-stall: the client times out" "28" "$rc"
check "record-then-stall: the hit was recorded" "$((before + 1))" "$(mock_stat hits_accepted)"
set_faults '{"record_then":"drop","record_then_every":2,"limit":1}'
check "record-then-drop: every 2nd request" "200" "$(send 1)"
rc=0
curl -s -o /dev/null "$MOCK_URL?$page" || rc=$?
check "record-then-drop: no answer" "52" "$rc"
check "record-then-drop: both recorded" "$((before + 3))" "$(mock_stat hits_accepted)"
check "record-then faults are counted" "1 1" \
  "$(mock_stat faults_injected/record_then_stall) $(mock_stat faults_injected/record_then_drop)"
# record late: processed first (past the client's timeout), recorded after that
set_faults '{"record_then":"late","record_then_every":1,"record_then_ms":1500,"limit":1}'
rc=0
curl -s -o /dev/null --max-time 0.5 "$MOCK_URL?$page" || rc=$?
check "record-late: the client times out" "28" "$rc"
check "record-late: not recorded when the client gives up" "$((before + 3))" "$(mock_stat hits_accepted)"
for _ in $(seq 50); do
  (($(mock_stat hits_accepted) > before + 3)) && break
  sleep 0.1
done
check "record-late: recorded after that" "$((before + 4))" "$(mock_stat hits_accepted)"
check "record-late is counted" "1" "$(mock_stat faults_injected/record_then_late)"
check "record_then: only stall, drop or late" "400" "$(curl -s -o /dev/null -w '%{http_code}' -X POST \
  -H 'Content-Type: application/json' --data '{"record_then":"sleep"}' "$MOCK_BASE/mock/faults")"

# a redirect: 301 with its Location, nothing recorded
before=$(mock_stat hits_accepted)
set_faults '{"status":301,"location":"https://elsewhere.example/matomo.php"}'
check "redirect: 301 with Location" "301 https://elsewhere.example/matomo.php" \
  "$(curl -s -D - -o /dev/null "$MOCK_URL?$page" | tr -d '\r' | sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p; s/^Location: //Ip' | paste -sd' ')"
check "redirect: nothing recorded" "$before" "$(mock_stat hits_accepted)"

# added latency applies to every request (a lower bound only)
set_faults '{"latency_ms":300}'
t=$(curl -s -o /dev/null -w '%{time_total}' "$MOCK_URL?$page")
awk -v t="$t" 'BEGIN { exit !(t >= 0.3) }' || fail "latency 300 ms answered in $t s"
echo "ok: latency 300 ms took $t s"

# bulk answer recording only the first k hits, then the resent tail is accepted
set_faults '{"bulk_first_k":2,"limit":1}'
curl -s --data '' "$MOCK_BASE/mock/reset" >/dev/null
elems=()
for i in 1 2 3 4 5; do
  elems+=("\"?idsite=1&rec=1&url=https%3A%2F%2Fshop.example%2F$i&cid=000000000000000$i\"")
done
body=$(IFS=,; echo "{\"requests\":[${elems[*]}]}")
out=$(curl -s -w ' %{http_code}' -H 'Content-Type: application/json' --data "$body" "$MOCK_URL")
check "first-k bulk answers 500 with tracked k" '{"invalid":0,"status":"error","tracked":2} 500' "$out"
check "the first k are recorded" "2" "$(mock_stat hits_accepted)"
tail_body=$(IFS=,; echo "{\"requests\":[${elems[*]:2}]}")
out=$(curl -s -w ' %{http_code}' -H 'Content-Type: application/json' --data "$tail_body" "$MOCK_URL")
check "the resent tail is tracked" '{"invalid":0,"status":"success","tracked":3} 200' "$out"
check "all five are recorded once" "5" "$(mock_stat hits_accepted)"
check "no violations under faults" "0" "$(mock_stat violations_total)"
stop_mock

# faults from the command line, active from the start
start_mock --fault-status 503 --fault-rate 1 --retry-after 7
check "command-line fault status" "503" "$(send 1)"
check "command-line Retry-After" "7" \
  "$(curl -s -D - -o /dev/null "$MOCK_URL?$page" | tr -d '\r' | sed -n 's/^Retry-After: //Ip')"
check "/mock endpoints are never faulted" "0" "$(mock_stat hits_accepted)"
stop_mock
check "the report counts the injected faults" "2" "$(report_field "$MOCK_REPORT" faults_injected_total)"
finish
