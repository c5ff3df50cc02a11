//! Models spread over several machines with llama.cpp's RPC backend (`ggml-rpc`).
//!
//! A worker (`gpt4all rpc-worker`, or llama.cpp's `rpc-server`; [`serve_worker`]) offers its
//! devices over TCP; a host loading a model with `rpc_workers` places part of the layers on them
//! and drives the graph, sending activations over the network at each layer boundary. The
//! protocol has no authentication or encryption: workers bind loopback unless told otherwise.
//!
//! Every worker is reached through a [`watchdog::Watchdog`] on loopback, because ggml-rpc ends
//! the process on any network failure: with it, a worker that dies, hangs or speaks another
//! protocol version is an [`Error::RpcUnavailable`] for the models that use it, and the process
//! goes on serving the others.
pub(crate) mod protocol;
mod split;
mod watchdog;
mod worker;

pub(crate) use split::plan;
pub use split::LayerRange;
pub use worker::{serve_worker, WorkerParams};

use crate::error::{Error, Result};
use crate::{backend, guard};
use gpt4all_llama_sys as sys;
use std::collections::HashMap;
use std::ffi::{c_char, CStr, CString};
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use watchdog::{Connection, Watchdog};

/// A worker a model uses: where it is, its devices, and the connection the model's tensors live on.
pub(crate) struct Attached {
    watchdog: Arc<Watchdog>,
    pub devices: Vec<sys::ggml_backend_dev_t>,
    /// The latest connection before this model's load: an older one says nothing about it.
    baseline: Option<Arc<Connection>>,
    connection: Option<Arc<Connection>>,
}

// SAFETY: device handles are process-wide ggml objects, never freed; ggml serialises their use.
unsafe impl Send for Attached {}
unsafe impl Sync for Attached {}

impl Attached {
    /// The worker, as the caller named it (`host:port`).
    pub fn endpoint(&self) -> &str {
        &self.watchdog.worker
    }

    /// Remembers the connection ggml-rpc holds the model's tensors on (call after loading).
    pub fn pin_connection(&mut self) {
        self.connection = self.watchdog.current().or_else(|| newer(&self.watchdog, &self.baseline));
    }

    /// This process's turn on the worker (a graph computation, or creating, clearing or freeing
    /// what it holds), until the guard is dropped. ggml-rpc keeps one graph per worker device and
    /// decides on this side whether to send it again or have the worker recompute the one it holds
    /// (`last_graph_uid`, ggml-rpc.cpp), so two contexts computing on one worker at once can each
    /// get the other's graph recomputed: wrong logits, and no error.
    pub fn compute_turn(&self) -> std::sync::MutexGuard<'_, ()> {
        self.watchdog.compute.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// [`Error::RpcUnavailable`] once the worker has failed.
    pub fn check(&self) -> Result<()> {
        let failure = match &self.connection {
            Some(connection) => connection.failure(),
            // Nothing of the model on the worker: only a connection in use now can fail it.
            None => self.watchdog.current().and_then(|c| c.failure()),
        };
        match failure {
            Some(reason) => Err(self.unavailable(reason)),
            None => Ok(()),
        }
    }

    fn unavailable(&self, reason: String) -> Error {
        Error::RpcUnavailable { endpoint: self.endpoint().to_string(), reason }
    }
}

/// The watchdog's latest connection when it is not `baseline`: one opened since.
fn newer(watchdog: &Watchdog, baseline: &Option<Arc<Connection>>) -> Option<Arc<Connection>> {
    watchdog.latest().filter(|latest| !baseline.as_ref().is_some_and(|b| Arc::ptr_eq(b, latest)))
}

/// One watchdog per worker for the life of the process (ggml-rpc keys its state by endpoint).
fn watchdogs() -> &'static Mutex<HashMap<String, Arc<Watchdog>>> {
    static WATCHDOGS: std::sync::OnceLock<Mutex<HashMap<String, Arc<Watchdog>>>> = std::sync::OnceLock::new();
    WATCHDOGS.get_or_init(Default::default)
}

