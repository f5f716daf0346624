//! Running a command component (a guest with `main`) with WASI and Winsock:
//! what `winsock-run` does, packaged for embedders and tests.
//!
//! The engine runs guests asynchronously on the caller's tokio runtime, with
//! epoch interruption so that a host-triggered teardown stops even a guest
//! that computes without calling the host (docs/teardown.md).

use crate::cache::{CacheOutcome, ComponentCache};
use crate::{InstanceControl, WinsockCtx};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Config, Engine, Store, StoreLimits, StoreLimitsBuilder};
use wasmtime_wasi::p2::bindings::Command;
use wasmtime_wasi::{I32Exit, WasiCtx, WasiCtxView, WasiView};

/// How often a running guest yields to the executor, so a teardown is seen
/// within one tick even while the guest computes.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

/// The store data of a command instance.
pub struct CommandState {
    pub wasi: WasiCtx,
    pub table: ResourceTable,
    pub winsock: WinsockCtx,
    /// The guest's memory ceiling (Limits::max_memory, docs/sandbox.md).
    pub limits: StoreLimits,
}

impl WasiView for CommandState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// How a command instance ended.
#[derive(Debug)]
pub enum Exit {
    /// `main` returned or called exit: the guest's exit code.
    Code(i32),
    /// The host tore the instance down.
    TornDown,
}

/// An engine and linker for command components, with an epoch ticker.
pub struct CommandRunner {
    engine: Engine,
    linker: Linker<CommandState>,
    ticker_stop: Arc<AtomicBool>,
}

impl CommandRunner {
    pub fn new() -> wasmtime::Result<CommandRunner> {
        let mut config = Config::new();
        config.epoch_interruption(true);
        let engine = Engine::new(&config)?;
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
        crate::add_to_linker(&mut linker, |s: &mut CommandState| &mut s.winsock)?;

        let ticker_stop = Arc::new(AtomicBool::new(false));
        let (stop, ticking) = (ticker_stop.clone(), engine.weak());
        std::thread::Builder::new()
            .name("winsock-epoch".into())
            .spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(EPOCH_TICK);
                    match ticking.upgrade() {
                        Some(engine) => engine.increment_epoch(),
                        None => break,
                    }
                }
            })?;
        Ok(CommandRunner {
            engine,
            linker,
            ticker_stop,
        })
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Compiles a component from a file.
    pub fn load(&self, path: &Path) -> wasmtime::Result<Component> {
        use wasmtime::error::Context as _;
        Component::from_file(&self.engine, path)
            .with_context(|| format!("loading component {}", path.display()))
    }

    /// Loads a component through `cache`: compiled on the first start,
    /// deserialized on later ones.
    pub fn load_cached(
        &self,
        path: &Path,
        cache: &ComponentCache,
    ) -> wasmtime::Result<(Component, CacheOutcome)> {
        cache.load(&self.engine, path)
    }

    /// A store for one command instance, set to yield at every epoch tick.
    pub fn store(&self, wasi: WasiCtx, winsock: WinsockCtx) -> Store<CommandState> {
        let limits = StoreLimitsBuilder::new()
            .memory_size(winsock.limits().max_memory)
            .build();
        let mut store = Store::new(
            &self.engine,
            CommandState {
                wasi,
                table: ResourceTable::new(),
                winsock,
                limits,
            },
        );
        store.limiter(|state| &mut state.limits);
        store.set_epoch_deadline(1);
        store.epoch_deadline_async_yield_and_update(1);
        store
    }

    /// Instantiates `component` in `store` (without running `main`).
    pub async fn instantiate(
        &self,
        store: &mut Store<CommandState>,
        component: &Component,
    ) -> wasmtime::Result<Command> {
        Command::instantiate_async(store, component, &self.linker).await
    }

    /// Instantiates `component` and runs its `main` to the end. Dropping the
    /// store at the end resets whatever sockets the guest left open.
    pub async fn run(
        &self,
        component: &Component,
        wasi: WasiCtx,
        winsock: WinsockCtx,
    ) -> wasmtime::Result<Exit> {
        let control: InstanceControl = winsock.control();
        let mut store = self.store(wasi, winsock);
        let run = async {
            let command = self.instantiate(&mut store, component).await?;
            command.wasi_cli_run().call_run(&mut store).await
        };
        let outcome = tokio::select! {
            r = run => r,
            _ = control.torn_down() => return Ok(Exit::TornDown),
        };
        match outcome {
            Ok(Ok(())) => Ok(Exit::Code(0)),
            Ok(Err(())) => Ok(Exit::Code(1)),
            Err(e) => match e.downcast_ref::<I32Exit>() {
                Some(exit) => Ok(Exit::Code(exit.0)),
                None if control.is_torn_down() => Ok(Exit::TornDown),
                None => Err(e),
            },
        }
    }
}

impl Drop for CommandRunner {
    fn drop(&mut self) {
        self.ticker_stop.store(true, Ordering::Relaxed);
    }
}
