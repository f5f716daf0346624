#!/usr/bin/env bash
# Real libraries with a _WIN32 Winsock path (issue 10), fetched from package
# registries by name and exact version, never committed; built unmodified
# with winsock-cc into guest components, and natively with gcc as their
# peers. Run by tests/run.sh after `cargo build --release --bins` (which
# builds winsock-cc and winsock-run); tests/tests/third_party.rs runs them.
#
#   libmodbus 3.1.6, bundled in the crates.io crate libmodbus-sys 1.0.0
#     (cargo fetch, never built: its bindgen/cc build-dependencies are only
#     downloaded): unit-test-server and unit-test-client, natively and as
#     components.
#   hiredis 1.x, vendored in the PyPI sdist hiredis 3.5.0 (pip download):
#     our tests/third_party/hiredis_client.c linked with hiredis's sources,
#     as a component; its peer is Debian's redis-server (installed here).
#
# Everything lands in $target/third-party: the unpacked sources, bin/ (the
# native peers) and wasm/ (the components). Idempotent: a fetch is skipped
# when the right version is already unpacked; artifacts are rebuilt every
# time (seconds) and deleted first, so a failed build never leaves a stale
# one behind for the tests to find. A build that fails does not stop the
# others; each failure is written to $target/third-party/errors.txt and the
# script exits 1 at the end.
#
# Measured on the 2-core machine: 23 s cold (empty CARGO_HOME, no pip cache,
# no target/third-party; plus 11 s for apt-get install redis-server when it is
# missing), 10 s warm (the five builds). tests/tests/third_party.rs then takes
# 57 s, 14 s for each of libmodbus's four unit-test pairings (its client's own
# timeout tests; they share port 1502 so they run one after another), 1 s for
# hiredis.
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
target="${CARGO_TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$repo/$target" ;; esac
cc="$target/release/winsock-cc"
out="$target/third-party"
bin="$out/bin"
wasm="$out/wasm"
errors="$out/errors.txt"
mkdir -p "$out" "$bin" "$wasm"
: > "$errors"
failed=0
[ -x "$cc" ] || { echo "fetch-and-build.sh: $cc missing; run cargo build --release first" >&2; exit 1; }

step() { echo "third-party: $*" >&2; }

# Runs a command; on failure records it (and its output) in errors.txt.
record() {
  local what=$1; shift
  local log
  log=$(mktemp)
  if "$@" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    return 0
  fi
  cat "$log" >&2
  { echo "=== $what FAILED: $*"; cat "$log"; echo; } >> "$errors"
  rm -f "$log"
  failed=1
  return 1
}

# --- Debian's redis-server, the hiredis client's peer (as
# guest/c/install-toolchain.sh installs the C toolchain) ----------------------
if ! command -v redis-server >/dev/null; then
  command -v apt-get >/dev/null || { echo "fetch-and-build.sh: no apt-get; install redis-server yourself" >&2; exit 1; }
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  step "installing redis-server (Debian package)"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends redis-server
fi

# --- libmodbus 3.1.6 from the crate libmodbus-sys 1.0.0 ---------------------
modbus_crate=libmodbus-sys-1.0.0
modbus="$out/$modbus_crate/libmodbus"
if ! grep -qx 'version = "1.0.0"' "$out/$modbus_crate/Cargo.toml" 2>/dev/null; then
  step "fetching crate libmodbus-sys =1.0.0 with cargo"
  # A throwaway package outside the workspace ([workspace] makes it its own
  # root) that depends on the exact version; `cargo fetch` downloads and
  # unpacks it into CARGO_HOME without building anything, and
  # `cargo metadata` says where.
  manifest_dir="$out/fetch-libmodbus-sys"
  mkdir -p "$manifest_dir"
  cat > "$manifest_dir/Cargo.toml" <<'EOF'
[package]
name = "fetch-libmodbus-sys"
version = "0.0.0"
edition = "2021"
publish = false

[lib]
path = "lib.rs"

[dependencies]
libmodbus-sys = "=1.0.0"

[workspace]
EOF
  : > "$manifest_dir/lib.rs"
  host_triple=$(rustc -vV | sed -n 's/^host: //p')
  cargo fetch --quiet --manifest-path "$manifest_dir/Cargo.toml" --target "$host_triple" || exit 1
  crate_manifest=$(cargo metadata --quiet --format-version 1 --manifest-path "$manifest_dir/Cargo.toml" \
      --filter-platform "$host_triple" |
    python3 -c 'import json,sys; print(next(p["manifest_path"] for p in json.load(sys.stdin)["packages"] if p["name"] == "libmodbus-sys" and p["version"] == "1.0.0"))') || exit 1
  rm -rf "${out:?}/$modbus_crate"
  cp -r "$(dirname "$crate_manifest")" "$out/$modbus_crate"
