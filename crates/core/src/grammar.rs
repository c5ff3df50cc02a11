//! Grammars that constrain sampling: GBNF text (llama.cpp's `grammars/README.md`), checked
//! before use so that a mistake is an [`Error::GrammarInvalid`] with its line and column, and
//! applied by llama.cpp's grammar sampler (`llama_sampler_init_grammar`, or
//! `llama_sampler_init_grammar_lazy_patterns` for a grammar that starts at a trigger).
use crate::error::{Error, Result};
use crate::json_schema;
use crate::model::Token;
use gpt4all_llama_sys as sys;
use std::ffi::{c_char, CStr, CString};
use std::ptr::NonNull;

/// A GBNF grammar for [`crate::GenerateParams::grammar`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Grammar {
    /// The rules, in GBNF.
    pub gbnf: String,
    /// The rule generation starts from (`root` when empty).
    pub root: String,
    /// Lazy grammars: output is unconstrained until one of these regular expressions (ECMAScript
    /// syntax as `std::regex` reads it) matches the text generated so far; the grammar then
    /// applies from the start of the match's first group (or of the whole match). A pattern
    /// that starts with `^` and ends with `$` must match all of the text.
    pub trigger_patterns: Vec<String>,
    /// Lazy grammars: tokens that trigger the grammar, which then applies from that token on.
    pub trigger_tokens: Vec<Token>,
}

impl Grammar {
    /// A grammar from GBNF text, starting at `root`.
    pub fn gbnf(text: impl Into<String>) -> Grammar {
        Grammar { gbnf: text.into(), ..Default::default() }
    }

    /// The grammar for JSON that validates against `schema_json` (a JSON Schema, as text),
    /// through llama.cpp's converter. Errors: see [`json_schema::json_schema_to_grammar`].
    pub fn json_schema(schema_json: &str) -> Result<Grammar> {
        Ok(Grammar::gbnf(json_schema::json_schema_to_grammar(schema_json)?))
    }

    /// Whether the grammar waits for a trigger.
    pub fn is_lazy(&self) -> bool {
        !self.trigger_patterns.is_empty() || !self.trigger_tokens.is_empty()
    }

    fn root_name(&self) -> &str {
        if self.root.is_empty() {
            "root"
        } else {
            &self.root
        }
    }

    /// Checks the grammar against `vocab` (token references such as `<[123]>` must exist).
    /// Errors: [`Error::GrammarInvalid`] with the position of the problem.
    pub(crate) fn check(&self, vocab: *const sys::llama_vocab) -> Result<()> {
        if let Some((offset, min, max)) = inverted_repetition(&self.gbnf) {
            return Err(invalid_at(
                &self.gbnf,
                offset,
                format!("repetition {{{min},{max}}} has its minimum above its maximum"),
            ));
        }
        let text = c_string(&self.gbnf, "grammar")?;
        let root = c_string(self.root_name(), "grammar root")?;
        let mut offset = 0usize;
        let mut error: *mut c_char = std::ptr::null_mut();
        let status =
            unsafe { sys::gpt4all_grammar_check(vocab, text.as_ptr(), root.as_ptr(), &mut offset, &mut error) };
        if status == sys::gpt4all_grammar_status_GPT4ALL_GRAMMAR_OK as i32 {
            return Ok(());
        }
        let reason = if error.is_null() {
            "the grammar does not parse".to_string()
        } else {
            let s = unsafe { CStr::from_ptr(error) }.to_string_lossy().into_owned();
            unsafe { sys::gpt4all_grammar_string_free(error) };
            s
        };
        Err(invalid_at(&self.gbnf, offset, reason))
    }

