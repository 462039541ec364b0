#!/usr/bin/env bash
# Whole-command timings (hyperfine), peak memory (/usr/bin/time) and instruction counts
# (valgrind's callgrind, which the machine's load does not change) of the release binary, for
# BENCHMARKS.md. Needs hyperfine and valgrind (apt-get install hyperfine valgrind):
#   benches/commands.sh            # everything
#   RUNS=20 benches/commands.sh    # more runs of each command
# Set COFINANCE_BIN to time another binary (an older build, for the "before" figures).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-10}
if [ -z "${COFINANCE_BIN:-}" ]; then
  cargo build --release -q
  bin=${CARGO_TARGET_DIR:-$PWD/target}/release/cofinance
else
  bin=$COFINANCE_BIN
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
"$bin" generate --operations 30000 --owners 1500 --seed 1 --out national >/dev/null
# The four scenarios compared with the national base (the same as tests/suite/speed.rs).
printf 'name = "Gel ANRU"\nbase = "base.toml"\n\n[[change]]\nkind = "freeze"\nfunder = "anru"\nyears = [2005, 2006]\nshare = "0.50"\nrelease_year = 2008\n' >national/gel-anru.toml
printf 'name = "Région : arrêt après 2006"\nbase = "base.toml"\n\n[[change]]\nkind = "envelope"\nfunder = "region"\nyears = { from = 2007, to = 2010 }\nper_year = "0"\n' >national/region-arret.toml
printf 'name = "Emprunt à 4 %%"\nbase = "base.toml"\n\n[[change]]\nkind = "borrowing"\nrate = "0.04"\nduration_years = 15\n' >national/emprunt.toml
printf 'name = "ANAH : arrêt"\nbase = "base.toml"\n\n[[change]]\nkind = "envelope"\nfunder = "anah"\nyears = { from = 2007, to = 2010 }\nper_year = "0"\n' >national/anah-arret.toml
compare5="compare national national/gel-anru.toml national/region-arret.toml national/emprunt.toml national/anah-arret.toml"

echo "## Whole commands (min and median of $runs runs)"
hyperfine -N --style none --warmup 2 --runs "$runs" --export-json small.json \
  -n "run, default dataset" "$bin run --out a" \
  -n "compare, default dataset (its folder)" "$bin compare --out b" \
  -n "run, 30,000 operations" "$bin run national --out e" \
  -n "compare, 30,000 operations, 5 runs" "$bin $compare5 --out e2" \
  -n "montecarlo, 10,000 draws, 2 threads" "env RAYON_NUM_THREADS=2 $bin montecarlo --draws 10000 --out c" \
  -n "montecarlo, 10,000 draws, 1 thread" "env RAYON_NUM_THREADS=1 $bin montecarlo --draws 10000 --out d" >/dev/null
hyperfine -N --style none --runs 3 --export-json large.json \
  -n "montecarlo, 30,000 operations, 1,000 draws, 2 threads" "env RAYON_NUM_THREADS=2 $bin montecarlo national/incertitudes.toml --draws 1000 --out f" \
  -n "montecarlo, 30,000 operations, 1,000 draws, 1 thread" "env RAYON_NUM_THREADS=1 $bin montecarlo national/incertitudes.toml --draws 1000 --out g" >/dev/null
python3 - small.json large.json <<'PY'
import json, statistics, sys
print("| command | min | median | mean |")
print("|---|---:|---:|---:|")
for path in sys.argv[1:]:
    for r in json.load(open(path))["results"]:
        t = r["times"]
        print(f"| `{r['command']}` | {min(t)*1000:.0f} ms | {statistics.median(t)*1000:.0f} ms | {r['mean']*1000:.0f} ms |")
PY

echo
echo "## Peak memory (maximum resident set size)"
/usr/bin/time -f "run, 30,000 operations: %M KB" "$bin" run national --out i 2>&1 >/dev/null
/usr/bin/time -f "compare, 30,000 operations, 5 runs: %M KB" "$bin" $compare5 --out i2 2>&1 >/dev/null
for draws in 100 1000; do
  /usr/bin/time -f "montecarlo, 30,000 operations, $draws draws: %M KB" \
    "$bin" montecarlo national/incertitudes.toml --draws "$draws" --out h 2>&1 >/dev/null
done

echo
echo "## Instructions (callgrind; what the machine's load does not change)"
count() {
  valgrind --tool=callgrind --callgrind-out-file=cg.out "$@" >/dev/null 2>cg.log
  grep -o 'Collected : [0-9]*' cg.log | awk '{printf "%.0f M\n", $3 / 1e6}'
}
echo "run, 30,000 operations: $(count "$bin" run national --out j)"
echo "compare, 30,000 operations, 5 runs: $(count "$bin" $compare5 --out k)"
echo "montecarlo, default dataset, 1,000 draws, 1 thread: $(RAYON_NUM_THREADS=1 count "$bin" montecarlo --draws 1000 --out l)"
