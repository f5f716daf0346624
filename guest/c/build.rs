//! Generates the C bindings of the `winsock:ws2/imports` world from `wit/`
//! (wit-bindgen's C generator) into OUT_DIR; `src/main.rs` embeds them with
//! the headers and the library sources.
use std::path::PathBuf;

fn main() -> anyhow::Result<()> {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let wit = manifest.join("../../wit");
    println!("cargo:rerun-if-changed={}", wit.display());
    for entry in std::fs::read_dir(&wit)? {
        println!("cargo:rerun-if-changed={}", entry?.path().display());
    }

    let mut resolve = wit_parser::Resolve::default();
    let (package, _) = resolve.push_dir(&wit)?;
    let world = resolve.select_world(&[package], Some("imports"))?;
    let mut files = wit_bindgen_core::Files::default();
    wit_bindgen_c::Opts::default()
        .build()
        .generate(&mut resolve, world, &mut files)?;

    let out = PathBuf::from(std::env::var("OUT_DIR")?).join("bindings");
    std::fs::create_dir_all(&out)?;
    for (name, contents) in files.iter() {
        std::fs::write(out.join(name), contents)?;
    }
    Ok(())
}
