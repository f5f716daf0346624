//! The guest C library's asynchronous model (issue 11), built natively and
//! driven by arbitrary call sequences: events, WSAEventSelect and
//! WSAEnumNetworkEvents, waits (alertable or not), overlapped
//! WSARecv/WSASend/WSARecvFrom/WSASendTo with an event or a completion
//! routine, WSAGetOverlappedResult, CancelIo/CancelIoEx, SleepEx, the
//! Winsock 1.1 blocking hooks, over the lifecycle and socket calls.
//!
//! The library (guest/c/lib, see build.rs) calls the host through the C
//! bindings wit-bindgen generates from wit/; here those imports are Rust
//! functions with wit-bindgen's C ABI that forward to a real winsock-host
//! `WinsockCtx` over loopback sockets, as the component host's bindings do.
//! A host call still blocked after a few milliseconds is ended the way an
//! embedder ends it: a host-triggered cleanup (docs/teardown.md), which must make it
//! return WSAEINTR.
//!
//! Invariants, after every call: no crash; a failure is a documented code
//! (docs/errors.md, or the Win32 codes these calls document: WSA_INVALID_HANDLE,
//! WSA_INVALID_PARAMETER, WSA_NOT_ENOUGH_MEMORY, WSA_IO_INCOMPLETE,
//! WSA_IO_PENDING, ERROR_NOT_FOUND, ERROR_POSSIBLE_DEADLOCK), waits return
//! a documented value; every overlapped operation the driver issued is
//! pending (Internal STATUS_PENDING, its event not set, no routine) or
//! completed exactly once (its own event set once, or its routine run
//! once, with the error Internal holds, never while still pending); one
//! that failed at issue with a code other than WSA_IO_PENDING reports no
//! completion (Microsoft's WSARecv/WSASend pages); the operations pending
//! at a final WSACleanup or a host-triggered cleanup end with Internal 995
//! and neither set their event nor ever run their routine (docs/async.md); from
//! inside a blocking hook WSACleanup fails WSAEINPROGRESS and WSAIsBlocking
//! is TRUE, and the cancelled call fails WSAEINTR. At the end: the library
//! holds no operation, routine, selection or event, the host no socket,
//! and the process's descriptors are back at their baseline.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::ffi::{c_int, c_long, c_ulong, c_void};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6, TcpListener};
use std::sync::OnceLock;
use std::time::Duration;
use winsock_host::{Failure, Grants, InstanceControl, Limits, NetRule, WinsockCtx, WsaError};

include!(concat!(env!("OUT_DIR"), "/bindings/error_codes.rs"));

/// A docs/errors.md code: one a host call fails with (the host's table, generated
/// from wit/types.wit).
fn spec9(code: i32) -> bool {
    WsaError::from_code(code).is_some()
}
/// One of the Win32 codes the event, wait and overlapped calls document
/// (listed in wit/types.wit).
fn win32(code: i32) -> bool {
    WsaError::GUEST_LIBRARY_CODES
        .iter()
        .any(|&(_, n, _)| n == code)
}

const STATUS_PENDING: c_ulong = 0x103;
const WAIT_IO_COMPLETION: c_ulong = 0xC0;
const WAIT_TIMEOUT: c_ulong = 0x102;
const WAIT_FAILED: c_ulong = 0xFFFF_FFFF;
const INVALID_SOCKET: u32 = !0;
const MAX_SOCKETS: usize = 12;
/// How long a host call may block before the embedder's cleanup ends it.
const HOST_CALL_BOUND: Duration = Duration::from_millis(10);

// ---------------------------------------------------------------------
// The library's side (build.rs: guest/c/lib and c/*.c).

#[repr(C)]
struct FzOp {
    _opaque: [u8; 0],
}

unsafe extern "C" {
    fn fz_last_error() -> c_int;
    fn fz_startup(version: u16, with_data: c_int) -> c_int;
    fn fz_cleanup() -> c_int;
    fn fz_socket(af: c_int, ty: c_int, protocol: c_int, overlapped: c_int) -> u32;
    fn fz_closesocket(s: u32) -> c_int;
    fn fz_bind(s: u32, v6: c_int, port: u16) -> c_int;
    fn fz_listen(s: u32, backlog: c_int) -> c_int;
    fn fz_connect(s: u32, v6: c_int, port: u16) -> c_int;
    fn fz_accept(s: u32) -> u32;
    fn fz_local_port(s: u32) -> c_int;
    fn fz_nonblocking(s: u32, on: c_int) -> c_int;
    fn fz_send(s: u32, len: c_int) -> c_int;
    fn fz_recv(s: u32, len: c_int, flags: c_int) -> c_int;
    fn fz_shutdown(s: u32, how: c_int) -> c_int;
    fn fz_create_event() -> usize;
    fn fz_set_event(h: usize) -> c_int;
    fn fz_reset_event(h: usize) -> c_int;
    fn fz_close_event(h: usize) -> c_int;
    fn fz_close_handle(h: usize) -> c_int;
    fn fz_kernel_reset_event(h: usize) -> c_int;
    fn fz_event_select(s: u32, h: usize, mask: c_long) -> c_int;
    fn fz_enum_network_events(s: u32, h: usize, events: *mut c_long, errors: *mut c_int) -> c_int;
    fn fz_wait(
        n: c_ulong,
        handles: *const usize,
        all: c_int,
        timeout: c_ulong,
        alertable: c_int,
    ) -> c_ulong;
    fn fz_wait_single(h: usize, timeout: c_ulong, alertable: c_int) -> c_ulong;
    fn fz_sleep_ex(ms: c_ulong, alertable: c_int) -> c_ulong;
    fn fz_op_new(id: c_int, event: usize, len: c_int) -> *mut FzOp;
    fn fz_op_free(op: *mut FzOp);
    fn fz_op_issue(
        op: *mut FzOp,
        s: u32,
        kind: c_int,
        flags: c_int,
        routine: c_int,
        port: u16,
    ) -> c_int;
    fn fz_op_internal(op: *const FzOp) -> c_ulong;
    fn fz_op_transferred(op: *const FzOp) -> c_ulong;
    fn fz_op_result(s: u32, op: *mut FzOp, bytes: *mut c_ulong, flags: *mut c_ulong) -> c_int;
    fn fz_cancel_io(h: usize) -> c_int;
    fn fz_cancel_io_ex(h: usize, op: *mut FzOp) -> c_int;
    fn fz_set_blocking_hook() -> c_int;
    fn fz_unhook_blocking_hook() -> c_int;
    fn fz_is_blocking() -> c_int;
    fn fz_cancel_blocking_call() -> c_int;
    // Read-only views of the library's tables (c/*_view.c).
    fn fz_event_signalled(h: usize) -> c_int;
    fn fz_selection_count() -> usize;
    fn fz_event_count() -> usize;
    fn fz_pending_operations() -> usize;
    fn fz_queued_routines() -> usize;
    fn malloc(n: usize) -> *mut c_void;
    fn realloc(p: *mut c_void, n: usize) -> *mut c_void;
}

