use std::env;

fn main() {
    napi_build::setup();
    cuda_runtime_search_path();
}

/// The cuda addon links the CUDA runtime dynamically. Besides the loader's usual search
/// (LD_LIBRARY_PATH, ld.so.cache), let it look where NVIDIA's Linux installers put the toolkit,
/// so that an installed toolkit works even when it is not registered with ldconfig.
fn cuda_runtime_search_path() {
    if env::var_os("CARGO_FEATURE_CUDA").is_none() || env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("linux") {
        return;
    }
    let table_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../llama-sys/variants.json");
    println!("cargo:rerun-if-changed={table_path}");
    let table: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(table_path).unwrap()).unwrap();
    let major =
        table["variants"]["cuda"]["requires"]["cudaMajor"].as_u64().expect("variants.json: cuda.requires.cudaMajor");
    println!("cargo:rustc-link-arg-cdylib=-Wl,-rpath,/usr/local/cuda-{major}/lib64:/usr/local/cuda/lib64");
}
