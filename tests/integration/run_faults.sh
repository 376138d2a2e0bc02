#!/usr/bin/env bash
# Error answers of the target are retried and nothing is lost: 503 for 20% of requests, and 429
# with Retry-After (honoured). Each run ends with every hit acked, the mock holding exactly the
# acked hits, zero violations, and the accounting identity.
source "$(dirname "$0")/lib.sh"
need_tools

# 503 for 20% of requests, at most 3 times for the same hit (max_per_request): with 5 retries no
# hit can be lost, once the retry budget (default 20% of requests) does not bind and the drain
# waits for the backoff. (Without the cap a hit drawn 503 six times running, 0.2^6 per hit, was
# lost about once in 100 runs.)
s=$TF_WORK/s503.json
RETRY_BUDGET=1 fault_run s503 '{"status":503,"rate":0.2,"seed":7,"max_per_request":3}' 30 --retries 5 --drain-timeout 30s
n503=$(mock_stat faults_injected/status_503)
((n503 > 0)) || fail "s503: the mock injected no 503"
check "s503: every 503 was retried" "$n503" "$(jv "$s" '.totals.retries')"
check "s503: the 503s are counted" "$n503" "$(jv "$s" '.totals.status_codes["503"]')"
check "s503: as 5xx errors" "$n503" "$(jv "$s" '.totals.errors.http_5xx')"
check "s503: requests = hits + retries" "$(jv "$s" '.totals.hits + .totals.retries')" "$(jv "$s" '.totals.requests')"
stop_mock

# 429 with Retry-After: 2 on the first request only: its retry waits 2 s, not the 0.5 s backoff
s=$TF_WORK/s429.json
fault_run s429 '{"status":429,"retry_after":"2","limit":1}' 1
check "s429: one retry" "1" "$(jv "$s" '.totals.retries')"
check "s429: the 429 is counted" "1" "$(jv "$s" '.totals.status_codes["429"]')"
check "s429: Retry-After: 2 honoured (the run lasted at least 2 s)" "true" "$(jv "$s" '.elapsed_s >= 2')"
stop_mock

finish