// ---------------------------------------------------------------------
// The imports (wit-bindgen's C ABI of the `winsock:ws2/imports` world).

#[repr(C)]
#[derive(Clone, Copy)]
struct List<T> {
    ptr: *mut T,
    len: usize,
}

impl<T: Copy> List<T> {
    /// A list the library frees with free() (nothing allocated when empty,
    /// as the generated *_free helpers free only a non-empty list).
    fn of(items: &[T]) -> List<T> {
        if items.is_empty() {
            return List {
                ptr: std::ptr::null_mut(),
                len: 0,
            };
        }
        // SAFETY: malloc of the exact size; the items are Copy.
        unsafe {
            let ptr = malloc(std::mem::size_of_val(items)) as *mut T;
            assert!(!ptr.is_null());
            std::ptr::copy_nonoverlapping(items.as_ptr(), ptr, items.len());
            List {
                ptr,
                len: items.len(),
            }
        }
    }
    fn slice(&self) -> &[T] {
        if self.len == 0 {
            &[]
        } else {
            // SAFETY: the library passes a valid list.
            unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
        }
    }
}

type WitString = List<u8>;

#[repr(C)]
#[derive(Clone, Copy)]
struct Ipv4 {
    port: u16,
    address: [u8; 4],
}

#[repr(C)]
#[derive(Clone, Copy)]
struct Ipv6 {
    port: u16,
    flow_info: u32,
    address: [u16; 8],
    scope_id: u32,
}

#[repr(C)]
#[derive(Clone, Copy)]
union AddrVal {
    ipv4: Ipv4,
    ipv6: Ipv6,
}

#[repr(C)]
#[derive(Clone, Copy)]
struct WitAddr {
    tag: u8,
    val: AddrVal,
}

#[repr(C)]
struct WsaData {
    version: u16,
    high_version: u16,
    description: WitString,
    system_status: WitString,
    max_sockets: u16,
    max_udp_dg: u16,
}

#[repr(C)]
struct OptionWsaData {
    is_some: bool,
    val: WsaData,
}

#[repr(C)]
struct StartupError {
    code: u8,
    data: OptionWsaData,
}

#[repr(C)]
struct OptionAddr {
    is_some: bool,
    val: WitAddr,
}

#[repr(C)]
struct OptionCode {
    is_some: bool,
    val: u8,
}

/// The WIT `received` of recv and recvfrom.
#[repr(C)]
struct Received {
    data: List<u8>,
    sender: OptionAddr,
    error: OptionCode,
}

impl Received {
    fn of(data: &[u8], sender: Option<SocketAddr>, error: Option<WsaError>) -> Received {
        Received {
            data: List::of(data),
            sender: match sender {
                // SAFETY: an all-zero address is a valid bit pattern.
                None => OptionAddr {
                    is_some: false,
                    val: unsafe { std::mem::zeroed() },
                },
                Some(a) => OptionAddr {
                    is_some: true,
                    val: from_std(a),
                },
            },
            error: OptionCode {
                is_some: error.is_some(),
                val: error.map_or(0, wit_code),
            },
        }
    }
}

#[repr(C)]
struct FdSets {
    readfds: List<u32>,
    writefds: List<u32>,
    exceptfds: List<u32>,
}

#[repr(C)]
#[derive(Clone, Copy)]
struct Pollfd {
    fd: u32,
    events: i16,
}

#[repr(C)]
struct AcceptResult {
    handle: u32,
    addr: WitAddr,
}

fn to_std(a: &WitAddr) -> SocketAddr {
    // SAFETY: the tag says which member is live.
    unsafe {
        if a.tag == 0 {
            let v = a.val.ipv4;
            SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::from(v.address), v.port))
        } else {
            let v = a.val.ipv6;
            SocketAddr::V6(SocketAddrV6::new(
                Ipv6Addr::from(v.address),
                v.port,
                v.flow_info,
                v.scope_id,
            ))
        }
    }
}

fn from_std(a: SocketAddr) -> WitAddr {
    match a {
        SocketAddr::V4(a) => WitAddr {
            tag: 0,
            val: AddrVal {
                ipv4: Ipv4 {
                    port: a.port(),
                    address: a.ip().octets(),
                },
            },
        },
        SocketAddr::V6(a) => WitAddr {
            tag: 1,
            val: AddrVal {
                ipv6: Ipv6 {
                    port: a.port(),
                    flow_info: a.flowinfo(),
                    address: a.ip().segments(),
                    scope_id: a.scope_id(),
                },
            },
        },
    }
}

fn wit_code(e: WsaError) -> u8 {
    WIT_ERROR_CODES
        .iter()
        .find(|(name, _)| *name == e.name())
        .unwrap_or_else(|| panic!("{} is not a WIT error code", e.name()))
        .1
}

struct Host {
    ctx: WinsockCtx,
    control: InstanceControl,
}

thread_local! {
    static HOST: RefCell<Option<Host>> = const { RefCell::new(None) };
    /// Set when a bounded host call needed the embedder's cleanup.
    static HOST_CLEANED: Cell<bool> = const { Cell::new(false) };
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    })
}

/// Runs one host call on the instance. A call still blocked after
/// HOST_CALL_BOUND gets a host-triggered cleanup, after which it must end
/// (WSAEINTR) within docs/teardown.md's 100 ms.
fn host<T, F>(call: &str, f: F) -> Result<T, WsaError>
where
    F: for<'a> FnOnce(
        &'a mut WinsockCtx,
    ) -> std::pin::Pin<Box<dyn Future<Output = Result<T, Failure>> + 'a>>,
{
    HOST.with_borrow_mut(|h| {
        let h = h.as_mut().expect("a host call outside an execution");
        let control = h.control.clone();
        let r = runtime().block_on(async {
            let mut fut = f(&mut h.ctx);
            tokio::select! {
                r = &mut fut => r,
                _ = tokio::time::sleep(HOST_CALL_BOUND) => {
                    mark_pending_silent();
                    HOST_CLEANED.set(true);
                    control.cleanup();
                    tokio::time::timeout(Duration::from_millis(200), fut)
                        .await
                        .unwrap_or_else(|_| panic!("{call} still blocked 200 ms after a host cleanup"))
                }
            }
        });
        match r {
            Ok(v) => Ok(v),
            Err(Failure::Wsa(e)) => Err(e),
            Err(Failure::Trap(t)) => panic!("{call} trapped on a live instance: {t}"),
        }
    })
}

/// Stores a host call's failure for the library: false and *err.
fn fail(err: *mut u8, e: WsaError) -> bool {
    // SAFETY: the library passes a valid out-pointer.
    unsafe { *err = wit_code(e) };
    false
}

macro_rules! ready {
    ($e:expr) => {
        Box::pin(async move { $e })
    };
}

