#!/usr/bin/env bash
# Centre-scale benchmark (issue 6): N schools' packages, exported from a synthetic region,
# rolled up by a centre. Times the centre's `ingest` of the packages and its `report`, with
# peak memory. Usage: bash benches/centre.sh [SCHOOLS...]   (default: 300 1000). Release build.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --bin tutorstat --example region >/dev/null 2>&1
bin=target/release/tutorstat
measure() { /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1; }
printf "| schools | packages | centre ingest (s) | centre report (s) | peak RSS report (MiB) |\n|---|---|---|---|---|\n"
for n in "${@:-300 1000}"; do
  for size in $n; do
    dir=$(mktemp -d)
    $bin init "$dir/schools" >/dev/null
    target/release/examples/region "$dir/schools" "$size" 10 >/dev/null
    $bin ingest -w "$dir/schools" >/dev/null 2>&1 || true
    for term in "2025/2026 Q1" "2025/2026 Q4"; do $bin export -w "$dir/schools" --term "$term" >/dev/null; done
    $bin init --centre "$dir/centre" >/dev/null
    find "$dir/schools/reports" -name 'package_*.parquet' -exec cp {} "$dir/centre/inbox/" \;
    packages=$(find "$dir/centre/inbox" -name '*.parquet' | wc -l)
    rm -rf "$dir/schools"
    read -r ingest _ <<<"$(measure $bin ingest -w "$dir/centre")"
    read -r report rss <<<"$(measure $bin report -w "$dir/centre")"
    printf "| %s | %s | %s | %s | %s |\n" "$size" "$packages" "$ingest" "$report" "$((rss / 1024))"
    rm -rf "$dir"
  done
done
