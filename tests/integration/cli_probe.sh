#!/usr/bin/env bash
# validate --probe against a loopback HTTP server: reachable with a status; a closed port is not.
set -u
: "${TF_BIN:?}"
command -v python3 >/dev/null || { echo "python3 missing: skipped"; exit 0; }
dir=$(mktemp -d)
port_file=$dir/port
python3 - "$port_file" >/dev/null 2>&1 <<'PY' &
import http.server, socketserver, sys, threading
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        ok = "rec=" not in self.path
        self.send_response(200 if ok else 418); self.end_headers(); self.wfile.write(b"ok")
    def log_message(self, *a): pass
with socketserver.TCPServer(("127.0.0.1", 0), H) as s:
    open(sys.argv[1], "w").write(str(s.server_address[1]))
    threading.Timer(20, s.shutdown).start()
    s.serve_forever()
PY
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 50); do [[ -s $port_file ]] && break; sleep 0.1; done
port=$(cat "$port_file")
failures=0
printf 'MATOMO_URL=http://127.0.0.1:%s/\nRANDOMIZE_VISITOR_COUNTRIES=false\n' "$port" >"$dir/up.env"
out=$("$TF_BIN" validate --probe "$dir/up.env")
rc=$?
[[ $rc == 0 ]] || { echo "FAIL: probe of a live server: exit $rc"; echo "$out"; failures=1; }
grep -Eq "probe default \(http://127.0.0.1:$port/matomo.php\): reachable, HTTP 200, [0-9]+ ms" <<<"$out" || { echo "FAIL: probe line: $out"; failures=1; }
kill $server 2>/dev/null; wait $server 2>/dev/null
out=$("$TF_BIN" validate --probe --probe-timeout 2s "$dir/up.env")
rc=$?
[[ $rc == 1 ]] || { echo "FAIL: probe of a closed port: exit $rc"; echo "$out"; failures=1; }
grep -q "unreachable" <<<"$out" || { echo "FAIL: closed port not reported: $out"; failures=1; }
((failures)) && exit 1
echo "cli_probe: all passed"
