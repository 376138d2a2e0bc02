#!/usr/bin/env bash
# Every built-in preset (light, medium, heavy, extreme) for about 2 s at a high --speed with a
# --visits cap, each against a fresh strict mock: exit 0, zero violations, counts match
# (generated = acked = accepted by the mock, mock visits = visits started). Real pauses are
# shortened through the environment so each run drains at once; the visit content is the preset's.
source "$(dirname "$0")/lib.sh"
need_tools

for preset in light medium heavy extreme; do
  run_paced "$preset" 40 60 --preset "$preset"
  stop_mock
done

finish
