#!/usr/bin/env bash
# Region-scale benchmark (issues 6, 19): N schools of two terms written as real workbooks
# (examples/region.rs), then on that one corpus, in one run of this script:
#   floor   every used cell of every workbook parsed by bare calamine (examples/floor.rs);
#   open    tutorstat's own reader over every workbook, used-range checks included, and
#   check   validation of the workbooks already read (examples/phases.rs; nothing stored);
#   ingest, report (both terms: every school's xlsx and PDF, the term CSVs) and a full run
#   on a fresh copy, each with its peak RSS (/usr/bin/time).
# Every time is also printed as a ratio to the floor of the same run and thread count.
# Each size is measured with TUTORSTAT_CORES=RAYON_NUM_THREADS=T for T in THREADS
# (default "2 8"): the program run as on a machine of T cores; more cores must not buy memory.
# (Builds before 2026-11-30 read POLARS_MAX_THREADS instead, which now sizes polars' pool.)
# TUTORSTAT_BINS="OLD NEW" times each of several builds of the program (an older commit's
# beside this one) on the same corpus and floor, one row each: before/after in one run.
# Usage: bash benches/region.sh [SCHOOLS...]   (default: 30 100 300). Release build;
# PROFILE=dev uses the dev build (to try the script; its figures mean nothing).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${PROFILE:-release}" = dev ]; then
  cargo build --locked --bin tutorstat --example region --example floor --example phases >/dev/null 2>&1
  dir=$PWD/target/debug
else
  cargo build --release --locked --bin tutorstat --example region --example floor --example phases >/dev/null 2>&1
  dir=$PWD/target/release
fi
bins=${TUTORSTAT_BINS:-$dir/tutorstat}
bin=${bins%% *}
ex=$dir/examples
# Wall seconds and peak RSS in MiB of a command, its own output discarded.
measure() {
  local out
  out=$(/usr/bin/time -v "$@" 2>&1 >/dev/null) || true
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' <<<"$out")
  rss=$(awk -F': ' '/Maximum resident set size/ { printf "%d", $2 / 1024 }' <<<"$out")
  echo "$wall $rss"
}
x() { python3 -c "print(f'{$1 / $2:.1f}x')"; }
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(lscpu | sed -n 's/^Model name: *//p' | head -1); $(git log -1 --format='%h %s' | cut -c1-60)"
printf "| schools | workbooks | threads | program | floor (s) | open (s) | check (s) | ingest (s) | report (s) | run (s) | peak RSS ingest / report / run (MiB) |\n"
printf "|---|---|---|---|---|---|---|---|---|---|---|\n"
for size in "${@:-30 100 300}"; do
  for n in $size; do
    base=$(mktemp -d)
    $bin init "$base/w" >/dev/null
    $ex/region "$base/w" "$n" 10 >/dev/null
    files=$(find "$base/w/inbox" -name '*.xlsx' | wc -l)
    for t in ${THREADS:-2 8}; do
      export TUTORSTAT_CORES=$t RAYON_NUM_THREADS=$t
      floor=$($ex/floor "$base/w/inbox" | sed -E 's/.* in ([0-9.]+) s/\1/')
      read -r open check < <($ex/phases "$base/w/inbox" | sed -E 's/open ([0-9.]+) s, check ([0-9.]+) s.*/\1 \2/')
      for prog in $bins; do
        # Fresh copies under new names, the old ones kept until the size is done: on ext4
        # without a journal (this machine's disk) every new file or folder made within a
        # minute of many deletions scans past each recently deleted inode, which put a
        # quarter of ingest's samples in the kernel when the previous copies were removed here.
        k=$((${k:-0} + 1))
        cp -r "$base/w" "$base/a$k"
        cp -r "$base/w" "$base/b$k"
        read -r ingest ingest_rss <<<"$(measure "$prog" ingest -w "$base/a$k")"
        read -r report report_rss <<<"$(measure "$prog" report -w "$base/a$k")"
        read -r run run_rss <<<"$(measure "$prog" run -w "$base/b$k")"
        printf "| %s | %s | %s | %s | %s | %s (%s) | %s (%s) | %s (%s) | %s (%s) | %s (%s) | %s / %s / %s |\n" \
          "$n" "$files" "$t" "$prog" "$floor" "$open" "$(x "$open" "$floor")" "$check" "$(x "$check" "$floor")" \
          "$ingest" "$(x "$ingest" "$floor")" "$report" "$(x "$report" "$floor")" "$run" "$(x "$run" "$floor")" \
          "$ingest_rss" "$report_rss" "$run_rss"
      done
    done
    rm -rf "$base"
  done
done
