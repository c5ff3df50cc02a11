//! Builds the vendored llama.cpp for one variant and generates its Rust bindings.
//!
//! llama.cpp is built as shared libraries with ggml's dynamically loaded backends
//! (`GGML_BACKEND_DL`): `libllama`, `libggml` and `libggml-base` are baseline code, the same for
//! every variant, and the machine-specific code is in backend modules that are scored and loaded
//! at run time: one `ggml-cpu-<level>` module per CPU level (`x64`, `sse42`, `haswell`, `zen4`,
//! ... as `ggml/src/CMakeLists.txt` lists them), and the GPU variants' `ggml-cuda`,
//! `ggml-vulkan` or `ggml-metal`. The variant (a Cargo feature) chooses which modules to build;
//! `variants.json` beside this crate is the table. The Rust code stays baseline too, so loading
//! the addon never executes an instruction the CPU lacks.
//!
//! The build writes `gpt4all-native-<variant>.json` into the Cargo profile directory: where the
//! libraries are and which files a platform package carries (read by scripts/build-native.mjs).
use std::env;
use std::path::{Path, PathBuf};

#[path = "src/cpu_features.rs"]
mod cpu_features;

const VARIANTS: [&str; 6] = ["cpu-avx", "cpu-avx2", "cpu-arm", "vulkan", "cuda", "metal"];

fn main() {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let table_path = manifest_dir.join("variants.json");
    let table: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&table_path).unwrap()).unwrap();
    let llama_dir = patched_source(&llama_source_dir(&manifest_dir), &manifest_dir.join("../../vendor"));

    let variant = selected_variant(&table);
    println!("cargo:rustc-env=GPT4ALL_VARIANT={variant}");
    println!("cargo:rerun-if-changed={}", table_path.display());
    println!("cargo:rerun-if-changed=wrapper.h");
    println!("cargo:rerun-if-changed=src/guard.cpp");
    println!("cargo:rerun-if-changed=src/guard.h");
    println!("cargo:rerun-if-changed=src/device_memory.cpp");
    println!("cargo:rerun-if-changed=src/device_memory.h");
    println!("cargo:rerun-if-changed=src/grammar.cpp");
    println!("cargo:rerun-if-changed=src/grammar.h");
    println!("cargo:rerun-if-changed=src/cpu_features.rs");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed={}", manifest_dir.join("../../vendor/llama.cpp.pin.json").display());
    println!("cargo:rerun-if-changed={}", manifest_dir.join("../../vendor/patches").display());
    println!("cargo:rerun-if-env-changed=GPT4ALL_LLAMA_CPP_DIR");
    println!("cargo:rerun-if-env-changed=GPT4ALL_CPU_LEVELS");
    println!("cargo:rerun-if-env-changed=GPT4ALL_GLSLC");
    println!("cargo:rerun-if-env-changed=GPT4ALL_VULKAN_INCLUDE_DIR");
    println!("cargo:rerun-if-env-changed=CUDA_PATH");

    let spec = &table["variants"][variant.as_str()];
    let levels = cpu_levels(&llama_dir, &table, spec);
    let backend_modules: Vec<String> =
        spec["backendModules"].as_array().into_iter().flatten().map(|m| m.as_str().unwrap().to_string()).collect();
    let lib_dir = build_llama(&llama_dir, &table, &variant, &levels, &backend_modules);
    build_guard(&llama_dir);
    build_device_memory(&llama_dir);
    build_grammar(&llama_dir);
    link_libraries(&lib_dir);
    write_manifest(&lib_dir, &variant, &levels, &backend_modules);
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

