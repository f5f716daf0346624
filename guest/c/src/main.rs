//! `winsock-cc`: compiles legacy C Winsock programs, unchanged, into
//! components that `winsock-run` runs (docs/guests.md).
//!
//! It drives clang for `wasm32-wasi` (Debian's clang, lld and wasi-libc, as
//! the README's set-up installs them) with this project's `winsock2.h`,
//! `ws2tcpip.h` and `windows.h` ahead of the libc headers, links the Winsock
//! library (C over the generated `winsock:ws2` bindings) and a start file,
//! then turns the core module into a component with wasmtime's WASI preview1
//! adapter. Headers, library sources and bindings are embedded in this
//! binary and unpacked once into a cache directory keyed by their hash.

mod args;
mod support;
mod toolchain;

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use args::{Invocation, Mode};

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    match run(&argv) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("winsock-cc: {error:#}");
            ExitCode::from(1)
        }
    }
}

fn run(argv: &[String]) -> Result<ExitCode> {
    let inv = match args::parse(argv)? {
        args::Parsed::Help => {
            print!("{}", args::HELP);
            return Ok(ExitCode::SUCCESS);
        }
        args::Parsed::Version => {
            println!(
                "winsock-cc {} (winsock:ws2 C library)",
                env!("CARGO_PKG_VERSION")
            );
            return Ok(ExitCode::SUCCESS);
        }
        args::Parsed::Run(inv) => inv,
    };

    let tools = toolchain::Toolchain::find()?;
    let support = support::SupportDir::ensure(&tools, inv.verbose)?;

    match inv.mode {
        // -c, -E, -S, -fsyntax-only, -M...: clang does all of it; we add the
        // target and the Windows headers.
        Mode::CompileOnly => {
            let status = tools.clang_for_guest(&support, inv.verbose, |cmd| {
                cmd.args(&inv.clang_args);
                if let Some(out) = &inv.output {
                    cmd.arg("-o").arg(out);
                }
            })?;
            Ok(exit_code(status))
        }
        Mode::Link => link(&tools, &support, &inv),
    }
}

/// Compiles and links the inputs with the Winsock library into a core
/// module, then encodes it as a component at the output path.
fn link(
    tools: &toolchain::Toolchain,
    support: &support::SupportDir,
    inv: &Invocation,
) -> Result<ExitCode> {
    if !inv.has_inputs {
        bail!("no input files (usage: winsock-cc FILE.c... -o OUT.wasm; --help for more)");
    }
    let output = inv
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from("a.wasm"));
    let scratch = Scratch::new(&output)?;
    let core = scratch.path.join("core.wasm");

    // Threads cost size and speed (Asyncify), so only a program that
    // creates them gets them: -pthread says so, or the plain link finds
    // CreateThread or _beginthreadex called (left undefined, they become
    // imports of the module) and the program is linked again, threaded.
    let mut threads = inv.threads;
    if !threads {
        let status = link_core(tools, support, inv, &core, false)?;
        if !status.success() {
            return Ok(exit_code(status));
        }
        threads = creates_threads(&read(&core)?)?;
        if threads && inv.verbose {
            eprintln!("winsock-cc: the program creates threads: linking the threaded library");
        }
    }
    let module = if threads {
        let status = link_core(tools, support, inv, &core, true)?;
        if !status.success() {
            return Ok(exit_code(status));
        }
        let switchable = scratch.path.join("core-asyncify.wasm");
        asyncify(inv, &core, &switchable)?;
        read(&switchable)?
    } else {
        read(&core)?
    };
    let component = wit_component::ComponentEncoder::default()
        .validate(true)
        .module(&module)
        .context("the linked module does not carry the winsock:ws2 imports it needs")?
        .adapter(
            "wasi_snapshot_preview1",
            wasi_preview1_component_adapter_provider::WASI_SNAPSHOT_PREVIEW1_COMMAND_ADAPTER,
        )
        .context("loading the WASI preview1 adapter")?
        .encode()
        .context("encoding the component")?;

    // Written beside the output and renamed, so a failed build never leaves
    // a half-written component behind.
    let staged = scratch.path.join("component.wasm");
    std::fs::write(&staged, &component).with_context(|| format!("writing {}", staged.display()))?;
    std::fs::rename(&staged, &output).with_context(|| format!("writing {}", output.display()))?;
    if inv.verbose {
        eprintln!(
            "winsock-cc: wrote {} ({} bytes)",
            output.display(),
            component.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("reading {}", path.display()))
}

