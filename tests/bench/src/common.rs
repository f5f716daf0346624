//! What the bench commands share: their flags, where the guests were built,
//! and the loopback grants they run guests with.
#![allow(dead_code)] // each command uses a part

use std::path::PathBuf;
use std::str::FromStr;
use winsock_host::{Grants, NetRule};

/// `--name VALUE` from the command line, else `default`.
pub fn arg<T: FromStr>(name: &str, default: T) -> T {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(|v| v.parse().ok().expect("a number"))
        .unwrap_or(default)
}

/// The workspace's target directory.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"))
}

/// A guest component tests/run.sh built.
pub fn guest(name: &str) -> PathBuf {
    target_dir().join(format!("wasm32-wasip2/release/{name}.wasm"))
}

/// Connect and bind granted on 127.0.0.1.
pub fn loopback_grants() -> Grants {
    let mut grants = Grants::deny_all();
    let lo: NetRule = "127.0.0.1".parse().unwrap();
    grants.allow_connect(lo.clone()).allow_bind(lo);
    grants
}
