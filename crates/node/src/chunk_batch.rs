//! Streamed chunks, coalesced while the JS thread lags behind the decode loop.
//!
//! Each generated token becomes a chunk on the worker thread. The first chunk after the JS
//! thread last read the buffer schedules one `chunk` event; the event takes whatever the buffer
//! holds when it is converted on the JS thread. When JavaScript keeps up, every token gets its
//! own event; when it lags (a slow consumer, a busy event loop), one event carries every chunk
//! produced meanwhile, so the decode loop never waits and the JS thread wakes once per batch.
use napi::bindgen_prelude::{ToNapiValue, TypeName, ValidateNapiValue, ValueType};
use napi::sys;
use napi_derive::napi;
use std::sync::{Arc, Mutex};

/// The chunks of one `chunk` event, in order: `texts[i]` became safe to emit with `tokens[i]`.
#[napi(object, object_from_js = false)]
pub struct NativeChunks {
    pub texts: Vec<String>,
    pub tokens: Vec<i32>,
}

#[derive(Default)]
struct Buffer {
    texts: Vec<String>,
    tokens: Vec<i32>,
    /// An event is queued that has not read the buffer yet.
    scheduled: bool,
}

/// The worker's side: push chunks; `push` says when a new event must be sent.
#[derive(Clone, Default)]
pub struct ChunkBuffer(Arc<Mutex<Buffer>>);

impl ChunkBuffer {
    /// Adds one chunk; returns the event to send, or `None` when a queued one will carry it.
    pub fn push(&self, text: &str, token: i32) -> Option<ChunkBatch> {
        let mut buffer = self.0.lock().unwrap();
        buffer.texts.push(text.to_string());
        buffer.tokens.push(token);
        if buffer.scheduled {
            return None;
        }
        buffer.scheduled = true;
        Some(ChunkBatch(self.clone()))
    }
}

/// A queued event's claim on the buffer: converted to [`NativeChunks`] on the JS thread.
pub struct ChunkBatch(ChunkBuffer);

impl ChunkBatch {
    fn take(&self) -> NativeChunks {
        let mut buffer = self.0 .0.lock().unwrap();
        buffer.scheduled = false;
        NativeChunks { texts: std::mem::take(&mut buffer.texts), tokens: std::mem::take(&mut buffer.tokens) }
    }
}

impl TypeName for ChunkBatch {
    fn type_name() -> &'static str {
        "NativeChunks"
    }
    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ValidateNapiValue for ChunkBatch {}

impl ToNapiValue for ChunkBatch {
    unsafe fn to_napi_value(env: sys::napi_env, batch: Self) -> napi::Result<sys::napi_value> {
        unsafe { NativeChunks::to_napi_value(env, batch.take()) }
    }
}

#[cfg(test)]
mod tests {
    use super::ChunkBuffer;

    #[test]
    fn chunks_wait_for_the_queued_event_and_keep_their_order() {
        let buffer = ChunkBuffer::default();
        let first = buffer.push("a", 1).expect("the first chunk schedules an event");
        assert!(buffer.push("b", 2).is_none());
        let taken = first.take();
        assert_eq!((taken.texts, taken.tokens), (vec!["a".to_string(), "b".to_string()], vec![1, 2]));
        let second = buffer.push("c", 3).expect("a chunk after the read schedules a new event");
        assert_eq!(second.take().tokens, vec![3]);
    }
}
