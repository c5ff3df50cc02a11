//! Turns token bytes into text chunks that are safe to hand out one at a time.
//!
//! Two things can make the text of the latest token unsafe to emit yet: it may end inside a
//! multi-byte UTF-8 character (byte-fallback tokens split characters), or it may be the start of
//! a stop string that the next tokens complete. The stream holds such text back until it is
//! decided, so that the chunks never contain half a character or any part of a stop string, and
//! their concatenation is exactly the final text.
//!
//! Control tokens (`<|im_start|>`) that the caller does not want to see still take part in stop
//! matching with their text: a stop string `<|im_start|>` must end generation whether the token
//! is rendered or not. Their text is kept as a hidden span, matched, and never emitted.
use std::ops::Range;

/// Incremental UTF-8 decoding plus stop-string matching.
#[derive(Debug, Default)]
pub struct TextStream {
    bytes: Vec<u8>,
    held: String,
    /// Byte ranges of `held` that are hidden control-token text, in order.
    hidden: Vec<Range<usize>>,
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
        self.settle()
    }

    /// Adds the text of a control token that is matched against the stop strings but never
    /// emitted. Returns the text that is now safe to emit (possibly empty).
    pub fn push_hidden(&mut self, text: &str) -> String {
        if self.stopped {
            return String::new();
        }
        // A character left unfinished before a control token can no longer complete.
        if !self.bytes.is_empty() {
            let lossy = String::from_utf8_lossy(&self.bytes).into_owned();
            self.held.push_str(&lossy);
            self.bytes.clear();
        }
        let start = self.held.len();
        self.held.push_str(text);
        self.hidden.push(start..self.held.len());
        self.settle()
    }

    /// Ends the stream: returns the text still held back, with U+FFFD for an unfinished character.
    pub fn finish(&mut self) -> String {
        if self.stopped {
            return String::new();
        }
        let mut text = self.take_visible(self.held.len());
        if !self.bytes.is_empty() {
            text.push_str(&String::from_utf8_lossy(&self.bytes));
            self.bytes.clear();
        }
        text
    }

    /// Emits what the held text allows: everything before a stop string (and stops), or all
    /// but the end that could still begin one. Stops are looked for in the text with control
    /// tokens written out and in the text as the caller sees it, so neither ever shows one.
    fn settle(&mut self) -> String {
        // Without hidden spans the caller sees the held text itself: one pass is enough (the
        // common case, run once per generated token).
        if self.hidden.is_empty() {
            if let Some(at) = first_stop(&self.stops, &self.held) {
                self.stopped = true;
                self.held.truncate(at);
                return std::mem::take(&mut self.held);
            }
            let keep = partial_stop_len(&self.stops, &self.held);
            return self.take_visible(self.held.len() - keep);
        }
        let visible = self.visible_text();
        let held_at = |position| held_position(&self.hidden, position);
        let in_visible = first_stop(&self.stops, &visible).map(held_at);
        let stop = [first_stop(&self.stops, &self.held), in_visible].into_iter().flatten().min();
        let keep_visible = self.held.len() - held_at(visible.len() - partial_stop_len(&self.stops, &visible));
        let keep = partial_stop_len(&self.stops, &self.held).max(keep_visible);
        if let Some(at) = stop {
            self.stopped = true;
            let text = self.take_visible(at);
            self.held.clear();
            self.hidden.clear();
            return text;
        }
        self.take_visible(self.held.len() - keep)
    }

    /// The held text without its hidden spans: what the caller would see.
    fn visible_text(&self) -> String {
        let mut visible = String::with_capacity(self.held.len());
        let mut at = 0;
        for span in &self.hidden {
            visible.push_str(&self.held[at..span.start]);
            at = span.end;
        }
        visible.push_str(&self.held[at..]);
        visible
    }

    /// Removes `held[..end]` and returns its visible part (without hidden spans).
    fn take_visible(&mut self, end: usize) -> String {
        let mut visible = String::with_capacity(end);
        let mut at = 0;
        let mut kept = Vec::new();
        for span in self.hidden.drain(..) {
            if span.start >= end {
                kept.push(span.start - end..span.end - end);
                continue;
            }
            visible.push_str(&self.held[at..span.start]);
            at = span.end.min(end);
            if span.end > end {
                kept.push(0..span.end - end);
            }
        }
        if at < end {
            visible.push_str(&self.held[at..end]);
        }
        self.hidden = kept;
        self.held.drain(..end);
        visible
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
}

