//! Generates `crates/capi/include/gpt4all.h` from the `extern "C"` items of `crates/capi` and the
//! contract types of `crates/core` (`Status`, `FinishReason`, `LogLevel`), with cbindgen and
//! `crates/capi/cbindgen.toml`. The header is checked in, so other languages build against it
//! without Rust; `.ci/run` fails when the committed copy is stale. The file is rewritten only
//! when its contents change.
use std::path::Path;

fn main() {
    let capi = Path::new(env!("CARGO_MANIFEST_DIR")).join("../capi");
    let config = cbindgen::Config::from_file(capi.join("cbindgen.toml")).expect("crates/capi/cbindgen.toml");
    let header = capi.join("include/gpt4all.h");
    let bindings = cbindgen::Builder::new().with_crate(&capi).with_config(config).generate();
    match bindings {
        Ok(bindings) => {
            bindings.write_to_file(&header);
            println!("{}", header.display());
        }
        Err(error) => {
            eprintln!("gpt4all-capi-header: cbindgen could not generate gpt4all.h: {error}");
            std::process::exit(1);
        }
    }
}
