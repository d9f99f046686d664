#!/usr/bin/env bash
# Individual cards against the school reports of the same schools (issue 17): generate N
# schools of the synthetic region (190 persons each), ingest them, then time `report` (the
# school PDF and workbook of every school, plus the term-wide files) and `cards` (every
# person's card and every tutor's file) of the final term, in one run of this script.
# Usage: bash benches/cards.sh [SCHOOLS...]   (default: 1 10). PROFILE=release for a
# release build (default: dev, the profile the tests use).
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${PROFILE:-dev}
dir_of() { if [ "$1" = dev ]; then echo debug; else echo "$1"; fi; }
cargo build --profile "$profile" --bin tutorstat --example region >/dev/null 2>&1
bin=target/$(dir_of "$profile")/tutorstat
region=target/$(dir_of "$profile")/examples/region
measure() { /usr/bin/time -f "%e %U" "$@" 2>&1 >/dev/null | tail -1; }
printf "| schools | persons | cards + tutors' files | report: wall / CPU (s) | cards: wall / CPU (s) | CPU per card (ms) | cards / report (CPU) |\n|---|---|---|---|---|---|---|\n"
for n in "${@:-1 10}"; do
  dir=$(mktemp -d)
  $bin init "$dir/w" >/dev/null
  $region "$dir/w" "$n" 1 >/dev/null
  $bin ingest -w "$dir/w" >/dev/null 2>&1 || true
  read -r report_wall report_cpu <<<"$(measure $bin report --term "2025/2026 Q4" -w "$dir/w")"
  read -r cards_wall cards_cpu <<<"$(measure $bin cards --term "2025/2026 Q4" -w "$dir/w")"
  files=$(find "$dir/w/reports" -path '*cards*' -name '*.pdf' | wc -l)
  persons=$((n * 190))
  per=$(python3 -c "print(f'{1000 * $cards_cpu / $files:.0f}')")
  ratio=$(python3 -c "print(f'{$cards_cpu / $report_cpu:.1f}x')")
  printf "| %s | %s | %s | %s / %s | %s / %s | %s | %s |\n" "$n" "$persons" "$files" "$report_wall" "$report_cpu" "$cards_wall" "$cards_cpu" "$per" "$ratio"
  rm -rf "$dir"
done
