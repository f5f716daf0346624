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
        let tools = Toolchain {
            clang,
            sysroot: std::env::var_os("WASI_SYSROOT"),
        };

        let ld = tools.query("-print-prog-name=wasm-ld")?;
        if !Path::new(&ld).is_absolute() && which(&ld).is_none() {
            bail!("the WebAssembly linker wasm-ld was not found; {SETUP} (wasm-ld is in lld)");
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
        let mut cmd = Command::new(&self.clang);
        cmd.arg(TARGET);
        if let Some(sysroot) = &self.sysroot {
            let mut flag = OsString::from("--sysroot=");
            flag.push(sysroot);
            cmd.arg(flag);
        }
        cmd
    }

    fn query(&self, flag: &str) -> Result<String> {
        let out = self
            .base_command()
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

    pub fn run(&self, mut cmd: Command, verbose: bool) -> Result<ExitStatus> {
        if verbose {
            eprintln!("winsock-cc: {cmd:?}");
        }
        cmd.status()
            .with_context(|| format!("running {}", self.clang.display()))
    }
}

fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}
