//! A structural check of GGUF files, run before llama.cpp sees them.
//!
//! llama.cpp's loader is defensive but not everywhere: some malformed files end in `abort()` or a
//! division by zero, which kills the whole host process. This reader walks the header, every
//! key/value, every tensor info and the data layout with a byte budget equal to the file's size,
//! so nothing in the file can make it allocate or seek beyond what the file holds. It also keeps
//! the typed key/values, which become the model's metadata.
use crate::error::{Error, Result};
use gpt4all_llama_sys as sys;
use std::collections::HashSet;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

const MAGIC: &[u8; 4] = b"GGUF";
const DEFAULT_ALIGNMENT: u64 = 32;
const MAX_DIMS: u32 = 4;
const MAX_TENSOR_NAME: usize = 63;
const MAX_ARRAY_DEPTH: u32 = 1;

/// A GGUF metadata value, typed as the file stores it.
#[derive(Debug, Clone, PartialEq)]
pub enum MetadataValue {
    UInt(u64),
    Int(i64),
    Float(f64),
    Bool(bool),
    String(String),
    Array(Vec<MetadataValue>),
}

impl MetadataValue {
    /// The value as an unsigned integer, when it is a non-negative integer.
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            MetadataValue::UInt(v) => Some(v),
            MetadataValue::Int(v) if v >= 0 => Some(v as u64),
            _ => None,
        }
    }

    /// A short rendering for messages: numbers as written, strings quoted, arrays by their
    /// first entries.
    pub fn display(&self) -> String {
        match self {
            MetadataValue::UInt(v) => v.to_string(),
            MetadataValue::Int(v) => v.to_string(),
            MetadataValue::Float(v) => v.to_string(),
            MetadataValue::Bool(v) => v.to_string(),
            MetadataValue::String(v) => format!("{v:?}"),
            MetadataValue::Array(items) => {
                let shown: Vec<String> = items.iter().take(8).map(MetadataValue::display).collect();
                let more = if items.len() > 8 { format!(", … ({} entries)", items.len()) } else { String::new() };
                format!("[{}{more}]", shown.join(", "))
            }
        }
    }

    /// The value as a string, when it is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            MetadataValue::String(s) => Some(s),
            _ => None,
        }
    }
}

/// Where one tensor's data lies, relative to the start of the data section.
#[derive(Debug, Clone)]
pub struct TensorInfo {
    pub name: String,
    pub dims: Vec<u64>,
    pub ggml_type: u32,
    pub offset: u64,
    pub size_bytes: u64,
}

/// The parsed, validated layout of a GGUF file.
#[derive(Debug, Clone)]
pub struct GgufFile {
    pub version: u32,
    pub metadata: Vec<(String, MetadataValue)>,
    pub tensors: Vec<TensorInfo>,
    pub file_size: u64,
}

impl GgufFile {
    /// Looks up a metadata value by key.
    pub fn get(&self, key: &str) -> Option<&MetadataValue> {
        self.metadata.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// `general.architecture`, when present.
    pub fn architecture(&self) -> Option<&str> {
        self.get("general.architecture").and_then(MetadataValue::as_str)
    }

    /// Opens and validates a GGUF file.
    pub fn open(path: &Path) -> Result<GgufFile> {
        let file = File::open(path).map_err(|e| Error::ModelNotFound { path: path.into(), reason: e.to_string() })?;
        let metadata =
            file.metadata().map_err(|e| Error::ModelNotFound { path: path.into(), reason: e.to_string() })?;
        if metadata.is_dir() {
            return Err(Error::ModelNotFound { path: path.into(), reason: "is a directory".into() });
        }
        let file_size = metadata.len();
        let mut reader =
            Reader { inner: BufReader::with_capacity(1 << 16, file), remaining: file_size, path: path.into() };
        parse(&mut reader, file_size)
    }
}

struct Reader {
    inner: BufReader<File>,
    remaining: u64,
    path: PathBuf,
}

impl Reader {
    fn invalid(&self, reason: impl Into<String>) -> Error {
        Error::InvalidGguf { path: self.path.clone(), reason: reason.into() }
    }

