#!/usr/bin/env bash
# Record asv results for the commits of a range, each built and installed in its
# own virtualenv (asv.conf.json), skipping the commits already recorded.
#
#   asv_bench/record.sh                 # the default: 16 commits spread over main
#   asv_bench/record.sh HEAD~3..HEAD    # every commit of a range
#   STEPS=8 asv_bench/record.sh         # 8 commits spread over main
#   BENCH=. asv_bench/record.sh         # every benchmark, not only the history's
#
# Results go to asv_bench/results/ffstream-2core/, which is committed. Every
# benchmark runs once per commit (asv's --quick: one sample, no warm-up samples
# beyond the benchmarks' own setup), and the history records the benchmarks of
# HISTORY_BENCH only: the in-process ratios of benchmarks/ratios.py (which time
# both sides several times inside that one sample), streaming, the first call and
# the fit: 16 commits took 35 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

MACHINE=ffstream-2core
HISTORY_BENCH='^(ratios\.|streaming\.PushBlock\.|compile\.FirstCall\.timeraw_first_rollout|models\.FIRFit\.time_fit)'
BENCH="${BENCH:-$HISTORY_BENCH}"
# The machine the committed history was recorded on (results/ffstream-2core/machine.json).
asv machine --machine "$MACHINE" --os "Debian 12, shared sandbox" --arch "$(uname -m)" \
    --cpu "2 cores, shared" --num_cpu 2 --ram "24 GiB" --yes >/dev/null
if [ $# -gt 0 ]; then
    RANGE=("$1")
else
    RANGE=("main" "--steps" "${STEPS:-16}")
fi
asv run --machine "$MACHINE" --skip-existing-commits --quick --show-stderr \
    --bench "$BENCH" "${RANGE[@]}"
