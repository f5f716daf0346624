//! The command line: a C compiler's (gcc/clang spelling), so existing build
//! scripts and Makefiles work with `CC=winsock-cc`.

use anyhow::{Result, bail};
use std::path::PathBuf;

pub const HELP: &str = "\
winsock-cc: compile legacy C Winsock programs into components for winsock-run

Usage: winsock-cc [OPTIONS] FILE... [-o OUT.wasm]

FILE is C source (.c) or an object from `winsock-cc -c` (.o). Without -o the
component is written to a.wasm. Run it with: winsock-run [GRANTS] OUT.wasm ARGS...

Options (as gcc and clang spell them):
  -o FILE            write the component (or with -c, the object) to FILE
  -c | -S | -E       compile only / emit assembly / preprocess only
  -O0 .. -O3, -Os    optimisation level
  -g                 debug information (names in winsock-run's trap backtraces)
  -I DIR, -D NAME[=VALUE], -U NAME, -include FILE
  -W..., -w, -std=..., -f..., -pedantic  passed to clang
  -l ws2_32 | wsock32 | mswsock | kernel32 | winmm | iphlpapi | advapi32 | user32
                     accepted and ignored: the Winsock library (with what of
                     kernel32 and winmm it offers) is always linked (so is
                     #pragma comment(lib, ...))
  -lNAME             other libraries from the wasi-libc sysroot (e.g. -lm)
  -pthread           build with threads (CreateThread, _beginthreadex): the
                     threaded library and Binaryen's Asyncify step; without
                     it winsock-cc does so when the program calls one of
                     them (a program without threads pays nothing)
  -v                 print the clang commands
  --help, --version

The program sees _WIN32 and WIN32 defined, <winsock2.h>, <ws2tcpip.h> and
<windows.h> with Windows' constants and layouts, and the C library of
wasi-libc. Environment: WINSOCK_CC_CLANG (the clang to use),
WINSOCK_CC_CACHE (where headers and the library are unpacked),
WINSOCK_CC_WASM_OPT (Binaryen's wasm-opt, for programs with threads).
";

/// Windows import libraries that name the Winsock library (always linked)
/// or the kernel functions <windows.h> declares.
const WINDOWS_LIBS: &[&str] = &[
    "ws2_32", "wsock32", "mswsock", "kernel32", "winmm", "iphlpapi", "advapi32", "user32",
];

#[derive(Debug, PartialEq, Eq)]
pub enum Mode {
    /// Stop before linking (-c, -S, -E, -fsyntax-only, -M/-MM).
    CompileOnly,
    /// Produce a component.
    Link,
}

#[derive(Debug)]
pub struct Invocation {
    pub mode: Mode,
    pub output: Option<PathBuf>,
    /// Everything for clang except -o, in the user's order.
    pub clang_args: Vec<String>,
    pub has_inputs: bool,
    pub verbose: bool,
    /// -pthread: link the threaded library whatever the program calls.
    pub threads: bool,
}

impl Invocation {
    /// The optimisation wasm-opt applies after Asyncify: -Os/-Oz keep
    /// their size goal, anything else is -O2 (Asyncify's output needs it).
    pub fn wasm_opt_level(&self) -> &'static str {
        match self
            .clang_args
            .iter()
            .rev()
            .find(|a| a.starts_with("-O"))
            .map(String::as_str)
        {
            Some("-Os") => "-Os",
            Some("-Oz") => "-Oz",
            _ => "-O2",
        }
    }

    /// Whether -g asked for names (kept through wasm-opt).
    pub fn debug_info(&self) -> bool {
        self.clang_args
            .iter()
            .any(|a| a.starts_with("-g") && a != "-g0")
    }
}

pub enum Parsed {
    Help,
    Version,
    Run(Invocation),
}

/// Options whose value is the next argument when not attached.
const WITH_VALUE: &[&str] = &[
    "-I", "-D", "-U", "-include", "-isystem", "-MF", "-MT", "-MQ", "-x", "-L",
];

pub fn parse(argv: &[String]) -> Result<Parsed> {
    let mut inv = Invocation {
        mode: Mode::Link,
        output: None,
        clang_args: Vec::new(),
        has_inputs: false,
        verbose: false,
        threads: false,
    };
    let mut args = argv.iter();
    while let Some(arg) = args.next() {
        let a = arg.as_str();
        match a {
            "--help" | "-help" | "-h" => return Ok(Parsed::Help),
            "--version" => return Ok(Parsed::Version),
            "-v" => inv.verbose = true,
            // Not passed on: clang's -pthread means wasm threads (shared
            // memory), which wasmtime's components do not run.
            "-pthread" | "-pthreads" | "-mthreads" => inv.threads = true,
            "-o" => match args.next() {
                Some(out) => inv.output = Some(PathBuf::from(out)),
                None => bail!("-o needs a file name"),
            },
            "-c" | "-S" | "-E" | "-fsyntax-only" | "-M" | "-MM" => {
                inv.mode = Mode::CompileOnly;
                inv.clang_args.push(arg.clone());
            }
            "-l" => match args.next() {
                Some(lib) => push_lib(&mut inv, lib),
                None => bail!("-l needs a library name"),
            },
            _ if a.starts_with("-o") => inv.output = Some(PathBuf::from(&a[2..])),
            _ if a.starts_with("-l") => push_lib(&mut inv, &a[2..]),
            _ if WITH_VALUE.contains(&a) => {
                let Some(value) = args.next() else {
                    bail!("{a} needs a value");
                };
                inv.clang_args.push(arg.clone());
                inv.clang_args.push(value.clone());
            }
            // Targets and sysroots are winsock-cc's to choose.
            _ if a.starts_with("--target")
                || a.starts_with("-target")
                || a.starts_with("--sysroot") =>
            {
                bail!("{a}: winsock-cc always targets wasm32 with its own Winsock headers")
            }
            "-" => bail!("reading source from standard input is not supported"),
            _ if a.starts_with('-') => inv.clang_args.push(arg.clone()),
            _ => {
                inv.has_inputs = true;
                inv.clang_args.push(arg.clone());
            }
        }
    }
    Ok(Parsed::Run(inv))
}

fn push_lib(inv: &mut Invocation, lib: &str) {
    let name = lib.to_ascii_lowercase();
    let name = name.strip_suffix(".lib").unwrap_or(&name);
    if !WINDOWS_LIBS.contains(&name) {
        inv.clang_args.push(format!("-l{lib}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Invocation {
        let argv: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        match parse(&argv).unwrap() {
            Parsed::Run(inv) => inv,
            _ => panic!("not a run"),
        }
    }

    #[test]
    fn gcc_style_arguments() {
        let inv = run(&[
            "-O2",
            "-g",
            "-Wall",
            "-I",
            "inc",
            "-DX=1",
            "a.c",
            "b.c",
            "-o",
            "out.wasm",
            "-lws2_32",
            "-lWSOCK32",
            "-lwinmm",
            "-lIphlpapi.lib",
            "-ladvapi32",
            "-luser32",
            "-lm",
        ]);
        assert_eq!(inv.mode, Mode::Link);
        assert_eq!(inv.output, Some(PathBuf::from("out.wasm")));
        assert_eq!(
            inv.clang_args,
            [
                "-O2", "-g", "-Wall", "-I", "inc", "-DX=1", "a.c", "b.c", "-lm"
            ]
        );
        assert!(inv.has_inputs);
    }

    #[test]
    fn compile_only_and_attached_output() {
        let inv = run(&["-c", "a.c", "-oa.o"]);
        assert_eq!(inv.mode, Mode::CompileOnly);
        assert_eq!(inv.output, Some(PathBuf::from("a.o")));
    }

    #[test]
    fn foreign_targets_are_refused() {
        assert!(parse(&["--target=x86_64-linux-gnu".to_string()]).is_err());
        assert!(parse(&["-o".to_string()]).is_err());
    }
}
