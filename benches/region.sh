#!/usr/bin/env bash
# Region-scale benchmark (issue 6): generate N schools as real workbooks, then time the
# calamine floor, `ingest`, `report` and `run` on the same corpus, with peak memory.
# Usage: bash benches/region.sh [SCHOOLS...]   (default: 30 100 300). Release build.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --bin tutorstat --example region --example floor >/dev/null 2>&1
bin=target/release/tutorstat
measure() { /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1; }
printf "| schools | workbooks | floor (s) | ingest (s) | ingest / floor | report (s) | run (s) | peak RSS run (MiB) |\n|---|---|---|---|---|---|---|---|\n"
for n in "${@:-30 100 300}"; do
  for size in $n; do
    dir=$(mktemp -d)
    $bin init "$dir/a" >/dev/null
    target/release/examples/region "$dir/a" "$size" 10 >/dev/null
    files=$(find "$dir/a/inbox" -name '*.xlsx' | wc -l)
    cp -r "$dir/a" "$dir/b"
    floor=$(target/release/examples/floor "$dir/a/inbox" | sed -E 's/.* in ([0-9.]+) s/\1/')
    read -r ingest _ <<<"$(measure $bin ingest -w "$dir/a")"
    read -r report _ <<<"$(measure $bin report -w "$dir/a")"
    read -r run rss <<<"$(measure $bin run -w "$dir/b")"
    ratio=$(python3 -c "print(f'{$ingest/$floor:.1f}x')")
    printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n" "$size" "$files" "$floor" "$ingest" "$ratio" "$report" "$run" "$((rss / 1024))"
    rm -rf "$dir"
  done
done
