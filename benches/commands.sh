#!/usr/bin/env bash
# Whole-command timings (hyperfine) and peak memory (/usr/bin/time) of the release binary, for
# BENCHMARKS.md. Needs hyperfine (apt-get install hyperfine). Run on an idle machine:
#   benches/commands.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q
bin=$PWD/target/release/cofinance
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" generate --operations 30000 --owners 1500 --seed 1 --out "$work/national" >/dev/null

echo "## Whole commands"
hyperfine --style basic --warmup 2 --export-markdown "$work/small.md" \
  -n "run, default dataset" "$bin run --out $work/a" \
  -n "compare, default dataset (11 runs)" "$bin compare --out $work/b" \
  -n "montecarlo, 10,000 draws, 2 threads" "RAYON_NUM_THREADS=2 $bin montecarlo --draws 10000 --out $work/c" \
  -n "montecarlo, 10,000 draws, 1 thread" "RAYON_NUM_THREADS=1 $bin montecarlo --draws 10000 --out $work/d" \
  -n "run, 30,000 operations" "$bin run $work/national --out $work/e" >/dev/null
cat "$work/small.md"
hyperfine --style basic --runs 3 --export-markdown "$work/large.md" \
  -n "montecarlo, 30,000 operations, 1,000 draws, 2 threads" "RAYON_NUM_THREADS=2 $bin montecarlo $work/national/incertitudes.toml --draws 1000 --out $work/f" \
  -n "montecarlo, 30,000 operations, 1,000 draws, 1 thread" "RAYON_NUM_THREADS=1 $bin montecarlo $work/national/incertitudes.toml --draws 1000 --out $work/g" >/dev/null
cat "$work/large.md"

echo
echo "## Peak memory (maximum resident set size)"
for draws in 100 1000; do
  /usr/bin/time -f "montecarlo, 30,000 operations, $draws draws: %M KB" \
    "$bin" montecarlo "$work/national/incertitudes.toml" --draws "$draws" --out "$work/h" >/dev/null
done 2>&1
/usr/bin/time -f "run, 30,000 operations: %M KB" "$bin" run "$work/national" --out "$work/i" 2>&1 >/dev/null
