//! Generation: sampling options, stop strings, a token callback, and the result's figures.
use crate::boundary::{c_str, call, invalid, slice};
use crate::context::{gpt4all_context, with_context};
use crate::options::{self, versioned};
use gpt4all_core::{FinishReason, GenerateParams, Grammar, SamplingParams, Status};
use std::ffi::{c_char, c_void};
use std::sync::atomic::Ordering;

/// Called for every generated token with the text that became safe to emit (UTF-8, may be
/// empty; NUL-terminated, `length` bytes without the NUL) and the token id. After the last
/// token, text held back for a possible stop string comes in one more call with token -1.
/// Return false to stop generating (the finish reason is then GPT4ALL_FINISH_REASON_ABORT).
/// Called on the generating thread; `text` is valid only during the call.
pub type gpt4all_token_callback =
    Option<unsafe extern "C" fn(text: *const c_char, length: usize, token: i32, user_data: *mut c_void) -> bool>;

/// Options for gpt4all_generate(). Sampling follows llama.cpp's sampler chain: penalties, then
/// top-k, top-p, min-p, temperature and a seeded draw (greedy when temperature <= 0).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct gpt4all_generate_options {
    /// sizeof(gpt4all_generate_options).
    pub struct_size: usize,
    /// Most tokens to generate (gpt4all_generate_options_default() sets GPT4All's default);
    /// -1: until the context is full or the model ends.
    pub max_tokens: i32,
    /// <= 0: greedy (deterministic).
    pub temperature: f32,
    /// Keep the k most likely tokens; 0 disables.
    pub top_k: i32,
    /// Keep the smallest set of tokens whose probabilities add up to p; 1 disables.
    pub top_p: f32,
    /// Drop tokens less likely than min_p times the most likely one; 0 disables.
    pub min_p: f32,
    /// Divide the logits of recently seen tokens by this; 1 disables.
    pub repeat_penalty: f32,
    pub frequency_penalty: f32,
    pub presence_penalty: f32,
    /// Recent tokens the penalties look at; 0 disables, -1 the whole context.
    pub repeat_last_n: i32,
    /// Seed of the draw.
    pub seed: u32,
    /// Strings that end generation (UTF-8, NUL-terminated); the output stops before them.
    pub stop: *const *const c_char,
    /// How many strings `stop` holds.
    pub n_stop: usize,
    /// Render control tokens (such as "<|im_end|>") as text instead of nothing.
    pub special: bool,
    /// The token callback; NULL for none.
    pub on_token: gpt4all_token_callback,
    /// Passed to `on_token` as is.
    pub user_data: *mut c_void,
    /// A GBNF grammar (UTF-8, NUL-terminated) the output must follow, starting at rule `root`;
    /// NULL for none. An invalid one fails with GPT4ALL_STATUS_GRAMMAR_INVALID, the message
    /// (gpt4all_last_error()) giving its line and column.
    pub grammar: *const c_char,
    /// A JSON Schema (JSON text, NUL-terminated) the output must validate against, converted
    /// with llama.cpp's converter; NULL for none. At most one of `grammar` and `json_schema`.
    /// Fails with GPT4ALL_STATUS_SCHEMA_INVALID or _SCHEMA_UNSUPPORTED (naming the keyword).
    pub json_schema: *const c_char,
    /// Token ids whose logits `logit_bias_values` shifts (-INFINITY bans a token); NULL for none.
    pub logit_bias_tokens: *const i32,
    pub logit_bias_values: *const f32,
    /// How many entries the two arrays hold.
    pub n_logit_bias: usize,
}

impl Default for gpt4all_generate_options {
    fn default() -> Self {
        let core = GenerateParams::default();
        let s = core.sampling;
        gpt4all_generate_options {
            struct_size: size_of::<Self>(),
            max_tokens: core.max_tokens.map_or(-1, |n| n.min(i32::MAX as u32) as i32),
            temperature: s.temperature,
            top_k: s.top_k,
            top_p: s.top_p,
            min_p: s.min_p,
            repeat_penalty: s.repeat_penalty,
            frequency_penalty: s.frequency_penalty,
            presence_penalty: s.presence_penalty,
            repeat_last_n: s.repeat_last_n,
            seed: s.seed,
            stop: std::ptr::null(),
            n_stop: 0,
            special: core.special,
            on_token: None,
            user_data: std::ptr::null_mut(),
            grammar: std::ptr::null(),
            json_schema: std::ptr::null(),
            logit_bias_tokens: std::ptr::null(),
            logit_bias_values: std::ptr::null(),
            n_logit_bias: 0,
        }
    }
}

/// What a generation did.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct gpt4all_generation {
    /// sizeof(gpt4all_generation), set by the caller.
    pub struct_size: usize,
    pub finish_reason: FinishReason,
    /// Tokens of the prompt.
    pub prompt_tokens: usize,
    /// Prompt tokens found in the KV cache and not evaluated again.
    pub cached_tokens: usize,
    /// Tokens generated (without the end-of-generation token).
    pub completion_tokens: usize,
    /// Milliseconds evaluating the prompt (prefill).
    pub prompt_ms: f64,
    /// Milliseconds generating (decode and sampling).
    pub generate_ms: f64,
}