#[unsafe(no_mangle)]
extern "C" fn winsock_ws2_lifecycle_startup(
    version: u16,
    has_wsadata: bool,
    ret: *mut WsaData,
    err: *mut StartupError,
) -> bool {
    let r = host("startup", |ctx| {
        ready!(ctx.wsa_startup(version, has_wsadata))
    })
    .unwrap_or_else(|e| panic!("startup failed outside its result: {e:?}"));
    let data = |d: winsock_host::lifecycle::WsaData| WsaData {
        version: d.version,
        high_version: d.high_version,
        description: List::of(d.description.as_bytes()),
        system_status: List::of(d.system_status.as_bytes()),
        max_sockets: d.max_sockets,
        max_udp_dg: d.max_udp_dg,
    };
    // SAFETY: valid out-pointers from the library.
    unsafe {
        match r {
            Ok(d) => {
                ret.write(data(d));
                true
            }
            Err(refused) => {
                let (is_some, d) = match refused.data {
                    Some(d) => (true, data(d)),
                    None => (false, std::mem::zeroed()),
                };
                err.write(StartupError {
                    code: wit_code(refused.code),
                    data: OptionWsaData { is_some, val: d },
                });
                false
            }
        }
    }
}

#[unsafe(no_mangle)]
extern "C" fn winsock_ws2_lifecycle_cleanup(err: *mut u8) -> bool {
    match host("cleanup", |ctx| ready!(ctx.wsa_cleanup())) {
        Ok(()) => true,
        Err(e) => fail(err, e),
    }
}

#[unsafe(no_mangle)]
extern "C" fn winsock_ws2_lifecycle_started() -> bool {
    host("started", |ctx| {
        let started = ctx.wsa_started();
        ready!(Ok::<bool, Failure>(started))
    })
    .unwrap_or(false)
}

#[unsafe(no_mangle)]
extern "C" fn winsock_ws2_lifecycle_error_number(code: u8) -> i32 {
    let (name, _) = WIT_ERROR_CODES
        .iter()
        .find(|(_, d)| *d == code)
        .unwrap_or_else(|| panic!("error code {code} is not in the WIT enum"));
    WsaError::ALL
        .iter()
        .find(|e| e.name() == *name)
        .unwrap_or_else(|| panic!("{name} has no WsaError"))
        .code()
}

#[unsafe(no_mangle)]
extern "C" fn winsock_ws2_sockets_socket(
    af: i32,
    ty: i32,
    protocol: i32,
    ret: *mut u32,
    err: *mut u8,
) -> bool {
    match host("socket", |ctx| ready!(ctx.socket(af, ty, protocol))) {
        // SAFETY: valid out-pointer.
        Ok(s) => unsafe {
            *ret = s;
            true
        },
        Err(e) => fail(err, e),
    }
}

#[unsafe(no_mangle)]
extern "C" fn winsock_ws2_sockets_closesocket(s: u32, err: *mut u8) -> bool {
    match host("closesocket", |ctx| Box::pin(ctx.closesocket(s))) {
        Ok(()) => true,
        Err(e) => fail(err, e),
    }
}

#[unsafe(no_mangle)]
extern "C" fn winsock_ws2_sockets_bind(s: u32, name: *const WitAddr, err: *mut u8) -> bool {
    // SAFETY: valid pointer from the library.
    let addr = to_std(unsafe { &*name });
    match host("bind", |ctx| ready!(ctx.bind(s, addr))) {
        Ok(()) => true,
        Err(e) => fail(err, e),
    }
}

#[unsafe(no_mangle)]
extern "C" fn winsock_ws2_sockets_listen(s: u32, backlog: i32, err: *mut u8) -> bool {
    match host("listen", |ctx| ready!(ctx.listen(s, backlog))) {
        Ok(()) => true,
        Err(e) => fail(err, e),
    }
}

#[unsafe(no_mangle)]
extern "C" fn winsock_ws2_sockets_accept(s: u32, ret: *mut AcceptResult, err: *mut u8) -> bool {
    match host("accept", |ctx| Box::pin(ctx.accept(s))) {
        // SAFETY: valid out-pointer.
        Ok((h, a)) => unsafe {
            ret.write(AcceptResult {
                handle: h,
                addr: from_std(a),
            });
            true
        },
        Err(e) => fail(err, e),
    }
}

#[unsafe(no_mangle)]
extern "C" fn winsock_ws2_sockets_connect(s: u32, name: *const WitAddr, err: *mut u8) -> bool {
    // SAFETY: valid pointer from the library.
    let addr = to_std(unsafe { &*name });
    match host("connect", |ctx| Box::pin(ctx.connect(s, addr))) {
        Ok(()) => true,
        Err(e) => fail(err, e),
    }
}

#[unsafe(no_mangle)]
extern "C" fn winsock_ws2_sockets_send(
    s: u32,
    buf: *const List<u8>,
    flags: i32,
    ret: *mut u32,
    err: *mut u8,
) -> bool {
    // SAFETY: valid list from the library.
    let data = unsafe { (*buf).slice() }.to_vec();
    match host("send", |ctx| {
        Box::pin(async move { ctx.send(s, &data, flags).await })
    }) {
        // SAFETY: valid out-pointer.
        Ok(n) => unsafe {
            *ret = n;
            true
        },
        Err(e) => fail(err, e),
    }
}

#[unsafe(no_mangle)]
extern "C" fn winsock_ws2_sockets_recv(
    s: u32,
    len: i32,
    flags: i32,
    ret: *mut Received,
    err: *mut u8,
) -> bool {
    match host("recv", |ctx| Box::pin(ctx.recv(s, len, flags))) {
        Ok(got) => {
            assert!(
                got.data.len() <= len.max(0) as usize,
                "recv returned more than asked"
            );
            // SAFETY: valid out-pointer.
            unsafe { ret.write(Received::of(&got.data, got.sender, got.error)) };
            true
        }
        Err(e) => fail(err, e),
    }
}

#[unsafe(no_mangle)]
extern "C" fn winsock_ws2_sockets_sendto(
    s: u32,
    buf: *const List<u8>,
    flags: i32,
    to: *const WitAddr,
    ret: *mut u32,
    err: *mut u8,
) -> bool {
    // SAFETY: valid pointers from the library.
    let (data, to) = unsafe { ((*buf).slice().to_vec(), to_std(&*to)) };
    match host("sendto", |ctx| {
        Box::pin(async move { ctx.sendto(s, &data, flags, to).await })
    }) {
        // SAFETY: valid out-pointer.
        Ok(n) => unsafe {
            *ret = n;
            true
        },
        Err(e) => fail(err, e),
    }
}

#[unsafe(no_mangle)]
extern "C" fn winsock_ws2_sockets_recvfrom(
    s: u32,
    len: i32,
    flags: i32,
    ret: *mut Received,
    err: *mut u8,
) -> bool {
    match host("recvfrom", |ctx| Box::pin(ctx.recvfrom(s, len, flags))) {
        // SAFETY: valid out-pointer.
        Ok(got) => unsafe {
            ret.write(Received::of(&got.data, got.sender, got.error));
            true
        },
        Err(e) => fail(err, e),
    }
}

