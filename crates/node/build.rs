use std::env;

fn main() {
    napi_build::setup();
    library_search_path();
}

/// llama.cpp's shared libraries sit beside the addon in its platform package: let the loader
/// look there (Windows looks in the addon's directory by itself, as Node loads addons with
/// `LOAD_WITH_ALTERED_SEARCH_PATH`).
fn library_search_path() {
    match env::var("CARGO_CFG_TARGET_OS").as_deref() {
        Ok("linux") => println!("cargo:rustc-link-arg-cdylib=-Wl,-rpath,$ORIGIN"),
        Ok("macos") => println!("cargo:rustc-link-arg-cdylib=-Wl,-rpath,@loader_path"),
        _ => {}
    }
}
