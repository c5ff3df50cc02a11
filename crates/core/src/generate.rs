//! The generation loop: evaluate the prompt (reusing the cache), then sample, emit and decode
//! one token at a time until a stop condition.
use crate::context::Context;
use crate::defaults;
use crate::error::{Error, Result};
use crate::grammar::Grammar;
use crate::model::{Model, Token};
use crate::sampler::{Sampler, SamplingParams};
use crate::text_stream::TextStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// Options for [`Context::generate`].
#[derive(Debug, Clone)]
pub struct GenerateParams {
    /// Most tokens to generate (default [`defaults::MAX_TOKENS`]); `None` runs until the model
    /// ends or the context is full.
    pub max_tokens: Option<u32>,
    pub sampling: SamplingParams,
    /// Generation ends before the first of these strings, which never appears in the output.
    /// Control tokens match by their text (`<|im_start|>`), also when they are not rendered.
    pub stop: Vec<String>,
    /// Render control tokens (such as `<|im_end|>`) as text instead of nothing.
    pub special: bool,
    /// Constrain the output to this grammar (for JSON output, [`Grammar::json_schema`]). Once the
    /// grammar is complete only end-of-generation tokens are allowed.
    pub grammar: Option<Grammar>,
}

impl Default for GenerateParams {
    fn default() -> Self {
        GenerateParams {
            max_tokens: Some(defaults::MAX_TOKENS),
            sampling: SamplingParams::default(),
            stop: Vec::new(),
            special: false,
            grammar: None,
        }
    }
}

/// Why generation ended. The numbers are part of the C ABI.
#[repr(i32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FinishReason {
    /// The model produced an end-of-generation token.
    EndOfGeneration = 0,
    /// `max_tokens` was reached, or the context is full.
    Length = 1,
    /// A stop string was found.
    Stop = 2,
    /// The abort flag was raised (or a token callback asked to stop).
    Abort = 3,
}

impl FinishReason {
    /// Every reason, in number order.
    pub fn all() -> &'static [FinishReason] {
        // A private constant: cbindgen would export a public one into gpt4all.h.
        const ALL: [FinishReason; 4] =
            [FinishReason::EndOfGeneration, FinishReason::Length, FinishReason::Stop, FinishReason::Abort];
        &ALL
    }

    /// The name bindings use: `eog`, `length`, `stop` or `abort`.
    pub fn as_str(self) -> &'static str {
        match self {
            FinishReason::EndOfGeneration => "eog",
            FinishReason::Length => "length",
            FinishReason::Stop => "stop",
            FinishReason::Abort => "abort",
        }
    }
}

/// Wall-clock time spent in each phase.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    pub prompt_ms: f64,
    pub generate_ms: f64,
}

/// The result of one generation.
#[derive(Debug, Clone)]
pub struct Generation {
    pub text: String,
    /// The generated tokens, without the end-of-generation token.
    pub tokens: Vec<Token>,
    pub finish_reason: FinishReason,
    pub prompt_tokens: usize,
    /// Prompt tokens that were already in the cache and not evaluated again.
    pub cached_tokens: usize,
    pub timings: Timings,
}

/// One streamed piece of output: the text that became safe to emit with `token` (may be empty).
/// Every generated token has one chunk, in order; when generation ends with text still held
/// back (a partial stop-string match, an unfinished UTF-8 character), one last chunk carries
/// it with `token` = [`NO_TOKEN`].
#[derive(Debug, Clone, Copy)]
pub struct Chunk<'a> {
    pub text: &'a str,
    pub token: Token,
}

/// The `token` of the final chunk that carries only held-back text.
pub const NO_TOKEN: Token = -1;

/// Where a generating sequence lives: a [`Context`]'s sequence 0, or one sequence of a
/// [`crate::BatchScheduler`]. The generation loop is the same for both.
pub(crate) trait SequenceEval {
    fn model(&self) -> Arc<Model>;
    /// Tokens the sequence may hold.
    fn context_size(&self) -> u32;
    /// Tokens the sequence holds now.
    fn cached_len(&self) -> usize;
    /// Brings the sequence to hold exactly `tokens` (reusing the cached prefix) with the last
    /// token's logits ready; returns how many tokens were reused.
    fn eval_prompt(&mut self, tokens: &[Token], abort: &AtomicBool) -> Result<usize>;
    /// Evaluates one more token, leaving its logits ready.
    fn decode_next(&mut self, token: Token, abort: &AtomicBool) -> Result<()>;
    /// Samples from the logits left ready.
    fn sample(&mut self, sampler: &mut Sampler) -> Result<Token>;
}

