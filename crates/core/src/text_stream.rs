//! Turns token bytes into text chunks that are safe to hand out one at a time.
//!
//! Two things can make the text of the latest token unsafe to emit yet: it may end inside a
//! multi-byte UTF-8 character (byte-fallback tokens split characters), or it may be the start of
//! a stop string that the next tokens complete. The stream holds such text back until it is
//! decided, so that the chunks never contain half a character or any part of a stop string, and
//! their concatenation is exactly the final text.

/// Incremental UTF-8 decoding plus stop-string matching.
#[derive(Debug, Default)]
pub struct TextStream {
    bytes: Vec<u8>,
    held: String,
    stops: Vec<String>,
    stopped: bool,
}

impl TextStream {
    /// A stream that ends at the first of `stops` (empty strings are ignored).
    pub fn new(stops: &[String]) -> TextStream {
        TextStream { stops: stops.iter().filter(|s| !s.is_empty()).cloned().collect(), ..Default::default() }
    }

    /// Whether a stop string was found; nothing is emitted after that.
    pub fn stopped(&self) -> bool {
        self.stopped
    }

    /// Adds a token's bytes and returns the text that is now safe to emit (possibly empty).
    pub fn push(&mut self, bytes: &[u8]) -> String {
        if self.stopped {
            return String::new();
        }
        self.bytes.extend_from_slice(bytes);
        let decoded = self.decode_complete();
        self.held.push_str(&decoded);
        if let Some(at) = self.first_stop() {
            self.stopped = true;
            self.held.truncate(at);
            return std::mem::take(&mut self.held);
        }
        let keep = self.partial_stop_len();
        let emit_len = self.held.len() - keep;
        let rest = self.held.split_off(emit_len);
        std::mem::replace(&mut self.held, rest)
    }

    /// Ends the stream: returns the text still held back, with U+FFFD for an unfinished character.
    pub fn finish(&mut self) -> String {
        if self.stopped {
            return String::new();
        }
        let mut text = std::mem::take(&mut self.held);
        if !self.bytes.is_empty() {
            text.push_str(&String::from_utf8_lossy(&self.bytes));
            self.bytes.clear();
        }
        text
    }

    /// Takes the longest complete UTF-8 prefix of the pending bytes; invalid bytes become U+FFFD.
    fn decode_complete(&mut self) -> String {
        let mut out = String::new();
        loop {
            match std::str::from_utf8(&self.bytes) {
                Ok(s) => {
                    out.push_str(s);
                    self.bytes.clear();
                    return out;
                }
                Err(e) => {
                    let valid = e.valid_up_to();
                    out.push_str(std::str::from_utf8(&self.bytes[..valid]).unwrap());
                    match e.error_len() {
                        // An incomplete character at the end: wait for the next token.
                        None => {
                            self.bytes.drain(..valid);
                            return out;
                        }
                        Some(bad) => {
                            out.push(char::REPLACEMENT_CHARACTER);
                            self.bytes.drain(..valid + bad);
                        }
                    }
                }
            }
        }
    }

    fn first_stop(&self) -> Option<usize> {
        self.stops.iter().filter_map(|s| self.held.find(s.as_str())).min()
    }

    /// The length of the longest end of the held text that begins some stop string.
    fn partial_stop_len(&self) -> usize {
        let mut best = 0;
        for stop in &self.stops {
            for (i, _) in stop.char_indices().skip(1) {
                if i > best && self.held.ends_with(&stop[..i]) {
                    best = i;
                }
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(stops: &[&str], pieces: &[&[u8]]) -> (Vec<String>, String, bool) {
        let mut s = TextStream::new(&stops.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        let mut chunks: Vec<String> = pieces.iter().map(|p| s.push(p)).collect();
        chunks.push(s.finish());
        let text = chunks.concat();
        (chunks, text, s.stopped())
    }

    #[test]
    fn splits_multibyte_characters_only_at_boundaries() {
        let bytes = "é😀".as_bytes();
        let pieces: Vec<&[u8]> = bytes.chunks(1).collect();
        let (chunks, text, _) = run(&[], &pieces);
        assert_eq!(text, "é😀");
        for c in &chunks {
            assert!(std::str::from_utf8(c.as_bytes()).is_ok());
        }
        assert_eq!(chunks.iter().filter(|c| !c.is_empty()).count(), 2);
    }

    #[test]
    fn stop_string_across_tokens_is_never_emitted() {
        let (chunks, text, stopped) = run(&["</s>"], &[b"Hello <", b"/", b"s> after"]);
        assert!(stopped);
        assert_eq!(text, "Hello ");
        assert!(chunks.iter().all(|c| !c.contains('<')));
    }

    #[test]
    fn held_prefix_is_released_when_it_does_not_complete() {
        let (chunks, text, stopped) = run(&["###"], &[b"a#", b"#b"]);
        assert!(!stopped);
        assert_eq!(text, "a##b");
        assert_eq!(chunks[0], "a");
    }

    #[test]
    fn invalid_bytes_become_replacement_characters() {
        let (_, text, _) = run(&[], &[&[0x61, 0xFF, 0x62], &[0xE2, 0x82]]);
        assert_eq!(text, "a\u{FFFD}b\u{FFFD}");
    }
}
