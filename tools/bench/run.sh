#!/usr/bin/env bash
# Benchmark harness: nginx on 127.0.0.1 (return 204, access log off) as the sink; wrk with 50
# connections as the reference; the bare libcurl-multi loop (poll and epoll modes) with 50
# transfers. Prints requests/s and the ratios. Every run is bounded; nginx is always stopped.
#
#   tools/bench/run.sh [SECONDS]      (default 10; env PORT, default 18204)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
seconds="${1:-10}"
port="${PORT:-18204}"
connections=50
url="http://127.0.0.1:${port}/matomo.php"
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
trap cleanup EXIT INT TERM

install_missing() {
  local missing=()
  command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
  command -v wrk >/dev/null 2>&1 || missing+=(wrk)
  dpkg -s libcurl4-openssl-dev >/dev/null 2>&1 || missing+=(libcurl4-openssl-dev)
  if (( ${#missing[@]} > 0 )); then
    echo "installing: ${missing[*]}"
    local sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

start_nginx() {
  mkdir -p "$work/nginx"
  sed -e "s|@PREFIX@|$work/nginx|g" -e "s|@PORT@|$port|g" "$here/nginx.conf.in" > "$work/nginx/nginx.conf"
  local nginx_bin; nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
  "$nginx_bin" -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log"
  for _ in $(seq 50); do [[ -s "$work/nginx/nginx.pid" ]] && break; sleep 0.1; done
  nginx_pid="$(cat "$work/nginx/nginx.pid")"
  curl -fsS -o /dev/null -w '' "$url" || { echo "nginx did not answer on $url"; exit 1; }
}

build_bare_loop() {
  if [[ -n "${BARE_LOOP:-}" ]]; then echo "$BARE_LOOP"; return; fi
  g++ -O2 -std=c++20 "$here/bare_curl_loop.cpp" -lcurl -o "$work/bare_curl_loop"
  echo "$work/bare_curl_loop"
}

wrk_rate() {
  wrk -t1 -c"$connections" -d"${seconds}s" "$url" | awk '/Requests\/sec/ {printf "%.0f", $2}'
}

bare_rate() {
  "$1" "$2" "$connections" "$seconds" "$url" | tee -a "$work/bare.log" |
    sed -n 's/.*req_per_s=\([0-9]*\).*/\1/p'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

install_missing
bare="$(build_bare_loop)"
start_nginx
echo "sink: nginx (1 worker, return 204) on $url; ${connections} connections; ${seconds} s per run"
wrk_rps="$(wrk_rate)"
poll_rps="$(bare_rate "$bare" poll)"
epoll_rps="$(bare_rate "$bare" epoll)"
printf '%-28s %10s req/s\n' "wrk -t1 -c${connections}" "$wrk_rps"
printf '%-28s %10s req/s  (%s of wrk)\n' "bare curl loop, poll" "$poll_rps" "$(ratio "$poll_rps" "$wrk_rps")"
printf '%-28s %10s req/s  (%s of wrk, %s of poll)\n' "bare curl loop, epoll (lazy)" "$epoll_rps" \
  "$(ratio "$epoll_rps" "$wrk_rps")" "$(ratio "$epoll_rps" "$poll_rps")"
sed 's/^/  /' "$work/bare.log"