impl SequenceEval for Context {
    fn model(&self) -> Arc<Model> {
        Context::model(self).clone()
    }
    fn context_size(&self) -> u32 {
        Context::context_size(self)
    }
    fn cached_len(&self) -> usize {
        self.cached_tokens().len()
    }
    fn eval_prompt(&mut self, tokens: &[Token], abort: &AtomicBool) -> Result<usize> {
        Context::eval_prompt(self, tokens, abort)
    }
    fn decode_next(&mut self, token: Token, abort: &AtomicBool) -> Result<()> {
        self.decode(&[token], abort)
    }
    fn sample(&mut self, sampler: &mut Sampler) -> Result<Token> {
        sampler.sample(self.raw(), -1)
    }
}

impl Context {
    /// Generates a continuation of `prompt`, calling `on_chunk` for every token as it is
    /// produced. Raising `abort` stops it within one token, or within one batch of the prompt;
    /// the result then has [`FinishReason::Abort`] and the text so far.
    pub fn generate(
        &mut self,
        prompt: &[Token],
        params: &GenerateParams,
        abort: &AtomicBool,
        on_chunk: &mut dyn FnMut(Chunk),
    ) -> Result<Generation> {
        if self.is_embedding() {
            return Err(Error::InvalidArgument { reason: "this context was created for embeddings".into() });
        }
        crate::fault::point("generate");
        let sampler = Sampler::new(&params.sampling, self.context_size(), self.model(), params.grammar.as_ref())?;
        generate_on(self, sampler, prompt, params, abort, on_chunk)
    }
}

/// The generation loop: evaluate the prompt, then sample, emit and decode one token at a time
/// until a stop condition.
pub(crate) fn generate_on(
    seq: &mut impl SequenceEval,
    mut sampler: Sampler,
    prompt: &[Token],
    params: &GenerateParams,
    abort: &AtomicBool,
    on_chunk: &mut dyn FnMut(Chunk),
) -> Result<Generation> {
    let mut generation = Generation {
        text: String::new(),
        tokens: Vec::new(),
        finish_reason: FinishReason::Abort,
        prompt_tokens: prompt.len(),
        cached_tokens: 0,
        timings: Timings::default(),
    };
    let started = Instant::now();
    match seq.eval_prompt(prompt, abort) {
        Ok(reused) => generation.cached_tokens = reused,
        Err(Error::Aborted) => return Ok(generation),
        Err(e) => return Err(e),
    }
    generation.timings.prompt_ms = elapsed_ms(started);
    // Here a sequence of a batch scheduler is taken and its prompt is in the cache.
    crate::fault::point("prefill");

    let window = match params.sampling.repeat_last_n {
        n if n < 0 => prompt.len(),
        n => (n as usize).min(prompt.len()),
    };
    sampler.accept(&prompt[prompt.len() - window..]);
    let mut stream = TextStream::new(&params.stop);
    let model = seq.model();
    let context_size = seq.context_size() as usize;
    let started = Instant::now();
    generation.finish_reason = loop {
        if abort.load(Ordering::Relaxed) {
            break FinishReason::Abort;
        }
        if params.max_tokens.is_some_and(|max| generation.tokens.len() >= max as usize) {
            break FinishReason::Length;
        }
        let token = seq.sample(&mut sampler)?;
        if model.is_end_of_generation(token) {
            break FinishReason::EndOfGeneration;
        }
        generation.tokens.push(token);
        let text = match model.hidden_control_text(token, params.special) {
            Some(control) => stream.push_hidden(&control),
            None => stream.push(&model.token_bytes(token, params.special)),
        };
        generation.text.push_str(&text);
        on_chunk(Chunk { text: &text, token });
        if stream.stopped() {
            break FinishReason::Stop;
        }
        // The last token is never evaluated: nothing would read its logits.
        if params.max_tokens.is_some_and(|max| generation.tokens.len() >= max as usize) {
            break FinishReason::Length;
        }
        if seq.cached_len() >= context_size {
            break FinishReason::Length;
        }
        match seq.decode_next(token, abort) {
            Ok(()) => {}
            Err(Error::Aborted) => break FinishReason::Abort,
            Err(e) => return Err(e),
        }
    };
    let rest = stream.finish();
    if !rest.is_empty() {
        generation.text.push_str(&rest);
        on_chunk(Chunk { text: &rest, token: NO_TOKEN });
    }
    generation.timings.generate_ms = elapsed_ms(started);
    Ok(generation)
}

fn elapsed_ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}
