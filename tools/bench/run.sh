#!/usr/bin/env bash
# The delivery benchmark of issue 4, in one invocation (see tools/bench/README.md):
#   nginx on 127.0.0.1 (1 worker, `return 204`, access log off) as the sink;
#   wrk -t1 -c50 (the reference), the bare libcurl-multi loop with 50 transfers (poll) with every
#   libcurl setting trafficinator uses (shared CURLU, ...), empty GETs and the same bytes as a hit;
#   trafficinator run with no pauses and a huge rate: single-hit (CONCURRENCY 50), in short rounds
#   alternating with the same-bytes loop (the goal ratio is the median round), and --bulk 100 with one
#   worker thread and with --threads 2 (tuned), then --bulk 100 alone (untuned); --bulk 100 with
#   --listen and its page polled against the same run without (issue 18);
#   peak RSS with 10,000 visits in progress;
#   HTTPS (the same sink over TLS, a self-signed certificate made here and trusted with CA_BUNDLE):
#   single hits with HTTP/1.1 and with HTTP/2 in alternating rounds, and their ratio;
#   BENCH_LONG=1: achieved visit rate against a 200 visits/s target over 60 s.
# Prints each figure with its goal. Every step is bounded by `timeout`; nginx and every process
# started here are stopped on exit, whatever happens.
#
#   tools/bench/run.sh [SECONDS]     (default 10 per throughput run)
# Env: PORT (18204), TLS_PORT (PORT + 1), TF_BUILD_DIR (Release build dir; default build/bench-release, configured and
#   brought up to date), TF_BIN / BARE_LOOP (use these binaries as they are),
#   BENCH_EPOLL=1 (also the bare loop in epoll mode), BENCH_LONG=1 (the 60 s rate phase),
#   BENCH_ROUNDS (9) single-hit rounds of BENCH_ROUND_SECONDS (4) each: the same-bytes loop then trafficinator,
#   BENCH_ONLY=listen (only the --listen rounds), BENCH_LISTEN_ROUNDS (5) --listen rounds,
#   BENCH_ONLY=single (only what the single-hit line needs: nginx, the same-bytes loop's inputs and the
#   BENCH_ROUNDS alternating rounds with their median ratio; no wrk, bulk, RSS, --listen or HTTPS).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
seconds="${1:-10}"
port="${PORT:-18204}"
tls_port="${TLS_PORT:-$((port + 1))}"
connections=50
url="http://127.0.0.1:${port}/matomo.php"
tls_url="https://127.0.0.1:${tls_port}/matomo.php"
build_dir="${TF_BUILD_DIR:-$root/build/bench-release}"
work="$(mktemp -d /tmp/tf-bench.XXXXXX)"
nginx_pid=""