fi

# configure.js's work, as src/win32/README.win32 documents it for Windows:
# config.h from src/win32/config.h.win32 and src/modbus-version.h from
# modbus-version.h.in, with the version read from configure.ac; and
# tests/unit-test.h from unit-test.h.in as configure substitutes it.
ver_part() { sed -n "s/^m4_define(\[libmodbus_version_$1\], \[\([0-9]*\)\])/\1/p" "$modbus/configure.ac"; }
major=$(ver_part major) minor=$(ver_part minor) micro=$(ver_part micro)
version="$major.$minor.$micro"
[ "$version" = 3.1.6 ] || { echo "fetch-and-build.sh: libmodbus version '$version', expected 3.1.6" >&2; exit 1; }
substitute() {
  sed -e "s/@LIBMODBUS_VERSION_MAJOR@/$major/g" -e "s/@LIBMODBUS_VERSION_MINOR@/$minor/g" \
      -e "s/@LIBMODBUS_VERSION_MICRO@/$micro/g" -e "s/@LIBMODBUS_VERSION@/$version/g" "$1" > "$2"
}
substitute "$modbus/src/win32/config.h.win32" "$modbus/src/win32/config.h"
substitute "$modbus/src/modbus-version.h.in" "$modbus/src/modbus-version.h"
sed -e 's/@HAVE_INTTYPES_H@/1/' -e 's/@HAVE_STDINT_H@/1/' \
  "$modbus/tests/unit-test.h.in" > "$modbus/tests/unit-test.h"

# The native peers. Linux gets the same config.h as Windows (the substitution
# route, not autotools, which would need autoconf, automake and libtool and
# half a minute): its macros only switch optional extras (accept4,
# <byteswap.h>, strlcpy, the RS-485 ioctls) that libmodbus replaces with
# portable code when absent, and HAVE_WINSOCK2_H is read by no source.
modbus_cflags=(-DHAVE_CONFIG_H -I"$modbus/src/win32" -I"$modbus/src" -I"$modbus/tests")
modbus_lib=("$modbus/src/modbus.c" "$modbus/src/modbus-data.c" "$modbus/src/modbus-tcp.c" "$modbus/src/modbus-rtu.c")
for prog in unit-test-server unit-test-client; do
  rm -f "$bin/$prog"
  step "gcc: libmodbus $prog (native peer)"
  record "gcc libmodbus $prog" gcc -O2 -w "${modbus_cflags[@]}" "$modbus/tests/$prog.c" "${modbus_lib[@]}" -o "$bin/$prog"
done

# The components: the same programs and library sources, with the flags
# src/win32/Make-tests and modbus.vcproj use on Windows (-DHAVE_CONFIG_H, the
# include directories), nothing else.
for prog in unit-test-server unit-test-client; do
  rm -f "$wasm/libmodbus-$prog.wasm"
  step "winsock-cc: libmodbus $prog"
  record "winsock-cc libmodbus $prog" "$cc" -O2 "${modbus_cflags[@]}" "$modbus/tests/$prog.c" "${modbus_lib[@]}" \
    -o "$wasm/libmodbus-$prog.wasm" -lws2_32
done

# --- hiredis 1.x from the PyPI sdist hiredis 3.5.0 ---------------------------
hiredis_sdist=hiredis-3.5.0
hiredis="$out/$hiredis_sdist"
if ! grep -qx 'Version: 3.5.0' "$hiredis/PKG-INFO" 2>/dev/null; then
  step "fetching sdist hiredis==3.5.0 with pip"
  mkdir -p "$out/dl"
  python3 -m pip download --quiet --no-deps --no-binary :all: --dest "$out/dl" hiredis==3.5.0 || exit 1
  rm -rf "$hiredis"
  tar -xzf "$out/dl/$hiredis_sdist.tar.gz" -C "$out" || exit 1
fi

# The hiredis sources setup.py compiles on Windows (its get_sources(), without
# the Python module's src/*.c), include directory vendor/ as setup.py gives it.
hiredis_src=()
for f in alloc async hiredis net read sds sockcompat; do hiredis_src+=("$hiredis/vendor/hiredis/$f.c"); done
rm -f "$wasm/hiredis-client.wasm"
step "winsock-cc: hiredis client"
record "winsock-cc hiredis client" "$cc" -O2 -I"$hiredis/vendor" "$repo/tests/third_party/hiredis_client.c" "${hiredis_src[@]}" \
  -o "$wasm/hiredis-client.wasm" -lws2_32

if [ "$failed" != 0 ]; then
  echo "fetch-and-build.sh: some builds failed; see $errors" >&2
  exit 1
fi
step "built: $(cd "$out" && echo bin/* wasm/*)"
