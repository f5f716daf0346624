//! The C library's own parsing (guest/c/lib/addr.c, built natively):
//! inet_pton, inet_ntop and inet_addr on arbitrary text and bytes, checked
//! against Rust's standard parsers and RFC 5952 formatting, and for round
//! trips and buffer bounds (issue 5).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::ffi::{CStr, CString, c_char, c_int, c_ulong, c_void};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddrV6};

const AF_INET: c_int = 2;
const AF_INET6: c_int = 23;

unsafe extern "C" {
    fn ws_inet_pton(family: c_int, text: *const c_char, out: *mut c_void) -> c_int;
    fn ws_inet_ntop(
        family: c_int,
        addr: *const c_void,
        buf: *mut c_char,
        size: usize,
    ) -> *const c_char;
    fn ws_inet_addr(text: *const c_char) -> c_ulong;
    fn __ws_address_text(sa: *const c_void, out: *mut c_char, cap: usize) -> c_int;
    fn __ws_parse_address_text(text: *const c_char, family: c_int, out: *mut c_void) -> c_int;
}

/// Room for a SOCKADDR_IN6 as this native build lays it out (28 bytes in
/// the guest; larger here, where ULONG is 64 bits).
const SOCKADDR_ROOM: usize = 64;

/// WSAStringToAddress's parse into a SOCKADDR_IN6-sized buffer with a guard
/// tail: the bytes of the sockaddr, or None.
fn parse_text(text: &CStr, family: c_int) -> Option<[u8; SOCKADDR_ROOM]> {
    let mut buf = [0x55u8; SOCKADDR_ROOM + 8];
    // SAFETY: `text` is NUL-terminated; `buf` has room for a SOCKADDR_IN6.
    let ok = unsafe { __ws_parse_address_text(text.as_ptr(), family, buf.as_mut_ptr().cast()) };
    assert!(
        buf[SOCKADDR_ROOM..].iter().all(|&b| b == 0x55),
        "parse wrote past a SOCKADDR_IN6"
    );
    (ok == 1).then(|| buf[..SOCKADDR_ROOM].try_into().unwrap())
}

/// WSAAddressToString's text of a sockaddr (either family).
fn address_text(sa: &[u8; SOCKADDR_ROOM]) -> String {
    let mut out = [0x55 as c_char; 96 + 8];
    // SAFETY: `sa` is a whole SOCKADDR_IN6-sized buffer; `out` has 96 bytes.
    let n = unsafe { __ws_address_text(sa.as_ptr().cast(), out.as_mut_ptr(), 96) };
    assert!(n >= 0 && (n as usize) < 96, "address text of {sa:?}: {n}");
    assert!(
        out[96..].iter().all(|&b| b == 0x55),
        "address text wrote past its buffer"
    );
    // SAFETY: it fit, so it is NUL-terminated in `out`.
    unsafe { CStr::from_ptr(out.as_ptr()) }
        .to_string_lossy()
        .into_owned()
}

// What winsock.c provides in the guest: the last error and memory checks
// (natively every pointer the harness passes is valid).
#[unsafe(no_mangle)]
extern "C" fn __ws_succeed(result: c_int) -> c_int {
    result
}
#[unsafe(no_mangle)]
extern "C" fn __ws_fail(_code: c_int) -> c_int {
    -1
}
#[unsafe(no_mangle)]
extern "C" fn __ws_in_memory(ptr: *const c_void, len: usize) -> c_int {
    (!ptr.is_null() || len == 0) as c_int
}
#[unsafe(no_mangle)]
extern "C" fn __ws_string_ok(s: *const c_char) -> bool {
    !s.is_null()
}

fn ntop6(bytes: &[u8; 16], size: usize) -> Option<String> {
    let mut buf = vec![0x55 as c_char; size + 8];
    // SAFETY: `bytes` is 16 readable bytes; `buf` has `size` writable bytes
    // (and a guard tail that must stay untouched).
    let r = unsafe { ws_inet_ntop(AF_INET6, bytes.as_ptr().cast(), buf.as_mut_ptr(), size) };
    assert!(
        buf[size..].iter().all(|&b| b == 0x55),
        "inet_ntop wrote past its buffer"
    );
    // SAFETY: on success the result is the NUL-terminated text in `buf`.
    (!r.is_null()).then(|| unsafe { CStr::from_ptr(r) }.to_string_lossy().into_owned())
}

