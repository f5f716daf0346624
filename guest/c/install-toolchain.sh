#!/usr/bin/env bash
# Installs the C toolchain winsock-cc drives, from Debian's packages: clang,
# lld (wasm-ld), wasi-libc, clang's wasm32 runtime library, and Binaryen
# (wasm-opt: the Asyncify step of programs with threads). Idempotent; uses
# sudo when not root.
set -euo pipefail
packages="clang lld wasi-libc libclang-rt-14-dev-wasm32 binaryen"
if dpkg -s $packages >/dev/null 2>&1; then
  exit 0
fi
command -v apt-get >/dev/null || {
  echo "install-toolchain.sh: no apt-get; install clang, lld (wasm-ld), wasi-libc, clang's wasm32 builtins and binaryen (wasm-opt) yourself" >&2
  exit 1
}
sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q $packages
