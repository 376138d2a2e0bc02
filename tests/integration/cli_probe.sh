#!/usr/bin/env bash
# validate --probe against the strict mock, from flags alone (no FILE) and from a .env FILE: a known
# site answers "site 1 ok", an unknown one "site 99 unknown" (exit 1), a token without write access
# "token lacks write access" (exit 1), a good token "token ok"; a placeholder host is refused
# unresolved; a closed port is unreachable; a 301 is a redirect with its Location. Every probe
# hit is a bot hit the mock excludes: nothing is recorded (the bracket with nothing acked).
source "$(dirname "$0")/lib.sh"
need_tools

printf '{"sites": [{"id": 1}, {"id": 2}], "tokens": [{"token": "goodtoken", "sites": [1]}]}\n' >"$TF_WORK/mock.json"
start_mock --config "$TF_WORK/mock.json"
echo goodtoken >"$TF_WORK/good.token"
echo wrongtoken >"$TF_WORK/bad.token"

# probe NAME ARGS...: runs validate --probe; output in $TF_WORK/NAME.out, exit code in RUN_RC.
probe() { local name=$1; shift; run_tf "$name" validate --probe --probe-timeout 5s "$@"; }

probe known --url "$MOCK_URL" --site-id 1
check "known site: exit 0" "0" "$RUN_RC"
check "known site: site ok, no token, no TLS" "1" \
  "$(grep -cE "^probe default \(http://127.0.0.1:$MOCK_PORT/matomo.php\): ok: site 1 ok; no token .*; no TLS \(http\); proxy=direct; [0-9]+ ms$" "$TF_WORK/known.out")"

probe unknown --url "$MOCK_URL" --site-id 99
check "unknown site: exit 1" "1" "$RUN_RC"
check "unknown site: reported with the answer" "1" "$(grep -c 'FAILED: site 99 unknown (HTTP 400: UNKNOWN_SITE' "$TF_WORK/unknown.out")"

probe bad_token --url "$MOCK_URL" --site-id 1 --token-file "$TF_WORK/bad.token"
check "bad token: exit 1" "1" "$RUN_RC"
check "bad token: site ok, token lacks write access" "1" "$(grep -c 'FAILED: site 1 ok; token lacks write access to site 1 (HTTP 400' "$TF_WORK/bad_token.out")"
check "bad token: never printed" "0" "$(grep -c wrongtoken "$TF_WORK/bad_token.out" "$TF_WORK/bad_token.err" | awk -F: '{s += $2} END {print s}')"

probe other_site --url "$MOCK_URL" --site-id 2 --token-file "$TF_WORK/good.token"
check "token of another site: exit 1" "1" "$RUN_RC"

MATOMO_SITE_ID=1 MATOMO_TOKEN_AUTH_FILE="$TF_WORK/good.token" probe good_env --url "$MOCK_URL"
check "good token from the environment: exit 0" "0" "$RUN_RC"
check "good token: token ok" "1" "$(grep -c 'ok: site 1 ok; token ok; no TLS' "$TF_WORK/good_env.out")"

printf 'MATOMO_URL=%s\nMATOMO_SITE_ID=99\nRANDOMIZE_VISITOR_COUNTRIES=false\n' "$MOCK_URL" >"$TF_WORK/unknown.env"
probe file "$TF_WORK/unknown.env"
check "from a FILE: exit 1 for an unknown site" "1" "$RUN_RC"
check "from a FILE: the file is valid, the probe fails" "2" \
  "$(grep -cE 'unknown.env: valid|FAILED: site 99 unknown' "$TF_WORK/file.out")"

check "nothing recorded: the mock stored no hit (acked 0 <= stored <= 0)" "0" "$(mock_stat hits_accepted)"
check "every site-known probe hit was excluded as a bot" "true" "$(jq -n "$(mock_stat hits_excluded_bot) >= 4")"

probe placeholder --url https://matomo.example.test/matomo.php
check "placeholder: exit 1" "1" "$RUN_RC"
check "placeholder: refused, not resolved" "1" "$(grep -c 'placeholder host matomo.example.test .*not resolved' "$TF_WORK/placeholder.out")"
probe default_url
check "the built-in MATOMO_URL (example.com) is a placeholder" "1" "$(grep -c 'placeholder host matomo.example.com' "$TF_WORK/default_url.out")"

probe no_file
run_tf no_probe validate
check "validate without FILE and without --probe: usage error" "2" "$RUN_RC"
run_tf file_and_url validate --probe --url "$MOCK_URL" "$TF_WORK/unknown.env"
check "validate FILE with --url: usage error" "2" "$RUN_RC"
stop_mock

# a closed port (the stopped mock's) is unreachable
probe closed --url "$MOCK_URL"
check "closed port: exit 1" "1" "$RUN_RC"
check "closed port: unreachable" "1" "$(grep -c 'FAILED: unreachable' "$TF_WORK/closed.out")"

# a 301 (an http -> https redirect) is reported with its Location, never followed
python3 - "$TF_WORK/redirect.port" >/dev/null 2>&1 <<'PY' &
import http.server, socketserver, sys, threading
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.send_response(301); self.send_header("Location", "https://127.0.0.1:1/matomo.php"); self.end_headers()
    def log_message(self, *a): pass
with socketserver.TCPServer(("127.0.0.1", 0), H) as s:
    open(sys.argv[1], "w").write(str(s.server_address[1]))
    threading.Timer(30, s.shutdown).start()
    s.serve_forever()
PY
TF_PIDS+=($!)
for _ in $(seq 100); do [[ -s "$TF_WORK/redirect.port" ]] && break; sleep 0.1; done
probe redirect --url "http://127.0.0.1:$(<"$TF_WORK/redirect.port")/matomo.php"
check "redirect: exit 1" "1" "$RUN_RC"
check "redirect: reported with its Location" "1" "$(grep -c 'FAILED: redirect: HTTP 301 to https://127.0.0.1:1/matomo.php' "$TF_WORK/redirect.out")"
finish
