//! winsock-run: runs a Winsock command component sandboxed, with only the
//! network the flags grant (docs/sandbox.md).

use clap::Parser;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use wasmtime_wasi::{FsPerms, WasiCtx};
use winsock_host::cache::ComponentCache;
use winsock_host::command::{CommandRunner, Exit};
use winsock_host::trace::Logging;
use winsock_host::{Grants, Limits, LookupGrant, NetRule, WinsockCtx};

/// Exit code for a guest that trapped (as a Unix abort would).
const TRAP_EXIT: u8 = 134;
/// Exit code when the component could not be loaded or started.
const HOST_ERROR_EXIT: u8 = 125;

#[derive(Parser, Debug)]
#[command(
    name = "winsock-run",
    version,
    about = "Run a Winsock WebAssembly component with only the network you grant.",
    long_about = "Run a Winsock WebAssembly command component (a guest built against the \
winsock:ws2 WIT package, with winsock-guest or winsock-cc) under wasmtime, with stdio, \
arguments and environment.\n\n\
Nothing on the network is reachable unless granted. A denied connect, sendto or bind fails \
with WSAEACCES (10013) in the guest, a denied name lookup with WSAHOST_NOT_FOUND (11001), and \
winsock-run prints one line on stderr naming the flag that would grant it.\n\n\
RULE is IP, CIDR, IP:PORT, CIDR:LO-HI, [IPv6]:PORT or [IPv6/len]:LO-HI, for example \
127.0.0.1, 10.0.0.0/8, 127.0.0.1:8080, 127.0.0.0/8:1024-65535, [::1]:80. A rule without a \
port grants every port (0, the ephemeral bind, included).\n\n\
--trace prints each Winsock call of the guest on stderr, one line each: \
`winsock: connect(s=4, name=127.0.0.1:8080) = SOCKET_ERROR WSAECONNREFUSED [1.2ms]`. \
WINSOCK_LOG sets the filter of what goes to stderr in tracing-subscriber's EnvFilter syntax \
(default `warn`: denials and cache warnings; `winsock::call=trace` is what --trace adds).\n\n\
The exit code is the guest's; 134 if the guest trapped, 125 if the component could not \
be loaded or started."
)]
struct Cli {
    /// Grant connect (and sending datagrams) to addresses matching RULE.
    #[arg(long = "allow-connect", value_name = "RULE")]
    allow_connect: Vec<NetRule>,

    /// Grant bind and listen on addresses matching RULE.
    #[arg(long = "allow-bind", value_name = "RULE")]
    allow_bind: Vec<NetRule>,

    /// Grant both connect and bind for RULE.
    #[arg(long = "allow-net", value_name = "RULE")]
    allow_net: Vec<NetRule>,

    /// Grant name lookups: of any name, or of the comma-separated NAMES.
    /// Numeric addresses ("127.0.0.1", "::1") never need this.
    #[arg(long = "allow-lookup", value_name = "NAMES", num_args = 0..=1,
          require_equals = true, default_missing_value = "*", value_parser = parse_lookup)]
    allow_lookup: Option<LookupGrant>,

    /// Most sockets the guest may hold open at once (then WSAEMFILE).
    #[arg(long = "max-sockets", value_name = "N", default_value_t = Limits::default().max_sockets)]
    max_sockets: usize,

    /// Longest wait of a lingering closesocket; SO_LINGER's l_linger is
    /// clamped to it.
    #[arg(long = "max-linger", value_name = "SECS", default_value_t = 30)]
    max_linger: u64,

    /// Most bytes one send or recv call moves (a larger send is partial).
    #[arg(long = "max-bytes-per-call", value_name = "N", default_value_t = Limits::default().max_bytes_per_call)]
    max_bytes_per_call: usize,

    /// Largest linear memory the guest may grow, in MiB (malloc fails in
    /// the guest beyond it). It also bounds what one call makes the host copy.
    #[arg(long = "max-memory", value_name = "MIB", default_value_t = Limits::default().max_memory >> 20)]
    max_memory: usize,

    /// Preopen host directory HOST as GUEST inside the guest.
    #[arg(long = "dir", value_name = "HOST::GUEST", value_parser = parse_dir)]
    dirs: Vec<Preopen>,

    /// Set an environment variable for the guest (NAME=VALUE), or pass the
    /// host's value of NAME.
    #[arg(long = "env", value_name = "NAME[=VALUE]", value_parser = parse_env)]
    envs: Vec<GuestEnv>,

    /// Compile the component every time instead of using the cache of
    /// compiled components.
    #[arg(long = "no-cache")]
    no_cache: bool,

    /// Where compiled components are cached (default: $WINSOCK_CACHE_DIR,
    /// else $XDG_CACHE_HOME/winsock-wasm, else ~/.cache/winsock-wasm).
    #[arg(long = "cache-dir", value_name = "DIR")]
    cache_dir: Option<PathBuf>,

    /// Print each Winsock call on stderr: its arguments, its result or WSA
    /// error, its duration (adds `winsock::call=trace` to WINSOCK_LOG).
    #[arg(long = "trace")]
    trace: bool,

    /// The component to run.
    component: PathBuf,

    /// Arguments for the guest's main (argv[1..]).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