    fn bytes(&mut self, n: u64, what: &str) -> Result<Vec<u8>> {
        if n > self.remaining {
            return Err(self.invalid(format!("truncated: {what} needs {n} bytes, {} remain", self.remaining)));
        }
        let mut buf = vec![0; n as usize];
        self.inner.read_exact(&mut buf).map_err(|e| self.invalid(format!("read error in {what}: {e}")))?;
        self.remaining -= n;
        Ok(buf)
    }

    fn array<const N: usize>(&mut self, what: &str) -> Result<[u8; N]> {
        Ok(self.bytes(N as u64, what)?.try_into().unwrap())
    }

    fn u32(&mut self, what: &str) -> Result<u32> {
        Ok(u32::from_le_bytes(self.array(what)?))
    }

    fn u64(&mut self, what: &str) -> Result<u64> {
        Ok(u64::from_le_bytes(self.array(what)?))
    }

    fn string(&mut self, what: &str) -> Result<String> {
        let len = self.u64(what)?;
        let bytes = self.bytes(len, what)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Reads a value of GGUF type `tag`; arrays hold scalars or strings only, as llama.cpp requires.
    fn value(&mut self, tag: u32, depth: u32, key: &str) -> Result<MetadataValue> {
        use MetadataValue::*;
        Ok(match tag {
            0 => UInt(u8::from_le_bytes(self.array(key)?) as u64),
            1 => Int(i8::from_le_bytes(self.array(key)?) as i64),
            2 => UInt(u16::from_le_bytes(self.array(key)?) as u64),
            3 => Int(i16::from_le_bytes(self.array(key)?) as i64),
            4 => UInt(self.u32(key)? as u64),
            5 => Int(i32::from_le_bytes(self.array(key)?) as i64),
            6 => Float(f32::from_le_bytes(self.array(key)?) as f64),
            7 => match self.array::<1>(key)?[0] {
                0 => Bool(false),
                1 => Bool(true),
                b => return Err(self.invalid(format!("key '{key}': invalid bool byte {b}"))),
            },
            8 => String(self.string(key)?),
            9 => {
                if depth >= MAX_ARRAY_DEPTH {
                    return Err(self.invalid(format!("key '{key}': nested arrays are not supported")));
                }
                let element = self.u32(key)?;
                let count = self.u64(key)?;
                let min_size = match element {
                    0 | 1 | 7 => 1,
                    2 | 3 => 2,
                    4..=6 => 4,
                    8 | 10 | 11 | 12 => 8,
                    _ => return Err(self.invalid(format!("key '{key}': invalid array element type {element}"))),
                };
                if count.checked_mul(min_size).is_none_or(|n| n > self.remaining) {
                    return Err(self.invalid(format!("key '{key}': array of {count} elements exceeds the file")));
                }
                let mut items = Vec::with_capacity(count as usize);
                for _ in 0..count {
                    items.push(self.value(element, depth + 1, key)?);
                }
                Array(items)
            }
            10 => UInt(self.u64(key)?),
            11 => Int(i64::from_le_bytes(self.array(key)?)),
            12 => Float(f64::from_le_bytes(self.array(key)?)),
            _ => return Err(self.invalid(format!("key '{key}': invalid value type {tag}"))),
        })
    }
}

/// The magics of the GGML formats before GGUF, as the little-endian `u32` they were written as
/// (llama.cpp's `llama_file_version` before GGUF, and the ggml examples): unversioned `ggml`,
/// then `ggmf` (v1) and `ggjt` (v1 to v3, mmap-able).
const LEGACY_MAGICS: [(u32, &str); 3] = [(0x6767_6d6c, "ggml"), (0x6767_6d66, "ggmf"), (0x6767_6a74, "ggjt")];

/// [`Error::LegacyGgml`] when `magic` is an old GGML format's, with its version where it has one.
fn legacy_ggml(r: &mut Reader, magic: [u8; 4], file_size: u64) -> Option<Error> {
    let (_, format) = LEGACY_MAGICS.iter().find(|(m, _)| m.to_le_bytes() == magic)?;
    let version = if *format == "ggml" || file_size < 8 { None } else { r.u32("version").ok() };
    Some(Error::LegacyGgml { path: r.path.clone(), format, version })
}

fn parse(r: &mut Reader, file_size: u64) -> Result<GgufFile> {
    if file_size < 4 {
        return Err(Error::NotGguf { path: r.path.clone() });
    }
    let magic = r.array::<4>("magic")?;
    if &magic != MAGIC {
        return Err(legacy_ggml(r, magic, file_size).unwrap_or_else(|| Error::NotGguf { path: r.path.clone() }));
    }
    let version = r.u32("version")?;
    if !(2..=3).contains(&version) {
        return Err(r.invalid(format!("unsupported GGUF version {version}")));
    }
    let tensor_count = r.u64("tensor count")?;
    let kv_count = r.u64("key/value count")?;
    // Each key/value takes at least 13 bytes and each tensor info at least 24: counts beyond
    // what the file could hold are corrupt, and must not size any allocation.
    if kv_count.checked_mul(13).is_none_or(|n| n > r.remaining) {
        return Err(r.invalid(format!("key/value count {kv_count} exceeds the file")));
    }
    if tensor_count.checked_mul(24).is_none_or(|n| n > r.remaining) {
        return Err(r.invalid(format!("tensor count {tensor_count} exceeds the file")));
    }

    let mut metadata = Vec::with_capacity(kv_count as usize);
    let mut keys = HashSet::new();
    for _ in 0..kv_count {
        let key = r.string("key")?;
        if key.is_empty() {
            return Err(r.invalid(format!("key/value {} has an empty key", metadata.len())));
        }
        if !keys.insert(key.clone()) {
            return Err(r.invalid(format!("duplicate key '{key}'")));
        }
        let tag = r.u32(&key)?;
        let value = r.value(tag, 0, &key)?;
        metadata.push((key, value));
    }

    let alignment = match metadata.iter().find(|(k, _)| k == "general.alignment") {
        None => DEFAULT_ALIGNMENT,
        Some((_, MetadataValue::UInt(a))) if *a > 0 && a.is_power_of_two() => *a,
        Some((_, v)) => return Err(r.invalid(format!("invalid general.alignment {v:?}"))),
    };

    let mut tensors = Vec::with_capacity(tensor_count as usize);
    let mut names = HashSet::new();
    for i in 0..tensor_count {
        tensors.push(read_tensor_info(r, i, alignment, &mut names)?);
    }

    let header_end = file_size - r.remaining;
    let data_start = header_end.div_ceil(alignment) * alignment;
    check_data_layout(r, &mut tensors.iter().collect::<Vec<_>>(), data_start, file_size)?;
    let file = GgufFile { version, metadata, tensors, file_size };
    check_vocabulary(r, &file)?;
    check_hyperparameters(r, &file)?;
    Ok(file)
}

fn read_tensor_info(r: &mut Reader, index: u64, alignment: u64, names: &mut HashSet<String>) -> Result<TensorInfo> {
    let name = r.string("tensor name")?;
    if name.len() > MAX_TENSOR_NAME {
        return Err(r.invalid(format!("tensor {index}: name longer than {MAX_TENSOR_NAME} bytes")));
    }
    if !names.insert(name.clone()) {
        return Err(r.invalid(format!("duplicate tensor name '{name}'")));
    }
    let n_dims = r.u32(&name)?;
    if n_dims == 0 || n_dims > MAX_DIMS {
        return Err(r.invalid(format!("tensor '{name}': {n_dims} dimensions (1 to {MAX_DIMS} allowed)")));
    }
    let mut dims = Vec::with_capacity(n_dims as usize);
    for _ in 0..n_dims {
        let d = r.u64(&name)?;
        if d == 0 || d > i64::MAX as u64 {
            return Err(r.invalid(format!("tensor '{name}': invalid dimension {d}")));
        }
        dims.push(d);
    }
    let ggml_type = r.u32(&name)?;
    let offset = r.u64(&name)?;
    if offset % alignment != 0 {
        return Err(r.invalid(format!("tensor '{name}': offset {offset} is not aligned to {alignment}")));
    }
    let size_bytes = tensor_size(&name, &dims, ggml_type).map_err(|reason| r.invalid(reason))?;
    Ok(TensorInfo { name, dims, ggml_type, offset, size_bytes })
}

/// The byte size of a tensor, using ggml's own type table so new types need no change here.
fn tensor_size(name: &str, dims: &[u64], ggml_type: u32) -> std::result::Result<u64, String> {
    if ggml_type >= sys::ggml_type_GGML_TYPE_COUNT {
        return Err(format!("tensor '{name}': unknown ggml type {ggml_type}"));
    }
    // SAFETY: the type is below GGML_TYPE_COUNT, so these index ggml's static type table.
    let (block, type_size) = unsafe { (sys::ggml_blck_size(ggml_type) as u64, sys::ggml_type_size(ggml_type) as u64) };
    if block == 0 || type_size == 0 {
        return Err(format!("tensor '{name}': ggml type {ggml_type} is no longer supported"));
    }
    if !dims[0].is_multiple_of(block) {
        return Err(format!(
            "tensor '{name}': row of {} elements is not a multiple of the block size {block}",
            dims[0]
        ));
    }
    let elements =
        dims.iter().try_fold(1u64, |acc, &d| acc.checked_mul(d)).ok_or(format!("tensor '{name}': size overflows"))?;
    (elements / block).checked_mul(type_size).ok_or(format!("tensor '{name}': size overflows"))
}

fn check_data_layout(r: &Reader, tensors: &mut [&TensorInfo], data_start: u64, file_size: u64) -> Result<()> {
    tensors.sort_by_key(|t| t.offset);
    let mut previous_end = 0u64;
    for t in tensors.iter() {
        if t.offset < previous_end {
            return Err(r.invalid(format!("tensor '{}' overlaps the tensor before it", t.name)));
        }
        let end = t.offset.checked_add(t.size_bytes).ok_or_else(|| r.invalid("tensor data offset overflows"))?;
        if data_start.checked_add(end).is_none_or(|e| e > file_size) {
            return Err(r.invalid(format!(
                "tensor '{}' data ends at byte {}, beyond the file's {file_size} bytes (truncated file?)",
                t.name,
                data_start.saturating_add(end)
            )));
        }
        // ggml reads tensor data in place (mmap) and asserts TENSOR_ALIGNMENT (32 bytes).
        if !(data_start + t.offset).is_multiple_of(TENSOR_ALIGNMENT) {
            return Err(r.invalid(format!(
                "tensor '{}' data starts at byte {} of the file, not a multiple of {TENSOR_ALIGNMENT} \
                 (ggml's TENSOR_ALIGNMENT; check general.alignment)",
                t.name,
                data_start + t.offset
            )));
        }
        // Weights and biases are numbers to multiply with; integer types there reach an
        // unsupported-type abort in ggml's CPU kernels at the first decode.
        if (t.name.ends_with(".weight") || t.name.ends_with(".bias")) && INTEGER_TYPES.contains(&t.ggml_type) {
            // SAFETY: the type was checked against GGML_TYPE_COUNT when the tensor info was read.
            let type_name = unsafe { std::ffi::CStr::from_ptr(sys::ggml_type_name(t.ggml_type)) }.to_string_lossy();
            return Err(r.invalid(format!(
                "tensor '{}' has the integer type {type_name}; weights and biases must be float or quantized types",
                t.name
            )));
        }
        previous_end = end;
    }
    Ok(())
}

/// ggml's TENSOR_ALIGNMENT (ggml-impl.h): where tensor data must start in memory.
const TENSOR_ALIGNMENT: u64 = 32;
const INTEGER_TYPES: [u32; 4] = [
    sys::ggml_type_GGML_TYPE_I8,
    sys::ggml_type_GGML_TYPE_I16,
    sys::ggml_type_GGML_TYPE_I32,
    sys::ggml_type_GGML_TYPE_I64,
];

/// llama.cpp maps token text to ids and asserts that no text appears twice (llama-vocab.cpp).
fn check_vocabulary(r: &Reader, file: &GgufFile) -> Result<()> {
    let Some(MetadataValue::Array(tokens)) = file.get("tokenizer.ggml.tokens") else {
        return Ok(());
    };
    let mut seen = HashSet::with_capacity(tokens.len());
    for (id, token) in tokens.iter().enumerate() {
        if let Some(text) = token.as_str() {
            if !seen.insert(text) {
                return Err(r.invalid(format!("tokenizer.ggml.tokens: token {id} {text:?} appears twice")));
            }
        }
    }
    if file.get("tokenizer.ggml.model").and_then(MetadataValue::as_str) == Some("rwkv") {
        check_rwkv_bytes(r, tokens)?;
    }
    Ok(())
}

/// llama.cpp's RWKV tokenizer (`llm_tokenizer_rwkv_session`) takes the longest token in a trie
/// and never advances when the first byte begins tokens but is not a token itself: tokenizing
/// such text would loop forever. Every byte that begins a token must be a token.
fn check_rwkv_bytes(r: &Reader, tokens: &[MetadataValue]) -> Result<()> {
    let texts: Vec<Vec<u8>> = tokens.iter().filter_map(MetadataValue::as_str).map(unescape_rwkv).collect();
    let single: HashSet<u8> = texts.iter().filter(|t| t.len() == 1).map(|t| t[0]).collect();
    match texts.iter().filter_map(|t| t.first()).find(|b| !single.contains(b)) {
        Some(byte) => Err(r.invalid(format!(
            "tokenizer.ggml.tokens: RWKV tokens begin with byte 0x{byte:02X}, which is not a token itself"
        ))),
        None => Ok(()),
    }
}

/// The bytes of an RWKV token as llama.cpp reads them (`llama_unescape_rwkv_token`): `\t`,
/// `\n`, `\r`, `\xNN`, and `\` before any other character.
fn unescape_rwkv(escaped: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(escaped.len());
    let mut bytes = escaped.bytes();
    while let Some(c) = bytes.next() {
        if c != b'\\' {
            out.push(c);
            continue;
        }
        match bytes.next() {
            Some(b't') => out.push(b'\t'),
            Some(b'n') => out.push(b'\n'),
            Some(b'r') => out.push(b'\r'),
            Some(b'x') => {
                let digit = |c: Option<u8>| {
                    c.map_or(0, |c| if c >= b'a' { c.wrapping_sub(b'a' - 10) } else { c.wrapping_sub(b'0') })
                };
                let high = digit(bytes.next());
                let low = digit(bytes.next());
                out.push(high.wrapping_shl(4).wrapping_add(low));
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// Limits of llama.cpp's hyperparameter loading (`src/llama-hparams.h`).
const MAX_LAYERS: u64 = 512; // LLAMA_MAX_LAYERS
const MAX_EXPERTS: u64 = 1024; // LLAMA_MAX_EXPERTS
/// LLAMA_POOLING_TYPE_RANK, the last of `enum llama_pooling_type` (llama.h).
const MAX_POOLING_TYPE: u64 = sys::llama_pooling_type_LLAMA_POOLING_TYPE_RANK as u64;
/// Sizes beyond this are corrupt for any model that exists (16 Mi).
const MAX_SIZE: u64 = 1 << 24;

/// Hyperparameters that llama.cpp asserts on, divides by or sizes buffers from, checked with
/// messages that name the key and its allowed range. These are the checks of
/// `llama_model_base::load_hparams` that metadata reaches for every architecture; anything a
/// future llama.cpp adds is still caught by the load guard (`guard.rs`), with llama.cpp's own
/// assertion as the message.
fn check_hyperparameters(r: &Reader, file: &GgufFile) -> Result<()> {
    let Some(arch) = file.architecture() else {
        return Err(r.invalid("missing general.architecture"));
    };
    let key = |suffix: &str| format!("{arch}.{suffix}");
    // Integer hyperparameters: (key, the largest value of a scalar or of any array entry).
    let int = |suffix: &str| -> Result<Option<u64>> {
        let key = key(suffix);
        match file.get(&key) {
            None => Ok(None),
            Some(MetadataValue::Array(items)) => items
                .iter()
                .map(|v| {
                    v.as_u64()
                        .ok_or_else(|| r.invalid(format!("{key} has an entry that is not a non-negative integer")))
                })
                .try_fold(None, |max: Option<u64>, v| Ok(Some(max.unwrap_or(0).max(v?)))),
            Some(v @ (MetadataValue::UInt(_) | MetadataValue::Int(_))) => {
                v.as_u64().map(Some).ok_or_else(|| r.invalid(format!("{key} = {v:?} is negative")))
            }
            Some(_) => Ok(None), // llama.cpp's typed getter rejects other types with its own message
        }
    };
    let out_of_range = |suffix: &str, value: u64, allowed: &str| {
        Err(r.invalid(format!("{} = {value} is out of range (allowed: {allowed})", key(suffix))))
    };

    let layers = int("block_count")?;
    if let Some(n) = layers {
        if !(1..=MAX_LAYERS).contains(&n) {
            return out_of_range("block_count", n, &format!("1 to {MAX_LAYERS}, llama.cpp's LLAMA_MAX_LAYERS"));
        }
    }
    for suffix in ["embedding_length", "attention.head_count", "context_length"] {
        if let Some(n) = int(suffix)? {
            if !(1..=MAX_SIZE).contains(&n) {
                return out_of_range(suffix, n, &format!("1 to {MAX_SIZE}"));
            }
        }
    }
    if let (Some(embd), Some(heads)) = (int("embedding_length")?, int("attention.head_count")?) {
        if embd < heads {
            return out_of_range("attention.head_count", heads, &format!("at most {arch}.embedding_length = {embd}"));
        }
    }
    // Head sizes divide and size every attention tensor; 0 aborts when the graph is built.
    for suffix in ["attention.key_length", "attention.value_length"] {
        if let Some(n) = int(suffix)? {
            if !(1..=MAX_SIZE).contains(&n) {
                return out_of_range(suffix, n, &format!("1 to {MAX_SIZE}"));
            }
        }
    }
    // Grouped-query attention: ggml broadcasts each KV head over head_count / head_count_kv
    // query heads, and asserts that the division is exact (per layer when the keys are arrays).
    let per_layer = |suffix: &str| -> Vec<u64> {
        match file.get(&key(suffix)) {
            Some(MetadataValue::Array(items)) => items.iter().map(|v| v.as_u64().unwrap_or(0)).collect(),
            Some(v) => v.as_u64().into_iter().collect(),
            None => Vec::new(),
        }
    };
    let (heads, kv_heads) = (per_layer("attention.head_count"), per_layer("attention.head_count_kv"));
    for (layer, &kv) in kv_heads.iter().enumerate() {
        let h = heads.get(layer).or(heads.first()).copied().unwrap_or(0);
        if h > 0 && (kv == 0 || !h.is_multiple_of(kv)) {
            let at = if kv_heads.len() > 1 { format!(" (layer {layer})") } else { String::new() };
            return Err(r.invalid(format!(
                "{}{at} = {kv} is out of range (allowed: a divisor of {arch}.attention.head_count = {h})",
                key("attention.head_count_kv")
            )));
        }
    }
    // Rotary embeddings rotate pairs of dimensions within one head: ggml asserts an even count
    // that fits the head (ggml_compute_forward_rope) when the first batch is evaluated.
    if let Some(n_rot) = int("rope.dimension_count")? {
        let head = int("attention.key_length")?.or_else(|| {
            let embd = int("embedding_length").ok().flatten()?;
            heads.first().filter(|&&h| h > 0).map(|&h| embd / h)
        });
        // 0 passes ggml's checks but sends the first evaluation into a loop that never ends.
        if n_rot == 0 || n_rot % 2 != 0 || head.is_some_and(|head| n_rot > head) {
            let limit = head.map_or(String::new(), |head| format!(" up to the head size {head}"));
            return out_of_range("rope.dimension_count", n_rot, &format!("an even number from 2{limit}"));
        }
    }
    if let (Some(n), Some(layers)) = (int("nextn_predict_layers")?, layers) {
        if n > layers {
            return out_of_range("nextn_predict_layers", n, &format!("at most {arch}.block_count = {layers}"));
        }
    }

    let experts = int("expert_count")?.unwrap_or(0);
    if experts > MAX_EXPERTS {
        return out_of_range("expert_count", experts, &format!("0 to {MAX_EXPERTS}, llama.cpp's LLAMA_MAX_EXPERTS"));
    }
    let used = int("expert_used_count")?.unwrap_or(0);
    let groups = int("expert_group_count")?.unwrap_or(0);
    let groups_used = int("expert_group_used_count")?.unwrap_or(0);
    if experts == 0 {
        if used != 0 {
            return out_of_range("expert_used_count", used, &format!("0, since {arch}.expert_count is absent or 0"));
        }
        if groups != 0 {
            return out_of_range("expert_group_count", groups, &format!("0, since {arch}.expert_count is absent or 0"));
        }
    } else {
        if !(1..=experts).contains(&used) {
            return out_of_range("expert_used_count", used, &format!("1 to {arch}.expert_count = {experts}"));
        }
        if groups >= experts {
            return out_of_range("expert_group_count", groups, &format!("below {arch}.expert_count = {experts}"));
        }
        if groups > 1 && !experts.is_multiple_of(groups) {
            return out_of_range(
                "expert_group_count",
                groups,
                &format!("a divisor of {arch}.expert_count = {experts}"),
            );
        }
        if groups > 1 && !(1..groups).contains(&groups_used) {
            return out_of_range("expert_group_used_count", groups_used, &format!("1 to {}", groups - 1));
        }
    }

    // llama.cpp's pooling types end at LLAMA_POOLING_TYPE_RANK; the graph aborts on others.
    if let Some(n) = int("pooling_type")? {
        if n > MAX_POOLING_TYPE {
            return out_of_range("pooling_type", n, &format!("0 to {MAX_POOLING_TYPE} (none, mean, cls, last, rank)"));
        }
    }

    // llama.cpp asserts that the scaling type is one it knows (LLAMA_ROPE_SCALING_TYPES).
    if let Some(v) = file.get(&key("rope.scaling.type")) {
        const KNOWN: [&str; 4] = ["none", "linear", "yarn", "longrope"];
        if v.as_str().is_some_and(|name| !KNOWN.contains(&name)) {
            return Err(r.invalid(format!(
                "{} = {v:?} is not a rope scaling type llama.cpp knows (allowed: {})",
                key("rope.scaling.type"),
                KNOWN.join(", ")
            )));
        }
    }

    // Normalisation epsilons: ggml asserts eps >= 0 when it builds the graph (NaN fails too).
    for suffix in ["attention.layer_norm_epsilon", "attention.layer_norm_rms_epsilon"] {
        if let Some(MetadataValue::Float(eps)) = file.get(&key(suffix)) {
            if !(eps.is_finite() && *eps >= 0.0) {
                return Err(
                    r.invalid(format!("{} = {eps} is out of range (allowed: a finite number >= 0)", key(suffix)))
                );
            }
        }
    }
    Ok(())
}
