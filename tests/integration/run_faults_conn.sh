#!/usr/bin/env bash
# Connection-level faults are retried and nothing is lost: stalls past --timeout 1s (counted as
# timeouts) and dropped connections (reset errors). Each run ends with every hit acked, the mock
# holding exactly the acked hits, zero violations, and the accounting identity.
source "$(dirname "$0")/lib.sh"
need_tools

# stalls past the client timeout: three requests stall for 2.5 s against --timeout 1s
s=$TF_WORK/stall.json
fault_run stall '{"stall_ms":2500,"stall_rate":1,"limit":3}' 30 --timeout 1s --retries 3
check "stall: three timeouts counted" "3" "$(jv "$s" '.totals.errors.timeout')"
check "stall: three retries" "3" "$(jv "$s" '.totals.retries')"
stop_mock

# dropped connections: four requests closed without an answer
s=$TF_WORK/drop.json
fault_run drop '{"drop_rate":1,"limit":4}' 30 --retries 3
check "drop: four drops injected" "4" "$(mock_stat faults_injected/drop)"
check "drop: four reset errors" "4" "$(jv "$s" '.totals.errors.reset')"
check "drop: four retries" "4" "$(jv "$s" '.totals.retries')"
stop_mock
finish
