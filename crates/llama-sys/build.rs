//! Builds the vendored llama.cpp for one variant and generates its Rust bindings.
//!
//! The variant comes from a Cargo feature; its CMake flags come from `variants.json`, the same
//! table that the JavaScript resolver and the llama.cpp tool builds read. Only llama.cpp gets the
//! ISA flags: the Rust code stays baseline x86-64, so loading the addon never executes an AVX2
//! instruction before the resolver has checked the CPU.
use std::env;
use std::path::{Path, PathBuf};

const VARIANTS: [&str; 5] = ["cpu-avx", "cpu-avx2", "vulkan", "cuda", "metal"];

fn main() {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let table_path = manifest_dir.join("variants.json");
    let table: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&table_path).unwrap()).unwrap();
    let llama_dir = llama_source_dir(&manifest_dir);

    let variant = selected_variant(&table);
    println!("cargo:rustc-env=GPT4ALL_VARIANT={variant}");
    println!("cargo:rerun-if-changed={}", table_path.display());
    println!("cargo:rerun-if-changed=wrapper.h");
    println!("cargo:rerun-if-changed=src/guard.cpp");
    println!("cargo:rerun-if-changed=src/guard.h");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed={}", manifest_dir.join("../../vendor/llama.cpp.pin.json").display());
    println!("cargo:rerun-if-env-changed=GPT4ALL_LLAMA_CPP_DIR");
    println!("cargo:rerun-if-env-changed=GPT4ALL_GLSLC");
    println!("cargo:rerun-if-env-changed=GPT4ALL_VULKAN_INCLUDE_DIR");
    println!("cargo:rerun-if-env-changed=CUDA_PATH");

    let build_dir = build_llama(&llama_dir, &table, &variant);
    build_guard(&llama_dir);
    link_libraries(&build_dir, &variant);
    generate_bindings(&llama_dir);
}

