//! Winsock for WebAssembly components: the wasmtime host side.
//!
//! An embedder adds Winsock to a component [`Linker`] the way it adds WASI,
//! and puts one [`WinsockCtx`] in each `Store`:
//!
//! ```no_run
//! use wasmtime::component::Linker;
//! use winsock_host::{Grants, NetRule, WinsockCtx};
//!
//! struct MyState { winsock: WinsockCtx /* , wasi, table... */ }
//!
//! # fn main() -> wasmtime::Result<()> {
//! let engine = wasmtime::Engine::default();
//! let mut linker: Linker<MyState> = Linker::new(&engine);
//! winsock_host::add_to_linker(&mut linker, |s: &mut MyState| &mut s.winsock)?;
//!
//! let mut grants = Grants::deny_all();
//! grants.allow_connect("127.0.0.1:8080".parse::<NetRule>().unwrap());
//! let winsock = WinsockCtx::builder().grants(grants).build();
//! let control = winsock.control(); // cleanup()/teardown() from any thread
//! # let _ = (winsock, control); Ok(()) }
//! ```
//!
//! The rules the guest observes are those of the behaviour contract in
//! docs/ (one file per area); the modules cite those files. [`command`] runs whole command components
//! (what `winsock-run` does).

#[cfg(feature = "component")]
#[macro_use]
mod bindings;
#[cfg(feature = "component")]
pub mod cache;
#[cfg(feature = "component")]
pub mod command;
#[cfg(feature = "component")]
mod compat_0_1;
mod ctx;
mod error;
#[cfg(feature = "component")]
mod fast_path;
pub mod grants;
mod instance;
pub mod lifecycle;
mod lookup;
mod options;
mod select;
mod socket;
mod sockets;
#[cfg(feature = "component")]
pub mod trace;

#[cfg(feature = "component")]
pub use bindings::winsock::ws2 as wit;
pub use ctx::{Denial, Limits, WinsockCtx, WinsockCtxBuilder};
pub use error::{Failure, WsaError};
pub use grants::{Grants, LookupGrant, NetRule};
pub use instance::InstanceControl;

#[cfg(feature = "component")]
use wasmtime::component::{HasSelf, Linker};

/// Adds the `winsock:ws2` interfaces to `linker`; `get` finds the
/// instance's [`WinsockCtx`] in the store data. The functions are async:
/// use them from `instantiate_async` and `call_async` (a blocked guest
/// waits on the tokio runtime, never on a parked thread).
///
/// `send` and `sendto` are defined twice (bindgen's, then the copy-free
/// ones of `fast_path`, which replace them), so this turns the linker's
/// shadowing on for those two and leaves it **off** on return: an
/// embedder that relies on shadowing turns it on again afterwards.
#[cfg(feature = "component")]
pub fn add_to_linker<T: Send + 'static>(
    linker: &mut Linker<T>,
    get: fn(&mut T) -> &mut WinsockCtx,
) -> wasmtime::Result<()> {
    bindings::winsock::ws2::types::add_to_linker::<T, HasSelf<WinsockCtx>>(linker, get)?;
    bindings::winsock::ws2::lifecycle::add_to_linker::<T, HasSelf<WinsockCtx>>(linker, get)?;
    bindings::winsock::ws2::sockets::add_to_linker::<T, HasSelf<WinsockCtx>>(linker, get)?;
    // send and sendto again, reading the guest's bytes in place.
    fast_path::add_to_linker(linker, get)?;
    // The previous minor version, 0.1.2, beside it (wit/README.md).
    compat_0_1::add_to_linker(linker, get)?;
    Ok(())
}