/// Compiles and links the inputs with the plain or the threaded library.
fn link_core(
    tools: &toolchain::Toolchain,
    support: &support::SupportDir,
    inv: &Invocation,
    core: &Path,
    threads: bool,
) -> Result<std::process::ExitStatus> {
    tools.clang_for_guest(support, inv.verbose, |cmd| {
        cmd.arg("-nostartfiles");
        cmd.arg(tools.linker_flag());
        cmd.args(&inv.clang_args);
        if threads && !inv.threads {
            // The plain link already showed the compiler's warnings.
            cmd.arg("-w");
        }
        cmd.args(support.library_objects(threads));
        cmd.args(toolchain::WASI_EMULATIONS.iter().map(|(_, lib)| *lib));
        if !threads {
            let mut flag = std::ffi::OsString::from("-Wl,--allow-undefined-file=");
            flag.push(support.thread_entry_points());
            cmd.arg(flag);
        }
        // The Winsock library's imports become component imports only if the
        // linker keeps the bindings' type section; exports stay minimal.
        cmd.arg("-o").arg(core);
    })
}

/// Whether the plain link left a thread entry point undefined.
fn creates_threads(module: &[u8]) -> Result<bool> {
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        if let wasmparser::Payload::ImportSection(reader) =
            payload.context("reading the linked module")?
        {
            for import in reader.into_imports() {
                let import = import.context("reading the linked module's imports")?;
                if import.module == "env" && support::THREAD_ENTRY_POINTS.contains(&import.name) {
                    return Ok(true);
                }
            }
        }
    }
    Ok(false)
}

/// Binaryen's Asyncify makes the threaded library's switches work: only
/// what can reach a switch (asyncify.start_unwind) is instrumented, the
/// scheduler (the bottom of every thread) is left alone, then the module
/// is optimised (clang's own wasm-opt run is kept off: it would strip the
/// names the remove-list needs).
fn asyncify(inv: &Invocation, core: &Path, out: &Path) -> Result<()> {
    let wasm_opt = toolchain::wasm_opt()?;
    let mut cmd = std::process::Command::new(&wasm_opt);
    cmd.arg(core)
        .arg("--asyncify")
        .arg("--pass-arg=asyncify-imports@asyncify.start_unwind")
        .arg("--pass-arg=asyncify-removelist@__ws_threads_run")
        .arg(inv.wasm_opt_level());
    if inv.debug_info() {
        cmd.arg("-g");
    }
    cmd.arg("-o").arg(out);
    if inv.verbose {
        eprintln!("winsock-cc: {cmd:?}");
    }
    let status = cmd.status().with_context(|| {
        format!(
            "running {} (Binaryen's wasm-opt, for the program's threads; \
             apt-get install binaryen, or set WINSOCK_CC_WASM_OPT)",
            wasm_opt.display()
        )
    })?;
    if !status.success() {
        bail!("{} --asyncify failed ({status})", wasm_opt.display());
    }
    Ok(())
}

fn exit_code(status: std::process::ExitStatus) -> ExitCode {
    match status.code() {
        Some(0) => ExitCode::SUCCESS,
        Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        None => ExitCode::from(1),
    }
}

/// A private directory beside the output for intermediate files, removed on
/// drop.
struct Scratch {
    path: PathBuf,
}

impl Scratch {
    fn new(output: &Path) -> Result<Self> {
        let parent = match output.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let path = parent.join(format!(".{name}.winsock-cc.{}", std::process::id()));
        std::fs::create_dir_all(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(Self { path })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
