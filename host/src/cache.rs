//! A cache of compiled components, so that a second start of the same
//! component skips Cranelift: the compiled artifact is stored under a key
//! made of the component's bytes and the engine's compatibility hash (its
//! version, target and settings), and loaded back with `deserialize_file`.
//!
//! Loading compiled code is trusted: the cache directory must be writable
//! only by the user running the host (the default is under the user's
//! cache directory, created with mode 0700).

use sha2::{Digest, Sha256};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use wasmtime::Engine;
use wasmtime::component::Component;
use wasmtime::error::Context as _;

/// Where compiled components are kept.
#[derive(Debug, Clone)]
pub struct ComponentCache {
    dir: PathBuf,
}

/// Feeds `Hash` output into SHA-256 (the engine's compatibility hash is
/// only available through `Hash`).
struct Sha256Hasher(Sha256);

impl Hasher for Sha256Hasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish(&self) -> u64 {
        0
    }
}

/// Whether a load compiled or came from the cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheOutcome {
    Compiled,
    Loaded,
}

impl ComponentCache {
    pub fn new(dir: impl Into<PathBuf>) -> ComponentCache {
        ComponentCache { dir: dir.into() }
    }

    /// `$WINSOCK_CACHE_DIR`, else `$XDG_CACHE_HOME/winsock-wasm`, else
    /// `~/.cache/winsock-wasm`.
    pub fn default_dir() -> Option<PathBuf> {
        if let Some(dir) = std::env::var_os("WINSOCK_CACHE_DIR") {
            return Some(dir.into());
        }
        let base = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
        Some(base.join("winsock-wasm"))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn key(engine: &Engine, wasm: &[u8]) -> String {
        let mut h = Sha256Hasher(Sha256::new());
        engine.precompile_compatibility_hash().hash(&mut h);
        h.0.update(wasm);
        h.0.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The component in `path`, compiled once per content and engine.
    /// A cache that cannot be read or written only costs a compilation.
    pub fn load(
        &self,
        engine: &Engine,
        path: &Path,
    ) -> wasmtime::Result<(Component, CacheOutcome)> {
        let wasm = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let entry = self.dir.join(format!("{}.cwasm", Self::key(engine, &wasm)));
        if entry.exists() {
            // SAFETY: the entry was written by `serialize` below for this
            // engine configuration (the key covers it) into a directory only
            // this user can write.
            if let Ok(c) = unsafe { Component::deserialize_file(engine, &entry) } {
                return Ok((c, CacheOutcome::Loaded));
            }
        }
        let component = Component::new(engine, &wasm)
            .with_context(|| format!("compiling component {}", path.display()))?;
        if let Err(e) = self.store(&entry, &component) {
            tracing::warn!("component cache {}: {e:#}", self.dir.display());
        }
        Ok((component, CacheOutcome::Compiled))
    }

    fn store(&self, entry: &Path, component: &Component) -> wasmtime::Result<()> {
        create_private_dir(&self.dir)?;
        let bytes = component.serialize()?;
        // Written beside, then renamed: a concurrent reader never sees half.
        let tmp = entry.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, entry)?;
        Ok(())
    }
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}