#[unsafe(no_mangle)]
extern "C" fn winsock_ws2_sockets_shutdown(s: u32, how: i32, err: *mut u8) -> bool {
    match host("shutdown", |ctx| ready!(ctx.shutdown(s, how))) {
        Ok(()) => true,
        Err(e) => fail(err, e),
    }
}

#[unsafe(no_mangle)]
extern "C" fn winsock_ws2_sockets_select(
    sets: *const FdSets,
    timeout_us: *const u64,
    ret: *mut FdSets,
    err: *mut u8,
) -> bool {
    // SAFETY: valid pointers from the library (the timeout may be NULL).
    let (r, w, e, timeout) = unsafe {
        (
            (*sets).readfds.slice().to_vec(),
            (*sets).writefds.slice().to_vec(),
            (*sets).exceptfds.slice().to_vec(),
            timeout_us.as_ref().map(|t| Duration::from_micros(*t)),
        )
    };
    match host("select", |ctx| {
        Box::pin(async move { ctx.select(&r, &w, &e, timeout).await })
    }) {
        // SAFETY: valid out-pointer.
        Ok([r, w, e]) => unsafe {
            ret.write(FdSets {
                readfds: List::of(&r),
                writefds: List::of(&w),
                exceptfds: List::of(&e),
            });
            true
        },
        Err(e) => fail(err, e),
    }
}

#[unsafe(no_mangle)]
extern "C" fn winsock_ws2_sockets_wsapoll(
    fds: *const List<Pollfd>,
    timeout_ms: i32,
    ret: *mut List<i16>,
    err: *mut u8,
) -> bool {
    // SAFETY: valid list from the library.
    let fds: Vec<(u32, i16)> = unsafe { (*fds).slice() }
        .iter()
        .map(|p| (p.fd, p.events))
        .collect();
    let n = fds.len();
    match host("wsapoll", |ctx| {
        Box::pin(async move { ctx.wsapoll(&fds, timeout_ms).await })
    }) {
        Ok(revents) => {
            assert_eq!(revents.len(), n, "WSAPoll: one revents per entry");
            // SAFETY: valid out-pointer.
            unsafe { ret.write(List::of(&revents)) };
            true
        }
        Err(e) => fail(err, e),
    }
}

#[unsafe(no_mangle)]
extern "C" fn winsock_ws2_sockets_pause(timeout_ms: u32, err: *mut u8) -> bool {
    match host("pause", |ctx| Box::pin(ctx.pause(timeout_ms))) {
        Ok(()) => true,
        Err(e) => fail(err, e),
    }
}

/// Name lookups are not driven by this target (winsock_calls covers the
/// host's); the library's lookup calls get "not found" without a host call.
#[unsafe(no_mangle)]
extern "C" fn winsock_ws2_sockets_getaddrinfo(
    _node: *const c_void,
    _service: *const c_void,
    _hints: *const c_void,
    _ret: *mut c_void,
    err: *mut u8,
) -> bool {
    fail(err, WsaError::HostNotFound)
}

#[unsafe(no_mangle)]
extern "C" fn winsock_ws2_sockets_getnameinfo(
    _addr: *const WitAddr,
    _flags: i32,
    _ret: *mut c_void,
    err: *mut u8,
) -> bool {
    fail(err, WsaError::HostNotFound)
}

#[unsafe(no_mangle)]
extern "C" fn winsock_ws2_sockets_gethostbyaddr(
    _addr: *const WitAddr,
    _ret: *mut c_void,
    err: *mut u8,
) -> bool {
    fail(err, WsaError::HostNotFound)
}

#[unsafe(no_mangle)]
extern "C" fn winsock_ws2_sockets_gethostname(_ret: *mut c_void, err: *mut u8) -> bool {
    fail(err, WsaError::NoRecovery)
}

#[unsafe(no_mangle)]
extern "C" fn winsock_ws2_sockets_getsockname(s: u32, ret: *mut WitAddr, err: *mut u8) -> bool {
    match host("getsockname", |ctx| ready!(ctx.getsockname(s))) {
        // SAFETY: valid out-pointer.
        Ok(a) => unsafe {
            ret.write(from_std(a));
            true
        },
        Err(e) => fail(err, e),
    }
}

#[unsafe(no_mangle)]
extern "C" fn winsock_ws2_sockets_getpeername(s: u32, ret: *mut WitAddr, err: *mut u8) -> bool {
    match host("getpeername", |ctx| ready!(ctx.getpeername(s))) {
        // SAFETY: valid out-pointer.
        Ok(a) => unsafe {
            ret.write(from_std(a));
            true
        },
        Err(e) => fail(err, e),
    }
}

#[unsafe(no_mangle)]
extern "C" fn winsock_ws2_sockets_getsockopt(
    s: u32,
    level: i32,
    name: i32,
    optlen: i32,
    ret: *mut List<u8>,
    err: *mut u8,
) -> bool {
    match host("getsockopt", |ctx| {
        ready!(ctx.getsockopt(s, level, name, optlen))
    }) {
        Ok(v) => {
            assert!(
                v.len() <= optlen.max(0) as usize,
                "getsockopt wrote past optlen"
            );
            // SAFETY: valid out-pointer.
            unsafe { ret.write(List::of(&v)) };
            true
        }
        Err(e) => fail(err, e),
    }
}

#[unsafe(no_mangle)]
extern "C" fn winsock_ws2_sockets_setsockopt(
    s: u32,
    level: i32,
    name: i32,
    optval: *const List<u8>,
    err: *mut u8,
) -> bool {
    // SAFETY: NULL or a valid list from the library.
    let v: Option<Vec<u8>> = unsafe { optval.as_ref() }.map(|l| l.slice().to_vec());
    match host("setsockopt", |ctx| {
        ready!(ctx.setsockopt(s, level, name, v.as_deref()))
    }) {
        Ok(()) => true,
        Err(e) => fail(err, e),
    }
}

#[unsafe(no_mangle)]
extern "C" fn winsock_ws2_sockets_ioctlsocket(
    s: u32,
    cmd: u32,
    arg: u32,
    ret: *mut u32,
    err: *mut u8,
) -> bool {
    match host("ioctlsocket", |ctx| ready!(ctx.ioctlsocket(s, cmd, arg))) {
        // SAFETY: valid out-pointer.
        Ok(v) => unsafe {
            *ret = v;
            true
        },
        Err(e) => fail(err, e),
    }
}

/// The canonical ABI's allocator, which the generated string helpers use.
#[unsafe(no_mangle)]
extern "C" fn cabi_realloc(ptr: *mut c_void, _old: usize, align: usize, new: usize) -> *mut c_void {
    if new == 0 {
        return align as *mut c_void;
    }
    // SAFETY: realloc of a malloc'd (or NULL) block.
    let p = unsafe { realloc(ptr, new) };
    assert!(!p.is_null());
    p
}

