//! The headers, library sources and generated bindings embedded in
//! winsock-cc, unpacked once (and the library compiled once) into a cache
//! directory named by their hash and the clang used.

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

use crate::toolchain::Toolchain;

macro_rules! embed {
    ($dir:literal, $name:literal) => {
        (
            $dir,
            $name,
            include_bytes!(concat!("../", $dir, "/", $name)) as &[u8],
        )
    };
}
macro_rules! generated {
    ($name:literal) => {
        (
            "lib",
            $name,
            include_bytes!(concat!(env!("OUT_DIR"), "/bindings/", $name)) as &[u8],
        )
    };
}

/// (directory, file name, contents).
const FILES: &[(&str, &str, &[u8])] = &[
    embed!("include", "winsock2.h"),
    embed!("include", "winsock.h"),
    embed!("include", "ws2tcpip.h"),
    embed!("include", "windows.h"),
    embed!("include", "_winsock_cc.h"),
    embed!("include", "_winsock_select.h"),
    embed!("include", "_winsock_errors.h"),
    embed!("include", "_winsock_crt.h"),
    embed!("include", "sys/select.h"),
    embed!("include", "unistd.h"),
    embed!("include", "string.h"),
    embed!("include", "time.h"),
    embed!("include", "ws2ipdef.h"),
    embed!("include", "mstcpip.h"),
    embed!("include", "mswsock.h"),
    embed!("include", "mmsystem.h"),
    embed!("include", "io.h"),
    embed!("include", "process.h"),
    embed!("lib", "winsock.c"),
    embed!("lib", "addr.c"),
    embed!("lib", "internal.h"),
    embed!("lib", "windows.c"),
    embed!("lib", "events.c"),
    embed!("lib", "crt.c"),
    embed!("lib", "hooks.c"),
    embed!("lib", "overlapped.c"),
    embed!("lib", "threads.c"),
    embed!("lib", "start.c"),
    generated!("imports.h"),
    generated!("imports.c"),
    generated!("imports_component_type.o"),
];

/// Library sources compiled once per support directory.
const LIBRARY_SOURCES: &[&str] = &[
    "start.c",
    "winsock.c",
    "addr.c",
    "windows.c",
    "events.c",
    "crt.c",
    "hooks.c",
    "overlapped.c",
    "threads.c",
    "imports.c",
];

/// The library of programs with threads: the same sources built with
/// `__WS_THREADS` (green threads, per-thread last error, blocking calls
/// that park their thread) into `lib/threads/`.
const THREADS_DEFINE: &str = "-D__WS_THREADS";
const THREADS_DIR: &str = "threads";

/// The spellings MSVC code uses for the headers (Windows' file system does
/// not care about case; this one does): each becomes a one-line header
/// including the real one. Written at unpack time rather than kept in the
/// repository, where they would collide on case-insensitive checkouts.
const HEADER_ALIASES: &[(&str, &str)] = &[
    ("Windows.h", "windows.h"),
    ("WINDOWS.H", "windows.h"),
    ("WinSock2.h", "winsock2.h"),
    ("Winsock2.h", "winsock2.h"),
    ("WINSOCK2.H", "winsock2.h"),
    ("WinSock.h", "winsock.h"),
    ("Winsock.h", "winsock.h"),
    ("WS2tcpip.h", "ws2tcpip.h"),
    ("Ws2tcpip.h", "ws2tcpip.h"),
    ("WS2TCPIP.H", "ws2tcpip.h"),
    ("WS2IPDef.h", "ws2ipdef.h"),
    ("Ws2ipdef.h", "ws2ipdef.h"),
    ("MSTcpIP.h", "mstcpip.h"),
    ("Mstcpip.h", "mstcpip.h"),
    ("MSWSock.h", "mswsock.h"),
    ("Mswsock.h", "mswsock.h"),
    ("MMSystem.h", "mmsystem.h"),
    ("Mmsystem.h", "mmsystem.h"),
];

/// What only a program with a second thread calls.
pub const THREAD_ENTRY_POINTS: &[&str] = &["CreateThread", "_beginthreadex", "_beginthread"];

pub struct SupportDir {
    root: PathBuf,
}

