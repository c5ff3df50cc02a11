//! The parts of ggml's RPC wire protocol that the host side watches (protocol 7.0,
//! `ggml/src/ggml-rpc/ggml-rpc.cpp` and `ggml/include/ggml-rpc.h` of the pinned llama.cpp).
//!
//! A request is `cmd: u8 | size: u64 | payload`; a command that has a response gets
//! `size: u64 | payload` back, on the same connection, in order. Integers are little-endian.
//! The payload sizes below are the packed C structs of ggml-rpc.cpp.
use gpt4all_llama_sys as sys;

/// The protocol version this build's ggml-rpc speaks (`RPC_PROTO_MAJOR_VERSION`, `…_MINOR_…`,
/// `…_PATCH_…`); llama.cpp accepts a worker of the same major version and no newer minor.
pub const VERSION: (u8, u8, u8) = (
    gpt4all_llama_sys::RPC_PROTO_MAJOR_VERSION as u8,
    gpt4all_llama_sys::RPC_PROTO_MINOR_VERSION as u8,
    gpt4all_llama_sys::RPC_PROTO_PATCH_VERSION as u8,
);

/// `RPC_CMD_HELLO`: always 14, in every protocol version, so that versions can be told apart.
pub const CMD_HELLO: u8 = 14;
/// `RPC_CONN_CAPS_SIZE` (transport.h): the transport capabilities exchanged in HELLO (RDMA).
const CONN_CAPS_SIZE: usize = 24;
/// `rpc_msg_hello_req`: the client's transport capabilities.
pub const HELLO_REQUEST_SIZE: usize = CONN_CAPS_SIZE;
/// `rpc_msg_hello_rsp`: major, minor, patch, padding, then the server's capabilities.
pub const HELLO_RESPONSE_SIZE: usize = 4 + CONN_CAPS_SIZE;
/// One past the last command (`RPC_CMD_COUNT`).
const CMD_COUNT: u8 = 19;

/// What a command gets back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    /// Nothing: the client sends it and goes on (`SET_TENSOR`, `GRAPH_COMPUTE`, `FREE_BUFFER`, …).
    None,
    /// A response of this many payload bytes.
    Bytes(u64),
}

/// What `cmd` with this request payload gets back, or `None` for a command this protocol does
/// not have. `GET_TENSOR`'s response is as long as the request asks (its last 8 bytes).
pub fn reply_of(cmd: u8, payload: &[u8]) -> Option<Reply> {
    let bytes = |n: u64| Some(Reply::Bytes(n));
    match cmd {
        0 => bytes(16),             // ALLOC_BUFFER: remote_ptr, remote_size
        1 | 2 | 3 | 13 => bytes(8), // GET_ALIGNMENT, GET_MAX_SIZE, BUFFER_GET_BASE, GET_ALLOC_SIZE
        7 | 9 => bytes(1),          // SET_TENSOR_HASH, COPY_TENSOR: result
        8 => {
            // GET_TENSOR: rpc_tensor, offset, size
            let size = payload.len().checked_sub(8).map(|at| u64::from_le_bytes(payload[at..].try_into().unwrap()))?;
            bytes(size)
        }
        11 => bytes(16), // GET_DEVICE_MEMORY: free, total
        CMD_HELLO => bytes(HELLO_RESPONSE_SIZE as u64),
        15 => bytes(4), // DEVICE_COUNT
        4 | 5 | 6 | 10 | 12 | 16 | 17 => Some(Reply::None),
        c if c < CMD_COUNT => None, // RPC_CMD_NONE: never sent
        _ => None,
    }
}

/// A well-formed response for `cmd` (with this request payload) that makes the client give up on
/// what it asked, without crashing: what the host answers in a worker's place once the worker is
/// gone. ggml-rpc aborts the process on any transport failure (`RPC_STATUS_ASSERT`), so the
/// connection to it must never fail; the engine sees the worker's failure on its own and reports it.
pub fn stand_in_reply(cmd: u8, size: u64, request: &[u8]) -> Vec<u8> {
    let mut reply = vec![0u8; size as usize];
    match cmd {
        // GET_ALLOC_SIZE: ggml-rpc caches the answer for the rest of the process (per tensor shape
        // and worker), so it must not be too small for when the worker is back: twice the bytes
        // of the tensor (`ggml_nbytes`), more than any backend pads.
        13 => reply.copy_from_slice(&alloc_size_upper_bound(request).to_le_bytes()),
        // Alignment and maximum buffer size: valid values (a power of two, no limit), so that
        // code checking them does not assert; no buffer is ever allocated (remote_ptr 0).
        1 => reply.copy_from_slice(&64u64.to_le_bytes()),
        2 => reply.copy_from_slice(&u64::MAX.to_le_bytes()),
        // A buffer's base address: not null, which ggml asserts.
        3 => reply.copy_from_slice(&4096u64.to_le_bytes()),
        // SET_TENSOR_HASH "found", COPY_TENSOR "done": the client sends no data after it.
        7 | 9 => reply[0] = 1,
        CMD_HELLO => {
            reply[0] = VERSION.0;
            reply[1] = VERSION.1;
            reply[2] = VERSION.2;
        }
        _ => {}
    }
    reply
}

