//! Generates the WSA code table of `WsaError` (src/error.rs) from its one
//! home, the doc comments of the `error-code` enum in wit/types.wit
//! (docs/errors.md): numbers, Windows names and descriptions, and the
//! two-way mapping to the bindgen `ErrorCode`, into OUT_DIR/wsa_codes.rs.
//!
//! The form read: the first line of each case's comment is
//! `NAME (NUMBER): description`; the enum's own comment lists the codes that
//! are never a case as `- NAME (NUMBER): description` lines, after a line
//! saying the "guest libraries" report them or that "no call" does.
//!
//! The variants are the host's own spelling, declared in src/error.rs: the
//! macro name without its `WSA_`/`WSAE`/`WSA` prefix and underscores, in any
//! case (WSAEWOULDBLOCK is `WouldBlock`). The build fails naming a case
//! without a variant, or a variant without a case.
use std::fmt::Write as _;
use std::path::PathBuf;
use wit_parser::{Resolve, TypeDefKind};

struct Code {
    name: String,
    number: i32,
    description: String,
}

/// `NAME (NUMBER): description` -> its parts.
fn parse_line(line: &str) -> Option<Code> {
    let (name, rest) = line.trim().split_once(" (")?;
    let (number, description) = rest.split_once("): ")?;
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
        return None;
    }
    Some(Code {
        name: name.to_string(),
        number: number.parse().ok()?,
        description: description.trim().to_string(),
    })
}

/// The variants of `pub enum WsaError` in src/error.rs, in order.
fn variants(error_rs: &str) -> Vec<String> {
    let open = "pub enum WsaError {";
    let start = error_rs
        .find(open)
        .expect("src/error.rs declares `pub enum WsaError {`")
        + open.len();
    let body = &error_rs[start..];
    body[..body.find('}').unwrap()]
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("//") && !l.starts_with('#'))
        .map(|l| l.trim_end_matches(',').to_string())
        .collect()
}

