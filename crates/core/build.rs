fn main() {
    // This crate's tests and examples find llama.cpp's shared libraries where they were built.
    if let Ok(dir) = std::env::var("DEP_LLAMA_LIB_DIR") {
        if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
            println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
        }
    }
}