cleanup() {
  if [[ -n "$nginx_pid" ]] && kill -0 "$nginx_pid" 2>/dev/null; then
    kill -QUIT "$nginx_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$nginx_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$nginx_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

install_missing() {
  "$root/tools/setup.sh" >/dev/null  # the build's packages (libcurl, mimalloc, ...), idempotent
  local missing=()
  command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
  command -v wrk >/dev/null 2>&1 || missing+=(wrk)
  [[ -x /usr/bin/time ]] || missing+=(time)
  command -v python3 >/dev/null 2>&1 || missing+=(python3)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  if (( ${#missing[@]} > 0 )); then
    echo "installing: ${missing[*]}"
    local sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# Release binaries: trafficinator and bare_curl_loop, brought up to date (bounded to 30 minutes)
# unless TF_BIN and BARE_LOOP name binaries to use as they are.
find_binaries() {
  tf_bin="${TF_BIN:-$build_dir/src/trafficinator}"
  bare_bin="${BARE_LOOP:-$build_dir/tools/bench/bare_curl_loop}"
  if [[ -z "${TF_BIN:-}" || -z "${BARE_LOOP:-}" ]]; then
    echo "building Release binaries in $build_dir"
    cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTF_SANITIZE=OFF -DTF_WERROR=OFF >/dev/null
    timeout 1800 cmake --build "$build_dir" --target trafficinator bare_curl_loop -j2 >/dev/null
  fi
}

start_nginx() {
  mkdir -p "$work/nginx"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
    -keyout "$work/nginx/key.pem" -out "$work/nginx/cert.pem" 2>/dev/null
  sed -e "s|@PREFIX@|$work/nginx|g" -e "s|@PORT@|$port|g" -e "s|@TLS_PORT@|$tls_port|g" "$here/nginx.conf.in" \
    > "$work/nginx/nginx.conf"
  local nginx_bin; nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
  "$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log"
  for _ in $(seq 50); do [[ -s "$work/nginx/nginx.pid" ]] && break; sleep 0.1; done
  nginx_pid="$(cat "$work/nginx/nginx.pid")"
  curl -fsS -o /dev/null "$url" || { echo "nginx did not answer on $url"; exit 1; }
  curl -fsS -o /dev/null --cacert "$work/nginx/cert.pem" "$tls_url" || { echo "nginx did not answer on $tls_url"; exit 1; }
}

wrk_rate() {
  timeout $((seconds + 30)) wrk -t1 -c"$connections" -d"${seconds}s" "$url" |
    awk '/Requests\/sec/ {printf "%.0f", $2}'
}

# bare_rate MODE [URL [BODY [USER_AGENT]]]: requests/s of the bare loop (a BODY makes every request
# a POST; a USER_AGENT adds that header), for SECONDS (or run_seconds=N bare_rate ... for N).
bare_rate() {
  local s="${run_seconds:-$seconds}"
  timeout $((s + 30)) "$bare_bin" "$1" "$connections" "$s" "${2:-$url}" 50000000 "${3:-}" "${4:-}" |
    tee -a "$work/bare.log" | sed -n 's/.*req_per_s=\([0-9]*\).*/\1/p'
}

# tf_run NAME TIMEOUT_S [ENV=VALUE ...] -- [run options]: runs trafficinator under
# /usr/bin/time -v; leaves $work/NAME.json (summary) and $work/NAME.time (rusage).
tf_run() {
  local name="$1" limit="$2"; shift 2
  local envs=()
  while [[ "$1" != "--" ]]; do envs+=("$1"); shift; done
  shift
  env MATOMO_URL="$url" MATOMO_TOKEN_AUTH= SEED=1 "${envs[@]}" \
    timeout -s INT -k 10 "$limit" /usr/bin/time -v -o "$work/$name.time" \
    "$tf_bin" run --quiet --summary-json "$work/$name.json" "$@" >"$work/$name.out" 2>&1 || {
    echo "  ($name: trafficinator exited $?; last lines:)"; tail -5 "$work/$name.out" | sed 's/^/    /'; }
}

# summary NAME EXPR: a figure from $work/NAME.json (python expression over `s`, the summary, and
# `t`, its one target's row: visits, hits, requests, acked, ...).
summary() {
  python3 - "$work/$1.json" "$2" <<'EOF'
import json, sys
try:
    s = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    print("n/a"); sys.exit(0)
try:
    t = s["targets"][0]
    v = eval(sys.argv[2])
except (KeyError, IndexError, ZeroDivisionError, TypeError):
    print("n/a"); sys.exit(0)
if isinstance(v, (int, float)):
    print(f"{v:.0f}" if abs(v) >= 100 else f"{v:.2f}")
else:
    print(v)
EOF
}

peak_rss_mb() { awk -F': ' '/Maximum resident set size/ {printf "%.1f", $2 / 1024}' "$work/$1.time"; }
cpu_s() { awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {printf "%.1f", u + s}' "$work/$1.time"; }
cpu_per_mhit() { awk -v a="$(cpu_s "$1")" -v h="$(summary "$1" 't["acked"]')" 'BEGIN { if (h + 0 > 0) printf "%.3f", a / h * 1e6; else print "n/a" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 > 0 && a != "n/a") printf "%.2f", a / b; else print "n/a" }'; }
line() { printf '%-42s %10s %-9s %s\n' "$1" "$2" "$3" "${*:4}"; }
median() { tr ' ' '\n' | grep -E '^[0-9.]+$' | sort -g | awk '{v[NR] = $1} END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# What trafficinator sends per hit: the first hit of `generate` (seed 1) as a form POST body and,
# by default, its own User-Agent line (USER_AGENT_HEADER; the browser travels in the body's ua
# parameter). The loop sending these same bytes is the single-hit reference.
same_bytes_inputs() {
  hit_query="$("$tf_bin" generate --visits 1 --seed 1 --format urls 2>/dev/null | head -1 | sed 's/^[^?]*?//')"
  tool_ua="trafficinator/$("$tf_bin" --version | awk '{print $2}')"
  hit_ua="$("$tf_bin" generate --visits 1 --seed 1 2>/dev/null | head -1 | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["params"]["ua"])')"
}

# 1e9 visits/day × SPEED 1000 ≈ 11.6 M visits/s: arrivals never limit the hit rate (at 1e9 alone,
# ~11.6k visits/s × ~6.4 hits capped --bulk near 74k hits/s).
no_pauses=(TARGET_VISITS_PER_DAY=1e9 SPEED=1000 PAUSE_BETWEEN_PVS_MIN=0 PAUSE_BETWEEN_PVS_MAX=0)
rounds="${BENCH_ROUNDS:-9}"
round_seconds="${BENCH_ROUND_SECONDS:-4}"

# Single hits against the same-bytes loop, in short rounds that alternate the two (the machine's
# speed drifts by tens of percent within seconds to minutes): each round's ratio is trafficinator's
# hits/s over the same-bytes loop's requests/s just before it; the goal is judged on the median
# round. Sets single_hps (the median round's hits/s).
single_rounds() {
  local ratios="" singles="" round round_bare round_hps round_ratio
  for round in $(seq "$rounds"); do
    round_bare="$(run_seconds=$round_seconds bare_rate poll "$url" "$hit_query" "$tool_ua")"
    tf_run "single$round" $((round_seconds + 40)) "${no_pauses[@]}" CONCURRENCY=$connections -- --duration "${round_seconds}s" --drain-timeout 5s
    round_hps="$(summary "single$round" 't["acked"] / s["elapsed_s"]')"
    round_ratio="$(ratio "$round_hps" "$round_bare")"
    line "  round $round: same bytes, trafficinator" "$round_bare" "req/s" "then $round_hps hits/s: ratio $round_ratio ($(cpu_s "single$round") CPU-s)"
    ratios+=" $round_ratio"; singles+=" $round_hps"
  done
  single_hps="$(echo "$singles" | median)"
  local of_wrk=""; [[ -n "${wrk_rps:-}" ]] && of_wrk="; $(ratio "$single_hps" "$wrk_rps") of wrk"
  line "trafficinator, single-hit, c${connections}" "$single_hps" "hits/s" \
    "(median round; median ratio of $rounds rounds: $(echo "$ratios" | median) of the same-bytes loop, goal >= 0.90${of_wrk})"
}

install_missing
find_binaries
start_nginx
echo "sink: nginx (1 worker, return 204, access log off) on $url; ${seconds} s per throughput run"
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) at start (shared: compare ratios)"
echo

# BENCH_ONLY=single: only the single-hit line (the coordinator's quiet-machine check of issue 22).
if [[ "${BENCH_ONLY:-}" == single ]]; then
  same_bytes_inputs
  single_rounds
  echo
  sed 's/^/  /' "$work/bare.log"
  exit 0
fi

# BENCH_ONLY=listen: only the --listen rounds (each a ratio within the same invocation).
if [[ "${BENCH_ONLY:-}" != listen ]]; then
wrk_rps="$(wrk_rate)"
line "wrk -t1 -c${connections}" "$wrk_rps" "req/s" "(the machine's HTTP/1.1 reference: a C load generator)"
# The bare loop uses every libcurl setting trafficinator uses (a shared CURLU, no proxy look-ups,
# HTTP/1.1, TCP_NODELAY, the same timeouts, mimalloc): the strongest libcurl reference.
poll_rps="$(bare_rate poll)"
line "bare loop (shared CURLU), empty GET" "$poll_rps" "req/s" "($(ratio "$poll_rps" "$wrk_rps") of wrk; no body, no User-Agent)"
same_bytes_inputs  # the single-hit reference sends these bytes
same_rps="$(bare_rate poll "$url" "$hit_query" "$tool_ua")"
line "bare loop (shared CURLU), same bytes" "$same_rps" "req/s" "($(ratio "$same_rps" "$poll_rps") of the empty GET; ${#hit_query} B form POST + User-Agent: $tool_ua)"
browser_rps="$(bare_rate poll "$url" "$hit_query" "$hit_ua")"
line "bare loop (shared CURLU), browser UA" "$browser_rps" "req/s" "($(ratio "$browser_rps" "$same_rps") of same bytes; the browser's User-Agent line, what USER_AGENT_HEADER=visitor sends)"
if [[ "${BENCH_EPOLL:-0}" == 1 ]]; then
  epoll_rps="$(bare_rate epoll)"
  line "bare loop (shared CURLU), epoll (lazy)" "$epoll_rps" "req/s" "($(ratio "$epoll_rps" "$poll_rps") of poll; empty GET)"
fi

single_rounds
tf_run visitor_ua $((seconds + 40)) "${no_pauses[@]}" CONCURRENCY=$connections USER_AGENT_HEADER=visitor -- \
  --duration "${seconds}s" --drain-timeout 5s
visitor_hps="$(summary visitor_ua 't["acked"] / s["elapsed_s"]')"
line "trafficinator, USER_AGENT_HEADER=visitor" "$visitor_hps" "hits/s" \
  "($(ratio "$visitor_hps" "$browser_rps") of the browser-User-Agent loop; $(cpu_s visitor_ua) CPU-s)"

# Bulk: hits of many visits in progress share a POST. CONCURRENCY 500 fills five 100-hit POSTs at
# once (each visit has one hit in flight); more visits in progress only add cache misses (5000:
# ~0.55x the rate, the visits no longer fit in the caches).
# One worker thread, then --threads 2 (both cores, which nginx shares; the same 500 visits in
# progress in all): the goal is judged on the faster, the tool as a user would run it here.
for threads in 1 2; do
  tf_run "bulk$threads" $((seconds + 40)) "${no_pauses[@]}" CONCURRENCY=500 -- --bulk 100 \
    --max-in-flight $connections --threads "$threads" --duration "${seconds}s" --drain-timeout 5s
  bulk_hps="$(summary "bulk$threads" 't["acked"] / s["elapsed_s"]')"
  bulk_rps="$(summary "bulk$threads" 't["requests"] / s["elapsed_s"]')"
  line "trafficinator, --bulk 100, --threads $threads" "$bulk_hps" "hits/s" \
    "(goal >= 500000; $bulk_rps POST/s; $(ratio "$bulk_hps" "$wrk_rps") x wrk; $(cpu_s "bulk$threads") CPU-s)"
done
# Untuned, as a first user runs it: `run --bulk 100 --url ...` with nothing else (the same
# no-pause workload). The bulk rules size CONCURRENCY (5 x BULK) and MAX_IN_FLIGHT; the goal is
# >= 0.5 of the tuned one-thread line above (issue 17: it was 886 hits/s against 824k).
tuned_hps="$(summary bulk1 't["acked"] / s["elapsed_s"]')"
tf_run bulk_untuned $((seconds + 40)) "${no_pauses[@]}" -- --bulk 100 --url "$url" --duration "${seconds}s" --drain-timeout 5s
untuned_hps="$(summary bulk_untuned 't["acked"] / s["elapsed_s"]')"
line "trafficinator, --bulk 100 untuned" "$untuned_hps" "hits/s" \
  "(goal >= 0.5 of tuned: $(ratio "$untuned_hps" "$tuned_hps"); CONCURRENCY and MAX_IN_FLIGHT from the bulk rules)"

fi

# The live view's cost (issue 18): --bulk 100 (one thread, as bulk1) with --listen and a poller
# fetching /data, /status and /metrics once a second (what the open live page, a dashboard and a
# scraper do), against the same run without --listen, in BENCH_LISTEN_ROUNDS (5) alternating
# rounds (the machine drifts; 3 rounds swung 0.72-1.07); goal: within 1 %. A shared machine's
# noise is larger than the goal: tools/bench/README.md has the instruction count per second.
listen_port=$((port + 2))
listen_rounds="${BENCH_LISTEN_ROUNDS:-5}"
listen_ratios=""; listen_cpu_ratios=""
for round in $(seq "$listen_rounds"); do
  tf_run "nolisten$round" $((seconds + 40)) "${no_pauses[@]}" CONCURRENCY=500 -- --bulk 100 \
    --max-in-flight $connections --threads 1 --duration "${seconds}s" --drain-timeout 5s
  (for _ in $(seq $((seconds + 20))); do
     curl -s --max-time 1 -o /dev/null "http://127.0.0.1:$listen_port/data" || true
     curl -s --max-time 1 -o /dev/null "http://127.0.0.1:$listen_port/metrics" || true
     curl -s --max-time 1 -o /dev/null "http://127.0.0.1:$listen_port/status" || true
     sleep 1
   done) &
  poller=$!
  tf_run "listen$round" $((seconds + 40)) "${no_pauses[@]}" CONCURRENCY=500 -- --bulk 100 \
    --max-in-flight $connections --threads 1 --duration "${seconds}s" --drain-timeout 5s \
    --listen "127.0.0.1:$listen_port"
  kill "$poller" 2>/dev/null || true
  wait "$poller" 2>/dev/null || true
  plain="$(summary "nolisten$round" 't["acked"] / s["elapsed_s"]')"
  live="$(summary "listen$round" 't["acked"] / s["elapsed_s"]')"
  # CPU per hit says the cost where a shared machine's throughput drifts by tens of percent
  plain_cpu="$(cpu_per_mhit "nolisten$round")"; live_cpu="$(cpu_per_mhit "listen$round")"
  line "  round $round: --bulk 100, without, with --listen" "$plain" "hits/s" "then $live hits/s: ratio $(ratio "$live" "$plain");" \
    "CPU-s per 1M hits $plain_cpu then $live_cpu: ratio $(ratio "$live_cpu" "$plain_cpu")"
  listen_ratios+=" $(ratio "$live" "$plain")"; listen_cpu_ratios+=" $(ratio "$live_cpu" "$plain_cpu")"
done
line "trafficinator, --bulk 100 with --listen polled" "$(echo "$listen_ratios" | median)" "x" \
  "(median ratio of $listen_rounds rounds to the same run without --listen; goal >= 0.99;" \
  "CPU per hit: median ratio $(echo "$listen_cpu_ratios" | median), goal <= 1.01)"

if [[ "${BENCH_ONLY:-}" == listen ]]; then exit 0; fi

# HTTPS, single hits, HTTP/1.1 then HTTP/2 in each round (alternating, as above: the machine drifts);
# each round's ratio is HTTP/2 over the HTTP/1.1 run just before it, judged on the median round.
tls_ratios=""; h1_rates=""; h2_rates=""
for round in $(seq "$rounds"); do
  for version in 1 2; do
    flag=(); [[ $version == 2 ]] && flag=(--http2)
    tf_run "https${version}_$round" $((round_seconds + 40)) "${no_pauses[@]}" CONCURRENCY=$connections \
      MATOMO_URL="$tls_url" CA_BUNDLE="$work/nginx/cert.pem" -- "${flag[@]}" --duration "${round_seconds}s" --drain-timeout 5s
  done
  h1="$(summary "https1_$round" 't["acked"] / s["elapsed_s"]')"
  h2="$(summary "https2_$round" 't["acked"] / s["elapsed_s"]')"
  line "  round $round: HTTPS HTTP/1.1, HTTP/2" "$h1" "hits/s" "then $h2 hits/s: ratio $(ratio "$h2" "$h1")"
  tls_ratios+=" $(ratio "$h2" "$h1")"; h1_rates+=" $h1"; h2_rates+=" $h2"
done
https1_hps="$(echo "$h1_rates" | median)"
line "trafficinator, HTTPS HTTP/1.1, single-hit" "$https1_hps" "hits/s" "(median round; $(ratio "$https1_hps" "$single_hps") of cleartext)"
line "trafficinator, HTTPS HTTP/2, single-hit" "$(echo "$h2_rates" | median)" "hits/s" \
  "(median round; median ratio to HTTP/1.1 of $rounds rounds: $(echo "$tls_ratios" | median), goal >= 0.80)"

# 10,000 visits in progress: 5 s pauses keep every visit open for >= 10 s, the rate fills them.
tf_run rss 60 TARGET_VISITS_PER_DAY=1e9 PAUSE_BETWEEN_PVS_MIN=5 PAUSE_BETWEEN_PVS_MAX=5 CONCURRENCY=10000 \
  -- --duration 12s --drain-timeout 1s
rss_visits="$(summary rss 't["visits"]')"
line "peak RSS, 10,000 visits in progress" "$(peak_rss_mb rss)" "MB" \
  "(goal <= 64; $rss_visits visits started, >= 10000 means the cap was reached)"

if [[ "${BENCH_LONG:-0}" == 1 ]]; then
  tf_run rate 100 TARGET_VISITS_PER_DAY=17280000 PAUSE_BETWEEN_PVS_MIN=0 PAUSE_BETWEEN_PVS_MAX=0 CONCURRENCY=10000 \
    -- --duration 60s --drain-timeout 5s
  rate_vps="$(summary rate 't["visits"] / s["elapsed_s"]')"
  line "achieved visit rate, 60 s" "$rate_vps" "visits/s" \
    "(target 200; $(summary rate '100 * (t["visits"] / s["elapsed_s"] / 200 - 1)')% off, goal within +-1%)"
fi

echo
sed 's/^/  /' "$work/bare.log"