/// Checks that `endpoint` is `host:port` with a port from 1 to 65535 (an IPv6 host in brackets).
pub fn parse_endpoint(endpoint: &str) -> Result<(&str, u16)> {
    let invalid = |why: &str| Error::InvalidArgument { reason: format!("RPC worker '{endpoint}': {why}") };
    if endpoint.contains("://") || endpoint.chars().any(char::is_whitespace) {
        return Err(invalid("expected host:port, without a scheme or spaces"));
    }
    if endpoint.contains(',') {
        return Err(invalid("one worker per entry: a list of workers is a list of strings (['a:50052', 'b:50052'])"));
    }
    let (host, port) = endpoint.rsplit_once(':').ok_or_else(|| invalid("expected host:port"))?;
    let bracketed = host.strip_prefix('[').and_then(|h| h.strip_suffix(']'));
    if bracketed.is_none() && host.contains(':') {
        return Err(invalid("an IPv6 address goes in brackets: [::1]:50052"));
    }
    let host = bracketed.unwrap_or(host);
    if host.is_empty() {
        return Err(invalid("the host is empty"));
    }
    let port = Some(port)
        .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|p| p.parse::<u16>().ok())
        .filter(|&p| p > 0)
        .ok_or_else(|| invalid("the port must be a number from 1 to 65535"))?;
    Ok((host, port))
}

/// Connects to each worker, checks its protocol version, and returns its devices, in order.
/// Errors: [`Error::InvalidArgument`] for a malformed endpoint or the same worker twice,
/// [`Error::RpcUnavailable`] for a worker that refuses the connection, does not answer within
/// `timeout`, speaks another protocol version or has no devices, [`Error::NoBackend`] when this
/// package has no RPC backend.
pub(crate) fn attach(endpoints: &[String], timeout: Duration) -> Result<Vec<Attached>> {
    // The same worker twice (under one name or two) would wait for itself: a worker serves one
    // connection at a time.
    let mut seen: Vec<(&String, Option<std::net::SocketAddr>)> = Vec::new();
    for endpoint in endpoints {
        parse_endpoint(endpoint)?;
        let address = std::net::ToSocketAddrs::to_socket_addrs(endpoint.as_str()).ok().and_then(|mut a| a.next());
        if let Some((other, _)) = seen.iter().find(|(e, a)| *e == endpoint || (a.is_some() && *a == address)) {
            let same = if *other == endpoint { String::new() } else { format!(" ({other} is the same worker)") };
            return Err(Error::InvalidArgument { reason: format!("RPC worker '{endpoint}' is listed twice{same}") });
        }
        seen.push((endpoint, address));
    }
    backend::init()?;
    disable_graph_reuse();
    let add_server = add_server_function()?;
    let mut attached: Vec<Attached> = Vec::new();
    for endpoint in endpoints {
        let watchdog = {
            let mut all = watchdogs().lock().unwrap_or_else(|e| e.into_inner());
            match all.get(endpoint) {
                Some(w) => w.clone(),
                None => {
                    let w = Watchdog::start(endpoint, timeout).map_err(|e| Error::RpcUnavailable {
                        endpoint: endpoint.clone(),
                        reason: format!("cannot open a loopback port for its watchdog: {e}"),
                    })?;
                    all.insert(endpoint.clone(), w.clone());
                    w
                }
            }
        };
        watchdog.set_timeout(timeout);
        let unavailable = |reason: String| Error::RpcUnavailable { endpoint: endpoint.clone(), reason };
        // ggml-rpc keeps one connection per worker while models use it: a failed one stays failed.
        if let Some(reason) = watchdog.current().and_then(|c| c.failure()) {
            return Err(unavailable(format!(
                "{reason}; models of this process still use that connection: dispose them, then load again"
            )));
        }
        // A worker serves one host connection at a time: ask it directly only when this process
        // has none open to it already (another model of this process may be using it).
        if watchdog.current().is_none() {
            handshake(endpoint, timeout).map_err(unavailable)?;
        }
        let baseline = watchdog.latest();
        let local = CString::new(watchdog.local_endpoint.as_str()).unwrap();
        let (reg, assertion) = guard::call(|message, size| unsafe {
            sys::gpt4all_rpc_add_server_guarded(Some(add_server), local.as_ptr(), message, size)
        });
        // ggml-rpc connects only the first time it meets a worker's address (it keeps the device
        // list for the process): a failure is news only on a connection opened since.
        let failure = watchdog.current().or_else(|| newer(&watchdog, &baseline)).and_then(|c| c.failure());
        if let Some(reason) = failure.or(assertion) {
            return Err(unavailable(reason));
        }
        if reg.is_null() {
            return Err(unavailable("the worker offers no devices".into()));
        }
        let count = unsafe { sys::ggml_backend_reg_dev_count(reg) };
        let devices = (0..count).map(|i| unsafe { sys::ggml_backend_reg_dev_get(reg, i) }).collect();
        attached.push(Attached { watchdog, devices, baseline, connection: None });
    }
    Ok(attached)
}