// ---------------------------------------------------------------------
// The driver's bookkeeping of overlapped operations and hooks.

#[derive(Debug, PartialEq)]
enum OpState {
    /// Failed at issue (not WSA_IO_PENDING): no completion may follow.
    Refused,
    Pending,
    Done(c_ulong),
}

struct Op {
    ptr: *mut FzOp,
    socket: u32,
    event: usize,
    routine: bool,
    state: OpState,
    routine_runs: u32,
    /// Pending at a final or host-triggered cleanup: 995, reported to nobody.
    silent: bool,
    /// A fuzzed call named its event: its state is no longer the op's alone.
    disturbed: bool,
}

thread_local! {
    static OPS: RefCell<Vec<Op>> = const { RefCell::new(Vec::new()) };
    static ROUTINE_RUNS: RefCell<Vec<(usize, c_ulong, c_ulong)>> = const { RefCell::new(Vec::new()) };
    static HOOK: RefCell<HookState> = const { RefCell::new(HookState { cancel_after: 1, runs: 0, cancelled: false }) };
}

struct HookState {
    cancel_after: u32,
    runs: u32,
    cancelled: bool,
}

#[unsafe(no_mangle)]
extern "C" fn fz_routine_ran(id: c_int, error: c_ulong, _bytes: c_ulong, _flags: c_ulong) {
    let internal = OPS.with_borrow(|ops| unsafe { fz_op_internal(ops[id as usize].ptr) });
    ROUTINE_RUNS.with_borrow_mut(|r| r.push((id as usize, error, internal)));
}

/// The blocking hook: checks what may and may not be called from inside
/// it (docs/async.md), then cancels the call after `cancel_after` runs.
#[unsafe(no_mangle)]
extern "C" fn fz_hook_ran() -> c_int {
    // SAFETY: plain library calls.
    unsafe {
        assert_eq!(fz_is_blocking(), 1, "WSAIsBlocking inside the hook");
        assert_eq!(fz_cleanup(), -1, "WSACleanup inside the hook");
        assert_eq!(
            fz_last_error(),
            10036,
            "WSACleanup inside the hook: WSAEINPROGRESS"
        );
        assert_eq!(
            fz_socket(2, 1, 0, 0),
            INVALID_SOCKET,
            "socket inside the hook"
        );
        assert_eq!(
            fz_last_error(),
            10036,
            "socket inside the hook: WSAEINPROGRESS"
        );
    }
    let cancel = HOOK.with_borrow_mut(|h| {
        h.runs += 1;
        h.runs >= h.cancel_after
    });
    if cancel {
        // SAFETY: a library call.
        assert_eq!(
            unsafe { fz_cancel_blocking_call() },
            0,
            "WSACancelBlockingCall inside the hook"
        );
        HOOK.with_borrow_mut(|h| h.cancelled = true);
    }
    0
}

/// Marks the operations pending now as cancelled by a cleanup.
fn mark_pending_silent() {
    OPS.with_borrow_mut(|ops| {
        for op in ops.iter_mut() {
            // SAFETY: the op is alive until the execution ends.
            if op.state == OpState::Pending && unsafe { fz_op_internal(op.ptr) } == STATUS_PENDING {
                op.silent = true;
            }
        }
    });
}

/// Marks the operations that were pending before a WSACleanup that turned
/// out to be the final one (it makes no progress of its own, so they were
/// still pending when it ran).
fn mark_silent_at_final_cleanup() {
    OPS.with_borrow_mut(|ops| {
        for op in ops.iter_mut().filter(|op| op.state == OpState::Pending) {
            op.silent = true;
        }
    });
}

/// The operations' invariants after a call.
fn check_ops(call: &Call) {
    let runs = ROUTINE_RUNS.take();
    OPS.with_borrow_mut(|ops| {
        for (id, error, internal) in runs {
            let op = &mut ops[id];
            assert!(
                op.routine,
                "{call:?}: a routine ran for op {id}, which has none"
            );
            assert_ne!(
                internal, STATUS_PENDING,
                "{call:?}: op {id}'s routine ran while pending"
            );
            assert_eq!(
                error, internal,
                "{call:?}: op {id}'s routine got another error than Internal"
            );
            assert!(
                !op.silent,
                "{call:?}: op {id}'s routine ran after a cleanup cancelled it"
            );
            assert_ne!(
                op.state,
                OpState::Refused,
                "{call:?}: op {id} failed at issue, yet its routine ran"
            );
            op.routine_runs += 1;
            assert_eq!(op.routine_runs, 1, "{call:?}: op {id}'s routine ran twice");
        }
        for (id, op) in ops.iter_mut().enumerate() {
            // SAFETY: alive until the execution ends.
            let internal = unsafe { fz_op_internal(op.ptr) };
            let signalled = if op.event != 0 && !op.disturbed {
                // SAFETY: a read of the library's event table.
                Some(unsafe { fz_event_signalled(op.event) })
            } else {
                None
            };
            match op.state {
                OpState::Refused => {
                    assert_ne!(
                        signalled,
                        Some(1),
                        "{call:?}: op {id} failed at issue, yet its event is set"
                    );
                }
                OpState::Pending if internal == STATUS_PENDING => {
                    assert_ne!(
                        signalled,
                        Some(1),
                        "{call:?}: op {id}'s event set while it is pending"
                    );
                }
                OpState::Pending => {
                    op.state = OpState::Done(internal);
                    if op.silent {
                        assert_eq!(internal, 995, "{call:?}: op {id} cancelled by a cleanup");
                        assert_ne!(
                            signalled,
                            Some(1),
                            "{call:?}: op {id}'s event set by a cleanup"
                        );
                    } else if signalled.is_some() {
                        assert_eq!(
                            signalled,
                            Some(1),
                            "{call:?}: op {id} completed ({internal}) without setting its event"
                        );
                        // SAFETY: its own event (kernel32 form: no progress).
                        unsafe { fz_kernel_reset_event(op.event) };
                    }
                }
                OpState::Done(was) => {
                    assert_eq!(
                        internal, was,
                        "{call:?}: op {id}'s Internal changed after completion"
                    );
                    assert_ne!(
                        signalled,
                        Some(1),
                        "{call:?}: op {id}'s event set a second time"
                    );
                }
            }
        }
    });
}

// ---------------------------------------------------------------------
// The fuzz input.

#[derive(Arbitrary, Debug)]
enum Handle {
    Known(u8),
    Raw(u32),
}

#[derive(Arbitrary, Debug)]
enum Event {
    /// One the input created (closed ones included).
    Known(u8),
    /// An overlapped operation's own event.
    OfOp(u8),
    Raw(u32),
    Null,
}