/// Where a position in the visible text lies in the held text: each hidden span that starts at
/// or before it shifts it right.
fn held_position(hidden: &[Range<usize>], position: usize) -> usize {
    hidden.iter().fold(position, |mapped, span| if span.start <= mapped { mapped + span.len() } else { mapped })
}

/// Where the first of `stops` begins in `text`.
fn first_stop(stops: &[String], text: &str) -> Option<usize> {
    stops.iter().filter_map(|s| text.find(s.as_str())).min()
}

/// The length of the longest end of `text` that begins some stop string.
fn partial_stop_len(stops: &[String], text: &str) -> usize {
    let mut best = 0;
    for stop in stops {
        for (i, _) in stop.char_indices().skip(1) {
            if i > best && text.ends_with(&stop[..i]) {
                best = i;
            }
        }
    }
    best
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
    fn hidden_control_token_text_matches_a_stop_string_and_is_never_emitted() {
        let mut s = TextStream::new(&["<|im_start|>".to_string()]);
        let mut text = s.push(b"Sure");
        text += &s.push(b" thing");
        text += &s.push_hidden("<|im_start|>");
        text += &s.push(b"user What next");
        text += &s.finish();
        assert!(s.stopped());
        assert_eq!(text, "Sure thing");
    }

    #[test]
    fn hidden_text_without_a_stop_is_dropped_from_the_output() {
        let mut s = TextStream::new(&["###".to_string()]);
        let chunks = [s.push(b"a"), s.push_hidden("<|im_end|>"), s.push(b"b"), s.finish()];
        assert!(!s.stopped());
        assert_eq!(chunks.concat(), "ab");
    }

    #[test]
    fn a_stop_string_may_span_visible_and_hidden_text() {
        let mut s = TextStream::new(&["\n<|im_start|>".to_string()]);
        let chunks = [s.push(b"one\n"), s.push_hidden("<|im_start|>"), s.push(b"two"), s.finish()];
        assert!(s.stopped());
        assert_eq!(chunks.concat(), "one");
    }

    #[test]
    fn a_held_hidden_span_that_does_not_complete_a_stop_stays_hidden() {
        // The hidden text is a prefix of the stop string, so it is held, then released unseen.
        let mut s = TextStream::new(&["<|im_end|>\n\n".to_string()]);
        let chunks = [s.push(b"x"), s.push_hidden("<|im_end|>"), s.push(b"\ny"), s.finish()];
        assert!(!s.stopped());
        assert_eq!(chunks.concat(), "x\ny");
    }

    #[test]
    fn a_stop_string_in_the_visible_text_fires_across_a_hidden_control_token() {
        // What the caller would see is "Sure thinguser": it must not contain the stop string.
        let mut s = TextStream::new(&["thinguser".to_string()]);
        let chunks = [s.push(b"Sure thing"), s.push_hidden("<|im_start|>"), s.push(b"user What next"), s.finish()];
        assert!(s.stopped());
        assert_eq!(chunks.concat(), "Sure ");
    }

    #[test]
    fn invalid_bytes_become_replacement_characters() {
        let (_, text, _) = run(&[], &[&[0x61, 0xFF, 0x62], &[0xE2, 0x82]]);
        assert_eq!(text, "a\u{FFFD}b\u{FFFD}");
    }
}
