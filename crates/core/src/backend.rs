//! Process-wide llama.cpp initialisation: choosing and loading ggml's backend modules.
//!
//! llama.cpp is built with `GGML_BACKEND_DL`: the CPU code comes as one module per CPU level
//! (`libggml-cpu-haswell.so`, `ggml-cpu-zen4.dll`, ...), and GPU backends as modules too. Each
//! CPU module exports `ggml_backend_score`, compiled for baseline x86-64, which returns 0 when
//! the CPU (through cpuid and the OS's XSAVE state) cannot run the module's code, and otherwise a
//! score that grows with the features it uses. As ggml's own `ggml_backend_load_best` does, the
//! highest score wins; unlike it, the candidates may come from several directories (the CPU
//! packages installed beside a GPU package), and a level can be forced.
use crate::error::{Error, Result};
use gpt4all_llama_sys as sys;
use std::ffi::{c_int, CString};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// Where the backend modules are, and which CPU level to use.
#[derive(Debug, Clone, Default)]
pub struct BackendConfig {
    /// Directories searched for CPU modules (`[lib]ggml-cpu-<level>.{so,dll}`), in order of
    /// preference when two score the same. Empty: the directory llama.cpp was built into.
    pub cpu_dirs: Vec<PathBuf>,
    /// Other backend modules to load (`libggml-cuda.so`, ...), by path.
    pub modules: Vec<PathBuf>,
    /// Use this CPU level (`haswell`) instead of the best-scoring one.
    pub cpu_level: Option<String>,
}

/// One CPU module that was considered.
#[derive(Debug, Clone)]
pub struct CpuLevelCandidate {
    /// The level, as ggml names it: `x64`, `sse42`, `haswell`, `zen4`, ...
    pub name: String,
    pub path: PathBuf,
    /// The module's `ggml_backend_score()`: 0 when this CPU cannot run it (or it cannot be opened).
    pub score: i32,
    /// Why the module could not be opened (a truncated or foreign file, a missing dependency);
    /// it then scores 0 whatever the CPU.
    pub error: Option<String>,
}

/// What was loaded, and why.
#[derive(Debug, Clone)]
pub struct BackendReport {
    /// The CPU level in use.
    pub cpu_level: String,
    /// Its module.
    pub cpu_module: PathBuf,
    /// Whether `cpu_level` was forced by the configuration rather than scored best.
    pub cpu_level_forced: bool,
    /// Every CPU module found, in search order.
    pub candidates: Vec<CpuLevelCandidate>,
    /// The CPU's features as cpuid and XSAVE report them, in ggml's names (`avx2`, `avx512_vnni`).
    pub cpu_features: Vec<&'static str>,
    /// The other backends loaded (`CUDA`, `Vulkan`, `Metal`, ...), by ggml registry name.
    pub modules: Vec<String>,
}

static REPORT: OnceLock<BackendReport> = OnceLock::new();
static LOADING: Mutex<()> = Mutex::new(());

/// Loads the backend modules once per process: the best (or the forced) CPU level and the listed
/// modules. Later calls return the first report, whatever their configuration: ggml's registry
/// is process-wide. Errors (`ERR_NO_BACKEND`): no CPU module found, none this CPU can run, or the
/// forced level missing or unusable here; a module that fails to load.
pub fn load(config: &BackendConfig) -> Result<&'static BackendReport> {
    let _guard = LOADING.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(report) = REPORT.get() {
        return Ok(report);
    }
    crate::log::install();
    let report = load_modules(config)?;
    unsafe { sys::llama_backend_init() };
    Ok(REPORT.get_or_init(|| report))
}

/// The backends, loaded with the default configuration if nothing loaded them yet: the modules
/// in the directory llama.cpp was built into. Bindings call [`load`] first with their own.
pub fn init() -> Result<&'static BackendReport> {
    match REPORT.get() {
        Some(report) => Ok(report),
        None => load(&BackendConfig::default()),
    }
}

/// The CPU backend's thread-pool functions. They live in the CPU module, not in ggml-base, so
/// they are looked up through ggml's registry, as llama.cpp's own tools do with `GGML_BACKEND_DL`.
pub(crate) struct CpuThreadpoolApi {
    pub new: unsafe extern "C" fn(*mut sys::ggml_threadpool_params) -> *mut sys::ggml_threadpool,
    pub free: unsafe extern "C" fn(*mut sys::ggml_threadpool),
}