impl Default for gpt4all_generation {
    fn default() -> Self {
        gpt4all_generation {
            struct_size: size_of::<Self>(),
            finish_reason: FinishReason::Abort,
            prompt_tokens: 0,
            cached_tokens: 0,
            completion_tokens: 0,
            prompt_ms: 0.0,
            generate_ms: 0.0,
        }
    }
}
versioned!(gpt4all_generate_options, gpt4all_generation);

/// The options that gpt4all_generate() uses when given NULL: GPT4All's defaults (gpt4all.h's
/// GPT4ALL_DEFAULT_* values), no grammar, no logit bias.
#[no_mangle]
pub extern "C" fn gpt4all_generate_options_default() -> gpt4all_generate_options {
    gpt4all_generate_options::default()
}

/// Generates a continuation of the `n_prompt` token ids at `prompt`, streaming it through
/// `options->on_token`, and writes the figures to `*result` (may be NULL). The KV cache is
/// reused for the longest prefix it shares with the prompt. An abort (gpt4all_context_abort()
/// or the callback returning false) ends it with GPT4ALL_FINISH_REASON_ABORT and status OK.
/// Errors: GPT4ALL_STATUS_CONTEXT_OVERFLOW (the prompt does not fit), _CONTEXT_BUSY,
/// _INVALID_ARGUMENT (empty prompt, token ids outside the vocabulary, bad sampling values,
/// an embeddings context), _GRAMMAR_INVALID, _SCHEMA_INVALID, _SCHEMA_UNSUPPORTED, _DECODE,
/// _DISPOSED.
#[no_mangle]
pub unsafe extern "C" fn gpt4all_generate(
    context: *mut gpt4all_context,
    prompt: *const i32,
    n_prompt: usize,
    options: *const gpt4all_generate_options,
    result: *mut gpt4all_generation,
) -> Status {
    call(|| {
        let prompt = unsafe { slice(prompt, n_prompt, "prompt")? };
        let options = unsafe { options::read(options, "options")? };
        let stops = unsafe { slice(options.stop, options.n_stop, "options->stop")? };
        let stop = stops
            .iter()
            .enumerate()
            .map(|(i, &s)| unsafe { c_str(s, &format!("options->stop[{i}]")) }.map(str::to_string))
            .collect::<gpt4all_core::Result<Vec<_>>>()?;
        if options.max_tokens < -1 {
            return Err(invalid(format!("options->max_tokens is {}; use -1 for no limit", options.max_tokens)));
        }
        let bias_tokens =
            unsafe { slice(options.logit_bias_tokens, options.n_logit_bias, "options->logit_bias_tokens")? };
        let bias_values =
            unsafe { slice(options.logit_bias_values, options.n_logit_bias, "options->logit_bias_values")? };
        let grammar = match (options.grammar.is_null(), options.json_schema.is_null()) {
            (true, true) => None,
            (false, true) => Some(Grammar::gbnf(unsafe { c_str(options.grammar, "options->grammar")? })),
            (true, false) => {
                Some(Grammar::json_schema(unsafe { c_str(options.json_schema, "options->json_schema")? })?)
            }
            (false, false) => return Err(invalid("set options->grammar or options->json_schema, not both".into())),
        };
        let params = GenerateParams {
            max_tokens: u32::try_from(options.max_tokens).ok(),
            sampling: SamplingParams {
                temperature: options.temperature,
                top_k: options.top_k,
                top_p: options.top_p,
                min_p: options.min_p,
                repeat_penalty: options.repeat_penalty,
                frequency_penalty: options.frequency_penalty,
                presence_penalty: options.presence_penalty,
                repeat_last_n: options.repeat_last_n,
                seed: options.seed,
                logit_bias: bias_tokens.iter().copied().zip(bias_values.iter().copied()).collect(),
            },
            stop,
            special: options.special,
            grammar,
        };
        let generation = with_context(context, |context, abort| {
            let mut text = Vec::new();
            context.generate(prompt, &params, abort, &mut |chunk| {
                let Some(on_token) = options.on_token else { return };
                text.clear();
                text.extend_from_slice(chunk.text.as_bytes());
                text.push(0);
                let go_on = unsafe {
                    on_token(text.as_ptr() as *const c_char, chunk.text.len(), chunk.token, options.user_data)
                };
                if !go_on {
                    abort.store(true, Ordering::SeqCst);
                }
            })
        })?;
        let figures = gpt4all_generation {
            struct_size: size_of::<gpt4all_generation>(),
            finish_reason: generation.finish_reason,
            prompt_tokens: generation.prompt_tokens,
            cached_tokens: generation.cached_tokens,
            completion_tokens: generation.tokens.len(),
            prompt_ms: generation.timings.prompt_ms,
            generate_ms: generation.timings.generate_ms,
        };
        unsafe { options::write(result, figures, "result") }
    })
}
