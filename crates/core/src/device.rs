//! The compute devices this build can use (the CPU, and GPUs for the GPU variants).
use crate::backend;
use crate::error::Result;
use gpt4all_llama_sys as sys;
use std::ffi::CStr;

/// One device as ggml sees it.
#[derive(Debug, Clone)]
pub struct Device {
    pub name: String,
    pub description: String,
    /// `cpu`, `gpu`, `igpu` or `accel`: one of [`DEVICE_KINDS`].
    pub kind: &'static str,
    /// The ggml backend that drives it, such as `CPU`, `CUDA` or `Vulkan`.
    pub backend: String,
    pub memory_total: u64,
    pub memory_free: u64,
}

/// The kinds of device ggml knows (`ggml_backend_dev_type`), as bindings name them.
pub const DEVICE_KINDS: [&str; 4] = ["cpu", "gpu", "igpu", "accel"];

/// Lists every device of the loaded backends. Errors as [`backend::load`].
pub fn list_devices() -> Result<Vec<Device>> {
    backend::init()?;
    let text = |p: *const std::ffi::c_char| {
        if p.is_null() {
            String::new()
        } else {
            unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
        }
    };
    let devices = (0..unsafe { sys::ggml_backend_dev_count() })
        .map(|i| unsafe {
            let dev = sys::ggml_backend_dev_get(i);
            let (mut free, mut total) = (0usize, 0usize);
            sys::ggml_backend_dev_memory(dev, &mut free, &mut total);
            let kind = match sys::ggml_backend_dev_type(dev) {
                sys::ggml_backend_dev_type_GGML_BACKEND_DEVICE_TYPE_CPU => DEVICE_KINDS[0],
                sys::ggml_backend_dev_type_GGML_BACKEND_DEVICE_TYPE_GPU => DEVICE_KINDS[1],
                sys::ggml_backend_dev_type_GGML_BACKEND_DEVICE_TYPE_IGPU => DEVICE_KINDS[2],
                _ => DEVICE_KINDS[3],
            };
            Device {
                name: text(sys::ggml_backend_dev_name(dev)),
                description: text(sys::ggml_backend_dev_description(dev)),
                kind,
                backend: text(sys::ggml_backend_reg_name(sys::ggml_backend_dev_backend_reg(dev))),
                memory_total: total as u64,
                memory_free: free as u64,
            }
        })
        .collect();
    Ok(devices)
}