/// The llama.cpp checkout: `GPT4ALL_LLAMA_CPP_DIR`, or the repository's `vendor/llama.cpp`.
fn llama_source_dir(manifest_dir: &Path) -> PathBuf {
    let dir = env::var_os("GPT4ALL_LLAMA_CPP_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir.join("../../vendor/llama.cpp"));
    if !dir.join("include/llama.h").exists() {
        panic!(
            "llama.cpp source not found at {}. Run `pnpm vendor` at the repository root, \
             or set GPT4ALL_LLAMA_CPP_DIR to a checkout at the pinned commit.",
            dir.display()
        );
    }
    dir.canonicalize().unwrap()
}

/// One variant per build. Cargo unifies features, so when several are on (a workspace-wide
/// build), the highest-priority one wins: GPU variants include the AVX2 CPU code anyway.
fn selected_variant(table: &serde_json::Value) -> String {
    let enabled: Vec<&str> = VARIANTS
        .iter()
        .copied()
        .filter(|v| env::var_os(format!("CARGO_FEATURE_{}", v.to_uppercase().replace('-', "_"))).is_some())
        .collect();
    let priority = |v: &str| table["variants"][v]["priority"].as_i64().unwrap_or(0);
    match enabled.iter().max_by_key(|v| priority(v)) {
        Some(v) => v.to_string(),
        None => {
            println!("cargo:warning=no variant feature selected; building cpu-avx2");
            "cpu-avx2".to_string()
        }
    }
}

fn build_llama(llama_dir: &Path, table: &serde_json::Value, variant: &str) -> PathBuf {
    let mut config = cmake::Config::new(llama_dir);
    // llama.cpp is always built optimised, also under `cargo test` in debug.
    config.profile("Release").no_default_flags(true).build_target("llama");
    if which("ninja") {
        config.generator("Ninja");
    }
    let flags =
        table["common"].as_object().unwrap().iter().chain(table["variants"][variant]["cmake"].as_object().unwrap());
    for (key, value) in flags {
        config.define(key, value.as_str().unwrap());
    }
    // The vulkan variant's shader compiler and headers, when the system's are too old (Debian
    // bookworm's are; scripts/setup-vulkan-toolchain.sh provides newer ones).
    if variant == "vulkan" {
        if let Some(glslc) = env::var_os("GPT4ALL_GLSLC") {
            config.define("Vulkan_GLSLC_EXECUTABLE", glslc);
        }
        if let Some(include) = env::var_os("GPT4ALL_VULKAN_INCLUDE_DIR") {
            config.define("Vulkan_INCLUDE_DIR", include);
        }
    }
    // The cuda variant's toolkit (scripts/setup-cuda-toolchain.sh provides one): CMake finds nvcc
    // on PATH by itself, but a toolkit outside the usual places has to be named.
    if variant == "cuda" {
        if let Some(root) = env::var_os("CUDA_PATH") {
            let nvcc = PathBuf::from(&root).join("bin").join(if cfg!(windows) { "nvcc.exe" } else { "nvcc" });
            config.define("CMAKE_CUDA_COMPILER", nvcc);
            config.define("CUDAToolkit_ROOT", root);
        }
    }
    config.build().join("build")
}

/// Our C++ wrappers that turn llama.cpp's fatal assertions during loading into errors
/// (`src/guard.cpp`). Linked before llama.cpp's libraries, which it calls.
fn build_guard(llama_dir: &Path) {
    cc::Build::new()
        .cpp(true)
        .std("c++17")
        .file("src/guard.cpp")
        .include(llama_dir.join("include"))
        .include(llama_dir.join("ggml/include"))
        .include("src")
        .compile("gpt4all-guard");
}

fn link_libraries(build_dir: &Path, variant: &str) {
    // Static link order matters for GNU ld: llama, then ggml's registry, then the backends,
    // then ggml-base, which all of them use.
    let mut backends = vec!["ggml-cpu"];
    match variant {
        "cuda" => backends.push("ggml-cuda"),
        "vulkan" => backends.push("ggml-vulkan"),
        "metal" => backends.extend(["ggml-metal", "ggml-blas"]),
        _ => {}
    }
    let libs = [vec!["llama", "ggml"], backends, vec!["ggml-base"]].concat();
    for lib in libs {
        let dir = find_library_dir(build_dir, lib)
            .unwrap_or_else(|| panic!("lib{lib} was not built in {}", build_dir.display()));
        println!("cargo:rustc-link-search=native={}", dir.display());
        println!("cargo:rustc-link-lib=static={lib}");
    }
    let target_os = env::var("CARGO_CFG_TARGET_OS").unwrap();
    match target_os.as_str() {
        "linux" => println!("cargo:rustc-link-lib=dylib=stdc++"),
        "macos" => println!("cargo:rustc-link-lib=dylib=c++"),
        _ => {}
    }
    match variant {
        "cuda" => link_cuda(),
        "vulkan" => {
            println!("cargo:rustc-link-lib=dylib={}", if target_os == "windows" { "vulkan-1" } else { "vulkan" })
        }
        "metal" => {
            for framework in ["Foundation", "Metal", "MetalKit", "Accelerate"] {
                println!("cargo:rustc-link-lib=framework={framework}");
            }
        }
        _ => {}
    }
}

/// CUDA's runtime libraries are linked dynamically: the package needs a driver and the CUDA 13
/// runtime on the machine, and stays small.
fn link_cuda() {
    for var in ["CUDA_PATH", "CUDAToolkit_ROOT", "CUDA_HOME"] {
        if let Some(root) = env::var_os(var) {
            for sub in ["lib64", "lib", "lib/x64", "lib64/stubs", "lib/stubs"] {
                let dir = PathBuf::from(&root).join(sub);
                if dir.exists() {
                    println!("cargo:rustc-link-search=native={}", dir.display());
                }
            }
        }
    }
    for lib in ["cudart", "cublas", "cublasLt", "cuda"] {
        println!("cargo:rustc-link-lib=dylib={lib}");
    }
}

fn find_library_dir(dir: &Path, name: &str) -> Option<PathBuf> {
    let candidates = [format!("lib{name}.a"), format!("{name}.lib")];
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).ok()?.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if candidates.iter().any(|c| path.file_name().is_some_and(|f| f == c.as_str())) {
                return Some(dir);
            }
        }
    }
    None
}

fn generate_bindings(llama_dir: &Path) {
    let bindings = bindgen::Builder::default()
        .header("wrapper.h")
        .clang_arg(format!("-I{}", llama_dir.join("include").display()))
        .clang_arg(format!("-I{}", llama_dir.join("ggml/include").display()))
        .allowlist_function("llama_.*")
        .allowlist_function("gpt4all_.*_guarded")
        .allowlist_function("ggml_backend_(dev|reg)_.*")
        .allowlist_function("ggml_backend_load_all")
        .allowlist_function("ggml_(blck_size|type_size|type_name)")
        .allowlist_function("ggml_threadpool_(new|free|params_default)")
        .allowlist_type("ggml_type")
        .allowlist_type("llama_.*")
        .allowlist_var("LLAMA_.*")
        .derive_default(true)
        .layout_tests(false)
        .generate()
        .expect("bindgen failed on llama.h");
    let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join("bindings.rs");
    bindings.write_to_file(out).unwrap();
}

fn which(program: &str) -> bool {
    env::var_os("PATH").is_some_and(|paths| env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}