/// The loaded CPU backend's thread-pool functions. Errors as [`load`].
pub(crate) fn cpu_threadpool_api() -> Result<&'static CpuThreadpoolApi> {
    static API: OnceLock<Option<CpuThreadpoolApi>> = OnceLock::new();
    init()?;
    let api = API.get_or_init(|| {
        let name = CString::new("CPU").unwrap();
        let reg = unsafe { sys::ggml_backend_reg_by_name(name.as_ptr()) };
        if reg.is_null() {
            return None;
        }
        let proc = |symbol: &str| {
            let symbol = CString::new(symbol).unwrap();
            let address = unsafe { sys::ggml_backend_reg_get_proc_address(reg, symbol.as_ptr()) };
            (!address.is_null()).then_some(address)
        };
        // SAFETY: ggml-cpu exports these two under these names with the signatures of ggml-cpu.h.
        Some(CpuThreadpoolApi {
            new: unsafe { std::mem::transmute::<*mut std::ffi::c_void, _>(proc("ggml_threadpool_new")?) },
            free: unsafe { std::mem::transmute::<*mut std::ffi::c_void, _>(proc("ggml_threadpool_free")?) },
        })
    });
    api.as_ref().ok_or_else(|| Error::NoBackend { reason: "the CPU backend does not export its thread pool".into() })
}

/// The native variant this engine was built as (`cpu-avx2`, `cuda`, ...).
pub fn variant() -> &'static str {
    sys::VARIANT
}

/// The file names of this variant's non-CPU backend modules, such as `libggml-cuda.so`: what its
/// platform package carries beside the CPU modules. Every variant has `libggml-rpc.so`, the RPC
/// backend (models spread over several machines); GPU variants have their GPU backend too.
pub fn module_files() -> impl Iterator<Item = &'static str> {
    sys::BACKEND_MODULES.split(',').filter(|name| !name.is_empty())
}

fn load_modules(config: &BackendConfig) -> Result<BackendReport> {
    let cpu_features = sys::cpu_features::detect();
    let no_backend = |reason: String| Error::NoBackend { reason };
    let default_dir = [PathBuf::from(sys::BUILT_LIB_DIR)];
    let dirs = if config.cpu_dirs.is_empty() { &default_dir[..] } else { &config.cpu_dirs[..] };

    // Another addon in this process (a second variant) may have loaded ggml's CPU backend
    // already: the registry is shared, and one CPU backend is all llama.cpp expects.
    let already = registered("CPU");
    let candidates: Vec<CpuLevelCandidate> = if already { Vec::new() } else { find_cpu_modules(dirs) };
    let chosen = if already {
        None
    } else if let Some(level) = &config.cpu_level {
        let candidate = candidates.iter().find(|c| &c.name == level).ok_or_else(|| {
            no_backend(format!(
                "CPU level '{level}' is not installed (found: {})",
                names(&candidates).unwrap_or_else(|| "none".into())
            ))
        })?;
        if let Some(error) = &candidate.error {
            return Err(no_backend(format!("{} could not be opened: {error}", candidate.path.display())));
        }
        if candidate.score <= 0 {
            return Err(no_backend(format!(
                "this CPU cannot run CPU level '{level}' (it has: {})",
                feature_list(&cpu_features)
            )));
        }
        Some(candidate.clone())
    } else {
        // The first of the highest scores: earlier directories win ties.
        let best = candidates.iter().filter(|c| c.score > 0).fold(None::<&CpuLevelCandidate>, |best, c| match best {
            Some(b) if b.score >= c.score => Some(b),
            _ => Some(c),
        });
        let best = best.ok_or_else(|| {
            no_backend(match names(&candidates) {
                None => format!(
                    "no CPU code found in {}",
                    dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", ")
                ),
                Some(found) => format!(
                    "none of the installed CPU levels ({found}) runs on this CPU (it has: {}){}",
                    feature_list(&cpu_features),
                    broken(&candidates)
                ),
            })
        })?;
        Some(best.clone())
    };
    if let Some(chosen) = &chosen {
        register(&chosen.path)?;
    }
    let mut modules = Vec::new();
    for path in &config.modules {
        modules.push(register(path)?);
    }
    let (cpu_level, cpu_module) = match &chosen {
        Some(c) => (c.name.clone(), c.path.clone()),
        None => (String::from("(loaded by another addon in this process)"), PathBuf::new()),
    };
    Ok(BackendReport {
        cpu_level,
        cpu_module,
        cpu_level_forced: config.cpu_level.is_some(),
        candidates,
        cpu_features,
        modules,
    })
}

