#!/usr/bin/env bash
# Headless Chromium (Debian `chromium`) on the live page of `run --listen` and on the report of
# --report-html: the live page's numbers update (polled once a second), the report's charts
# have data points, screenshots are written under the build directory (test-artefacts/), and
# no request leaves the page (Chromium's net log holds only loopback and the file; the page
# sends a Content-Security-Policy). The bracket holds.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_live.sh"
need_tools
command -v chromium >/dev/null || fail "chromium is not installed (tools/setup.sh installs it)"
art=$(artefact_dir)
token=$TF_WORK/token
echo tok-browser >"$token"

start_mock
s=$TF_WORK/b.json
r=$TF_WORK/b.html
MATOMO_URL=$MOCK_URL start_tf b run --preset smoke --speed 0.5 --duration 60s --seed 7 \
  --listen 127.0.0.1:0 --listen-token "$token" --summary-json "$s" --report-html "$r"
listen_port b
curl -s --max-time 5 -D "$TF_WORK/page.head" "$LIVE_BASE/" >"$TF_WORK/page.html" || fail "GET / failed"
check "the live page sends a Content-Security-Policy of its own origin" "1" \
  "$(grep -ci "^content-security-policy: default-src 'self'" "$TF_WORK/page.head")"
wait_for_stat hits_accepted 5 20 || fail "no hits: $(tail -3 "$TF_WORK/b.err")"
# the page as served carries the latest state (published once a second)
for i in $(seq 50); do
  curl -s --max-time 2 "$LIVE_BASE/" >"$TF_WORK/page2.html"
  served=$(sed -n 's/.*<script id="tf-data" type="application\/json">//p' "$TF_WORK/page2.html" | sed 's#</script>.*##' | jq '.outcomes.acked')
  served=${served:-0}
  ((served > 0)) && break
  sleep 0.1
done
check "the page as served shows hits acked" "1" "$((served > 0 ? 1 : 0))"
chromium_run --dump-dom --virtual-time-budget=4000 --log-net-log="$TF_WORK/live.netlog" "$LIVE_BASE/" \
  >"$TF_WORK/live.dom" || fail "chromium could not load the live page: $(tail -3 "$TF_WORK/chromium.err")"
updates=$(grep -Eo 'id="tf-updates">[0-9]+' "$TF_WORK/live.dom" | grep -Eo '[0-9]+$' || echo 0)
acked=$(grep -Eo 'id="tf-total-acked">[0-9,]+' "$TF_WORK/live.dom" | grep -Eo '[0-9,]+$' | tr -d , || echo 0)
echo "live page: $updates update(s), $acked acked"
check "the live page polled /data at least twice" "1" "$((updates >= 2 ? 1 : 0))"
check "the live page's acked count, as polled, is at least the served one" "1" "$((acked >= served ? 1 : 0))"
check "the live page's hits chart has data points" "1" \
  "$(grep -Eo 'aria-label="Hits/s by outcome[^"]*"[^>]*data-points="[1-9][0-9]*"' "$TF_WORK/live.dom" | wc -l)"
check "the live page draws its seven charts (six, and the visit mix)" "7" "$(grep -o 'class="chart"' "$TF_WORK/live.dom" | wc -l)"
chromium_run --screenshot="$art/live-page.png" --window-size=1100,1200 --virtual-time-budget=3000 "$LIVE_BASE/" \
  >/dev/null || fail "no screenshot of the live page"
[[ -s $art/live-page.png ]] || fail "the live page screenshot is empty"
check "the net log sees the page's own requests (its /data polls)" "1" \
  "$(page_requests "$TF_WORK/live.netlog" | grep -c "^$LIVE_BASE $LIVE_BASE/data$" | awk '{print ($1 >= 2)}')"
check "no request left the live page" "" "$(requests_left_page "$TF_WORK/live.netlog")"
check "POST /stop: 202" "202" "$(post /stop tok-browser)"
wait_tf 30
check "POST /stop: exit 130" "130" "$RUN_RC"
[[ -s $r ]] || fail "no --report-html file: $(tail -3 "$TF_WORK/b.err")"
check "the report has a CSP that forbids fetching anything" "1" "$(grep -c "default-src 'none'" "$r")"
check "the report loads nothing: no src=, href=, url( or @import" "0" \
  "$(grep -Ec '(src|href)=|url\(|@import' "$r" || true)"
chromium_run --dump-dom --virtual-time-budget=1000 --log-net-log="$TF_WORK/report.netlog" "file://$r" \
  >"$TF_WORK/report.dom" || fail "chromium could not load the report"
points=$(grep -Eo 'aria-label="Hits/s by outcome[^"]*"[^>]*data-points="[0-9]+"' "$TF_WORK/report.dom" | grep -Eo '[0-9]+"$' | tr -d '"' || echo 0)
echo "report: $points data points in the hits/s chart"
check "the report's hits/s chart has data points" "1" "$((${points:-0} > 0 ? 1 : 0))"
check "the report's targets table lists the target" "1" "$(grep -c '<td>default</td>' "$TF_WORK/report.dom" || true)"
mix=$(grep -Eo 'aria-label="Visit mix \(acked\)"[^>]*data-points="[0-9]+"' "$TF_WORK/report.dom" | grep -Eo '[0-9]+"$' | tr -d '"' || echo 0)
check "the report's visit mix charts the ledger's action types" "1" "$((${mix:-0} >= 8 ? 1 : 0))"
check "the report's visit mix table lists pageviews and visits" "2" \
  "$(grep -Eo '<table id="tf-visit-mix">.*' "$TF_WORK/report.dom" | grep -Eo '<td>(pageviews|visits)</td>' | sort -u | wc -l)"
check "no request left the report" "" "$(requests_left_page "$TF_WORK/report.netlog")"
chromium_run --screenshot="$art/report.png" --window-size=1100,1200 --virtual-time-budget=1000 "file://$r" \
  >/dev/null || fail "no screenshot of the report"
[[ -s $art/report.png ]] || fail "the report screenshot is empty"
# `report` renders the same file from the summary
"$TF_BIN" report "$s" -o "$TF_WORK/again.html" >"$TF_WORK/report.out" 2>&1 || fail "report: $(cat "$TF_WORK/report.out")"
check "report SUMMARY -o FILE: the same data as --report-html" \
  "$(grep -o '<script id="tf-data".*</script>' "$r" | head -1 | md5sum)" \
  "$(grep -o '<script id="tf-data".*</script>' "$TF_WORK/again.html" | head -1 | md5sum)"
assert_bracket "$s"
stop_mock
finish