    /// A new llama.cpp grammar sampler (checked first).
    pub(crate) fn sampler(&self, vocab: *const sys::llama_vocab) -> Result<NonNull<sys::llama_sampler>> {
        self.check(vocab)?;
        let text = c_string(&self.gbnf, "grammar")?;
        let root = c_string(self.root_name(), "grammar root")?;
        let patterns =
            self.trigger_patterns.iter().map(|p| c_string(p, "trigger pattern")).collect::<Result<Vec<_>>>()?;
        let mut pattern_ptrs: Vec<*const c_char> = patterns.iter().map(|p| p.as_ptr()).collect();
        let (raw, failure) = crate::guard::call(|message, size| unsafe {
            sys::gpt4all_sampler_init_grammar_guarded(
                vocab,
                text.as_ptr(),
                root.as_ptr(),
                self.is_lazy(),
                pattern_ptrs.as_mut_ptr(),
                pattern_ptrs.len(),
                self.trigger_tokens.as_ptr(),
                self.trigger_tokens.len(),
                message,
                size,
            )
        });
        if let Some(reason) = failure {
            return Err(invalid_at(
                &self.gbnf,
                0,
                format!("a trigger pattern is not a valid regular expression ({})", reason.trim()),
            ));
        }
        NonNull::new(raw)
            .ok_or_else(|| invalid_at(&self.gbnf, 0, "llama.cpp rejected the grammar or a trigger pattern".into()))
    }
}

fn c_string(text: &str, what: &str) -> Result<CString> {
    CString::new(text).map_err(|_| Error::InvalidArgument { reason: format!("the {what} contains a NUL character") })
}

/// The first repetition `{m,n}` with `m > n` (outside literals, classes and comments): llama.cpp
/// does not refuse one, and expanding it never ends (memory grows until the process dies).
/// Returns its byte offset and bounds.
pub(crate) fn inverted_repetition(gbnf: &str) -> Option<(usize, u64, u64)> {
    let bytes = gbnf.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' | b'[' => {
                let close = if bytes[i] == b'"' { b'"' } else { b']' };
                i += 1;
                while i < bytes.len() && bytes[i] != close {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'{' => {
                let rest = &gbnf[i + 1..];
                let end = rest.find('}')?;
                if let Some((min, max)) = rest[..end].split_once(',') {
                    if let (Ok(min), Ok(max)) = (min.trim().parse::<u64>(), max.trim().parse::<u64>()) {
                        if min > max {
                            return Some((i, min, max));
                        }
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// [`Error::GrammarInvalid`] at byte `offset` of `text`, with its line and column (from 1;
/// the column counts characters).
fn invalid_at(text: &str, offset: usize, reason: String) -> Error {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..]).chars().count() + 1;
    Error::GrammarInvalid { reason, offset, line, column }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn position(gbnf: &str) -> (usize, usize, String) {
        match Grammar::gbnf(gbnf).check(std::ptr::null()) {
            Err(Error::GrammarInvalid { line, column, reason, .. }) => (line, column, reason),
            other => panic!("{gbnf:?}: {other:?}"),
        }
    }

    #[test]
    fn reports_where_a_grammar_is_wrong() {
        assert!(Grammar::gbnf("root ::= \"a\" | [0-9]+\n").check(std::ptr::null()).is_ok());
        // An unfinished rule is reported where it starts.
        let (line, column, reason) = position("root ::= \"a\"\nitem ::= [a-z\n");
        assert_eq!((line, column, reason.as_str()), (2, 1, "unexpected end of input"));
        assert_eq!(position("root ::= \"a\" @ \"b\"\n"), (1, 14, "expecting newline or end".into()));
        assert_eq!(position("root ::= \"\\q\"").1, 11);
        let (_, _, reason) = position("root ::= item\n");
        assert!(reason.contains("item"), "{reason}");
        let (_, _, reason) = position("start ::= \"a\"\n");
        assert!(reason.contains("root"), "{reason}");
        assert_eq!(
            position("root ::= \"{5,2}\" [{] \"a\"{5,2}\n"),
            (1, 25, "repetition {5,2} has its minimum above its maximum".into())
        );
    }
}