impl SupportDir {
    pub fn ensure(tools: &Toolchain, verbose: bool) -> Result<Self> {
        let mut hash = Sha256::new();
        hash.update(env!("CARGO_PKG_VERSION"));
        hash.update(tools.clang.as_os_str().as_encoded_bytes());
        for (dir, name, contents) in FILES {
            hash.update(dir);
            hash.update(name);
            hash.update((contents.len() as u64).to_le_bytes());
            hash.update(contents);
        }
        for (alias, target) in HEADER_ALIASES {
            hash.update(alias);
            hash.update(target);
        }
        let digest = hash.finalize();
        let tag: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        let root = cache_root().join(format!("cc-{tag}"));
        let support = SupportDir { root };
        if support.root.join("ready").exists() {
            return Ok(support);
        }

        // Build into a private directory, then rename: concurrent first runs
        // never see a half-built library.
        let staging = support
            .root
            .with_extension(format!("tmp-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&staging);
        for (dir, name, contents) in FILES {
            let path = staging.join(dir).join(name);
            std::fs::create_dir_all(path.parent().unwrap())
                .with_context(|| format!("creating {}", staging.display()))?;
            std::fs::write(&path, contents)
                .with_context(|| format!("writing {}", path.display()))?;
        }
        for (alias, target) in HEADER_ALIASES {
            let path = staging.join("include").join(alias);
            std::fs::write(&path, format!("#include <{target}>\n"))
                .with_context(|| format!("writing {}", path.display()))?;
        }
        let staged = SupportDir {
            root: staging.clone(),
        };
        std::fs::create_dir_all(staging.join("lib").join(THREADS_DIR))?;
        for threads in [false, true] {
            for source in LIBRARY_SOURCES {
                let object = staged.object(source, threads);
                let status = tools.clang_for_guest(&staged, verbose, |cmd| {
                    cmd.args(["-O2", "-Wall", "-c"]);
                    if threads {
                        cmd.arg(THREADS_DEFINE);
                    }
                    cmd.arg(staging.join("lib").join(source))
                        .arg("-o")
                        .arg(&object);
                })?;
                if !status.success() {
                    bail!(
                        "compiling the Winsock library ({source}) failed; is the C toolchain complete?"
                    );
                }
            }
        }
        std::fs::write(
            staging.join("lib").join("thread-entry-points.txt"),
            THREAD_ENTRY_POINTS.join("\n") + "\n",
        )?;
        std::fs::write(staging.join("ready"), b"")?;
        if let Err(error) = std::fs::rename(&staging, &support.root) {
            let _ = std::fs::remove_dir_all(&staging);
            if !support.root.join("ready").exists() {
                return Err(error).with_context(|| format!("creating {}", support.root.display()));
            }
        }
        Ok(support)
    }

    pub fn include_dir(&self) -> PathBuf {
        self.root.join("include")
    }

    /// The header every translation unit starts with (Microsoft's keywords).
    pub fn prelude(&self) -> PathBuf {
        self.include_dir().join("_winsock_cc.h")
    }

    /// The start file, the library and the bindings (with the custom section
    /// that tells the component encoder the winsock:ws2 import types).
    /// `threads`: the threaded build of the library.
    pub fn library_objects(&self, threads: bool) -> Vec<PathBuf> {
        let mut objects: Vec<PathBuf> = LIBRARY_SOURCES
            .iter()
            .map(|s| self.object(s, threads))
            .collect();
        objects.push(self.root.join("lib").join("imports_component_type.o"));
        objects
    }

    fn object(&self, source: &str, threads: bool) -> PathBuf {
        let mut dir = self.root.join("lib");
        if threads {
            dir.push(THREADS_DIR);
        }
        dir.join(Path::new(source).with_extension("o"))
    }

    /// The symbols whose use makes a program one with threads: the plain
    /// link leaves them undefined (imports), which tells winsock-cc to
    /// link the threaded library instead.
    pub fn thread_entry_points(&self) -> PathBuf {
        self.root.join("lib").join("thread-entry-points.txt")
    }
}

fn cache_root() -> PathBuf {
    if let Some(dir) = std::env::var_os("WINSOCK_CC_CACHE") {
        return PathBuf::from(dir);
    }
    let base = std::env::var_os("WINSOCK_CACHE_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("XDG_CACHE_HOME").map(|d| PathBuf::from(d).join("winsock-wasm"))
        })
        .or_else(|| std::env::var_os("HOME").map(|d| PathBuf::from(d).join(".cache/winsock-wasm")))
        .unwrap_or_else(|| std::env::temp_dir().join("winsock-wasm"));
    base
}
