#!/usr/bin/env bash
# Builds tutorstat's Linux packages into target/dist/: a .deb (cargo-deb), an .rpm
# (cargo-generate-rpm, when installed) and a .tar.gz, each with the binary, the man pages,
# bash/zsh/fish completions, the embedded fonts' licence and the docs.
#
#   bash packaging/build.sh [--target TRIPLE] [--profile release|dev] [--no-build]
#
# --target   e.g. x86_64-unknown-linux-musl for the static binary of the releases
# --profile  release by default; dev only to test the packaging itself (the CI test does)
# --no-build package the binary already built for that target and profile
#
# Needs: cargo install --locked cargo-deb cargo-generate-rpm (versions: .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

target="" profile=release build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --target) target="$2"; shift 2 ;;
    --profile) profile="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

# Reproducible: file times in the packages and the man pages' date come from the last
# commit. Given to the packaging tools only, not to cargo builds: C build scripts (cc) rerun
# when SOURCE_DATE_EPOCH changes, which would rebuild most dependencies.
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}

target_args=() target_dir=target
if [ -n "$target" ]; then
  target_args=(--target "$target")
  target_dir="target/$target"
fi
profile_dir=$profile
[ "$profile" = dev ] && profile_dir=debug
binary="$target_dir/$profile_dir/tutorstat"

if [ "$build" = 1 ]; then
  cargo build --locked --profile "$profile" "${target_args[@]}" --bin tutorstat
fi
[ -x "$binary" ] || { echo "no binary at $binary: build it or drop --no-build" >&2; exit 1; }

# Man pages and completions from the program's own clap definitions, built for the same
# target and profile as the binary so that the library's build is reused (a static musl
# binary runs on any Linux host).
rm -rf target/packaging
cargo build --locked --quiet --profile "$profile" "${target_args[@]}" --example packaging
SOURCE_DATE_EPOCH=$epoch "$target_dir/$profile_dir/examples/packaging" target/packaging >/dev/null
gzip -9n target/packaging/man/*.1

# A stripped copy for the .rpm and the archive (cargo-deb strips its own); a binary for
# another architecture is copied as it is.
mkdir -p target/packaging/bin
strip -o target/packaging/bin/tutorstat "$binary" 2>/dev/null || cp "$binary" target/packaging/bin/tutorstat

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
arch=${target%%-*}
[ -n "$arch" ] || arch=$(uname -m)
rm -rf target/dist && mkdir -p target/dist

# cargo-deb strips the binary and reads [package.metadata.deb] in Cargo.toml. A test
# package (dev profile) is compressed fast: its binary is large and it is thrown away.
fast=()
[ "$profile" = release ] || fast=(--fast)
SOURCE_DATE_EPOCH=$epoch cargo deb --no-build --profile "$profile" "${target_args[@]}" "${fast[@]}" --output target/dist/

if command -v cargo-generate-rpm >/dev/null 2>&1; then
  SOURCE_DATE_EPOCH=$epoch cargo generate-rpm --profile "$profile" "${target_args[@]}" --output target/dist/
else
  echo "cargo-generate-rpm not installed: no .rpm (cargo install --locked cargo-generate-rpm)" >&2
fi

# A plain archive for any Linux, for releases only (a test package's binary is large): the
# binary (stripped), man pages, completions, licences.
[ "$profile" = release ] || { ls -l target/dist/; exit 0; }
stage="target/packaging/tutorstat-$version-$arch-linux"
mkdir -p "$stage"
cp target/packaging/bin/tutorstat "$stage/"
cp -r target/packaging/man target/packaging/completions "$stage/"
cp assets/fonts/LICENSE-DejaVu.txt README.md "docs/руководство.md" "$stage/"
tar --mtime="@$epoch" --owner=0 --group=0 -C target/packaging -czf "target/dist/tutorstat-$version-$arch-linux.tar.gz" "$(basename "$stage")"

ls -l target/dist/
