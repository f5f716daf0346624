//! Finding the C toolchain the README's set-up installs (Debian's clang,
//! lld, wasi-libc and the wasm32 compiler-rt builtins), and naming the
//! missing piece when something is absent.

use anyhow::{Context, Result, bail};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};

use crate::support::SupportDir;

const TARGET: &str = "--target=wasm32-wasi";
const SETUP: &str = "install the C toolchain with the README's set-up \
     (on Debian/Ubuntu: apt-get install clang lld wasi-libc libclang-rt-14-dev-wasm32)";

/// wasi-libc's emulation switches and their libraries (archives: linked
/// always, pulled in only by programs that call them).
pub const WASI_EMULATIONS: &[(&str, &str)] = &[
    ("-D_WASI_EMULATED_SIGNAL", "-lwasi-emulated-signal"),
    ("-D_WASI_EMULATED_GETPID", "-lwasi-emulated-getpid"),
    (
        "-D_WASI_EMULATED_PROCESS_CLOCKS",
        "-lwasi-emulated-process-clocks",
    ),
];

pub struct Toolchain {
    pub clang: PathBuf,
    /// The clang binary itself (symlinks resolved): clang looks for
    /// helper programs beside it, and must not find Binaryen's wasm-opt.
    clang_binary: PathBuf,
    /// wasm-ld, named to clang by absolute path (`-fuse-ld=`).
    linker: PathBuf,
    /// PATH for clang without the directories holding a `wasm-opt`.
    path_without_wasm_opt: OsString,
    sysroot: Option<OsString>,
}

impl Toolchain {
    pub fn find() -> Result<Self> {
        let clang = match std::env::var_os("WINSOCK_CC_CLANG") {
            Some(path) => PathBuf::from(path),
            None => [
                "clang", "clang-19", "clang-18", "clang-17", "clang-16", "clang-15", "clang-14",
            ]
            .iter()
            .find_map(|name| which(name))
            .with_context(|| {
                format!("clang not found on PATH; {SETUP}, or set WINSOCK_CC_CLANG")
            })?,
        };
        // After an optimised link clang runs `wasm-opt` by itself when it
        // finds one (beside clang or on PATH): that would change every
        // program once Binaryen is installed, and undo what the Asyncify
        // step needs (function names). So clang runs from its real
        // directory, with PATH cleared of wasm-opt, and gets wasm-ld by
        // absolute path; winsock-cc runs wasm-opt itself, for threads only.
        let clang_binary = std::fs::canonicalize(&clang).unwrap_or_else(|_| clang.clone());
        let path = std::env::var_os("PATH").unwrap_or_default();
        let path_without_wasm_opt = std::env::join_paths(
            std::env::split_paths(&path).filter(|dir| !dir.join("wasm-opt").is_file()),
        )
        .unwrap_or_default();
        let mut tools = Toolchain {
            clang,
            clang_binary,
            linker: PathBuf::new(),
            path_without_wasm_opt,
            sysroot: std::env::var_os("WASI_SYSROOT"),
        };

        // Asked with the user's PATH, as clang itself would look.
        let ld = tools.query_with_path("-print-prog-name=wasm-ld", &path)?;
        tools.linker = if Path::new(&ld).is_absolute() {
            PathBuf::from(&ld)
        } else {
            which(&ld).with_context(|| {
                format!("the WebAssembly linker wasm-ld was not found; {SETUP} (wasm-ld is in lld)")
            })?
        };
        if let Some(dir) = tools.clang_binary.parent()
            && dir.join("wasm-opt").is_file()
        {
            bail!(
                "{} has a wasm-opt beside it, which clang would run on every program; \
                 set WINSOCK_CC_CLANG to a clang without one",
                tools.clang_binary.display()
            );
        }
        let libc = tools.query("-print-file-name=libc.a")?;
        if !Path::new(&libc).is_absolute() {
            bail!(
                "wasi-libc (the C library for wasm32-wasi) was not found by {}; {SETUP}, \
                 or set WASI_SYSROOT to a wasi-sysroot",
                tools.clang.display()
            );
        }
        let builtins = tools.query("-print-libgcc-file-name")?;
        if !Path::new(&builtins).exists() {
            bail!(
                "clang's wasm32 runtime library {builtins} is missing; {SETUP} (libclang-rt-*-dev-wasm32)"
            );
        }
        Ok(tools)
    }

    fn base_command(&self) -> Command {
        let mut cmd = Command::new(&self.clang_binary);
        cmd.env("PATH", &self.path_without_wasm_opt);
        cmd.arg(TARGET);
        if let Some(sysroot) = &self.sysroot {
            let mut flag = OsString::from("--sysroot=");
            flag.push(sysroot);
            cmd.arg(flag);
        }
        cmd
    }

    fn query(&self, flag: &str) -> Result<String> {
        self.query_with_path(flag, &self.path_without_wasm_opt.clone())
    }

    fn query_with_path(&self, flag: &str, path: &std::ffi::OsStr) -> Result<String> {
        let out = self
            .base_command()
            .env("PATH", path)
            .arg(flag)
            .output()
            .with_context(|| format!("running {}", self.clang.display()))?;
        if !out.status.success() {
            bail!(
                "{} {flag} failed: {}",
                self.clang.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    /// Runs clang for the guest target with the Winsock headers ahead of
    /// the libc headers; `configure` adds the rest.
    pub fn clang_for_guest(
        &self,
        support: &SupportDir,
        verbose: bool,
        configure: impl FnOnce(&mut Command),
    ) -> Result<ExitStatus> {
        let mut cmd = self.base_command();
        cmd.arg("-isystem").arg(support.include_dir());
        // Programs written for Windows (and portable ones choosing Winsock
        // with #ifdef _WIN32) see the platform they were written for.
        cmd.args(["-D_WIN32", "-DWIN32"]);
        cmd.arg("-include").arg(support.prelude());
        // wasi-libc's emulations of what legacy code includes unasked:
        // <signal.h> (signal/raise within the program), getpid, clock().
        // The matching libraries are linked after the Winsock library.
        cmd.args(WASI_EMULATIONS.iter().map(|(define, _)| *define));
        configure(&mut cmd);
        self.run(cmd, verbose)
    }

    /// The flag that names wasm-ld to clang for a link.
    pub fn linker_flag(&self) -> OsString {
        let mut flag = OsString::from("-fuse-ld=");
        flag.push(&self.linker);
        flag
    }

    pub fn run(&self, mut cmd: Command, verbose: bool) -> Result<ExitStatus> {
        if verbose {
            eprintln!("winsock-cc: {cmd:?}");
        }
        cmd.status()
            .with_context(|| format!("running {}", self.clang.display()))
    }
}

const BINARYEN: &str = "install Binaryen's wasm-opt for programs with threads \
     (on Debian/Ubuntu: apt-get install binaryen; guest/c/install-toolchain.sh does it)";

/// Binaryen's wasm-opt, which the Asyncify step of a program with threads
/// runs (`WINSOCK_CC_WASM_OPT` picks another).
pub fn wasm_opt() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("WINSOCK_CC_WASM_OPT") {
        return Ok(PathBuf::from(path));
    }
    which("wasm-opt").with_context(|| format!("wasm-opt not found on PATH; {BINARYEN}"))
}

fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}
