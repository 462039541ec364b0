#!/bin/sh
# Seeds the fuzz corpora from the project's own files (docs/robustness.md).
set -eu
cd "$(dirname "$0")/.."
mkdir -p fuzz/corpus/base fuzz/corpus/csv fuzz/corpus/scenario
for file in $(find tests/fixtures scenarios -name base.toml); do
    cp "$file" "fuzz/corpus/base/$(echo "$file" | tr / _)"
done
for file in $(find tests/fixtures scenarios -name '*.csv'); do
    cp "$file" "fuzz/corpus/csv/$(echo "$file" | tr / _)"
done
for file in $(grep -rl '^base *=' tests/fixtures scenarios --include='*.toml'); do
    cp "$file" "fuzz/corpus/scenario/$(echo "$file" | tr / _)"
done
echo "corpora: $(ls fuzz/corpus/base | wc -l) bases, $(ls fuzz/corpus/csv | wc -l) CSV, $(ls fuzz/corpus/scenario | wc -l) scenarios"
