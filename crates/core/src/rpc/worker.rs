//! An RPC worker: this machine's devices offered to hosts over TCP, through ggml-rpc's server
//! (`ggml_backend_rpc_start_server`, as llama.cpp's `rpc-server` runs it).
use crate::error::{Error, Result};
use crate::{backend, defaults};
use gpt4all_llama_sys as sys;
use std::ffi::{CStr, CString};
use std::net::{IpAddr, TcpListener, ToSocketAddrs};
use std::path::PathBuf;

/// How a worker listens and what it offers.
#[derive(Debug, Clone)]
pub struct WorkerParams {
    /// The address to listen on; loopback unless `allow_remote`.
    pub host: String,
    pub port: u16,
    /// CPU threads for the layers it computes on the CPU.
    pub threads: u32,
    /// Memory the worker reports to hosts, in bytes: their default split follows it (a hint, not a
    /// limit on what they allocate);
    /// `None`: what its devices have.
    pub memory_bytes: Option<u64>,
    /// Listen on an address other hosts can reach. The protocol has no authentication or
    /// encryption: anyone who reaches the port can run code paths of the worker and read what
    /// it holds.
    pub allow_remote: bool,
    /// Where the worker caches tensors hosts have sent (so that a reload sends hashes, not
    /// data); `None`: no cache.
    pub cache_dir: Option<PathBuf>,
}

impl Default for WorkerParams {
    fn default() -> Self {
        WorkerParams {
            host: defaults::RPC_WORKER_HOST.to_string(),
            port: defaults::RPC_WORKER_PORT,
            threads: num_cpus::get_physical() as u32,
            memory_bytes: None,
            allow_remote: false,
            cache_dir: None,
        }
    }
}

/// What the worker will serve, before it starts: names of its devices (`CPU`, `CUDA0`).
#[derive(Debug, Clone)]
pub struct WorkerDevices {
    pub names: Vec<String>,
}

/// Whether every address `host` resolves to is a loopback address.
fn is_loopback(host: &str) -> bool {
    let host = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    if let Ok(ip) = host.parse::<IpAddr>() {
        return ip.is_loopback();
    }
    match (host, 0).to_socket_addrs() {
        Ok(addresses) => {
            let addresses: Vec<_> = addresses.collect();
            !addresses.is_empty() && addresses.iter().all(|a| a.ip().is_loopback())
        }
        Err(_) => false,
    }
}

/// Runs a worker: listens on `host:port` and serves one host connection at a time, with this
/// machine's GPUs when the package has any, else its CPU. `on_ready` is called once it listens,
/// with the devices it serves. Returns only when it cannot start.
/// Errors: [`Error::InvalidArgument`] for a non-loopback host without `allow_remote`, or a
/// thread count of 0; [`Error::Io`] when the address cannot be listened on (in use, not this
/// machine's); [`Error::NoBackend`] when the package has no RPC backend.
pub fn serve_worker(params: &WorkerParams, on_ready: &mut dyn FnMut(&WorkerDevices)) -> Result<()> {
    if !params.allow_remote && !is_loopback(&params.host) {
        return Err(Error::InvalidArgument {
            reason: format!(
                "'{}' is not a loopback address: llama.cpp's RPC protocol has no authentication or encryption, \
                 so anyone who can reach the port can use this machine's memory and compute. Pass allowRemote \
                 (--allow-remote) to listen there anyway, on a trusted network only, or reach the worker through \
                 an SSH tunnel",
                params.host
            ),
        });
    }
    if params.threads == 0 {
        return Err(Error::InvalidArgument { reason: "threads must be at least 1".into() });
    }
    backend::init()?;
    let start_server = super::rpc_function("ggml_backend_rpc_start_server")?;
    // SAFETY: ggml-rpc exports it under this name with this signature (ggml-rpc.h).
    let start_server: unsafe extern "C" fn(
        *const std::ffi::c_char,
        *const std::ffi::c_char,
        usize,
        usize,
        *mut sys::ggml_backend_dev_t,
    ) = unsafe { std::mem::transmute(start_server) };

    // ggml's server binds an IPv4 address given as digits (`inet_addr`): resolve a name first.
    let host = params.host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(&params.host);
    let ipv4 = match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => Some(ip),
        Ok(IpAddr::V6(_)) => None,
        Err(_) => (host, params.port).to_socket_addrs().ok().into_iter().flatten().find_map(|a| match a.ip() {
            IpAddr::V4(ip) => Some(ip),
            IpAddr::V6(_) => None,
        }),
    };
    let Some(ipv4) = ipv4 else {
        return Err(Error::InvalidArgument {
            reason: format!(
                "'{}' has no IPv4 address: llama.cpp's RPC server listens on IPv4 only (use 127.0.0.1, or 0.0.0.0 with allowRemote)",
                params.host
            ),
        });
    };
    let endpoint = format!("{ipv4}:{}", params.port);
    // ggml's server says only "Failed to create server socket": try the address first, for the reason.
    let io_error = |reason: String| Error::Io { path: PathBuf::from(&endpoint), reason };
    drop(TcpListener::bind(endpoint.as_str()).map_err(|e| io_error(format!("cannot listen: {e}")))?);

    let mut devices = serving_devices();
    if let Some(bytes) = params.memory_bytes {
        devices = devices.into_iter().map(|d| unsafe { sys::gpt4all_device_with_memory(d, bytes as usize) }).collect();
    }
    let names = devices
        .iter()
        .map(|&d| unsafe { CStr::from_ptr(sys::ggml_backend_dev_name(d)) }.to_string_lossy().into_owned())
        .collect();
    on_ready(&WorkerDevices { names });
    let c_endpoint = CString::new(endpoint.as_str()).unwrap();
    let cache = params.cache_dir.as_ref().map(|d| CString::new(d.as_os_str().as_encoded_bytes()).unwrap());
    if let Some(dir) = &params.cache_dir {
        std::fs::create_dir_all(dir).map_err(|e| Error::Io { path: dir.clone(), reason: e.to_string() })?;
    }
    // SAFETY: the strings and the device array outlive the call, which serves until it fails.
    unsafe {
        start_server(
            c_endpoint.as_ptr(),
            cache.as_ref().map_or(std::ptr::null(), |c| c.as_ptr()),
            params.threads as usize,
            devices.len(),
            devices.as_mut_ptr(),
        )
    };
    Err(io_error("the RPC server stopped (see its messages above)".into()))
}

/// The GPUs of the loaded backends, or the CPU when there are none.
fn serving_devices() -> Vec<sys::ggml_backend_dev_t> {
    let count = unsafe { sys::ggml_backend_dev_count() };
    let all: Vec<_> = (0..count).map(|i| unsafe { sys::ggml_backend_dev_get(i) }).collect();
    let of_type =
        |t| all.iter().copied().filter(|&d| unsafe { sys::ggml_backend_dev_type(d) } == t).collect::<Vec<_>>();
    let gpus = of_type(sys::ggml_backend_dev_type_GGML_BACKEND_DEVICE_TYPE_GPU);
    if !gpus.is_empty() {
        return gpus;
    }
    of_type(sys::ggml_backend_dev_type_GGML_BACKEND_DEVICE_TYPE_CPU)
}