/// Every `[lib]ggml-cpu-<level>.<so|dll|dylib>` in `dirs`, scored. A module that cannot even be
/// opened (a missing dependency) scores 0, like one the CPU cannot run.
fn find_cpu_modules(dirs: &[PathBuf]) -> Vec<CpuLevelCandidate> {
    let mut found = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else { continue };
        let mut here: Vec<(String, PathBuf)> = entries
            .flatten()
            .filter_map(|e| {
                let file = e.file_name().to_string_lossy().into_owned();
                let stem = file.strip_prefix("lib").unwrap_or(&file);
                let (name, ext) = stem.strip_prefix("ggml-cpu-")?.rsplit_once('.')?;
                ["so", "dll", "dylib"].contains(&ext).then(|| (name.to_string(), e.path()))
            })
            .collect();
        here.sort();
        for (name, path) in here {
            // Found in an earlier directory already: that one is preferred.
            if found.iter().any(|c: &CpuLevelCandidate| c.name == name) {
                continue;
            }
            let (score, error) = match score(&path) {
                Ok(score) => (score, None),
                Err(error) => (0, Some(error)),
            };
            found.push(CpuLevelCandidate { name, path, score, error });
        }
    }
    found
}

/// The module's own verdict on this CPU. ggml compiles the score function (`cpu-feats.cpp`)
/// for the baseline, apart from the module's level-specific code. Errors: the file cannot be
/// opened as a module, said in the loader's words.
fn score(path: &Path) -> std::result::Result<i32, String> {
    check_elf_extent(path)?;
    // SAFETY: a ggml backend module; `ggml_backend_score` takes nothing and returns an int.
    unsafe {
        let library = libloading::Library::new(path).map_err(|e| e.to_string())?;
        let score =
            library.get::<unsafe extern "C" fn() -> c_int>(b"ggml_backend_score\0").map_err(|e| e.to_string())?;
        Ok(score())
    }
}

/// A truncated ELF file is not refused by the dynamic loader: it maps segments past the end of
/// the file and the process dies of SIGBUS when they are touched. So before opening a module,
/// check that every segment and the section table lie inside the file (ELF-64 little-endian,
/// System V gABI). Other formats (PE, Mach-O) are left to their loaders.
fn check_elf_extent(path: &Path) -> std::result::Result<(), String> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let len = file.metadata().map_err(|e| e.to_string())?.len();
    let mut header = [0u8; 64];
    if file.read_exact(&mut header).is_err() || &header[..4] != b"\x7fELF" {
        return if cfg!(target_os = "linux") { Err("not an ELF shared object".into()) } else { Ok(()) };
    }
    if header[4] != 2 || header[5] != 1 {
        return Err("not a 64-bit little-endian ELF file".into());
    }
    let u16_at = |b: &[u8], at: usize| u16::from_le_bytes([b[at], b[at + 1]]) as u64;
    let u64_at = |b: &[u8], at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap());
    let (phoff, shoff) = (u64_at(&header, 0x20), u64_at(&header, 0x28));
    let (phentsize, phnum) = (u16_at(&header, 0x36), u16_at(&header, 0x38));
    let (shentsize, shnum) = (u16_at(&header, 0x3a), u16_at(&header, 0x3c));
    let truncated = || format!("truncated: {len} bytes, shorter than its ELF headers say");
    let end = |offset: u64, size: u64| offset.checked_add(size).filter(|&e| e <= len);
    end(shoff, shentsize * shnum).ok_or_else(truncated)?;
    end(phoff, phentsize * phnum).ok_or_else(truncated)?;
    let mut table = vec![0u8; (phentsize * phnum) as usize];
    file.seek(SeekFrom::Start(phoff)).and_then(|_| file.read_exact(&mut table)).map_err(|e| e.to_string())?;
    for entry in table.chunks_exact(phentsize.max(1) as usize) {
        if entry.len() >= 0x28 {
            end(u64_at(entry, 0x08), u64_at(entry, 0x20)).ok_or_else(truncated)?;
        }
    }
    Ok(())
}

