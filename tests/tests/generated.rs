//! The WSA code table has one home: the doc comments of the `error-code`
//! enum in `wit/types.wit` (docs/errors.md). The host derives its table
//! from them at build time (host/build.rs: `WsaError`); the guest-side
//! copies are rendered here from that table and must match:
//!
//! - `guest/c/include/_winsock_errors.h`: the WSA error macros that
//!   `winsock2.h` includes;
//! - `guest/rust/src/error_codes.rs`: the Rust guest crate's `WsaError`
//!   constants and names.
//!
//! Regenerate with
//! `WINSOCK_BLESS=1 cargo test --release -p winsock-tests --test generated`.

use std::fmt::Write as _;
use std::path::PathBuf;
use winsock_host::WsaError;
use wit_parser::{Resolve, TypeDefKind};

const BLESS: &str = "WINSOCK_BLESS=1 cargo test --release -p winsock-tests --test generated";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Kind {
    /// A case of `error-code`: what a host call fails with.
    Case,
    /// Reported by the guest libraries themselves.
    GuestLibrary,
    /// Defined by Windows, reported by nothing here.
    Compat,
}

struct Code {
    /// The Windows macro name: WSAECONNREFUSED.
    name: &'static str,
    number: i32,
    /// Windows' short description.
    description: &'static str,
    kind: Kind,
}

/// The host's table, in the WIT's order.
fn codes() -> Vec<Code> {
    let cases = WsaError::ALL.into_iter().map(|e| Code {
        name: e.name(),
        number: e.code(),
        description: e.description(),
        kind: Kind::Case,
    });
    let others = |list: &'static [(&'static str, i32, &'static str)], kind| {
        list.iter().map(move |&(name, number, description)| Code {
            name,
            number,
            description,
            kind,
        })
    };
    cases
        .chain(others(WsaError::GUEST_LIBRARY_CODES, Kind::GuestLibrary))
        .chain(others(WsaError::COMPAT_CODES, Kind::Compat))
        .collect()
}

const RUST_HEADER: &str = "// Generated from wit/types.wit by tests/tests/generated.rs; do not edit.\n\
// Regenerate: WINSOCK_BLESS=1 cargo test --release -p winsock-tests --test generated\n";

fn render_c(codes: &[Code]) -> String {
    let mut s = String::from(
        "/* Generated from wit/types.wit by tests/tests/generated.rs; do not edit.\n \
         * Regenerate: WINSOCK_BLESS=1 cargo test --release -p winsock-tests --test generated\n \
         *\n \
         * The Windows Sockets error codes (docs/errors.md), included by winsock2.h. */\n\
         #ifndef _WINSOCK_ERRORS_H\n#define _WINSOCK_ERRORS_H\n\n\
         /* The base of the numbered WSAE* codes. */\n#define WSABASEERR 10000\n",
    );
    for (kind, title) in [
        (Kind::Case, "What a Winsock call fails with."),
        (
            Kind::GuestLibrary,
            "Reported by this library itself (events, waits, overlapped I/O).",
        ),
        (
            Kind::Compat,
            "Defined by Windows; no call here reports them.",
        ),
    ] {
        let _ = writeln!(s, "\n/* {title} */");
        for c in codes.iter().filter(|c| c.kind == kind) {
            // The Win32 ERROR_* names are windows.h's; only the WSA ones here.
            if c.name.starts_with("WSA") {
                let _ = writeln!(s, "#define {} {} /* {} */", c.name, c.number, c.description);
            }
        }
    }
    s.push_str("\n#endif\n");
    s
}