/// A `--dir HOST::GUEST` preopen.
#[derive(Debug, Clone)]
struct Preopen {
    host: PathBuf,
    guest: String,
}

fn parse_dir(arg: &str) -> Result<Preopen, String> {
    let (host, guest) = arg
        .split_once("::")
        .ok_or("expected HOST::GUEST (a host directory, `::`, the guest's path)")?;
    if host.is_empty() || guest.is_empty() {
        return Err("expected HOST::GUEST, both non-empty".into());
    }
    if !std::path::Path::new(host).is_dir() {
        return Err(format!("{host:?} is not a directory"));
    }
    Ok(Preopen {
        host: host.into(),
        guest: guest.into(),
    })
}

/// A `--env NAME[=VALUE]` variable, with the host's value for a bare NAME
/// (none when the host has no such variable: the guest does not see it).
#[derive(Debug, Clone)]
struct GuestEnv {
    name: String,
    value: Option<String>,
}

fn parse_env(arg: &str) -> Result<GuestEnv, String> {
    let (name, value) = match arg.split_once('=') {
        Some((name, value)) => (name, Some(value.to_string())),
        None => (arg, std::env::var(arg).ok()),
    };
    if name.is_empty() {
        return Err("expected NAME or NAME=VALUE with a non-empty NAME".into());
    }
    Ok(GuestEnv {
        name: name.into(),
        value,
    })
}

/// `--allow-lookup` alone is any name; `--allow-lookup=a,b` those names.
fn parse_lookup(arg: &str) -> Result<LookupGrant, String> {
    if arg == "*" {
        return Ok(LookupGrant::Any);
    }
    let names: Vec<String> = arg
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(String::from)
        .collect();
    if names.is_empty() {
        return Err("expected comma-separated names (or --allow-lookup alone for any name)".into());
    }
    Ok(LookupGrant::Names(names))
}

impl Cli {
    fn grants(&self) -> Grants {
        let mut grants = Grants::deny_all();
        for rule in self.allow_connect.iter().chain(&self.allow_net) {
            grants.allow_connect(rule.clone());
        }
        for rule in self.allow_bind.iter().chain(&self.allow_net) {
            grants.allow_bind(rule.clone());
        }
        grants.allow_lookup(self.allow_lookup.clone().unwrap_or_default());
        grants
    }

    fn wasi(&self) -> Result<WasiCtx, String> {
        let mut wasi = WasiCtx::builder();
        wasi.inherit_stdio();
        let name = self
            .component
            .file_name()
            .map(|n| n.to_string_lossy().into_owned());
        wasi.arg(name.unwrap_or_else(|| "guest".into()));
        wasi.args(&self.args);
        for env in &self.envs {
            if let Some(value) = &env.value {
                wasi.env(&env.name, value);
            }
        }
        for dir in &self.dirs {
            // Checked by parse_dir; opening can still fail (permissions).
            wasi.preopened_dir(&dir.host, &dir.guest, FsPerms::ReadWrite)
                .map_err(|e| format!("--dir {}: {e}", dir.host.display()))?;
        }
        Ok(wasi.build())
    }
}