#[derive(Arbitrary, Debug)]
enum Target {
    /// A native listener that never accepts (connects complete from its
    /// backlog).
    Native,
    /// The port a socket of the input is bound to.
    PortOf(u8),
    /// A loopback port nothing listens on.
    Refused,
}

#[derive(Arbitrary, Debug)]
enum Notify {
    Event,
    Routine,
    Neither,
}

#[derive(Arbitrary, Debug)]
enum Call {
    Startup {
        v11: bool,
        data: bool,
    },
    Cleanup,
    HostCleanup,
    Socket {
        udp: bool,
        v6: bool,
        overlapped: bool,
    },
    Close(Handle),
    Bind(Handle, bool),
    Listen(Handle),
    Connect(Handle, Target, bool),
    Accept(Handle),
    Nonblocking(Handle, bool),
    Send(Handle, u16),
    Recv(Handle, u16, bool),
    Shutdown(Handle, u8),
    CreateEvent,
    SetEvent(Event),
    ResetEvent(Event),
    CloseEvent(Event),
    EventSelect(Handle, Event, u16),
    EnumNetworkEvents(Handle, Event),
    Wait {
        events: Vec<Event>,
        all: bool,
        ms: u8,
        alertable: bool,
    },
    WaitSingle(Event, u8, bool),
    SleepEx(u8, bool),
    Overlapped {
        s: Handle,
        kind: u8,
        len: u16,
        notify: Notify,
        peek: bool,
        to: Target,
    },
    GetOverlappedResult(Handle, u8),
    CancelIo(Handle),
    CancelIoEx(Handle, Option<u8>),
    SetBlockingHook(u8),
    UnhookBlockingHook,
    IsBlocking,
    CancelBlockingCall,
}

struct Fixture {
    native_port: u16,
    refused_port: u16,
    grants: Grants,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let native_port = listener.local_addr().unwrap().port();
        std::mem::forget(listener);
        let refused_port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut grants = Grants::deny_all();
        for rule in ["127.0.0.1", "::1"] {
            let rule: NetRule = rule.parse().unwrap();
            grants.allow_connect(rule.clone()).allow_bind(rule);
        }
        // The runtime's own descriptors exist before any baseline is taken.
        runtime().block_on(tokio::task::yield_now());
        // The native build's view of the WIT error codes must be complete.
        for e in WsaError::ALL {
            wit_code(e);
        }
        Fixture {
            native_port,
            refused_port,
            grants,
        }
    })
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|d| d.count())
        .unwrap_or(0)
}

struct Driver {
    sockets: Vec<u32>,
    events: Vec<usize>,
    closed_events: BTreeSet<usize>,
    /// The major version of the last successful WSAStartup.
    major: u8,
    started: u32,
}

impl Driver {
    fn socket(&self, h: &Handle) -> u32 {
        match h {
            Handle::Known(i) if !self.sockets.is_empty() => {
                self.sockets[*i as usize % self.sockets.len()]
            }
            Handle::Known(i) => *i as u32,
            Handle::Raw(r) => *r,
        }
    }

    /// The handle value, and whether it is (or may be) an op's own event.
    fn event(&self, e: &Event) -> usize {
        let h = match e {
            Event::Known(i) if !self.events.is_empty() => {
                self.events[*i as usize % self.events.len()]
            }
            Event::Known(_) | Event::Null => 0,
            Event::OfOp(i) => OPS.with_borrow(|ops| {
                let with: Vec<usize> = ops.iter().map(|o| o.event).filter(|e| *e != 0).collect();
                if with.is_empty() {
                    0
                } else {
                    with[*i as usize % with.len()]
                }
            }),
            Event::Raw(r) => *r as usize,
        };
        if h != 0 {
            OPS.with_borrow_mut(|ops| {
                for op in ops.iter_mut().filter(|o| o.event == h) {
                    op.disturbed = true;
                }
            });
        }
        h
    }

    fn port(&self, t: &Target) -> u16 {
        let fx = fixture();
        match t {
            Target::Native => fx.native_port,
            Target::Refused => fx.refused_port,
            Target::PortOf(i) => {
                let s = self.socket(&Handle::Known(*i));
                // SAFETY: a library call.
                match unsafe { fz_local_port(s) } {
                    p if p > 0 => p as u16,
                    _ => fx.refused_port,
                }
            }
        }
    }
}

/// A SOCKET_ERROR (or FALSE) result's last error.
fn check_error(call: &Call, r: c_int, failure: c_int) {
    if r == failure {
        // SAFETY: a library call.
        let e = unsafe { fz_last_error() };
        assert!(
            spec9(e) || win32(e),
            "{call:?} failed with {e}, not a documented code"
        );
    }
}

fn check_wait(call: &Call, r: c_ulong, n: usize, alertable: bool) {
    match r {
        WAIT_TIMEOUT => {}
        WAIT_IO_COMPLETION => assert!(
            alertable,
            "{call:?}: WAIT_IO_COMPLETION from a wait that is not alertable"
        ),
        WAIT_FAILED => {
            // SAFETY: a library call.
            let e = unsafe { fz_last_error() };
            assert!(
                [6, 8, 87, 1131, 10004, 10036, 10093].contains(&e),
                "{call:?}: WAIT_FAILED with {e}"
            );
        }
        i => assert!((i as usize) < n, "{call:?} returned {i:#x}"),
    }
}