/// Loads a module into ggml's registry and returns its backend name.
fn register(path: &Path) -> Result<String> {
    let c_path = CString::new(path.to_string_lossy().as_bytes())
        .map_err(|_| Error::NoBackend { reason: format!("bad module path {}", path.display()) })?;
    check_elf_extent(path)
        .map_err(|why| Error::NoBackend { reason: format!("{} could not be loaded: {why}", path.display()) })?;
    // One more reference to the module, never released: at exit ggml's registry unloads its
    // modules while threads of a context nobody disposed (ggml's thread pool, a decode in flight)
    // may still run their code; with this reference the code stays mapped until the process ends.
    if let Ok(library) = unsafe { libloading::Library::new(path) } {
        std::mem::forget(library);
    }
    let reg = unsafe { sys::ggml_backend_load(c_path.as_ptr()) };
    if reg.is_null() {
        // The loader's own words name a missing library ("libcudart.so.13: cannot open shared
        // object file"); ggml only logs them.
        let why = unsafe { libloading::Library::new(path) }
            .err()
            .map_or_else(|| "not a ggml backend of this version".to_string(), |e| e.to_string());
        return Err(Error::NoBackend { reason: format!("{} could not be loaded: {why}", path.display()) });
    }
    let name = unsafe { std::ffi::CStr::from_ptr(sys::ggml_backend_reg_name(reg)) };
    Ok(name.to_string_lossy().into_owned())
}

fn registered(name: &str) -> bool {
    let c_name = CString::new(name).unwrap();
    !unsafe { sys::ggml_backend_reg_by_name(c_name.as_ptr()) }.is_null()
}

/// The modules that could not be opened, for an error message.
fn broken(candidates: &[CpuLevelCandidate]) -> String {
    let broken: Vec<String> = candidates
        .iter()
        .filter_map(|c| c.error.as_ref().map(|e| format!("{} could not be opened: {e}", c.path.display())))
        .collect();
    if broken.is_empty() {
        String::new()
    } else {
        format!("; {}", broken.join("; "))
    }
}

fn names(candidates: &[CpuLevelCandidate]) -> Option<String> {
    (!candidates.is_empty()).then(|| candidates.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", "))
}

fn feature_list(features: &[&str]) -> String {
    if features.is_empty() {
        "baseline x86-64 only".into()
    } else {
        features.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_cpu_modules_by_each_platforms_file_names_and_prefers_earlier_directories() {
        let root = std::env::temp_dir().join(format!("gpt4all-cpu-modules-{}", std::process::id()));
        let (first, second) = (root.join("first"), root.join("second"));
        std::fs::create_dir_all(&first).unwrap();
        std::fs::create_dir_all(&second).unwrap();
        // Windows, Linux and macOS names; other libraries and other backends are not CPU levels.
        for name in [
            "ggml-cpu-haswell.dll",
            "libggml-cpu-x64.so",
            "libggml-cpu-sse42.dylib",
            "libggml-base.so.0",
            "ggml-cuda.dll",
            "notes.txt",
        ] {
            std::fs::write(first.join(name), b"not a library").unwrap();
        }
        std::fs::write(second.join("libggml-cpu-x64.so"), b"").unwrap();
        std::fs::write(second.join("libggml-cpu-zen4.so"), b"").unwrap();
        let found = find_cpu_modules(&[first.clone(), second.clone()]);
        let names: Vec<(&str, &Path)> = found.iter().map(|c| (c.name.as_str(), c.path.parent().unwrap())).collect();
        assert_eq!(names, [("haswell", first.as_path()), ("sse42", &first), ("x64", &first), ("zen4", &second)]);
        // A file that is not a loadable module scores 0, like a level this CPU cannot run, and says why.
        assert!(found.iter().all(|c| c.score == 0 && c.error.as_deref() == Some("not an ELF shared object")));
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn refuses_a_truncated_module_before_the_loader_maps_it() {
        let report = init().unwrap();
        let module = std::fs::read(&report.cpu_module).unwrap();
        let dir = std::env::temp_dir().join(format!("gpt4all-truncated-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("libggml-cpu-x64.so");
        // Cut anywhere past the headers: the loader itself would die of SIGBUS opening it.
        for cut in [4096, module.len() / 2, module.len() - 100] {
            std::fs::write(&path, &module[..cut]).unwrap();
            let found = find_cpu_modules(&[dir.clone()]);
            assert_eq!(found[0].score, 0);
            assert!(found[0].error.as_deref().unwrap().starts_with("truncated"), "{:?}", found[0].error);
        }
        // The whole file passes the check.
        assert_eq!(check_elf_extent(&report.cpu_module), Ok(()));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn loads_the_best_cpu_level_that_this_cpu_runs() {
        let report = init().unwrap();
        let chosen = report.candidates.iter().find(|c| c.name == report.cpu_level).unwrap();
        assert!(chosen.score > 0);
        assert!(report.candidates.iter().all(|c| c.score <= chosen.score));
        assert!(!report.cpu_features.is_empty() || report.cpu_level == "x64");
    }
}