/// Denials, cache warnings and (with --trace) the call lines go to stderr
/// through one subscriber, filtered by WINSOCK_LOG.
fn init_logging(trace: bool) -> Result<(), String> {
    let logging = Logging::from_env().map_err(|e| e.to_string())?;
    let logging = if trace {
        logging.trace_calls()
    } else {
        logging
    };
    logging
        .prefix("winsock-run")
        .init()
        .map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(e) = init_logging(cli.trace) {
        eprintln!("winsock-run: {e}");
        return ExitCode::from(2);
    }
    let wasi = match cli.wasi() {
        Ok(w) => w,
        Err(e) => {
            eprintln!("winsock-run: {e}");
            return ExitCode::from(2);
        }
    };
    let winsock = WinsockCtx::builder()
        .grants(cli.grants())
        .limits(Limits {
            max_sockets: cli.max_sockets,
            max_linger: Duration::from_secs(cli.max_linger),
            max_bytes_per_call: cli.max_bytes_per_call.max(1),
            max_memory: cli.max_memory.saturating_mul(1 << 20),
            ..Limits::default()
        })
        .build();

    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("winsock-run: cannot start the runtime: {e}");
            return ExitCode::from(HOST_ERROR_EXIT);
        }
    };
    runtime.block_on(async {
        let runner = match CommandRunner::new() {
            Ok(r) => r,
            Err(e) => {
                eprintln!("winsock-run: {e:?}");
                return ExitCode::from(HOST_ERROR_EXIT);
            }
        };
        let cache = match (
            cli.no_cache,
            cli.cache_dir.clone().or_else(ComponentCache::default_dir),
        ) {
            (false, Some(dir)) => Some(ComponentCache::new(dir)),
            _ => None,
        };
        let loaded = match &cache {
            Some(cache) => runner.load_cached(&cli.component, cache).map(|(c, _)| c),
            None => runner.load(&cli.component),
        };
        let component = match loaded {
            Ok(c) => c,
            Err(e) => {
                eprintln!("winsock-run: {e:?}");
                return ExitCode::from(HOST_ERROR_EXIT);
            }
        };
        match runner.run(&component, wasi, winsock).await {
            Ok(Exit::Code(code)) => ExitCode::from((code & 0xff) as u8),
            Ok(Exit::TornDown) => ExitCode::from(TRAP_EXIT),
            Err(e) => {
                eprintln!("winsock-run: guest trapped: {e:?}");
                ExitCode::from(TRAP_EXIT)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::error::ErrorKind;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(["winsock-run"].iter().chain(args).chain(&["guest.wasm"]))
    }

    #[test]
    fn bad_values_are_clap_errors() {
        for args in [
            &["--dir", "no-separator"][..],
            &["--dir", "/no/such/winsock-dir::/data"],
            &["--dir", "::/data"],
            &["--env", "=VALUE"],
            &["--allow-lookup=,"],
            &["--allow-connect", "not-an-address"],
        ] {
            let e = parse(args)
                .err()
                .unwrap_or_else(|| panic!("{args:?} parsed"));
            assert_eq!(e.kind(), ErrorKind::ValueValidation, "{args:?}: {e}");
            // clap's own message: the flag, the value, why, and the way to --help.
            let text = e.render().to_string();
            assert!(
                text.contains(&format!("for '{}", args[0].split('=').next().unwrap())),
                "{text}"
            );
            assert!(text.contains("try '--help'"), "{text}");
        }
    }

    #[test]
    fn values_arrive_typed() {
        let dir = std::env::temp_dir();
        let preopen = format!("{}::/data", dir.display());
        let cli = parse(&[
            "--dir",
            &preopen,
            "--env",
            "A=1=2",
            "--env",
            "WINSOCK_RUN_TEST_SURELY_UNSET",
            "--allow-lookup=localhost, example.com",
        ])
        .unwrap();
        assert_eq!(
            (cli.dirs[0].host.as_path(), cli.dirs[0].guest.as_str()),
            (dir.as_path(), "/data")
        );
        assert_eq!(
            (cli.envs[0].name.as_str(), cli.envs[0].value.as_deref()),
            ("A", Some("1=2"))
        );
        assert_eq!(cli.envs[1].value, None);
        assert_eq!(
            cli.allow_lookup,
            Some(LookupGrant::Names(vec![
                "localhost".into(),
                "example.com".into()
            ]))
        );
        let cli = parse(&["--allow-lookup"]).unwrap();
        assert_eq!(cli.allow_lookup, Some(LookupGrant::Any));
        assert_eq!(parse(&[]).unwrap().allow_lookup, None);
    }
}