fn step(d: &mut Driver, call: &Call) {
    let started_before = d.started;
    // SAFETY (every block below): calls into the library with handles and
    // ops the driver keeps alive until the end of the execution.
    unsafe {
        match call {
            Call::Startup { v11, data } => {
                let r = fz_startup(if *v11 { 0x0101 } else { 0x0202 }, *data as c_int);
                assert!(r == 0 || spec9(r), "{call:?} returned {r}");
                if r == 0 {
                    d.started += 1;
                    d.major = if *v11 { 1 } else { 2 };
                }
            }
            Call::Cleanup => {
                let r = fz_cleanup();
                check_error(call, r, -1);
                if r == 0 {
                    d.started -= 1;
                    if d.started == 0 {
                        // The final cleanup: what was pending is cancelled,
                        // reported to nobody.
                        mark_silent_at_final_cleanup();
                    }
                } else if !HOST_CLEANED.get() {
                    assert_eq!(
                        fz_last_error(),
                        10093,
                        "{call:?} with count {started_before}"
                    );
                }
            }
            Call::HostCleanup => {
                mark_pending_silent();
                HOST.with_borrow(|h| h.as_ref().unwrap().control.cleanup());
                d.started = 0;
            }
            Call::Socket {
                udp,
                v6,
                overlapped,
            } => {
                let s = fz_socket(
                    if *v6 { 23 } else { 2 },
                    if *udp { 2 } else { 1 },
                    0,
                    *overlapped as c_int,
                );
                check_error(call, s as c_int, -1);
                if s != INVALID_SOCKET {
                    d.sockets.push(s);
                }
            }
            Call::Close(h) => check_error(call, fz_closesocket(d.socket(h)), -1),
            Call::Bind(h, v6) => check_error(call, fz_bind(d.socket(h), *v6 as c_int, 0), -1),
            Call::Listen(h) => check_error(call, fz_listen(d.socket(h), 4), -1),
            Call::Connect(h, t, v6) => {
                let port = d.port(t);
                check_error(call, fz_connect(d.socket(h), *v6 as c_int, port), -1)
            }
            Call::Accept(h) => {
                let s = fz_accept(d.socket(h));
                check_error(call, s as c_int, -1);
                if s != INVALID_SOCKET {
                    d.sockets.push(s);
                }
            }
            Call::Nonblocking(h, on) => {
                check_error(call, fz_nonblocking(d.socket(h), *on as c_int), -1)
            }
            Call::Send(h, len) => {
                check_error(call, fz_send(d.socket(h), (*len % 4096) as c_int), -1)
            }
            Call::Recv(h, len, peek) => {
                let len = (*len % 4096) as c_int;
                let r = fz_recv(d.socket(h), len, if *peek { 2 } else { 0 });
                assert!(r <= len, "{call:?} returned {r}");
                check_error(call, r, -1)
            }
            Call::Shutdown(h, how) => {
                check_error(call, fz_shutdown(d.socket(h), (*how % 4) as c_int), -1)
            }
            Call::CreateEvent => {
                let h = fz_create_event();
                if h == 0 {
                    check_error(call, 0, 0);
                } else {
                    assert_eq!(fz_event_signalled(h), 0, "a new event is not signalled");
                    d.events.push(h);
                }
            }
            Call::SetEvent(e) | Call::ResetEvent(e) | Call::CloseEvent(e) => {
                let h = d.event(e);
                let was_open = fz_event_signalled(h) >= 0;
                let r = match call {
                    Call::SetEvent(_) => fz_set_event(h),
                    Call::ResetEvent(_) => fz_reset_event(h),
                    _ => fz_close_event(h),
                };
                check_error(call, r, 0);
                if r != 0 {
                    assert!(was_open, "{call:?} succeeded on a handle that is no event");
                    match call {
                        Call::SetEvent(_) => assert_eq!(fz_event_signalled(h), 1),
                        Call::ResetEvent(_) => assert_eq!(fz_event_signalled(h), 0),
                        _ => {
                            assert_eq!(fz_event_signalled(h), -1, "a closed event still exists");
                            d.closed_events.insert(h);
                        }
                    }
                } else if !was_open && d.started > 0 && !HOST_CLEANED.get() {
                    assert_eq!(fz_last_error(), 6, "{call:?} on a handle that is no event");
                }
            }
            Call::EventSelect(h, e, mask) => {
                let ev = d.event(e);
                check_error(
                    call,
                    fz_event_select(d.socket(h), ev, *mask as c_long & 0x3ff),
                    -1,
                )
            }
            Call::EnumNetworkEvents(h, e) => {
                let ev = d.event(e);
                let mut events: c_long = 0;
                let mut errors = [0 as c_int; 10];
                let r = fz_enum_network_events(d.socket(h), ev, &mut events, errors.as_mut_ptr());
                check_error(call, r, -1);
                if r == 0 {
                    assert_eq!(events & !0x3ff, 0, "{call:?}: lNetworkEvents {events:#x}");
                    for (i, e) in errors.iter().enumerate() {
                        if events & (1 << i) == 0 {
                            assert_eq!(*e, 0, "{call:?}: error slot {i} of an unrecorded event");
                        } else {
                            assert!(*e == 0 || spec9(*e), "{call:?}: error slot {i} is {e}");
                        }
                    }
                    if ev != 0 {
                        assert_eq!(fz_event_signalled(ev), 0, "{call:?} left the event set");
                    }
                }
            }
            Call::Wait {
                events,
                all,
                ms,
                alertable,
            } => {
                let handles: Vec<usize> = events.iter().take(6).map(|e| d.event(e)).collect();
                let r = fz_wait(
                    handles.len() as c_ulong,
                    handles.as_ptr(),
                    *all as c_int,
                    (*ms % 4) as c_ulong,
                    *alertable as c_int,
                );
                check_wait(call, r, handles.len(), *alertable);
            }
            Call::WaitSingle(e, ms, alertable) => {
                let h = d.event(e);
                let r = fz_wait_single(h, (*ms % 4) as c_ulong, *alertable as c_int);
                check_wait(call, r, 1, *alertable);
            }
            Call::SleepEx(ms, alertable) => {
                let r = fz_sleep_ex((*ms % 6) as c_ulong, *alertable as c_int);
                assert!(
                    r == 0 || (*alertable && r == WAIT_IO_COMPLETION),
                    "{call:?} returned {r:#x}"
                );
            }
            Call::Overlapped {
                s,
                kind,
                len,
                notify,
                peek,
                to,
            } => {
                let id = OPS.with_borrow(|ops| ops.len());
                if id >= 48 {
                    return;
                }
                let s = d.socket(s);
                let port = d.port(to);
                let event = match notify {
                    Notify::Event => {
                        let h = fz_create_event();
                        if h == 0 {
                            check_error(call, 0, 0);
                            return;
                        }
                        h
                    }
                    _ => 0,
                };
                let ptr = fz_op_new(id as c_int, event, (*len % 2048) as c_int);
                let routine = matches!(notify, Notify::Routine);
                OPS.with_borrow_mut(|ops| {
                    ops.push(Op {
                        ptr,
                        socket: s,
                        event,
                        routine,
                        state: OpState::Pending,
                        routine_runs: 0,
                        silent: false,
                        disturbed: false,
                    })
                });
                let r = fz_op_issue(
                    ptr,
                    s,
                    (*kind % 4) as c_int,
                    if *peek { 2 } else { 0 },
                    routine as c_int,
                    port,
                );
                check_error(call, r, -1);
                let internal = fz_op_internal(ptr);
                let error = if r == 0 { 0 } else { fz_last_error() };
                match error {
                    0 => assert_eq!(
                        internal, 0,
                        "{call:?} succeeded at once with Internal {internal:#x}"
                    ),
                    997 => assert!(
                        internal == STATUS_PENDING || HOST_CLEANED.get(),
                        "{call:?} pending with Internal {internal:#x}"
                    ),
                    // Microsoft: any other code means the operation was not
                    // initiated and no completion indication will occur.
                    _ => OPS.with_borrow_mut(|ops| ops[id].state = OpState::Refused),
                }
            }
            Call::GetOverlappedResult(h, i) => {
                let Some((ptr, socket)) = OPS.with_borrow(|ops| {
                    (!ops.is_empty()).then(|| {
                        let op = &ops[*i as usize % ops.len()];
                        (op.ptr, op.socket)
                    })
                }) else {
                    return;
                };
                let s = if matches!(h, Handle::Known(_)) {
                    socket
                } else {
                    d.socket(h)
                };
                let (mut bytes, mut flags) = (0, 0);
                let r = fz_op_result(s, ptr, &mut bytes, &mut flags);
                check_error(call, r, 0);
                let internal = fz_op_internal(ptr);
                if r != 0 {
                    assert_eq!(internal, 0, "{call:?}: TRUE for Internal {internal:#x}");
                    assert_eq!(bytes, fz_op_transferred(ptr), "{call:?}: byte count");
                } else if fz_last_error() == 996 {
                    assert_eq!(
                        internal, STATUS_PENDING,
                        "{call:?}: WSA_IO_INCOMPLETE for a completed op"
                    );
                }
            }
            Call::CancelIo(h) => {
                let r = fz_cancel_io(d.socket(h) as usize);
                check_error(call, r, 0);
                if r == 0 {
                    let e = fz_last_error();
                    assert!(e == 6 || e == 1168, "{call:?}: {e}");
                }
            }
            Call::CancelIoEx(h, i) => {
                let ptr = match i {
                    Some(i) => OPS.with_borrow(|ops| {
                        if ops.is_empty() {
                            std::ptr::null_mut()
                        } else {
                            ops[*i as usize % ops.len()].ptr
                        }
                    }),
                    None => std::ptr::null_mut(),
                };
                let r = fz_cancel_io_ex(d.socket(h) as usize, ptr);
                check_error(call, r, 0);
                if r == 0 {
                    let e = fz_last_error();
                    assert!(e == 6 || e == 1168, "{call:?}: {e}");
                } else if !ptr.is_null() {
                    assert_eq!(
                        fz_op_internal(ptr),
                        995,
                        "{call:?}: the op CancelIoEx named"
                    );
                }
            }
            Call::SetBlockingHook(after) => {
                HOOK.with_borrow_mut(|h| h.cancel_after = 1 + (*after % 3) as u32);
                let r = fz_set_blocking_hook();
                if r == 0 {
                    let e = fz_last_error();
                    let expected = if d.started == 0 {
                        10093
                    } else if d.major >= 2 {
                        10045
                    } else {
                        0
                    };
                    assert!(
                        e == expected || HOST_CLEANED.get(),
                        "{call:?}: {e}, expected {expected}"
                    );
                } else {
                    assert!(
                        d.started > 0 && d.major == 1,
                        "{call:?} succeeded after a {}.x startup",
                        d.major
                    );
                }
            }
            Call::UnhookBlockingHook => check_error(call, fz_unhook_blocking_hook(), -1),
            Call::IsBlocking => {
                assert_eq!(fz_is_blocking(), 0, "WSAIsBlocking outside a blocking call")
            }
            Call::CancelBlockingCall => {
                assert_eq!(
                    fz_cancel_blocking_call(),
                    -1,
                    "WSACancelBlockingCall outside a blocking call"
                );
                let e = fz_last_error();
                assert!([10022, 10045, 10093].contains(&e), "{call:?}: {e}");
            }
        }
    }
}

