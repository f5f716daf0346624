//! Builds the C library's address text (guest/c/lib/addr.c) natively for
//! the c_address_text target, with its functions renamed so they cannot be
//! confused with the system C library's.
fn main() {
    let lib = std::path::Path::new("../../guest/c/lib");
    let include = std::path::Path::new("../../guest/c/include");
    println!("cargo:rerun-if-changed={}", lib.join("addr.c").display());
    println!("cargo:rerun-if-changed={}", include.display());
    cc::Build::new()
        .file(lib.join("addr.c"))
        .include(include)
        .include(lib)
        .std("c11")
        .define("inet_pton", "ws_inet_pton")
        .define("inet_ntop", "ws_inet_ntop")
        .define("inet_addr", "ws_inet_addr")
        .define("inet_ntoa", "ws_inet_ntoa")
        .warnings(false)
        .compile("winsock_addr");
}
