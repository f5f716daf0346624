//! The WIT package as a documented product: `wit/REFERENCE.md` is generated
//! from the WIT files' doc comments and must match them. Regenerate with
//! `WINSOCK_BLESS=1 cargo test --release -p winsock-tests --test wit_reference`.

use std::fmt::Write as _;
use std::path::PathBuf;
use wit_parser::{Docs, Resolve, Type, TypeDefKind, TypeOwner};

fn wit_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../wit")
}

fn type_name(resolve: &Resolve, ty: &Type) -> String {
    match ty {
        Type::Bool => "bool".into(),
        Type::U8 => "u8".into(),
        Type::U16 => "u16".into(),
        Type::U32 => "u32".into(),
        Type::U64 => "u64".into(),
        Type::S8 => "s8".into(),
        Type::S16 => "s16".into(),
        Type::S32 => "s32".into(),
        Type::S64 => "s64".into(),
        Type::F32 => "f32".into(),
        Type::F64 => "f64".into(),
        Type::Char => "char".into(),
        Type::String => "string".into(),
        Type::ErrorContext => "error-context".into(),
        Type::Id(id) => {
            let def = &resolve.types[*id];
            if let Some(name) = &def.name {
                return name.clone();
            }
            let opt = |t: &Option<Type>| {
                t.as_ref()
                    .map_or("_".to_string(), |t| type_name(resolve, t))
            };
            match &def.kind {
                TypeDefKind::Option(t) => format!("option<{}>", type_name(resolve, t)),
                TypeDefKind::List(t) => format!("list<{}>", type_name(resolve, t)),
                TypeDefKind::Result(r) => format!("result<{}, {}>", opt(&r.ok), opt(&r.err)),
                TypeDefKind::Tuple(t) => format!(
                    "tuple<{}>",
                    t.types
                        .iter()
                        .map(|t| type_name(resolve, t))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                TypeDefKind::Type(t) => type_name(resolve, t),
                other => format!("{other:?}"),
            }
        }
    }
}

/// A `use`d type: an alias of the same name pointing at its owner's type.
fn is_use(resolve: &Resolve, kind: &TypeDefKind, name: &str) -> bool {
    matches!(kind, TypeDefKind::Type(Type::Id(id)) if resolve.types[*id].name.as_deref() == Some(name))
}

fn docs(out: &mut String, d: &Docs) {
    if let Some(text) = &d.contents {
        let _ = writeln!(out, "{}\n", text.trim_end());
    }
}

fn reference() -> String {
    let mut resolve = Resolve::new();
    let (pkg, _) = resolve.push_dir(wit_dir()).expect("wit/ parses");
    let package = &resolve.packages[pkg];
    let mut out = String::new();
    let _ = writeln!(out, "# `{}` reference\n", package.name);
    out.push_str("Generated from the doc comments in `wit/*.wit` by `tests/tests/wit_reference.rs`; do not edit.\n\n");
    for (wname, wid) in &package.worlds {
        let world = &resolve.worlds[*wid];
        let _ = writeln!(out, "## world `{wname}`\n");
        docs(&mut out, &world.docs);
    }
    for (iname, iid) in &package.interfaces {
        let iface = &resolve.interfaces[*iid];
        let _ = writeln!(out, "## interface `{iname}`\n");
        docs(&mut out, &iface.docs);
        for (tname, tid) in &iface.types {
            let def = &resolve.types[*tid];
            if def.owner != TypeOwner::Interface(*iid) {
                continue;
            }
            let kind = match &def.kind {
                TypeDefKind::Record(_) => "record",
                TypeDefKind::Variant(_) => "variant",
                TypeDefKind::Enum(_) => "enum",
                k if is_use(&resolve, k, tname) => continue,
                _ => "type",
            };
            let _ = writeln!(out, "### {kind} `{tname}`\n");
            docs(&mut out, &def.docs);
            match &def.kind {
                TypeDefKind::Type(t) => {
                    let _ = writeln!(out, "`type {tname} = {}`\n", type_name(&resolve, t));
                }
                TypeDefKind::Record(r) => {
                    for f in &r.fields {
                        let _ = write!(out, "- `{}: {}`", f.name, type_name(&resolve, &f.ty));
                        match &f.docs.contents {
                            Some(d) => {
                                out.push_str(&format!(": {}\n", d.trim().replace('\n', " ")))
                            }
                            None => out.push('\n'),
                        }
                    }
                    out.push('\n');
                }
                TypeDefKind::Variant(v) => {
                    for c in &v.cases {
                        let ty =
                            c.ty.as_ref()
                                .map(|t| format!("({})", type_name(&resolve, t)))
                                .unwrap_or_default();
                        let _ = writeln!(out, "- `{}{ty}`", c.name);
                    }
                    out.push('\n');
                }
                TypeDefKind::Enum(e) => {
                    for c in &e.cases {
                        let d = c
                            .docs
                            .contents
                            .as_deref()
                            .unwrap_or("")
                            .trim()
                            .replace('\n', " ");
                        let _ = writeln!(out, "- `{}`: {d}", c.name);
                    }
                    out.push('\n');
                }
                _ => {}
            }
        }
        for (fname, f) in &iface.functions {
            let params: Vec<String> = f
                .params
                .iter()
                .map(|p| format!("{}: {}", p.name, type_name(&resolve, &p.ty)))
                .collect();
            let result = f
                .result
                .as_ref()
                .map(|t| format!(" -> {}", type_name(&resolve, t)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "### func `{fname}`\n\n`{fname}: func({}){result}`\n",
                params.join(", ")
            );
            docs(&mut out, &f.docs);
        }
    }
    out
}

#[test]
fn wit_reference_matches_the_wit_files() {
    let path = wit_dir().join("REFERENCE.md");
    let fresh = reference();
    if std::env::var_os("WINSOCK_BLESS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == fresh,
        "wit/REFERENCE.md is stale: WINSOCK_BLESS=1 cargo test --release -p winsock-tests --test wit_reference"
    );
}

#[test]
fn every_function_type_and_error_code_is_documented() {
    let mut resolve = Resolve::new();
    let (pkg, _) = resolve.push_dir(wit_dir()).unwrap();
    let mut missing = Vec::new();
    for (iname, iid) in &resolve.packages[pkg].interfaces {
        let iface = &resolve.interfaces[*iid];
        for (fname, f) in &iface.functions {
            if f.docs.contents.is_none() {
                missing.push(format!("{iname}.{fname}"));
            }
        }
        for (tname, tid) in &iface.types {
            let def = &resolve.types[*tid];
            if def.owner != TypeOwner::Interface(*iid) || is_use(&resolve, &def.kind, tname) {
                continue;
            }
            if def.docs.contents.is_none() {
                missing.push(format!("{iname}.{tname}"));
            }
            if let TypeDefKind::Enum(e) = &def.kind {
                missing.extend(
                    e.cases
                        .iter()
                        .filter(|c| c.docs.contents.is_none())
                        .map(|c| format!("{iname}.{tname}.{}", c.name)),
                );
            }
        }
    }
    assert!(missing.is_empty(), "undocumented: {missing:?}");
}
