//! Choosing ggml's backend modules (the CPU level, GPU backends). By default the modules are the
//! ones beside libgpt4all itself, as a platform package installs them: every CPU level found
//! there, and this variant's GPU module (`libggml-cuda.so`, ...).
use crate::boundary::{c_str, call};
use crate::options::{self, versioned};
use gpt4all_core::{load_backends, module_files, BackendConfig, BackendReport, Result, Status};
use std::ffi::{c_char, CString};
use std::path::PathBuf;
use std::sync::OnceLock;

/// Options for gpt4all_backend_init().
#[repr(C)]
#[derive(Clone, Copy)]
pub struct gpt4all_backend_options {
    /// sizeof(gpt4all_backend_options).
    pub struct_size: usize,
    /// The directory of the modules (libggml-cpu-<level>.so, and the GPU module of a GPU
    /// build); NULL: the directory that holds libgpt4all.
    pub module_dir: *const c_char,
    /// Use this CPU level (such as "haswell") instead of the best one this CPU can run; NULL:
    /// the best.
    pub cpu_level: *const c_char,
}

impl Default for gpt4all_backend_options {
    fn default() -> Self {
        gpt4all_backend_options {
            struct_size: size_of::<Self>(),
            module_dir: std::ptr::null(),
            cpu_level: std::ptr::null(),
        }
    }
}
versioned!(gpt4all_backend_options);

/// The options that gpt4all_backend_init() uses when given NULL.
#[no_mangle]
pub extern "C" fn gpt4all_backend_options_default() -> gpt4all_backend_options {
    gpt4all_backend_options::default()
}

/// Loads the backend modules: the best CPU level (or `options->cpu_level`) and the GPU modules
/// of this build. Optional: the first call that needs a backend does it with the defaults. Only
/// the first call has an effect (ggml's registry is process-wide); later ones return OK.
/// Thread-safe. Errors: GPT4ALL_STATUS_NO_BACKEND (no module this CPU can run, or the forced
/// level is missing or cannot run here), GPT4ALL_STATUS_INVALID_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn gpt4all_backend_init(options: *const gpt4all_backend_options) -> Status {
    call(|| {
        let options = unsafe { options::read(options, "options")? };
        let module_dir = match options.module_dir.is_null() {
            true => None,
            false => Some(PathBuf::from(unsafe { c_str(options.module_dir, "options->module_dir")? })),
        };
        let cpu_level = match options.cpu_level.is_null() {
            true => None,
            false => Some(unsafe { c_str(options.cpu_level, "options->cpu_level")? }.to_string()),
        };
        init(module_dir, cpu_level).map(drop)
    })
}

/// The CPU level in use (such as "icelake"), or NULL before the backends are loaded. Static.
#[no_mangle]
pub extern "C" fn gpt4all_backend_cpu_level() -> *const c_char {
    CPU_LEVEL.get().map_or(std::ptr::null(), |level| level.as_ptr())
}

static CPU_LEVEL: OnceLock<CString> = OnceLock::new();

/// Loads the backends with the default configuration unless they are loaded already.
pub(crate) fn ensure() -> Result<&'static BackendReport> {
    init(None, None)
}

fn init(module_dir: Option<PathBuf>, cpu_level: Option<String>) -> Result<&'static BackendReport> {
    let dir = module_dir.or_else(library_dir);
    let modules = dir.iter().flat_map(|dir| module_files().map(|file| dir.join(file))).collect();
    let report = load_backends(&BackendConfig { cpu_dirs: dir.into_iter().collect(), modules, cpu_level })?;
    CPU_LEVEL.get_or_init(|| CString::new(report.cpu_level.clone()).unwrap_or_default());
    Ok(report)
}

/// The directory that holds this library, where a platform package puts the CPU modules.
#[cfg(unix)]
fn library_dir() -> Option<PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
    let found = unsafe { libc::dladdr(gpt4all_backend_cpu_level as *const libc::c_void, &mut info) };
    if found == 0 || info.dli_fname.is_null() {
        return None;
    }
    let path = unsafe { std::ffi::CStr::from_ptr(info.dli_fname) };
    let path = PathBuf::from(std::ffi::OsStr::from_bytes(path.to_bytes()));
    // A program linked with the static library finds its own executable here; its modules are
    // wherever it says through gpt4all_backend_init().
    path.parent().map(PathBuf::from)
}

/// Elsewhere the core's default applies: the directory llama.cpp was built into.
#[cfg(not(unix))]
fn library_dir() -> Option<PathBuf> {
    None
}