fn render_guest_rust(codes: &[Code]) -> String {
    // The crate's spelling: the macro name without WSA / WSA_ / ERROR_.
    let konst = |n: &str| {
        n.strip_prefix("WSA_")
            .or_else(|| n.strip_prefix("WSA"))
            .or_else(|| n.strip_prefix("ERROR_"))
            .unwrap_or(n)
            .to_string()
    };
    let listed: Vec<&Code> = codes.iter().filter(|c| c.kind != Kind::Compat).collect();
    let mut s = String::from(RUST_HEADER);
    s.push_str("\nuse crate::WsaError;\n\nimpl WsaError {\n");
    for c in &listed {
        let _ = writeln!(
            s,
            "    /// {} ({}): {}\n    pub const {}: WsaError = WsaError({});",
            c.name,
            c.number,
            c.description,
            konst(c.name),
            c.number
        );
    }
    for (doc, sig, field) in [
        (
            "The Windows macro name of the code (\"WSAECONNREFUSED\"), if it is\n    /// one this package documents.",
            "name",
            0,
        ),
        (
            "Windows' short description of the code (\"Connection refused.\").",
            "description",
            1,
        ),
    ] {
        let _ = writeln!(
            s,
            "\n    /// {doc}\n    pub const fn {sig}(self) -> Option<&'static str> {{\n        Some(match self.0 {{"
        );
        for c in &listed {
            let text = if field == 0 { c.name } else { c.description };
            let _ = writeln!(s, "            {} => {text:?},", c.number);
        }
        s.push_str("            _ => return None,\n        })\n    }\n");
    }
    s.push_str("}\n");
    rustfmt(&s)
}

/// As `cargo fmt` would leave it, so that the generated file stays clean.
fn rustfmt(src: &str) -> String {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout"])
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("rustfmt runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(src.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "rustfmt failed on:\n{src}");
    String::from_utf8(out.stdout).unwrap()
}

fn check(path: &str, fresh: &str, stale: &mut Vec<String>) {
    let file = root().join(path);
    if std::env::var_os("WINSOCK_BLESS").is_some() {
        std::fs::write(&file, fresh).unwrap();
    }
    if std::fs::read_to_string(&file).unwrap_or_default() != fresh {
        stale.push(path.to_string());
    }
}

#[test]
fn generated_copies_match_wit_types() {
    let codes = codes();
    let mut stale = Vec::new();
    check(
        "guest/c/include/_winsock_errors.h",
        &render_c(&codes),
        &mut stale,
    );
    check(
        "guest/rust/src/error_codes.rs",
        &render_guest_rust(&codes),
        &mut stale,
    );
    assert!(
        stale.is_empty(),
        "stale (generated from wit/types.wit): {stale:?}; regenerate with {BLESS}"
    );
}

/// Every case of the WIT enum, read here from wit/types.wit on its own,
/// maps in the host to the number and name its comment gives, to the WIT
/// type and back.
#[test]
fn every_wit_case_round_trips_through_the_host() {
    let mut resolve = Resolve::new();
    let (pkg, _) = resolve.push_dir(root().join("wit")).unwrap();
    let types = resolve.packages[pkg].interfaces["types"];
    let def = &resolve.types[resolve.interfaces[types].types["error-code"]];
    let TypeDefKind::Enum(e) = &def.kind else {
        panic!("error-code is not an enum");
    };
    assert_eq!(WsaError::ALL.len(), e.cases.len());
    for (case, code) in e.cases.iter().zip(WsaError::ALL) {
        let first = case
            .docs
            .contents
            .as_deref()
            .unwrap()
            .lines()
            .next()
            .unwrap();
        let (name, rest) = first.split_once(" (").unwrap();
        let (number, description) = rest.split_once("): ").unwrap();
        let number: i32 = number.parse().unwrap();
        assert_eq!(case.name.to_uppercase().replace('-', "_"), name);
        assert_eq!((code.name(), code.code()), (name, number));
        assert_eq!(code.description(), description);
        assert_eq!(WsaError::from_code(number), Some(code));
        assert_eq!(WsaError::name_of(number), Some(name));
        let wit: winsock_host::wit::types::ErrorCode = code.into();
        assert_eq!(WsaError::from(wit), code);
    }
    for &(name, number, _) in WsaError::GUEST_LIBRARY_CODES
        .iter()
        .chain(WsaError::COMPAT_CODES)
    {
        assert_eq!(WsaError::from_code(number), None, "{name}");
        assert_eq!(WsaError::name_of(number), Some(name));
    }
    assert_eq!(WsaError::name_of(0), None);
}
