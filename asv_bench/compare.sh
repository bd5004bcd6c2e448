#!/usr/bin/env bash
# Compare two commits in one asv run: each built in its own virtualenv, the
# benchmarks of both interleaved round by round (so that a drift of the shared
# machine's speed hits both alike), and the ones that changed by more than FACTOR
# (and more than their noise) listed as slower or faster.
#
#   asv_bench/compare.sh                  # main against HEAD (commit your change first)
#   asv_bench/compare.sh main my-branch
#   FACTOR=1.3 BENCH='^streaming' ROUNDS=4 asv_bench/compare.sh
#
# The default selection, streaming and the rollout ratios (continuous against the
# offline FFT, speed-ups over naive, push_block latency), took 7 minutes
# on 2 cores; BENCH=. compares every benchmark (hours).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

BASE="${1:-main}"
TESTED="${2:-HEAD}"
DEFAULT_BENCH='^(streaming\.|ratios\.(ContinuousOverOfflineFFT|SpeedUpOverNaive|PushBlockLatency))'
asv machine --machine ffstream-2core --os "Debian 12, shared sandbox" --arch "$(uname -m)" \
    --cpu "2 cores, shared" --num_cpu 2 --ram "24 GiB" --yes >/dev/null
asv continuous --machine ffstream-2core --factor "${FACTOR:-1.2}" --interleave-rounds \
    --attribute rounds="${ROUNDS:-2}" --split --show-stderr --bench "${BENCH:-$DEFAULT_BENCH}" \
    "$BASE" "$TESTED"
