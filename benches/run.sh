#!/usr/bin/env bash
# Every figure of BENCHMARKS.md, with one command: the in-process benchmarks (criterion), then
# the whole commands (hyperfine, /usr/bin/time, callgrind). Run it on an idle machine:
#   benches/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench --bench engine
benches/commands.sh
