//! Builds the guest C library natively for the C targets:
//! - `winsock_addr`: guest/c/lib/addr.c alone (c_address_text), its inet_
//!   functions renamed;
//! - `winsock_c`: the whole library (winsock.c, events.c, overlapped.c,
//!   hooks.c, windows.c, crt.c; addr.c from `winsock_addr`) with the
//!   harness shim of c_async_calls (c/async_shim.c), over the C bindings
//!   wit-bindgen generates from wit/ exactly as guest/c/build.rs does. The
//!   imports themselves (`winsock_ws2_*`) are implemented in Rust by the
//!   c_async_calls target, over a real winsock-host `WinsockCtx`; the
//!   bindings' list/string free helpers are compiled from the generated
//!   imports.c.
//!
//! Every function the library defines under a C library name (socket,
//! bind, send, select, htons, inet_pton...) is renamed `ws_NAME`, so the
//! Rust runtime and tokio keep glibc's.
use std::path::{Path, PathBuf};

/// The library's public names that glibc also defines.
const RENAMED: &[&str] = &[
    "accept",
    "bind",
    "connect",
    "freeaddrinfo",
    "getaddrinfo",
    "gethostbyaddr",
    "gethostbyname",
    "gethostname",
    "getnameinfo",
    "getpeername",
    "getservbyname",
    "getservbyport",
    "getsockname",
    "getsockopt",
    "htonl",
    "htons",
    "in6addr_any",
    "in6addr_loopback",
    "inet_addr",
    "inet_ntoa",
    "inet_ntop",
    "inet_pton",
    "listen",
    "ntohl",
    "ntohs",
    "recv",
    "recvfrom",
    "select",
    "send",
    "sendto",
    "setsockopt",
    "shutdown",
    "socket",
];

fn main() -> anyhow::Result<()> {
    let lib = Path::new("../../guest/c/lib");
    let include = Path::new("../../guest/c/include");
    let wit = Path::new("../../wit");
    for p in [lib, include, wit, Path::new("c")] {
        println!("cargo:rerun-if-changed={}", p.display());
        for entry in std::fs::read_dir(p)? {
            println!("cargo:rerun-if-changed={}", entry?.path().display());
        }
    }

    // The bindings, generated as winsock-cc generates them.
    let out = PathBuf::from(std::env::var("OUT_DIR")?).join("bindings");
    std::fs::create_dir_all(&out)?;
    let mut resolve = wit_parser::Resolve::default();
    let (package, _) = resolve.push_dir(wit)?;
    let world = resolve.select_world(&[package], Some("imports"))?;
    let mut files = wit_bindgen_core::Files::default();
    wit_bindgen_c::Opts::default()
        .build()
        .generate(&mut resolve, world, &mut files)?;
    let mut imports_c = None;
    let mut imports_h = None;
    for (name, contents) in files.iter() {
        std::fs::write(out.join(name), contents)?;
        match name {
            "imports.c" => imports_c = Some(String::from_utf8(contents.to_vec())?),
            "imports.h" => imports_h = Some(String::from_utf8(contents.to_vec())?),
            _ => {}
        }
    }
    let (imports_c, imports_h) = (imports_c.unwrap(), imports_h.unwrap());

    // The helpers (the *_free functions and the string ones) sit between
    // these two markers of wit-bindgen-c's output; the adapters after them
    // call wasm imports and are replaced by the Rust target.
    let start = imports_c
        .find("// Helper Functions")
        .expect("wit-bindgen-c output without its helper section");
    let end = imports_c
        .find("// Component Adapters")
        .expect("wit-bindgen-c output without its adapter section");
    std::fs::write(
        out.join("imports_helpers.c"),
        format!(
            "#include \"imports.h\"\n#include <stdlib.h>\n#include <string.h>\n{}",
            &imports_c[start..end]
        ),
    )?;

    // The WIT error codes' discriminants, for the Rust side.
    let mut codes = String::from("pub const WIT_ERROR_CODES: &[(&str, u8)] = &[\n");
    for line in imports_h.lines() {
        if let Some(rest) = line.strip_prefix("#define WINSOCK_WS2_TYPES_ERROR_CODE_") {
            let mut it = rest.split_whitespace();
            let (name, value) = (it.next().unwrap(), it.next().unwrap());
            codes.push_str(&format!("    (\"{name}\", {value}),\n"));
        }
    }
    codes.push_str("];\n");
    std::fs::write(out.join("error_codes.rs"), codes)?;

    let native = |b: &mut cc::Build| {
        b.include(include)
            .include(lib)
            .include(&out)
            .std("c11")
            .define("_DEFAULT_SOURCE", None)
            .define("_POSIX_C_SOURCE", "200809L")
            // Natively every address is memory: the library's check of
            // pointers against linear memory accepts what is not NULL.
            .define("__builtin_wasm_memory_size(x)", "((uintptr_t)-1 / 65536u)")
            .flag_if_supported("-Wno-unknown-pragmas")
            .warnings(false);
        for name in RENAMED {
            b.define(name, format!("ws_{name}").as_str());
        }
    };

    let mut c = cc::Build::new();
    native(&mut c);
    for file in ["winsock.c", "hooks.c", "windows.c", "crt.c"] {
        c.file(lib.join(file));
    }
    // events.c and overlapped.c come through the shim's wrappers, which
    // include them to read their tables (never to change them).
    c.file("c/events_view.c")
        .file("c/overlapped_view.c")
        .file("c/async_shim.c")
        .file(out.join("imports_helpers.c"))
        .compile("winsock_c");

    let mut a = cc::Build::new();
    native(&mut a);
    a.file(lib.join("addr.c")).compile("winsock_addr");
    Ok(())
}