/// Turns llama.cpp's graph reuse off for the contexts this process creates from now on. With it, a
/// context whose graph did not change asks the worker to recompute the graph it stored
/// (`GRAPH_RECOMPUTE`), but the worker drops its stored graphs whenever any buffer is freed
/// (`rpc_server::free_buffer`, ggml-rpc.cpp), so a context disposed meanwhile, of any model on
/// that worker, made the next token's request fail and the worker close the connection. Without
/// reuse each decode sends its graph whole. llama.cpp reads `LLAMA_GRAPH_REUSE_DISABLE` when a
/// context is created; one the user set is kept.
fn disable_graph_reuse() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if std::env::var_os("LLAMA_GRAPH_REUSE_DISABLE").is_none() {
            std::env::set_var("LLAMA_GRAPH_REUSE_DISABLE", "1");
        }
    });
}

/// `ggml_backend_rpc_add_server`, from the RPC module's registry entry.
fn add_server_function() -> Result<unsafe extern "C" fn(*const c_char) -> sys::ggml_backend_reg_t> {
    let address = rpc_function("ggml_backend_rpc_add_server")?;
    // SAFETY: ggml-rpc exports it under this name with this signature (ggml-rpc.h).
    Ok(unsafe { std::mem::transmute::<*mut std::ffi::c_void, _>(address) })
}

/// A function the RPC module exports through `ggml_backend_reg_get_proc_address`.
pub(crate) fn rpc_function(name: &str) -> Result<*mut std::ffi::c_void> {
    let rpc = CString::new("RPC").unwrap();
    let reg = unsafe { sys::ggml_backend_reg_by_name(rpc.as_ptr()) };
    if reg.is_null() {
        return Err(Error::NoBackend {
            reason: format!(
                "this package has no RPC backend (libggml-rpc is not installed beside {})",
                backend::variant()
            ),
        });
    }
    let symbol = CString::new(name).unwrap();
    let address = unsafe { sys::ggml_backend_reg_get_proc_address(reg, symbol.as_ptr()) };
    if address.is_null() {
        return Err(Error::NoBackend { reason: format!("the RPC backend does not export {name}") });
    }
    Ok(address)
}

/// Opens a connection to the worker and exchanges HELLO, each step within `timeout`: whether it
/// is there, answers, and speaks this protocol version. The error is the reason, in words.
pub fn handshake(endpoint: &str, timeout: Duration) -> std::result::Result<(), String> {
    let mut stream = watchdog::connect(endpoint, timeout)?;
    let silent = || {
        format!(
            "no answer to the protocol greeting within {} ms (a worker serves one host at a time: is another \
             host using it? is it a GPT4All or llama.cpp RPC worker?)",
            timeout.as_millis()
        )
    };
    stream
        .set_read_timeout(Some(timeout))
        .and_then(|_| stream.set_write_timeout(Some(timeout)))
        .map_err(|e| e.to_string())?;
    stream.write_all(&protocol::hello_request()).map_err(|e| format!("cannot send the protocol greeting: {e}"))?;
    let mut size = [0u8; 8];
    let read = |stream: &mut std::net::TcpStream, buf: &mut [u8]| {
        stream.read_exact(buf).map_err(|e| match e.kind() {
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => silent(),
            std::io::ErrorKind::UnexpectedEof => {
                "the worker closed the connection at the protocol greeting (it speaks another protocol version, \
                 or is not an RPC worker)"
                    .to_string()
            }
            _ => format!("the connection broke at the protocol greeting: {e}"),
        })
    };
    read(&mut stream, &mut size)?;
    let size = u64::from_le_bytes(size);
    if size != protocol::HELLO_RESPONSE_SIZE as u64 {
        return Err(format!(
            "the worker answered the protocol greeting with {size} bytes where {} were expected (another protocol version?)",
            protocol::HELLO_RESPONSE_SIZE
        ));
    }
    let mut response = [0u8; protocol::HELLO_RESPONSE_SIZE];
    read(&mut stream, &mut response)?;
    match protocol::version_mismatch(&response) {
        Some(reason) => Err(reason),
        None => Ok(()),
    }
}