fuzz_target!(|calls: Vec<Call>| {
    let fx = fixture();
    let baseline = open_fds();
    let ctx = WinsockCtx::builder()
        .grants(fx.grants.clone())
        .limits(Limits {
            max_sockets: MAX_SOCKETS,
            max_linger: Duration::from_millis(10),
            max_bytes_per_call: 64 * 1024,
            ..Limits::default()
        })
        .build();
    let control = ctx.control();
    HOST.set(Some(Host {
        ctx,
        control: control.clone(),
    }));
    HOST_CLEANED.set(false);
    let mut d = Driver {
        sockets: Vec::new(),
        events: Vec::new(),
        closed_events: BTreeSet::new(),
        major: 0,
        started: 0,
    };
    for call in calls.iter().take(64) {
        HOOK.with_borrow_mut(|h| {
            h.runs = 0;
            h.cancelled = false;
        });
        HOST_CLEANED.set(false);
        step(&mut d, call);
        if HOST_CLEANED.get() {
            d.started = 0;
        }
        check_ops(call);
        let (runs, cancelled) = HOOK.with_borrow(|h| (h.runs, h.cancelled));
        if cancelled && !HOST_CLEANED.get() {
            // SAFETY: a library call.
            assert_eq!(
                unsafe { fz_last_error() },
                10004,
                "{call:?}: a cancelled blocking call (hook ran {runs} times)"
            );
        }
        assert_eq!(
            control.startup_count(),
            d.started,
            "startup count after {call:?}"
        );
    }

    // The end: the final cleanup (then one more startup and cleanup, which
    // ends what a host-triggered cleanup left in the library), routines
    // drained by alertable sleeps.
    let end = Call::Cleanup;
    for _ in 0..64 {
        if d.started == 0 {
            break;
        }
        HOST_CLEANED.set(false);
        step(&mut d, &end);
        if HOST_CLEANED.get() {
            d.started = 0;
        }
        check_ops(&end);
    }
    // SAFETY: library calls.
    unsafe {
        assert_eq!(fz_startup(0x0202, 1), 0);
        d.started = 1;
        mark_pending_silent();
        assert_eq!(fz_cleanup(), 0);
        check_ops(&end);
        for _ in 0..64 {
            if fz_sleep_ex(0, 1) != WAIT_IO_COMPLETION {
                break;
            }
            check_ops(&Call::SleepEx(0, true));
        }
        assert_eq!(
            fz_pending_operations(),
            0,
            "operations left after the final cleanup"
        );
        assert_eq!(
            fz_queued_routines(),
            0,
            "routines left after alertable sleeps"
        );
        assert_eq!(
            fz_selection_count(),
            0,
            "selections left after the final cleanup"
        );
    }
    let ops = OPS.take();
    for (id, op) in ops.iter().enumerate() {
        match op.state {
            OpState::Pending => panic!("op {id} still pending after the final cleanup"),
            OpState::Refused => assert_eq!(op.routine_runs, 0),
            OpState::Done(_) if op.silent => assert_eq!(op.routine_runs, 0),
            OpState::Done(e) if op.routine => {
                assert_eq!(
                    op.routine_runs, 1,
                    "op {id} completed ({e}) and its routine ran {} times",
                    op.routine_runs
                )
            }
            OpState::Done(_) => {}
        }
    }
    // SAFETY: the library holds no reference to them any more.
    unsafe {
        for h in d
            .events
            .iter()
            .chain(ops.iter().map(|o| &o.event))
            .filter(|h| **h != 0)
        {
            fz_close_handle(*h);
        }
        assert_eq!(
            fz_event_count(),
            0,
            "events left after closing every one created"
        );
        for op in ops {
            fz_op_free(op.ptr);
        }
    }
    assert_eq!(
        control.socket_count(),
        0,
        "host sockets after the final cleanup"
    );
    HOST.set(None);
    runtime().block_on(tokio::task::yield_now());
    let after = open_fds();
    assert_eq!(
        after, baseline,
        "descriptors after teardown: {after}, baseline {baseline}"
    );
});
