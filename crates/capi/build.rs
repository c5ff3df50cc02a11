//! Generates `include/gpt4all.h` from this crate's `extern "C"` items and the core's contract
//! types (`Status`, `FinishReason`, `LogLevel`) with cbindgen. The header is checked in, so
//! other languages build against it without Rust; `.ci/run` fails when the committed copy is
//! stale. The file is rewritten only when its contents change.
use std::env;
use std::path::PathBuf;

fn main() {
    let crate_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("cbindgen.toml");
    let header = crate_dir.join("include/gpt4all.h");
    cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen could not generate gpt4all.h")
        .write_to_file(&header);
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=../core/src/error.rs");
    println!("cargo:rerun-if-changed=../core/src/generate.rs");
    println!("cargo:rerun-if-changed=../core/src/log.rs");
    // The library finds llama.cpp's shared libraries beside itself, as the addon does.
    match env::var("CARGO_CFG_TARGET_OS").as_deref() {
        Ok("linux") => println!("cargo:rustc-link-arg-cdylib=-Wl,-rpath,$ORIGIN"),
        Ok("macos") => println!("cargo:rustc-link-arg-cdylib=-Wl,-rpath,@loader_path"),
        _ => {}
    }
}
