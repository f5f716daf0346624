//! send and sendto without copying the guest's bytes.
//!
//! The bindings bindgen generates lift a `list<u8>` parameter into a fresh
//! `Vec<u8>`: one host allocation and one copy of every byte sent (64 KiB
//! per call in a bulk transfer). Here `send` and `sendto` are defined again
//! on the linker, over the same names, taking the data as a [`WasmList`]
//! and handing the Winsock rules a slice of guest memory in place.
//!
//! Only the glue is here. The rules stay in `sockets.rs`
//! ([`WinsockCtx::send`], [`WinsockCtx::sendto`]), and the glue around
//! them (the call trace line) is [`WinsockCtx::send_call`] and
//! [`WinsockCtx::sendto_call`], which the bindgen `Host` impl calls too, so
//! both ways in behave the same.

use crate::bindings::to_std;
use crate::bindings::winsock::ws2::types::{self, ErrorCode, SocketAddress};
use crate::ctx::WinsockCtx;
use crate::error::Failure;
use crate::trace::{self, MsgFlags};
use wasmtime::StoreContextMut;
use wasmtime::component::{Linker, WasmList};

/// The `sockets` interface's name with the package version, as the guest
/// imports it (`winsock:ws2/sockets@0.2.0`): read from the WIT the
/// bindings were generated from, so a version bump cannot leave the
/// definitions below on a name no guest imports.
fn sockets_interface() -> String {
    const WIT: &str = include_str!("../../wit/sockets.wit");
    let package = WIT
        .lines()
        .find_map(|l| l.trim().strip_prefix("package "))
        .and_then(|p| p.trim().strip_suffix(';'))
        .expect("wit/sockets.wit names its package");
    let (namespace, version) = package.split_once('@').expect("a versioned package");
    format!("{namespace}/sockets@{version}")
}

/// Replaces bindgen's `send` and `sendto` (already added to `linker`) with
/// the copy-free ones. Shadowing is allowed for these two definitions only
/// and left off afterwards.
pub(crate) fn add_to_linker<T: Send + 'static>(
    linker: &mut Linker<T>,
    get: fn(&mut T) -> &mut WinsockCtx,
) -> wasmtime::Result<()> {
    linker.allow_shadowing(true);
    let defined = define(linker, get);
    linker.allow_shadowing(false);
    defined
}

fn define<T: Send + 'static>(
    linker: &mut Linker<T>,
    get: fn(&mut T) -> &mut WinsockCtx,
) -> wasmtime::Result<()> {
    let mut sockets = linker.instance(&sockets_interface())?;
    sockets.func_wrap_async(
        "send",
        move |mut store: StoreContextMut<'_, T>, (s, buf, flags): (u32, WasmList<u8>, i32)| {
            Box::new(async move {
                let (ctx, bytes) = guest_bytes(&mut store, &buf, get);
                let r = ctx.send_call(s, bytes, flags).await;
                Ok((wit_result(ctx, r)?,))
            })
        },
    )?;
    sockets.func_wrap_async(
        "sendto",
        move |mut store: StoreContextMut<'_, T>,
              (s, buf, flags, to): (u32, WasmList<u8>, i32, SocketAddress)| {
            Box::new(async move {
                let (ctx, bytes) = guest_bytes(&mut store, &buf, get);
                let r = ctx.sendto_call(s, bytes, flags, to).await;
                Ok((wit_result(ctx, r)?,))
            })
        },
    )?;
    Ok(())
}

/// The instance's Winsock state and the bytes of `list`, read in place in
/// guest memory.
fn guest_bytes<'a, T: 'static>(
    store: &'a mut StoreContextMut<'_, T>,
    list: &WasmList<u8>,
    get: fn(&mut T) -> &mut WinsockCtx,
) -> (&'a mut WinsockCtx, &'a [u8]) {
    let bytes: *const [u8] = list.as_le_slice(&*store);
    let ctx = get(store.data_mut());
    // SAFETY: `bytes` lies in the guest's linear memory, which is not part
    // of the store data `ctx` borrows, so the two never alias. It stays
    // valid for 'a: linear memory is only grown (possibly moved) by the
    // guest, suspended in this very call, or by someone holding the store,
    // which is mutably borrowed here for all of 'a. Nothing writes it
    // meanwhile: a component's memory is not shared between threads.
    (ctx, unsafe { &*bytes })
}

/// A call's outcome in the WIT's terms: a WSA code as the `error-code`, a
/// trap as a trap (bindgen's trappable-error conversion, the same one).
fn wit_result<V>(
    ctx: &mut WinsockCtx,
    r: Result<V, Failure>,
) -> wasmtime::Result<Result<V, ErrorCode>> {
    match r {
        Ok(v) => Ok(Ok(v)),
        Err(f) => Ok(Err(types::Host::convert_error_code(ctx, f)?)),
    }
}

impl WinsockCtx {
    /// send as the guest calls it: the rule (sockets.rs) inside its trace
    /// line (docs: the call trace, trace.rs).
    pub(crate) async fn send_call(
        &mut self,
        s: u32,
        buf: &[u8],
        flags: i32,
    ) -> Result<u32, Failure> {
        let call = trace::call!(
            "send",
            "s={s}, len={}, flags={}",
            buf.len(),
            MsgFlags(flags)
        );
        let r = self.send(s, buf, flags).await;
        call.end(self.finish(r))
    }

    /// sendto as the guest calls it: the rule inside its trace line.
    pub(crate) async fn sendto_call(
        &mut self,
        s: u32,
        buf: &[u8],
        flags: i32,
        to: SocketAddress,
    ) -> Result<u32, Failure> {
        let to = to_std(to);
        let call = trace::call!(
            "sendto",
            "s={s}, len={}, flags={}, to={to}",
            buf.len(),
            MsgFlags(flags)
        );
        let r = self.sendto(s, buf, flags, to).await;
        call.end(self.finish(r))
    }
}
