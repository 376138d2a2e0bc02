#!/usr/bin/env bash
# Quick-start demo: sets up, builds (release), starts the strict mock Matomo on a free loopback
# port, runs `trafficinator run --preset smoke` against it, prints the health table and the
# mock's verdict, and stops the mock. Sends nothing anywhere but 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target trafficinator mock-matomo >/dev/null
bin=build/release/src/trafficinator
mock=build/release/tools/mock-matomo/mock-matomo

work=$(mktemp -d)
mock_pid=""
cleanup() {
  [ -n "$mock_pid" ] && kill "$mock_pid" 2>/dev/null && wait "$mock_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

"$mock" --host 127.0.0.1 --port 0 --port-file "$work/port" --report "$work/mock-report.json" \
  >"$work/mock.log" 2>&1 &
mock_pid=$!
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.05; done
[ -s "$work/port" ] || { echo "demo: the mock did not start"; cat "$work/mock.log"; exit 3; }
port=$(cat "$work/port")

echo "demo: mock Matomo on 127.0.0.1:$port; running: trafficinator run --preset smoke"
status=0
MATOMO_URL="http://127.0.0.1:$port/matomo.php" "$bin" run --preset smoke \
  --summary-json "$work/summary.json" || status=$?

kill -TERM "$mock_pid"; wait "$mock_pid" 2>/dev/null || true; mock_pid=""
python3 - "$work/mock-report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
v = sum(r.get("violations", {}).values()) if isinstance(r.get("violations"), dict) else r.get("violations_total", 0)
print(f"mock verdict: {r.get('hits_received', 0)} hits, {r.get('hits_accepted', 0)} accepted, {v} violations, "
      f"{r.get('visits', r.get('visits_reconstructed', 0))} visits reconstructed")
PY
exit "$status"