/// A WIT case name as wasmtime's bindgen spells the Rust variant.
fn bindgen_variant(case: &str) -> String {
    case.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let wit = manifest.join("../wit");
    let error_rs = manifest.join("src/error.rs");
    println!("cargo:rerun-if-changed={}", wit.display());
    for entry in std::fs::read_dir(&wit).unwrap() {
        println!("cargo:rerun-if-changed={}", entry.unwrap().path().display());
    }
    println!("cargo:rerun-if-changed={}", error_rs.display());

    let mut resolve = Resolve::new();
    let (pkg, _) = resolve.push_dir(&wit).expect("wit/ parses");
    let types = resolve.packages[pkg].interfaces["types"];
    let def = &resolve.types[resolve.interfaces[types].types["error-code"]];
    let TypeDefKind::Enum(e) = &def.kind else {
        panic!("wit/types.wit: error-code is not an enum");
    };

    // The cases: (WIT case, code).
    let mut cases = Vec::new();
    for case in &e.cases {
        let first = case.docs.contents.as_deref().unwrap_or("").lines().next();
        let code = first.and_then(parse_line).unwrap_or_else(|| {
            panic!(
                "wit/types.wit: the comment of error-code case `{}` must begin `NAME (NUMBER): description`",
                case.name
            )
        });
        // The C bindings spell the case so; the comment must agree.
        assert_eq!(
            case.name.to_uppercase().replace('-', "_"),
            code.name,
            "wit/types.wit: case `{}` documents another code",
            case.name
        );
        cases.push((case.name.clone(), code));
    }
    // The codes that are never a case.
    let (mut guest, mut compat) = (Vec::new(), Vec::new());
    let mut list = None;
    for line in def.docs.contents.as_deref().unwrap_or("").lines() {
        if let Some(item) = line.strip_prefix("- ") {
            let code = parse_line(item)
                .unwrap_or_else(|| panic!("wit/types.wit: error-code's list item {line:?}"));
            match list {
                Some(true) => guest.push(code),
                Some(false) => compat.push(code),
                None => panic!("wit/types.wit: {line:?} comes before who reports it"),
            }
        } else if line.contains("guest libraries") {
            list = Some(true);
        } else if line.contains("no call") {
            list = Some(false);
        }
    }
    assert!(!guest.is_empty() && !compat.is_empty());
    let all: Vec<&Code> = cases
        .iter()
        .map(|(_, c)| c)
        .chain(&guest)
        .chain(&compat)
        .collect();
    for (i, a) in all.iter().enumerate() {
        for b in &all[..i] {
            assert!(a.name != b.name, "wit/types.wit: {} twice", a.name);
            assert!(
                a.number != b.number,
                "wit/types.wit: {} and {} share a number",
                a.name,
                b.name
            );
        }
    }

    // Pair each case with its variant.
    let variants = variants(&std::fs::read_to_string(&error_rs).unwrap());
    let mut var = Vec::new();
    for (_, c) in &cases {
        let n = &c.name;
        let bare = n
            .strip_prefix("WSA_")
            .or_else(|| n.strip_prefix("WSAE"))
            .or_else(|| n.strip_prefix("WSA"))
            .unwrap_or(n)
            .replace('_', "")
            .to_lowercase();
        let v = variants
            .iter()
            .find(|v| v.to_lowercase() == bare)
            .unwrap_or_else(|| {
                panic!("src/error.rs: WsaError has no variant for {n}: add one spelled `{bare}` in any case")
            });
        var.push(format!("WsaError::{v}"));
    }
    for v in &variants {
        assert!(
            var.contains(&format!("WsaError::{v}")),
            "src/error.rs: WsaError::{v} is no case of error-code in wit/types.wit"
        );
    }

    let mut s = String::from(
        "// Generated by host/build.rs from wit/types.wit (error-code); see src/error.rs.\n\n",
    );
    let _ = writeln!(
        s,
        "impl WsaError {{\n/// Every code, in the order of the WIT enum `error-code`.\npub const ALL: [WsaError; {}] = [",
        cases.len()
    );
    for v in &var {
        let _ = writeln!(s, "{v},");
    }
    s.push_str("];\n");
    let table = |s: &mut String, doc: &str, sig: &str, f: &dyn Fn(&Code) -> String| {
        let _ = writeln!(s, "{doc}\npub const fn {sig} {{ match self {{");
        for ((_, c), v) in cases.iter().zip(&var) {
            let _ = writeln!(s, "{v} => {},", f(c));
        }
        s.push_str("} }\n");
    };
    table(
        &mut s,
        "/// The number WSAGetLastError reports.",
        "code(self) -> i32",
        &|c| c.number.to_string(),
    );
    table(
        &mut s,
        "/// The Windows macro name: \"WSAECONNREFUSED\".",
        "name(self) -> &'static str",
        &|c| format!("{:?}", c.name),
    );
    table(
        &mut s,
        "/// Windows' short description: \"Connection refused.\"",
        "description(self) -> &'static str",
        &|c| format!("{:?}", c.description),
    );
    s.push_str("/// The code with that number, if a Winsock call can fail with it.\npub const fn from_code(code: i32) -> Option<WsaError> { Some(match code {\n");
    for ((_, c), v) in cases.iter().zip(&var) {
        let _ = writeln!(s, "{} => {v},", c.number);
    }
    s.push_str("_ => return None, }) }\n");
    for (doc, name, list) in [
        (
            "/// Codes the guest libraries report themselves (events, waits,\n/// overlapped I/O), never a host call: (name, number, description).",
            "GUEST_LIBRARY_CODES",
            &guest,
        ),
        (
            "/// Codes Windows defines that nothing here reports (the C header\n/// carries them): (name, number, description).",
            "COMPAT_CODES",
            &compat,
        ),
    ] {
        let _ = writeln!(s, "{doc}\npub const {name}: &[(&str, i32, &str)] = &[");
        for c in list {
            let _ = writeln!(s, "({:?}, {}, {:?}),", c.name, c.number, c.description);
        }
        s.push_str("];\n");
    }
    s.push_str("}\n");
    for (from, to, forward) in [
        ("WsaError", "ErrorCode", true),
        ("ErrorCode", "WsaError", false),
    ] {
        let _ = writeln!(
            s,
            "#[cfg(feature = \"component\")]\nimpl From<{from}> for {to} {{ fn from(e: {from}) -> {to} {{ match e {{"
        );
        for ((case, _), v) in cases.iter().zip(&var) {
            let b = format!("ErrorCode::{}", bindgen_variant(case));
            let (l, r) = if forward { (v, &b) } else { (&b, v) };
            let _ = writeln!(s, "{l} => {r},");
        }
        s.push_str("} } }\n");
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("wsa_codes.rs");
    std::fs::write(out, s).unwrap();
}