/// What one worker offers, as [`probe`] finds it.
#[derive(Debug, Clone)]
pub struct WorkerProbe {
    pub endpoint: String,
    /// Its devices: ggml name (`RPC0`), free and total memory in bytes.
    pub devices: Vec<(String, u64, u64)>,
}

/// Connects to a worker the way a model load does and lists its devices, for diagnostics
/// (`gpt4all-doctor --rpc`). Errors as [`attach`].
pub fn probe(endpoint: &str, timeout: Duration) -> Result<WorkerProbe> {
    let attached = attach(&[endpoint.to_string()], timeout)?;
    let devices = attached[0]
        .devices
        .iter()
        .map(|&dev| {
            let (mut free, mut total) = (0usize, 0usize);
            unsafe { sys::ggml_backend_dev_memory(dev, &mut free, &mut total) };
            let name = unsafe { CStr::from_ptr(sys::ggml_backend_dev_name(dev)) }.to_string_lossy().into_owned();
            (name, free as u64, total as u64)
        })
        .collect();
    attached[0].check()?;
    Ok(WorkerProbe { endpoint: endpoint.to_string(), devices })
}

/// This machine's GPUs (not RPC devices), for the local share of a spread model.
pub(crate) fn local_gpus() -> Vec<sys::ggml_backend_dev_t> {
    let count = unsafe { sys::ggml_backend_dev_count() };
    (0..count)
        .map(|i| unsafe { sys::ggml_backend_dev_get(i) })
        .filter(|&dev| unsafe { sys::ggml_backend_dev_type(dev) } == sys::ggml_backend_dev_type_GGML_BACKEND_DEVICE_TYPE_GPU)
        .collect()
}

/// The caller's split, checked: one share for this machine and one per worker, each finite and
/// non-negative, not all 0. Errors: [`Error::InvalidArgument`].
pub(crate) fn check_split(split: &[f32], workers: usize) -> Result<Vec<f64>> {
    let invalid = |why: String| Error::InvalidArgument { reason: format!("rpcSplit: {why}") };
    if split.len() != workers + 1 {
        return Err(invalid(format!(
            "expected {} shares (this machine first, then each worker), got {}",
            workers + 1,
            split.len()
        )));
    }
    if split.iter().any(|s| !s.is_finite() || *s < 0.0) {
        return Err(invalid("every share must be a finite number of at least 0".into()));
    }
    if split.iter().all(|s| *s == 0.0) {
        return Err(invalid("at least one share must be above 0".into()));
    }
    Ok(split.iter().map(|&s| s as f64).collect())
}

/// Shares by free memory, as llama.cpp splits between GPUs by default: this machine's GPUs (or,
/// without any, its free RAM as the CPU device reports it), then each worker's devices.
pub(crate) fn shares_by_memory(
    local_gpus: &[sys::ggml_backend_dev_t],
    workers: &[Vec<sys::ggml_backend_dev_t>],
) -> Vec<f64> {
    let free = |dev: sys::ggml_backend_dev_t| {
        let (mut free, mut total) = (0usize, 0usize);
        unsafe { sys::ggml_backend_dev_memory(dev, &mut free, &mut total) };
        free as f64
    };
    let local = if local_gpus.is_empty() {
        let cpu = unsafe { sys::ggml_backend_dev_by_type(sys::ggml_backend_dev_type_GGML_BACKEND_DEVICE_TYPE_CPU) };
        if cpu.is_null() {
            0.0
        } else {
            free(cpu)
        }
    } else {
        local_gpus.iter().map(|&d| free(d)).sum()
    };
    let mut shares = vec![local];
    shares.extend(workers.iter().map(|devices| devices.iter().map(|&d| free(d)).sum::<f64>()));
    if shares.iter().all(|&s| s <= 0.0) {
        shares.fill(1.0); // nothing reports memory: even shares
    }
    shares
}
