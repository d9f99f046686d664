#!/usr/bin/env bash
# Centre-scale benchmark (issue 6): a centre rolling up N schools' packages of one term.
# A synthetic region is generated, ingested and exported once; its packages are the
# templates examples/packages.rs copies under N school codes (40 municipalities of schools
# each). Times the centre's `ingest` and `report`, with peak memory and the store files ingest
# leaves (one per package); the report is run once
# per value of `[limits] report_batches` (batches of 100 schools computed at once).
# Each row also gives the cost per school and that cost times 40 000 (the issue's centre),
# and what a reader gets: the pages of centre.pdf and the sheets of centre.xlsx;
# a linear extrapolation: measured cost has grown linearly with schools (docs/architecture.md).
# Usage: bash benches/centre.sh [SCHOOLS...]   (default: 1000 5000; 40000 takes ~15 min).
# Environment: BATCHES="1 2 8" (default "2"); PROFILE=dev uses the dev build (relative
# figures only; default release); TEMPLATE_SCHOOLS (default 300) sizes the region copied.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${PROFILE:-release}
if [ "$profile" = dev ]; then
  cargo build --locked --bin tutorstat --example region --example packages >/dev/null 2>&1
  dir=target/debug
else
  cargo build --release --locked --bin tutorstat --example region --example packages >/dev/null 2>&1
  dir=target/release
fi
bin=$dir/tutorstat
measure() { /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
$bin init "$work/region" >/dev/null
$dir/examples/region "$work/region" "${TEMPLATE_SCHOOLS:-300}" 10 >/dev/null
$bin ingest -w "$work/region" >/dev/null 2>&1 || true
$bin export -w "$work/region" --term "2025/2026 Q4" >/dev/null
mkdir "$work/templates"
find "$work/region/reports" -name 'package_*.parquet' -exec mv {} "$work/templates/" \;
rm -rf "$work/region"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); $(git log -1 --format='%h %s' | cut -c1-60)"
per() { python3 -c "print(f'{1000 * $1 / $2:.2f} ms, x40000: {40000 * $1 / $2:.0f} s')"; }
# Pages of the centre's PDF and sheets of its workbook, "?" when there is none.
pages() {
  local pdf
  pdf=$(find "$1" -name centre.pdf | head -1)
  [ -n "$pdf" ] && pdfinfo "$pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }' || echo "?"
}
sheets() {
  local xlsx
  xlsx=$(find "$1" -name centre.xlsx | head -1)
  [ -n "$xlsx" ] && python3 -c "import sys, zipfile; print(sum(n.startswith('xl/worksheets/sheet') for n in zipfile.ZipFile(sys.argv[1]).namelist()))" "$xlsx" || echo "?"
}
printf "| schools | centre ingest (s) | per school, x40 000 | peak RSS ingest (MiB) | store files | report_batches | centre report (s) | per school, x40 000 | peak RSS report (MiB) | PDF pages | workbook sheets |\n|---|---|---|---|---|---|---|---|---|---|---|\n"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 5000)
for size in "${sizes[@]}"; do
  $bin init --centre "$work/centre" >/dev/null
  $dir/examples/packages "$work/templates" "$work/centre/inbox" "$size" >/dev/null
  read -r ingest ingest_rss <<<"$(measure $bin ingest -w "$work/centre")"
  # One per package since issue 19 (seven, one per table, before).
  stored=$(find "$work/centre/store" -name '*.parquet' | wc -l)
  for batches in ${BATCHES:-2}; do
    sed -i "s/^report_batches = .*/report_batches = $batches/" "$work/centre/tutorstat.toml"
    read -r report report_rss <<<"$(measure $bin report -w "$work/centre")"
    printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n" "$size" "$ingest" "$(per "$ingest" "$size")" "$((ingest_rss / 1024))" \
      "$stored" "$batches" "$report" "$(per "$report" "$size")" "$((report_rss / 1024))" \
      "$(pages "$work/centre/reports")" "$(sheets "$work/centre/reports")"
  done
  rm -rf "$work/centre"
done