fuzz_target!(|data: &[u8]| {
    // Text: up to the first NUL.
    let text: Vec<u8> = data
        .iter()
        .copied()
        .take_while(|&b| b != 0)
        .take(128)
        .collect();
    let c = CString::new(text.clone()).unwrap();
    let as_str = std::str::from_utf8(&text).ok();

    let mut v6 = [0u8; 16];
    // SAFETY: `c` is NUL-terminated, `v6` has 16 writable bytes.
    let ok6 = unsafe { ws_inet_pton(AF_INET6, c.as_ptr(), v6.as_mut_ptr().cast()) };
    let std6 = as_str.and_then(|s| s.parse::<Ipv6Addr>().ok());
    assert_eq!(
        ok6 == 1,
        std6.is_some(),
        "inet_pton(AF_INET6, {:?}) = {ok6}, std: {std6:?}",
        String::from_utf8_lossy(&text)
    );
    if let Some(a) = std6 {
        assert_eq!(
            v6,
            a.octets(),
            "inet_pton(AF_INET6, {:?})",
            String::from_utf8_lossy(&text)
        );
    }

    let mut v4 = [0u8; 4];
    // SAFETY: as above, with 4 bytes.
    let ok4 = unsafe { ws_inet_pton(AF_INET, c.as_ptr(), v4.as_mut_ptr().cast()) };
    let std4 = as_str.and_then(|s| s.parse::<Ipv4Addr>().ok());
    assert_eq!(
        ok4 == 1,
        std4.is_some(),
        "inet_pton(AF_INET, {:?}) = {ok4}, std: {std4:?}",
        String::from_utf8_lossy(&text)
    );
    if let Some(a) = std4 {
        assert_eq!(v4, a.octets());
        // A strict dotted quad is one of inet_addr's forms too.
        // SAFETY: `c` is NUL-terminated.
        let classic = unsafe { ws_inet_addr(c.as_ptr()) };
        assert_eq!(
            classic as u32,
            u32::from_ne_bytes(a.octets()),
            "inet_addr({a})"
        );
    } else {
        // SAFETY: `c` is NUL-terminated.
        let _ = unsafe { ws_inet_addr(c.as_ptr()) };
    }

    // Bytes: any 16 are an IPv6 address; its text is RFC 5952's and parses
    // back to the same bytes; a buffer one byte short is refused.
    if data.len() >= 16 {
        let bytes: [u8; 16] = data[..16].try_into().unwrap();
        let text = ntop6(&bytes, 65).expect("inet_ntop with INET6_ADDRSTRLEN");
        assert_eq!(
            text,
            Ipv6Addr::from(bytes).to_string(),
            "inet_ntop of {bytes:?}"
        );
        let back = CString::new(text.clone()).unwrap();
        let mut again = [0u8; 16];
        // SAFETY: NUL-terminated text, 16 writable bytes.
        assert_eq!(
            unsafe { ws_inet_pton(AF_INET6, back.as_ptr(), again.as_mut_ptr().cast()) },
            1
        );
        assert_eq!(again, bytes, "round trip of {text}");
        assert!(
            ntop6(&bytes, text.len()).is_none(),
            "no room for the NUL must be refused"
        );
        assert_eq!(
            ntop6(&bytes, text.len() + 1).as_deref(),
            Some(text.as_str())
        );
    }

    // WSAStringToAddress / WSAAddressToString (issue 10): any text either
    // fails or parses to a sockaddr whose text parses back to the same
    // sockaddr; any address bytes, port and scope round-trip.
    for family in [AF_INET, AF_INET6] {
        if let Some(sa) = parse_text(&c, family) {
            let text = address_text(&sa);
            let back = CString::new(text.clone()).unwrap();
            let again =
                parse_text(&back, family).unwrap_or_else(|| panic!("{text:?} does not parse back"));
            assert_eq!(again, sa, "round trip of {text:?}");
        }
    }
    if data.len() >= 22 {
        // Any address, port and scope: parsed from the bracketed form and
        // written back as Rust writes a SocketAddrV6 (no port: no brackets).
        let ip = Ipv6Addr::from(<[u8; 16]>::try_from(&data[..16]).unwrap());
        let port = u16::from_le_bytes([data[16], data[17]]);
        let scope = u32::from_le_bytes([data[18], data[19], data[20], data[21]]);
        let v6 = SocketAddrV6::new(ip, port, 0, scope);
        let c = CString::new(v6.to_string()).unwrap();
        let sa = parse_text(&c, AF_INET6).unwrap_or_else(|| panic!("{v6} does not parse"));
        let expected = if port != 0 {
            v6.to_string()
        } else if scope != 0 {
            format!("{ip}%{scope}")
        } else {
            ip.to_string()
        };
        assert_eq!(address_text(&sa), expected, "text of {v6}");
    }
});
