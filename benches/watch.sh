#!/usr/bin/env bash
# Watch latency (issue 19): a workspace of N schools (examples/region.rs) is run once, then
# `tutorstat watch` runs on it while DROPS teachers' files land in its inbox one at a time:
# each is a new attendance journal of the final term for school 2300-001 (the same school
# made with another seed, so its bytes, and so its data, differ). The latency of a drop is
# from the moment the copy into inbox/ ends to the moment that school's PDF and workbook of
# the term and the term's indicators.csv all have new modification times (whichever comes
# last); the next file is dropped once nothing under reports/ has changed for a second.
# Prints the median and the maximum.
# TUTORSTAT_BIN=PATH times another build of the program (an older commit's).
# Usage: bash benches/watch.sh [SCHOOLS] [DROPS]   (default: 300 20). Release build.
# Environment: QUIET passes `--quiet` to watch (default: watch's own); PROFILE=dev uses the
# dev build (relative figures only).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${PROFILE:-release}" = dev ]; then
  cargo build --locked --bin tutorstat --example region >/dev/null 2>&1
  dir=$PWD/target/debug
else
  cargo build --release --locked --bin tutorstat --example region >/dev/null 2>&1
  dir=$PWD/target/release
fi
bin=${TUTORSTAT_BIN:-$dir/tutorstat}
region=$dir/examples/region
schools=${1:-300}
drops=${2:-20}
work=$(mktemp -d)
watcher=
cleanup() {
  if [ -n "$watcher" ]; then kill "$watcher" 2>/dev/null || true; wait "$watcher" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
$bin init "$work/w" >/dev/null
$region "$work/w" "$schools" 10 >/dev/null
$bin run -w "$work/w" >/dev/null 2>&1 || true
# The drops: school 2300-001 (the first school of the generator) made again with other seeds.
for i in $(seq 1 "$drops"); do
  $region "$work/seed$i" 1 10 $((7000 + i)) >/dev/null
  mv "$work/seed$i/inbox/2300-001/2300-001_Q4_посещаемость.xlsx" "$work/drop$i.xlsx"
  rm -rf "$work/seed$i"
done
pdf=$(find "$work/w/reports" -name '2300-001.pdf' -path '*Q4*' | head -1)
[ -n "$pdf" ] || { echo "no Q4 PDF of 2300-001 after the first run" >&2; exit 1; }
$bin watch -w "$work/w" ${QUIET:+--quiet "$QUIET"} >/dev/null 2>"$work/watch.log" &
watcher=$!
# Watching starts once the stored terms are computed (`watch` says so on stderr).
for _ in $(seq 1 600); do
  grep -q 'Слежу за папкой' "$work/watch.log" 2>/dev/null && break
  sleep 1
done
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); $(git log -1 --format='%h %s' | cut -c1-60)"
python3 - "$work" "$pdf" "$drops" "$schools" <<'EOF'
import os, shutil, statistics, sys, time
work, pdf, drops, schools = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
reports = os.path.join(work, "w", "reports")
inbox = os.path.join(work, "w", "inbox", "2300-001")
term = os.path.dirname(pdf)
# What a drop must rewrite: the school's PDF and workbook, and the term's long table.
outputs = [pdf, pdf[:-len(".pdf")] + ".xlsx", os.path.join(term, "indicators.csv")]
os.makedirs(inbox, exist_ok=True)

def newest(path):
    latest = 0.0
    for root, _, files in os.walk(path):
        for f in files:
            try:
                latest = max(latest, os.stat(os.path.join(root, f)).st_mtime)
            except FileNotFoundError:
                pass
    return latest

def settle():
    while time.time() - newest(reports) < 1.0:
        time.sleep(0.1)

latencies = []
for i in range(1, drops + 1):
    settle()
    before = {path: os.stat(path).st_mtime_ns for path in outputs}
    shutil.copyfile(os.path.join(work, f"drop{i}.xlsx"), os.path.join(inbox, f"журнал_{i}.xlsx"))
    landed = time.monotonic()
    deadline = landed + 600
    while any(os.stat(path).st_mtime_ns == before[path] for path in outputs):
        if time.monotonic() > deadline:
            sys.exit(f"drop {i}: the school's reports and indicators.csv did not all change in 10 minutes")
        time.sleep(0.02)
    latencies.append(time.monotonic() - landed)
print(f"| schools | drops | median (s) | max (s) | min (s) |\n|---|---|---|---|---|")
print(f"| {schools} | {drops} | {statistics.median(latencies):.2f} | {max(latencies):.2f} | {min(latencies):.2f} |")
EOF
