//! A watchdog between llama.cpp's RPC client and one worker: a TCP proxy on loopback that ggml-rpc
//! connects to instead of the worker.
//!
//! Why: ggml-rpc ends the process (`GGML_ABORT`, through `RPC_STATUS_ASSERT`) when a worker's
//! connection fails or answers malformed data, and its sockets have no timeouts, so a worker that
//! stops answering hangs the host forever. The watchdog forwards the traffic unchanged while the
//! worker is healthy. When the worker closes the connection, answers something malformed or of
//! another protocol version, or leaves a request unanswered for longer than the timeout, the
//! watchdog records why and from then on answers every request itself with a well-formed stand-in
//! ([`protocol::stand_in_reply`]): ggml-rpc never sees a failure, and the engine, which checks
//! the watchdog after each model load and decode, reports `ERR_RPC_UNAVAILABLE`.
use super::protocol::{self, Reply};
use std::collections::VecDeque;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

/// How often a waiting reader looks at the clock.
const TICK: Duration = Duration::from_millis(200);
/// Requests smaller than this are read whole before forwarding; larger ones (tensor data) stream.
const SMALL_REQUEST: u64 = 64 * 1024;

/// The watchdog of one worker, for the life of the process. ggml-rpc keeps its own per-endpoint
/// state for the life of the process too (`ggml_backend_rpc_add_server`), keyed by the address
/// it connects to, so that address (the watchdog's) must stay the same.
pub struct Watchdog {
    /// The worker, as the caller named it (`host:port`).
    pub worker: String,
    /// Where ggml-rpc connects: `127.0.0.1:<port>`.
    pub local_endpoint: String,
    timeout_ms: AtomicU64,
    current: Mutex<Option<Arc<Connection>>>,
    /// Held for each turn on the worker (see [`super::Attached::compute_turn`]).
    pub compute: Mutex<()>,
}

/// One connection from ggml-rpc, with its own connection to the worker.
pub struct Connection {
    state: Mutex<ConnectionState>,
}

struct ConnectionState {
    /// The connection to ggml-rpc, where responses go.
    client: TcpStream,
    /// The connection to the worker, or `None` when it could not be made.
    worker: Option<TcpStream>,
    /// Requests forwarded whose responses have not been passed on completely, oldest first.
    pending: VecDeque<Pending>,
    /// Why the worker is no longer used; stand-ins answer from then on.
    failure: Option<String>,
    /// ggml-rpc closed its side (its dispatcher was freed).
    closed: bool,
}

struct Pending {
    cmd: u8,
    /// The request's payload, kept for the commands whose stand-in depends on it (GET_ALLOC_SIZE).
    request: Vec<u8>,
    /// Payload bytes the response has.
    size: u64,
    /// Bytes (8-byte size, then payload) passed on to ggml-rpc so far.
    sent: u64,
    /// When the request was sent, or the last byte of its response arrived.
    progress: Instant,
}

impl Watchdog {
    /// Starts a watchdog for `worker` (`host:port`) on an ephemeral loopback port.
    pub fn start(worker: &str, timeout: Duration) -> io::Result<Arc<Watchdog>> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let watchdog = Arc::new(Watchdog {
            worker: worker.to_string(),
            local_endpoint: listener.local_addr()?.to_string(),
            timeout_ms: AtomicU64::new(timeout.as_millis() as u64),
            current: Mutex::new(None),
            compute: Mutex::new(()),
        });
        let accepting = watchdog.clone();
        thread::Builder::new().name("gpt4all-rpc-watchdog".into()).spawn(move || {
            for client in listener.incoming().flatten() {
                accepting.serve(client);
            }
        })?;
        Ok(watchdog)
    }

    /// The longest a worker may take to answer one request.
    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms.load(Ordering::Relaxed))
    }

    pub fn set_timeout(&self, timeout: Duration) {
        self.timeout_ms.store(timeout.as_millis() as u64, Ordering::Relaxed);
    }

    /// The connection ggml-rpc uses now (the latest it opened and has not closed), if any.
    pub fn current(&self) -> Option<Arc<Connection>> {
        self.latest().filter(|c| !c.lock().closed)
    }

    /// The latest connection ggml-rpc opened, closed or not: ggml-rpc closes its connection as
    /// soon as nothing of it is in use (after asking for the device count, say), and why that
    /// connection failed is still the answer.
    pub fn latest(&self) -> Option<Arc<Connection>> {
        self.current.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn serve(self: &Arc<Self>, client: TcpStream) {
        let _ = client.set_nodelay(true);
        #[cfg(unix)]
        close_on_exec_peer(&client);
        let (worker, failure) = match connect(&self.worker, self.timeout()) {
            Ok(worker) => (Some(worker), None),
            Err(reason) => (None, Some(reason)),
        };
        let Ok(client_reader) = client.try_clone() else { return };
        let worker_reader = worker.as_ref().and_then(|w| w.try_clone().ok());
        let worker_writer = worker.as_ref().and_then(|w| w.try_clone().ok());
        let connection = Arc::new(Connection {
            state: Mutex::new(ConnectionState {
                client,
                worker,
                pending: VecDeque::new(),
                failure: None,
                closed: false,
            }),
        });
        if let Some(reason) = failure {
            connection.fail(reason);
        }
        *self.current.lock().unwrap_or_else(|e| e.into_inner()) = Some(connection.clone());
        let requests = (connection.clone(), self.clone());
        let _ = thread::Builder::new()
            .name("gpt4all-rpc-requests".into())
            .spawn(move || forward_requests(&requests.0, client_reader, worker_writer, &requests.1));
        if let Some(reader) = worker_reader {
            let responses = (connection, self.clone());
            let _ = thread::Builder::new()
                .name("gpt4all-rpc-responses".into())
                .spawn(move || forward_responses(&responses.0, reader, &responses.1));
        }
    }
}