/// The source the build compiles: `vendor/build/llama.cpp`, a copy of the pinned checkout's
/// committed tree with the patch series in `vendor/patches` applied in name order (today one
/// patch: the GPT-J graph, see README "How it is built"). The checkout itself is never edited.
/// The copy is made again when the commit or a patch changes, in a staging folder renamed into
/// place, so an interrupted build never leaves a half-patched tree under the final name.
fn patched_source(pristine: &Path, vendor_dir: &Path) -> PathBuf {
    let patches_dir = vendor_dir.join("patches");
    let mut patches: Vec<PathBuf> = std::fs::read_dir(&patches_dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    patches.retain(|p| p.extension().is_some_and(|e| e == "patch"));
    patches.sort();
    let commit = command_output("git", &["-C", &pristine.to_string_lossy(), "rev-parse", "HEAD"])
        .unwrap_or_else(|| panic!("{} is not a git checkout: run `pnpm vendor`", pristine.display()));
    let mut stamp = format!("{}\n{}\n", pristine.display(), commit.trim());
    for patch in &patches {
        stamp.push_str(&std::fs::read_to_string(patch).unwrap());
    }
    let dest = vendor_dir.join("build/llama.cpp");
    let stamp_file = dest.join(".gpt4all-patches");
    if std::fs::read_to_string(&stamp_file).is_ok_and(|s| s == stamp) {
        return dest.canonicalize().unwrap();
    }
    let staging = vendor_dir.join(format!("build/llama.cpp.staging-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir_all(&staging).unwrap();
    let archive = std::process::Command::new("git")
        .args(["-C", &pristine.to_string_lossy(), "archive", "--format=tar", "HEAD"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("git archive failed to start");
    let status = std::process::Command::new("tar")
        .arg("-x")
        .arg("-C")
        .arg(&staging)
        .stdin(archive.stdout.unwrap())
        .status()
        .expect("tar failed to start");
    assert!(status.success(), "extracting the llama.cpp tree into {} failed", staging.display());
    for patch in &patches {
        // The staging folder sits inside this repository: stop git from taking it for a subfolder.
        let status = std::process::Command::new("git")
            .current_dir(&staging)
            .env("GIT_CEILING_DIRECTORIES", staging.parent().unwrap())
            .args(["apply", "-p1", "--whitespace=nowarn"])
            .arg(patch)
            .status()
            .expect("git apply failed to start");
        assert!(status.success(), "{} does not apply to llama.cpp {}", patch.display(), commit.trim());
    }
    std::fs::write(staging.join(".gpt4all-patches"), &stamp).unwrap();
    let _ = std::fs::remove_dir_all(&dest);
    std::fs::rename(&staging, &dest).unwrap();
    dest.canonicalize().unwrap()
}

/// A build directory CMake configured for another source tree (before the build copy existed)
/// cannot be reconfigured: start it afresh.
fn forget_other_source(build_dir: &Path, llama_dir: &Path) {
    let Ok(cache) = std::fs::read_to_string(build_dir.join("CMakeCache.txt")) else { return };
    let home = cache.lines().find_map(|l| l.strip_prefix("CMAKE_HOME_DIRECTORY:INTERNAL="));
    if home.is_some_and(|h| Path::new(h) != llama_dir) {
        std::fs::remove_dir_all(build_dir).unwrap();
    }
}

/// One variant per build. Cargo unifies features, so when several are on (a workspace-wide
/// build), the highest-priority one wins.
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

/// A CMake configuration of llama.cpp with the common flags, the variant's, and `extra`.
fn llama_config(
    llama_dir: &Path,
    table: &serde_json::Value,
    variant: &str,
    extra: &[(String, String)],
) -> cmake::Config {
    let mut config = cmake::Config::new(llama_dir);
    // llama.cpp is always built optimised, also under `cargo test` in debug.
    config.profile("Release").no_default_flags(true);
    if which("ninja") {
        config.generator("Ninja");
    }
    let flags = table["common"]
        .as_object()
        .unwrap()
        .iter()
        .chain(table["variants"][variant]["cmake"].as_object().unwrap())
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()));
    for (key, value) in flags.chain(extra.iter().cloned()) {
        config.define(key, value);
    }
    // The libraries find each other, and the modules find them, in their own directory (the
    // platform package), wherever it is installed.
    let target_os = env::var("CARGO_CFG_TARGET_OS").unwrap();
    config.define("CMAKE_BUILD_WITH_INSTALL_RPATH", "ON");
    if target_os == "macos" {
        config.define("CMAKE_INSTALL_RPATH", "@loader_path");
    } else if target_os == "linux" {
        let mut rpath = vec!["$ORIGIN".to_string()];
        // The cuda module links the CUDA runtime: besides the loader's usual search, look where
        // NVIDIA's Linux installers put the toolkit, registered with ldconfig or not.
        if let Some(major) = table["variants"][variant]["requires"]["cudaMajor"].as_u64() {
            rpath.push(format!("/usr/local/cuda-{major}/lib64"));
            rpath.push("/usr/local/cuda/lib64".to_string());
        }
        config.define("CMAKE_INSTALL_RPATH", rpath.join(";"));
        // Symbol tables are a sixth of each library; the dynamic symbols the loader and ggml's
        // module lookup use stay.
        config.define("CMAKE_SHARED_LINKER_FLAGS", "-s");
        config.define("CMAKE_MODULE_LINKER_FLAGS", "-s");
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
    config
}

/// Builds `llama` (with `ggml` and `ggml-base`) and the variant's other backend modules, then
/// the chosen CPU levels into the same directory. Returns that directory.
///
/// Two configurations: the main one without CPU code (`GGML_CPU` off), and one with
/// `GGML_CPU_ALL_VARIANTS` that builds only the chosen `ggml-cpu-<level>` targets, each with the
/// flags ggml gives that level. (In one configuration, building `llama` would build every level:
/// ggml makes each backend module a dependency of `ggml`.)
fn build_llama(
    llama_dir: &Path,
    table: &serde_json::Value,
    variant: &str,
    levels: &[CpuLevel],
    backend_modules: &[String],
) -> PathBuf {
    let off = |key: &str| (key.to_string(), "OFF".to_string());
    let mut config = llama_config(llama_dir, table, variant, &[off("GGML_CPU"), off("GGML_CPU_ALL_VARIANTS")]);
    config.build_target("llama");
    forget_other_source(&PathBuf::from(env::var("OUT_DIR").unwrap()).join("build"), llama_dir);
    let lib_dir = output_dir(&config.build().join("build"));
    // `llama` depends on the backend modules already; this checks that each was built.
    for module in backend_modules {
        module_file(&lib_dir, module);
    }
    if levels.is_empty() {
        return lib_dir;
    }
    let out_dir = PathBuf::from(env::var("OUT_DIR").unwrap());
    let on = |key: &str| (key.to_string(), "ON".to_string());
    // One build directory per compiler: CMake cannot switch the compiler of a configured one.
    let mut groups: Vec<(Vec<(String, String)>, Vec<&CpuLevel>)> = Vec::new();
    for level in levels {
        let compiler = cpu_level_compiler(table, &level.features);
        match groups.iter_mut().find(|(c, _)| *c == compiler) {
            Some((_, group)) => group.push(level),
            None => groups.push((compiler, vec![level])),
        }
    }
    for (compiler, group) in groups {
        let compiler_name =
            compiler.iter().find(|(k, _)| k == "CMAKE_C_COMPILER").map_or("default", |(_, v)| v.as_str());
        // Flags of their own make a build directory of their own.
        let flags: String =
            compiler.iter().filter(|(k, _)| k.ends_with("_FLAGS")).map(|(_, v)| v.replace(' ', "")).collect();
        let compiler_name =
            if flags.is_empty() { compiler_name.to_string() } else { format!("{compiler_name}{flags}") };
        let mut extra = vec![on("GGML_CPU"), on("GGML_CPU_ALL_VARIANTS")];
        extra.extend(compiler.iter().cloned());
        let mut config = llama_config(llama_dir, table, variant, &extra);
        config
            .out_dir(out_dir.join(format!("cpu-levels-{compiler_name}")))
            .build_target(&format!("ggml-cpu-{}", group[0].name));
        forget_other_source(&out_dir.join(format!("cpu-levels-{compiler_name}")).join("build"), llama_dir);
        let build_dir = config.build().join("build");
        if group.len() > 1 {
            let status = std::process::Command::new(env::var("CMAKE").unwrap_or_else(|_| "cmake".into()))
                .arg("--build")
                .arg(&build_dir)
                .args(["--config", "Release", "--parallel"])
                .arg(env::var("NUM_JOBS").unwrap_or_else(|_| "2".into()))
                .arg("--target")
                .args(group[1..].iter().map(|l| format!("ggml-cpu-{}", l.name)))
                .status()
                .expect("cmake --build failed to start");
            assert!(status.success(), "building the CPU levels failed");
        }
        let built = output_dir(&build_dir);
        for level in group {
            let file = module_file(&built, &format!("ggml-cpu-{}", level.name));
            std::fs::copy(built.join(&file), lib_dir.join(&file)).unwrap();
        }
    }
    lib_dir
}

/// Where a build put its libraries: `bin`, or `bin/Release` for multi-configuration generators.
fn output_dir(build_dir: &Path) -> PathBuf {
    let bin = build_dir.join("bin");
    if bin.join("Release").is_dir() {
        bin.join("Release")
    } else {
        bin
    }
}

/// The file name of backend module `name` in `dir` (`libggml-cpu.so`, `ggml-cuda.dll`).
fn module_file(dir: &Path, name: &str) -> String {
    let found =
        std::fs::read_dir(dir).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).find(|n| {
            let stem = n.strip_prefix("lib").unwrap_or(n);
            stem.strip_prefix(name).is_some_and(|ext| [".so", ".dll", ".dylib"].contains(&ext))
        });
    found.unwrap_or_else(|| panic!("module {name} was not built in {}", dir.display()))
}

/// One of ggml's CPU levels: its name and the features it is compiled for (lowercased CMake
/// option names: `avx2`, `avx512_vnni`, ...).
struct CpuLevel {
    name: String,
    features: Vec<String>,
}

/// The CPU levels this variant builds. `ggml/src/CMakeLists.txt` is the one list of levels and
/// their features (`ggml_add_cpu_backend_variant(haswell SSE42 AVX F16C FMA AVX2 BMI2)`); the
/// variant's `cpuLevels` picks from it by feature (`cpu-avx2`: the levels with AVX2). Then
/// `GPT4ALL_CPU_LEVELS` narrows it: `all`, a comma-separated list, `host` (the default): the
/// levels this build machine can run, which are the ones its tests can prove, or `ci`: those of
/// `host` that the table's `ciCpuLevels` names for the platform (all of `host` where it names
/// none), what `.ci/run` builds and tests. Releases build `all`.
fn cpu_levels(llama_dir: &Path, table: &serde_json::Value, spec: &serde_json::Value) -> Vec<CpuLevel> {
    let rule = &spec["cpuLevels"];
    if rule.is_null() {
        return Vec::new();
    }
    let cmake = std::fs::read_to_string(llama_dir.join("ggml/src/CMakeLists.txt")).unwrap();
    let target_arch = env::var("CARGO_CFG_TARGET_ARCH").unwrap();
    let target_os = env::var("CARGO_CFG_TARGET_OS").unwrap();
    let msvc = env::var("CARGO_CFG_TARGET_ENV").as_deref() == Ok("msvc");
    let all = ggml_cpu_levels(&cmake, &target_arch, &target_os, msvc);
    assert!(!all.is_empty(), "ggml/src/CMakeLists.txt lists no CPU levels for {target_arch}-{target_os}");
    let list = |key: &str| -> Vec<String> {
        rule[key].as_array().into_iter().flatten().map(|f| f.as_str().unwrap().to_string()).collect()
    };
    let (with, without) = (list("with"), list("without"));
    let chosen = all
        .into_iter()
        .filter(|l| with.iter().all(|f| l.features.contains(f)) && without.iter().all(|f| !l.features.contains(f)));
    let cross = env::var("HOST").ok() != env::var("TARGET").ok();
    let requested = env::var("GPT4ALL_CPU_LEVELS").unwrap_or_else(|_| "host".into());
    let ci_levels: Option<Vec<&str>> = table["ciCpuLevels"][target_platform()]
        .as_array()
        .map(|names| names.iter().map(|n| n.as_str().unwrap()).collect());
    let in_ci =
        |l: &CpuLevel| requested != "ci" || ci_levels.as_ref().is_none_or(|names| names.contains(&l.name.as_str()));
    match requested.as_str() {
        "all" => chosen.collect(),
        "host" | "ci" if cross => chosen.filter(in_ci).collect(),
        "host" | "ci" => {
            let host = cpu_features::detect();
            chosen.filter(|l| l.features.iter().all(|f| host.contains(&f.as_str())) && in_ci(l)).collect()
        }
        names => {
            let names: Vec<&str> = names.split(',').map(str::trim).collect();
            chosen.filter(|l| names.contains(&l.name.as_str())).collect()
        }
    }
}

/// The target platform, named as Node.js names platforms: `linux-x64`, `win32-x64`, `darwin-arm64`.
fn target_platform() -> String {
    let os = match env::var("CARGO_CFG_TARGET_OS").unwrap().as_str() {
        "windows" => "win32".to_string(),
        "macos" => "darwin".to_string(),
        os => os.to_string(),
    };
    let arch = match env::var("CARGO_CFG_TARGET_ARCH").unwrap().as_str() {
        "x86_64" => "x64".to_string(),
        "aarch64" => "arm64".to_string(),
        arch => arch.to_string(),
    };
    format!("{os}-{arch}")
}

/// The compiler of a CPU level with `features`, from the table's `cpuLevelCompiler` for the
/// target platform, as CMake definitions; none where the level keeps the platform's default
/// compiler. Also in scripts/build-llama-tools.mjs.
fn cpu_level_compiler(table: &serde_json::Value, features: &[String]) -> Vec<(String, String)> {
    let has = |f: &str| features.iter().any(|g| g == f);
    let rules = table["cpuLevelCompiler"][target_platform()].as_array().cloned().unwrap_or_default();
    let matches = |rule: &serde_json::Value| {
        let list =
            |key: &str| rule[key].as_array().into_iter().flatten().map(|f| f.as_str().unwrap()).collect::<Vec<_>>();
        list("with").iter().all(|f| has(f)) && !list("without").iter().any(|f| has(f))
    };
    let Some(rule) = rules.iter().find(|rule| matches(rule)) else { return Vec::new() };
    rule["cmake"].as_object().into_iter().flatten().map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string())).collect()
}

/// Reads the `ggml_add_cpu_backend_variant(name FEATURE ...)` lines of the branch of ggml's
/// CMakeLists for this target, leaving out those under `if (NOT MSVC)` when building with MSVC.
fn ggml_cpu_levels(cmake: &str, arch: &str, os: &str, msvc: bool) -> Vec<CpuLevel> {
    let section = match arch {
        "x86_64" => "\"x86\"",
        "aarch64" => "\"ARM\"",
        _ => return Vec::new(),
    };
    let os_branch = match os {
        "linux" => "\"Linux\"",
        "android" => "\"Android\"",
        _ => "APPLE",
    };
    let mut levels = Vec::new();
    let (mut in_arch, mut in_os, mut not_msvc) = (false, arch == "x86_64", false);
    for line in cmake.lines().map(str::trim) {
        if line.contains("GGML_SYSTEM_ARCH STREQUAL") {
            in_arch = line.contains(section);
            continue;
        }
        if !in_arch {
            continue;
        }
        if arch == "aarch64" && (line.starts_with("if (CMAKE_SYSTEM_NAME") || line.starts_with("elseif")) {
            in_os = line.contains(os_branch);
        }
        if line.starts_with("if (NOT MSVC)") {
            not_msvc = true;
        } else if line.starts_with("endif()") {
            not_msvc = false;
        }
        let Some(args) = line.strip_prefix("ggml_add_cpu_backend_variant(").and_then(|l| l.strip_suffix(')')) else {
            continue;
        };
        if !in_os || (not_msvc && msvc) {
            continue;
        }
        let mut words = args.split_whitespace();
        let name = words.next().unwrap().to_string();
        levels.push(CpuLevel { name, features: words.map(str::to_lowercase).collect() });
    }
    levels
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

/// The memory-capped device of `gpt4all rpc-worker --mem` (`src/device_memory.cpp`). It needs
/// ggml's internal backend structs (`ggml/src/ggml-backend-impl.h`).
fn build_device_memory(llama_dir: &Path) {
    cc::Build::new()
        .cpp(true)
        .std("c++17")
        .file("src/device_memory.cpp")
        .include(llama_dir.join("ggml/include"))
        .include(llama_dir.join("ggml/src"))
        .include("src")
        .compile("gpt4all-device-memory");
}

/// llama.cpp's JSON-schema-to-GBNF converter and the few `common/` files it needs, with our
/// C wrapper (`src/grammar.cpp`). The rest of `common/` (argument parsing, downloads, chat
/// parsers) is not built.
fn build_grammar(llama_dir: &Path) {
    let common = llama_dir.join("common");
    for file in ["json-schema-to-grammar.cpp", "json-schema.cpp", "json.cpp", "trie.cpp", "unicode.cpp"] {
        println!("cargo:rerun-if-changed={}", common.join(file).display());
    }
    let mut build = cc::Build::new();
    build
        .cpp(true)
        .std("c++17")
        .file("src/grammar.cpp")
        .files(["json-schema.cpp", "json.cpp", "trie.cpp", "unicode.cpp"].map(|f| common.join(f)))
        .include(&common)
        .include(llama_dir.join("include"))
        .include(llama_dir.join("ggml/include"))
        .include(llama_dir.join("src"))
        .include(llama_dir.join("vendor"))
        .include("src")
        .warnings(false);
    if env::var("CARGO_CFG_TARGET_ENV").as_deref() == Ok("msvc") {
        build.flag("/utf-8").flag("/EHsc");
    }
    build.compile("gpt4all-grammar");
}

/// The addon links `llama`, `ggml` (the backend registry) and `ggml-base` as shared libraries;
/// the backend modules are loaded at run time (see `gpt4all-core`'s `backend` module).
fn link_libraries(lib_dir: &Path) {
    println!("cargo:rustc-link-search=native={}", lib_dir.display());
    // MSVC links against import libraries (llama.lib), which CMake writes beside each target's
    // sources in the build tree, not beside the DLLs: <build>/src and <build>/ggml/src, in a
    // Release folder with multi-configuration generators.
    if env::var("CARGO_CFG_TARGET_ENV").as_deref() == Ok("msvc") {
        let build_dir = lib_dir.ancestors().find(|d| d.ends_with("build")).unwrap_or(lib_dir);
        for dir in ["src", "src/Release", "ggml/src", "ggml/src/Release"] {
            if build_dir.join(dir).is_dir() {
                println!("cargo:rustc-link-search=native={}", build_dir.join(dir).display());
            }
        }
    }
    for lib in ["llama", "ggml", "ggml-base"] {
        println!("cargo:rustc-link-lib=dylib={lib}");
    }
    match env::var("CARGO_CFG_TARGET_OS").unwrap().as_str() {
        "linux" => println!("cargo:rustc-link-lib=dylib=stdc++"),
        "macos" => println!("cargo:rustc-link-lib=dylib=c++"),
        _ => {}
    }
    // For dependents' build scripts (`DEP_LLAMA_LIB_DIR`: where their tests find the libraries),
    // and the place to find the modules when nothing else names one (Rust tests and users).
    println!("cargo:lib_dir={}", lib_dir.display());
    println!("cargo:rustc-env=GPT4ALL_LLAMA_LIB_DIR={}", lib_dir.display());
}

/// Writes what a platform package of this variant carries, for scripts/build-native.mjs: the
/// shared libraries under the names the loader asks for, and the modules.
fn write_manifest(lib_dir: &Path, variant: &str, levels: &[CpuLevel], backend_modules: &[String]) {
    let target_os = env::var("CARGO_CFG_TARGET_OS").unwrap();
    let names: Vec<String> =
        std::fs::read_dir(lib_dir).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    let digits = |v: &str| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
    let shared = |lib: &str| -> String {
        let found = names.iter().find(|n| match target_os.as_str() {
            // The soname: libllama.so.0 (a link to libllama.so.0.0.<build>).
            "linux" | "android" => n.strip_prefix(&format!("lib{lib}.so.")).is_some_and(digits),
            "macos" => n.strip_prefix(&format!("lib{lib}.")).and_then(|r| r.strip_suffix(".dylib")).is_some_and(digits),
            _ => **n == format!("{lib}.dll"),
        });
        found.unwrap_or_else(|| panic!("{lib}: no shared library in {}", lib_dir.display())).clone()
    };
    let module = |name: &str| module_file(lib_dir, name);
    let shared_libraries = ["ggml-base", "ggml", "llama"].map(shared);
    let manifest = serde_json::json!({
        "variant": variant,
        "libDir": lib_dir,
        "sharedLibraries": shared_libraries,
        "cpuLevels": levels.iter().map(|l| serde_json::json!({
            "name": l.name,
            "file": module(&format!("ggml-cpu-{}", l.name)),
            "features": l.features,
        })).collect::<Vec<_>>(),
        "backendModules": backend_modules.iter().map(|m| module(m)).collect::<Vec<_>>(),
    });
    let module_files: Vec<String> = backend_modules.iter().map(|m| module(m)).collect();
    println!("cargo:rustc-env=GPT4ALL_BACKEND_MODULES={}", module_files.join(","));
    // OUT_DIR is <target>/<profile>/build/<crate>-<hash>/out.
    let out_dir = PathBuf::from(env::var("OUT_DIR").unwrap());
    let profile_dir = out_dir.ancestors().nth(3).unwrap();
    let path = profile_dir.join(format!("gpt4all-native-{variant}.json"));
    std::fs::write(&path, serde_json::to_string_pretty(&manifest).unwrap()).unwrap();
}

fn generate_bindings(llama_dir: &Path) {
    let bindings = bindgen::Builder::default()
        .header("wrapper.h")
        .clang_arg(format!("-I{}", llama_dir.join("include").display()))
        .clang_arg(format!("-I{}", llama_dir.join("ggml/include").display()))
        .allowlist_function("llama_.*")
        .allowlist_function("gpt4all_.*_guarded")
        .allowlist_function("gpt4all_sampler_(accept|init_grammar)_guarded")
        .allowlist_function("gpt4all_(json_schema_to|build|check)_grammar")
        .allowlist_function("gpt4all_grammar_.*")
        .allowlist_function("gpt4all_device_with_memory")
        .allowlist_var("RPC_PROTO_.*")
        .allowlist_type("gpt4all_grammar_status")
        .allowlist_function("ggml_backend_(dev|reg)_.*")
        .allowlist_function("ggml_backend_(load|unload)")
        .allowlist_function("ggml_(blck_size|type_size|type_name)")
        .allowlist_function("ggml_threadpool_params_default")
        .allowlist_type("ggml_threadpool")
        .allowlist_type("ggml_type")
        .allowlist_type("llama_.*")
        .allowlist_var("LLAMA_.*")
        .allowlist_var("GGML_MAX_N_THREADS")
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

/// What `program args` prints, when it runs and succeeds.
fn command_output(program: &str, args: &[&str]) -> Option<String> {
    let output = std::process::Command::new(program).args(args).output().ok()?;
    output.status.success().then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}
