#!/usr/bin/env bash
# Fuzz every target for SECONDS (default 600) each, then minimise each corpus into
# tests/fixtures/fuzz/<target>/, which `cargo test` replays (src/fuzzing.rs).
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). Not part of CI.
# Usage: bash fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-600}
shift || true
targets=("${@:-workbook cells values}")
# A dev build: polars built with coverage instrumentation in release takes far longer, and
# the targets' own code is what is being explored. No sanitizer: the crate has no unsafe.
flags=(--dev -s none)
cargo +nightly fuzz build "${flags[@]}"
for target in ${targets[*]}; do
  mkdir -p "corpus/$target" "seeds/$target"
  case $target in
    workbook) find ../samples ../tests/fixtures/quirks -type f \( -name '*.xlsx' -o -name '*.xls' -o -name '*.ods' \) \
                -exec cp {} "seeds/$target/" \; 2>/dev/null || true ;;
    cells) for i in $(seq 0 47); do printf "\\x$(printf %02x "$i")\\x00\\x05\\x02\\x05\\x05abcde" > "seeds/$target/edit$i"; done ;;
    values) i=0; for v in "01.09.2025" "2025-09-01" "45901" "3,5" " 12 " "н" "Б" "+" "2025/2026 Q1" "2025–26" \
                          "1 четверть" "9А" "9A" "=1+1" "сентябрь 2025" "31.02.2025" "1e308" "-0"; do
              printf '%s' "$v" > "seeds/$target/v$((i++))"; done ;;
  esac
  # -rss_limit_mb bounds what one input may take, as the limits in Limits do. A crash ends
  # the run: it is fixed, its input kept, and the script run again.
  cargo +nightly fuzz run "${flags[@]}" "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=262144 -print_final_stats=1 || status=$?
  # The replayed fixtures: the 200 smallest inputs of the minimised corpus (the replay stays
  # a few seconds in a debug build), plus every input that once crashed (crash-*, oom-*,
  # timeout-*), kept as regressions.
  fixtures="../tests/fixtures/fuzz/$target"
  mkdir -p "$fixtures" && find "$fixtures" -type f ! -name 'crash-*' ! -name 'oom-*' ! -name 'timeout-*' -delete
  cargo +nightly fuzz cmin "${flags[@]}" "$target" "corpus/$target"
  (cd "corpus/$target" && ls -S -r | sed -n '1,200p' | xargs -r cp -t "../../$fixtures/")
  if compgen -G "artifacts/$target/*" >/dev/null; then cp "artifacts/$target"/* "$fixtures/"; fi
  if [ -n "${status:-}" ]; then echo "$target: the fuzzer found a failing input, see artifacts/$target" >&2; exit "$status"; fi
done