/// Marks ggml-rpc's end of `client` (a socket of this process) close-on-exec. ggml-rpc opens its
/// socket without it, so a process started afterwards (a worker started by the same script, a
/// backend probe) inherits the socket and keeps the connection open after ggml-rpc closes it: the
/// watchdog never sees the end, and every later model is refused for a failure that no model
/// uses any more. A child started between ggml-rpc's connect and this still inherits it.
#[cfg(unix)]
fn close_on_exec_peer(client: &TcpStream) {
    use std::os::fd::{FromRawFd, RawFd};
    let Ok(peer) = client.peer_addr() else { return };
    let dir = if cfg!(target_os = "linux") { "/proc/self/fd" } else { "/dev/fd" };
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for fd in entries.flatten().filter_map(|e| e.file_name().to_str()?.parse::<RawFd>().ok()) {
        // SAFETY: the descriptor is only borrowed (never closed: ManuallyDrop), and asking for the
        // local address of anything but a socket fails harmlessly.
        let socket = std::mem::ManuallyDrop::new(unsafe { TcpStream::from_raw_fd(fd) });
        if socket.local_addr().ok() == Some(peer) {
            unsafe {
                let flags = libc::fcntl(fd, libc::F_GETFD);
                if flags >= 0 {
                    libc::fcntl(fd, libc::F_SETFD, flags | libc::FD_CLOEXEC);
                }
            }
        }
    }
}

impl Connection {
    fn lock(&self) -> MutexGuard<'_, ConnectionState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Why the worker of this connection stopped being used, or `None` while it is healthy.
    pub fn failure(&self) -> Option<String> {
        self.lock().failure.clone()
    }

    /// Gives up on the worker: answers what is pending with stand-ins and everything after too.
    fn fail(&self, reason: String) {
        let mut state = self.lock();
        state.fail(reason);
    }
}

impl ConnectionState {
    fn fail(&mut self, reason: String) {
        if self.failure.is_some() {
            return;
        }
        self.failure = Some(reason);
        if let Some(worker) = self.worker.take() {
            let _ = worker.shutdown(Shutdown::Both);
        }
        while let Some(pending) = self.pending.pop_front() {
            let mut whole = pending.size.to_le_bytes().to_vec();
            whole.extend(protocol::stand_in_reply(pending.cmd, pending.size, &pending.request));
            if self.client.write_all(&whole[pending.sent as usize..]).is_err() {
                break;
            }
        }
    }
}

