//! What the bench commands share: their flags, where the guests are found at
//! run time, and the loopback grants they run guests with.
#![allow(dead_code)] // each command uses a part

use std::path::PathBuf;
use std::str::FromStr;
use winsock_host::{Grants, NetRule};

/// `--name VALUE` from the command line, else `default`.
pub fn arg<T: FromStr>(name: &str, default: T) -> T {
    match arg_str(name) {
        Some(v) => v.parse().unwrap_or_else(|_| {
            eprintln!("{name} {v}: not a valid value");
            std::process::exit(2)
        }),
        None => default,
    }
}

/// `--name VALUE` from the command line, as given.
pub fn arg_str(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

/// The cargo target directory, decided at run time (never where this binary
/// was built): `CARGO_TARGET_DIR`, else `target` under the current directory
/// (tests/bench/run.sh runs from the checkout's root).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target"))
}

/// Where the guest components are: `--guests DIR`, else the
/// `WINSOCK_BENCH_GUESTS` environment variable, else the target directory's
/// `wasm32-wasip2/release`.
pub fn guest_dir() -> PathBuf {
    arg_str("--guests")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("WINSOCK_BENCH_GUESTS").map(PathBuf::from))
        .unwrap_or_else(|| target_dir().join("wasm32-wasip2/release"))
}

/// A guest component (NAME.wasm in [`guest_dir`]); exits with a message
/// saying how to build it or where to point when it is not there.
pub fn guest(name: &str) -> PathBuf {
    let path = guest_dir().join(format!("{name}.wasm"));
    if !path.is_file() {
        eprintln!(
            "guest component {} not found.\n\
             Build the guests first (bash tests/bench/run.sh, or tests/run.sh), or say where they are\n\
             with --guests DIR or WINSOCK_BENCH_GUESTS=DIR (the directory holding {name}.wasm).",
            path.display()
        );
        std::process::exit(2);
    }
    path
}

/// Connect and bind granted on 127.0.0.1.
pub fn loopback_grants() -> Grants {
    let mut grants = Grants::deny_all();
    let lo: NetRule = "127.0.0.1".parse().unwrap();
    grants.allow_connect(lo.clone()).allow_bind(lo);
    grants
}
