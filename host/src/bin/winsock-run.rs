//! winsock-run: runs a Winsock command component sandboxed, with only the
//! network the flags grant (SPEC 8).

use clap::Parser;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use wasmtime_wasi::{FsPerms, WasiCtx};
use winsock_host::cache::ComponentCache;
use winsock_host::command::{CommandRunner, Exit};
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
          require_equals = true, default_missing_value = "*")]
    allow_lookup: Option<String>,

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
    #[arg(long = "dir", value_name = "HOST::GUEST")]
    dirs: Vec<String>,

    /// Set an environment variable for the guest (NAME=VALUE), or pass the
    /// host's value of NAME.
    #[arg(long = "env", value_name = "NAME[=VALUE]")]
    envs: Vec<String>,

    /// Compile the component every time instead of using the cache of
    /// compiled components.
    #[arg(long = "no-cache")]
    no_cache: bool,

    /// Where compiled components are cached (default: $WINSOCK_CACHE_DIR,
    /// else $XDG_CACHE_HOME/winsock-wasm, else ~/.cache/winsock-wasm).
    #[arg(long = "cache-dir", value_name = "DIR")]
    cache_dir: Option<PathBuf>,

    /// The component to run.
    component: PathBuf,

    /// Arguments for the guest's main (argv[1..]).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
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
        grants.allow_lookup(match self.allow_lookup.as_deref() {
            None => LookupGrant::None,
            Some("*") => LookupGrant::Any,
            Some(names) => LookupGrant::Names(
                names
                    .split(',')
                    .map(str::trim)
                    .filter(|n| !n.is_empty())
                    .map(String::from)
                    .collect(),
            ),
        });
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
            match env.split_once('=') {
                Some((k, v)) => {
                    wasi.env(k, v);
                }
                None => {
                    if let Ok(v) = std::env::var(env) {
                        wasi.env(env, v);
                    }
                }
            }
        }
        for dir in &self.dirs {
            let (host, guest) = dir
                .split_once("::")
                .ok_or_else(|| format!("--dir {dir:?}: expected HOST::GUEST"))?;
            wasi.preopened_dir(host, guest, FsPerms::ReadWrite)
                .map_err(|e| format!("--dir {dir:?}: {e}"))?;
        }
        Ok(wasi.build())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
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
        .on_denial(|denial| eprintln!("winsock-run: {denial}"))
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