/// A TCP connection to `endpoint` (`host:port`), trying each address it resolves to for at most
/// `timeout` (capped at 10 s). The error is the reason, in words.
pub fn connect(endpoint: &str, timeout: Duration) -> Result<TcpStream, String> {
    let addresses = endpoint.to_socket_addrs().map_err(|e| format!("cannot resolve {endpoint}: {e}"))?;
    let mut last = format!("{endpoint} resolves to no address");
    for address in addresses {
        match TcpStream::connect_timeout(&address, timeout.min(Duration::from_secs(10))) {
            Ok(stream) => {
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Err(e) if e.kind() == ErrorKind::ConnectionRefused => {
                last = "connection refused (is `gpt4all rpc-worker` running on that host and port?)".into();
            }
            Err(e) if e.kind() == ErrorKind::TimedOut || e.kind() == ErrorKind::WouldBlock => {
                last = format!(
                    "no answer to the connection within {} ms",
                    timeout.min(Duration::from_secs(10)).as_millis()
                );
            }
            Err(e) => last = format!("cannot connect: {e}"),
        }
    }
    Err(last)
}

/// ggml-rpc → worker: parses each request to know what response it expects, forwards it, and
/// answers it with a stand-in once the worker has failed.
fn forward_requests(
    connection: &Connection,
    mut client: TcpStream,
    mut worker: Option<TcpStream>,
    watchdog: &Watchdog,
) {
    let mut header = [0u8; 9];
    loop {
        if client.read_exact(&mut header).is_err() {
            // ggml-rpc closed the connection (its dispatcher is gone): so does the worker's side.
            let mut state = connection.lock();
            state.closed = true;
            if let Some(worker) = state.worker.take() {
                let _ = worker.shutdown(Shutdown::Both);
            }
            return;
        }
        let cmd = header[0];
        let size = u64::from_le_bytes(header[1..].try_into().unwrap());
        let small = size <= SMALL_REQUEST;
        let mut payload = Vec::new();
        if small && Read::by_ref(&mut client).take(size).read_to_end(&mut payload).map_or(true, |n| n as u64 != size) {
            continue; // ggml-rpc closed mid-request: the next read ends the loop
        }
        if cmd == protocol::CMD_HELLO && payload.len() == protocol::HELLO_REQUEST_SIZE {
            // No transport upgrade: the traffic must keep flowing through here.
            payload.fill(0);
        }
        let reply = protocol::reply_of(cmd, if small { &payload } else { &[] });

        // Decided under the lock, so that a request is answered exactly once: by the worker, by
        // `fail` (when the worker fails after the request was queued), or here.
        let forward = {
            let mut state = connection.lock();
            if state.failure.is_none() && reply.is_none() {
                state.fail(format!("ggml-rpc sent command {cmd}, which this engine does not know"));
            }
            if state.failure.is_none() {
                if let Some(Reply::Bytes(n)) = reply {
                    let request = if cmd == 13 { payload.clone() } else { Vec::new() };
                    state.pending.push_back(Pending { cmd, request, size: n, sent: 0, progress: Instant::now() });
                }
                true
            } else {
                false
            }
        };
        let mut remaining = if small { 0 } else { size };
        if forward {
            if let Some(worker) = worker.as_mut() {
                let _ = worker.set_write_timeout(Some(watchdog.timeout()));
                let mut result = worker.write_all(&header).and_then(|_| worker.write_all(&payload));
                let mut chunk = vec![0u8; if small { 0 } else { 256 * 1024 }];
                while result.is_ok() && remaining > 0 {
                    let want = chunk.len().min(remaining as usize);
                    match client.read(&mut chunk[..want]) {
                        Ok(0) | Err(_) => return, // ggml-rpc closed mid-request
                        Ok(n) => {
                            remaining -= n as u64;
                            result = worker.write_all(&chunk[..n]);
                        }
                    }
                }
                if let Err(e) = result {
                    connection.fail(match e.kind() {
                        ErrorKind::WouldBlock | ErrorKind::TimedOut => {
                            format!("the worker took no data for {} ms", watchdog.timeout().as_millis())
                        }
                        _ => format!("the connection to the worker broke: {e}"),
                    });
                }
            }
        }
        // What is left of a request the worker will not get.
        if remaining > 0
            && io::copy(&mut Read::by_ref(&mut client).take(remaining), &mut io::sink()).map_or(true, |n| n < remaining)
        {
            return;
        }
        if !forward {
            if let Some(Reply::Bytes(n)) = reply {
                let mut whole = n.to_le_bytes().to_vec();
                whole.extend(protocol::stand_in_reply(cmd, n, &payload));
                let _ = connection.lock().client.write_all(&whole);
            }
        }
    }
}

/// worker → ggml-rpc: passes responses on, checking each against what its request expects, and
/// gives up on the worker when it closes, answers out of turn, or leaves a request unanswered for
/// longer than the timeout.
fn forward_responses(connection: &Connection, mut worker: TcpStream, watchdog: &Watchdog) {
    let _ = worker.set_read_timeout(Some(TICK));
    let mut buffer = vec![0u8; 256 * 1024];
    // The start of the current response, held back until it is checked: its 8-byte size, and for
    // HELLO the version that follows.
    let mut held: Vec<u8> = Vec::with_capacity(16);
    loop {
        let read = worker.read(&mut buffer);
        let mut state = connection.lock();
        if state.failure.is_some() || state.closed {
            return;
        }
        let n = match read {
            Ok(0) => {
                state.fail("the worker closed the connection (it stopped or was killed)".into());
                return;
            }
            Ok(n) => n,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted) => {
                let timeout = watchdog.timeout();
                if let Some(pending) = state.pending.front().filter(|p| p.progress.elapsed() > timeout) {
                    let cmd = pending.cmd;
                    state.fail(format!("the worker did not answer within {} ms (command {cmd})", timeout.as_millis()));
                    return;
                }
                continue;
            }
            Err(e) => {
                state.fail(format!("the connection to the worker broke: {e}"));
                return;
            }
        };
        let mut bytes = &buffer[..n];
        while !bytes.is_empty() {
            let Some(pending) = state.pending.front_mut() else {
                state.fail("the worker sent data nobody asked for (another protocol version?)".into());
                return;
            };
            pending.progress = Instant::now();
            let hold = if pending.cmd == protocol::CMD_HELLO { 8 + 3 } else { 8 };
            if pending.sent == 0 {
                let take = (hold - held.len()).min(bytes.len());
                held.extend_from_slice(&bytes[..take]);
                bytes = &bytes[take..];
                if held.len() < hold {
                    continue;
                }
                let announced = u64::from_le_bytes(held[..8].try_into().unwrap());
                let (cmd, expected) = (pending.cmd, pending.size);
                let problem = if announced != expected {
                    Some(format!(
                        "the worker answered command {cmd} with {announced} bytes where {expected} were expected \
                         (another protocol version?)"
                    ))
                } else if cmd == protocol::CMD_HELLO {
                    protocol::version_mismatch(&held[8..])
                } else {
                    None
                };
                if let Some(reason) = problem {
                    state.fail(reason);
                    return;
                }
                pending.sent = held.len() as u64;
                let done = pending.sent == 8 + pending.size;
                if state.client.write_all(&held).is_err() {
                    return;
                }
                held.clear();
                if done {
                    state.pending.pop_front();
                }
                continue;
            }
            let take = ((8 + pending.size - pending.sent) as usize).min(bytes.len());
            pending.sent += take as u64;
            let done = pending.sent == 8 + pending.size;
            if state.client.write_all(&bytes[..take]).is_err() {
                return;
            }
            if done {
                state.pending.pop_front();
            }
            bytes = &bytes[take..];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(cmd: u8, payload: &[u8]) -> Vec<u8> {
        let mut bytes = vec![cmd];
        bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        bytes.extend_from_slice(payload);
        bytes
    }

    fn response(payload: &[u8]) -> Vec<u8> {
        let mut bytes = (payload.len() as u64).to_le_bytes().to_vec();
        bytes.extend_from_slice(payload);
        bytes
    }

    fn hello_response() -> Vec<u8> {
        let mut payload = vec![0u8; protocol::HELLO_RESPONSE_SIZE];
        payload[..3].copy_from_slice(&[protocol::VERSION.0, protocol::VERSION.1, protocol::VERSION.2]);
        response(&payload)
    }

    /// A GET_TENSOR request for `size` bytes (an rpc_tensor of zeros, offset 0).
    fn get_tensor(size: u64) -> Vec<u8> {
        let mut payload = vec![0u8; 296 + 8];
        payload.extend_from_slice(&size.to_le_bytes());
        request(8, &payload)
    }

    #[test]
    fn forwards_while_the_worker_answers_and_stands_in_once_it_is_gone() {
        let worker = TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = worker.local_addr().unwrap().to_string();
        let fake = thread::spawn(move || {
            let (mut socket, _) = worker.accept().unwrap();
            let mut hello = vec![0u8; 9 + protocol::HELLO_REQUEST_SIZE];
            socket.read_exact(&mut hello).unwrap();
            socket.write_all(&hello_response()).unwrap();
            let mut get = vec![0u8; 9 + 296 + 16];
            socket.read_exact(&mut get).unwrap();
            // Half of the 100 bytes asked for, then the worker dies.
            let mut partial = 100u64.to_le_bytes().to_vec();
            partial.extend_from_slice(&[7u8; 50]);
            socket.write_all(&partial).unwrap();
        });
        let watchdog = Watchdog::start(&endpoint, Duration::from_secs(5)).unwrap();
        let mut ggml = TcpStream::connect(&watchdog.local_endpoint).unwrap();
        ggml.write_all(&request(protocol::CMD_HELLO, &[0u8; protocol::HELLO_REQUEST_SIZE])).unwrap();
        let mut hello = vec![0u8; 8 + protocol::HELLO_RESPONSE_SIZE];
        ggml.read_exact(&mut hello).unwrap();
        assert_eq!(hello, hello_response());

        ggml.write_all(&get_tensor(100)).unwrap();
        let mut got = vec![0u8; 8 + 100];
        ggml.read_exact(&mut got).unwrap();
        fake.join().unwrap();
        assert_eq!(&got[..8], 100u64.to_le_bytes());
        assert_eq!(&got[8..58], [7u8; 50]);
        assert_eq!(&got[58..], [0u8; 50]);
        let failure = watchdog.latest().unwrap().failure().unwrap();
        assert!(failure.contains("closed the connection"), "{failure}");

        // From then on every request is answered in the worker's place.
        ggml.write_all(&request(15, &[])).unwrap();
        let mut count = [0u8; 12];
        ggml.read_exact(&mut count).unwrap();
        assert_eq!(count, [4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        ggml.write_all(&request(6, &[1u8; 100_000])).unwrap(); // SET_TENSOR: no response
        ggml.write_all(&request(1, &0u32.to_le_bytes())).unwrap(); // GET_ALIGNMENT
        let mut alignment = [0u8; 16];
        ggml.read_exact(&mut alignment).unwrap();
        assert_eq!(&alignment[8..], 64u64.to_le_bytes());
    }

    #[test]
    fn gives_up_on_a_worker_that_leaves_a_request_unanswered() {
        let worker = TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = worker.local_addr().unwrap().to_string();
        let _silent = thread::spawn(move || {
            let (socket, _) = worker.accept().unwrap();
            thread::sleep(Duration::from_secs(5));
            drop(socket);
        });
        let watchdog = Watchdog::start(&endpoint, Duration::from_millis(500)).unwrap();
        let mut ggml = TcpStream::connect(&watchdog.local_endpoint).unwrap();
        let started = Instant::now();
        ggml.write_all(&request(protocol::CMD_HELLO, &[0u8; protocol::HELLO_REQUEST_SIZE])).unwrap();
        let mut hello = vec![0u8; 8 + protocol::HELLO_RESPONSE_SIZE];
        ggml.read_exact(&mut hello).unwrap();
        assert!(started.elapsed() < Duration::from_secs(3));
        // A stand-in of this build's version: ggml-rpc goes on, and the engine reports the failure.
        assert_eq!(hello, hello_response());
        assert!(watchdog.latest().unwrap().failure().unwrap().contains("did not answer within 500 ms"));
    }

    #[test]
    fn refuses_a_worker_of_another_version() {
        let worker = TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = worker.local_addr().unwrap().to_string();
        thread::spawn(move || {
            let (mut socket, _) = worker.accept().unwrap();
            let mut hello = vec![0u8; 9 + protocol::HELLO_REQUEST_SIZE];
            socket.read_exact(&mut hello).unwrap();
            let mut payload = vec![0u8; protocol::HELLO_RESPONSE_SIZE];
            payload[0] = protocol::VERSION.0 + 1;
            socket.write_all(&response(&payload)).unwrap();
            thread::sleep(Duration::from_secs(2));
        });
        let watchdog = Watchdog::start(&endpoint, Duration::from_secs(5)).unwrap();
        let mut ggml = TcpStream::connect(&watchdog.local_endpoint).unwrap();
        ggml.write_all(&request(protocol::CMD_HELLO, &[0u8; protocol::HELLO_REQUEST_SIZE])).unwrap();
        let mut hello = vec![0u8; 8 + protocol::HELLO_RESPONSE_SIZE];
        ggml.read_exact(&mut hello).unwrap();
        assert_eq!(hello, hello_response());
        assert!(watchdog.latest().unwrap().failure().unwrap().contains("speaks RPC protocol"));
    }
}