/// An upper bound of what a worker answers GET_ALLOC_SIZE with: twice `ggml_nbytes` of the
/// request's tensor (`rpc_msg_get_alloc_size_req`: device u32, then `rpc_tensor`, whose type is at
/// byte 8, `ne[4]` at 20 and `nb[4]` at 36, all u32), plus a page.
fn alloc_size_upper_bound(request: &[u8]) -> u64 {
    let u32_at = |at: usize| request.get(at..at + 4).map_or(0, |b| u32::from_le_bytes(b.try_into().unwrap()) as u64);
    let tensor = 4;
    let ggml_type = u32_at(tensor + 8) as sys::ggml_type;
    let ne: Vec<u64> = (0..4).map(|i| u32_at(tensor + 20 + 4 * i)).collect();
    let nb: Vec<u64> = (0..4).map(|i| u32_at(tensor + 36 + 4 * i)).collect();
    if ne.contains(&0) {
        return 4096;
    }
    let (type_size, block) =
        unsafe { (sys::ggml_type_size(ggml_type) as u64, sys::ggml_blck_size(ggml_type).max(1) as u64) };
    let mut bytes = if block == 1 { type_size } else { ne[0] * nb[0] / block };
    for i in if block == 1 { 0..4 } else { 1..4 } {
        bytes += (ne[i] - 1) * nb[i];
    }
    2 * bytes + 4096
}

/// A HELLO request with no transport upgrade offered: the connection stays plain TCP, through
/// the host's watchdog (an RDMA upgrade would go around it).
pub fn hello_request() -> Vec<u8> {
    let mut request = Vec::with_capacity(9 + HELLO_REQUEST_SIZE);
    request.push(CMD_HELLO);
    request.extend_from_slice(&(HELLO_REQUEST_SIZE as u64).to_le_bytes());
    request.extend_from_slice(&[0u8; HELLO_REQUEST_SIZE]);
    request
}

/// Why a worker's HELLO response is not one this build can talk to, or `None` when it is.
pub fn version_mismatch(response: &[u8]) -> Option<String> {
    let (major, minor, patch) = (response[0], response[1], response[2]);
    if major == VERSION.0 && minor <= VERSION.1 {
        return None;
    }
    Some(format!(
        "the worker speaks RPC protocol {major}.{minor}.{patch}; this engine speaks {}.{}.{} \
         (run a worker of the same GPT4All or llama.cpp release)",
        VERSION.0, VERSION.1, VERSION.2
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_tensor_replies_with_the_size_it_asks_for() {
        let mut payload = vec![0u8; 296 + 8];
        payload.extend_from_slice(&1234u64.to_le_bytes());
        assert_eq!(reply_of(8, &payload), Some(Reply::Bytes(1234)));
        assert_eq!(reply_of(8, &[1, 2]), None);
    }

    #[test]
    fn knows_which_commands_are_answered() {
        assert_eq!(reply_of(CMD_HELLO, &[]), Some(Reply::Bytes(28)));
        assert_eq!(reply_of(10, &[]), Some(Reply::None)); // GRAPH_COMPUTE
        assert_eq!(reply_of(18, &[]), None); // RPC_CMD_NONE
        assert_eq!(reply_of(200, &[]), None);
    }

    #[test]
    fn stand_in_replies_are_well_formed() {
        assert_eq!(stand_in_reply(1, 8, &[]), 64u64.to_le_bytes());
        assert_eq!(stand_in_reply(7, 1, &[]), [1]);
        assert_eq!(stand_in_reply(8, 5, &[]), [0; 5]);
        assert_eq!(version_mismatch(&stand_in_reply(CMD_HELLO, HELLO_RESPONSE_SIZE as u64, &[])), None);
    }

    #[test]
    fn alloc_size_stand_ins_are_never_below_the_tensor_bytes() {
        // A 4096 x 32 F32 tensor: 512 KiB.
        let mut request = vec![0u8; 4 + 296];
        request[4 + 8..4 + 12].copy_from_slice(&(sys::ggml_type_GGML_TYPE_F32 as u32).to_le_bytes());
        for (i, (ne, nb)) in
            [(4096u32, 4u32), (32, 4 * 4096), (1, 4 * 4096 * 32), (1, 4 * 4096 * 32)].into_iter().enumerate()
        {
            request[4 + 20 + 4 * i..4 + 24 + 4 * i].copy_from_slice(&ne.to_le_bytes());
            request[4 + 36 + 4 * i..4 + 40 + 4 * i].copy_from_slice(&nb.to_le_bytes());
        }
        let reply = stand_in_reply(13, 8, &request);
        assert_eq!(u64::from_le_bytes(reply.try_into().unwrap()), 2 * 4096 * 32 * 4 + 4096);
    }

    #[test]
    fn tells_an_incompatible_version() {
        let mut response = [0u8; HELLO_RESPONSE_SIZE];
        response[0] = VERSION.0 + 1;
        assert!(version_mismatch(&response).unwrap().contains("speaks RPC protocol"));
        response[0] = VERSION.0;
        response[1] = VERSION.1 + 1;
        assert!(version_mismatch(&response).is_some());
    }
}
