//! `NativeContext`: a KV cache over a model, with generation and embeddings off the JS thread.
//! With `parallel` > 1 its sequences generate concurrently through a `BatchScheduler`, each call
//! on a thread of its own.
use crate::abort::{flag_of, NativeAbortFlag};
use crate::chunk_batch::ChunkBuffer;
use crate::error::{busy, disposed, to_native, NativeError, Result};
use crate::model::NativeModel;
use crate::number::{integer, optional};
use crate::types::{
    NativeContextOptions, NativeErrorInfo, NativeGenerateEvent, NativeGenerateOptions, NativeGeneration, NativeGrammar,
};
use crate::worker::{error_info, send, Worker};
use gpt4all_core::{
    catch_panic, BatchScheduler, Context, ContextParams, GenerateParams, Generation, Grammar, KvCacheType,
    SamplingParams,
};
use napi::bindgen_prelude::Float32Array;
use napi::bindgen_prelude::Status;
use napi::threadsafe_function::ThreadsafeFunction;
use napi_derive::napi;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// A context. With one sequence, one operation runs at a time and a second one is refused with
/// `ERR_CONTEXT_BUSY` (`@gpt4all/core` queues calls so that users never see that). With several,
/// `generate` calls run at once (waiting in the scheduler for a free sequence).
#[napi]
pub struct NativeContext {
    inner: Arc<Mutex<Option<Context>>>,
    /// The scheduler of a context with several sequences (then `inner` stays empty).
    batched: Mutex<Option<Arc<BatchScheduler>>>,
    /// Generations running on the scheduler.
    running: Arc<AtomicUsize>,
    busy: Arc<AtomicBool>,
    context_size: u32,
    threads: u32,
    parallel: u32,
    worker: Worker,
}

/// An event of `embed`: exactly one `done` (with the vectors) or `error`.
#[napi(discriminant = "kind", discriminant_case = "lowercase", object_from_js = false)]
pub enum NativeEmbedEvent {
    Done { vectors: Vec<Float32Array> },
    Error { error: NativeErrorInfo },
}

/// An event of `logits`: exactly one `done` (the last token's logits) or `error`.
#[napi(discriminant = "kind", discriminant_case = "lowercase", object_from_js = false)]
pub enum NativeLogitsEvent {
    Done { logits: Float32Array },
    Error { error: NativeErrorInfo },
}

/// Marks the context busy for the lifetime of one operation, refusing a second one.
struct BusyGuard(Arc<AtomicBool>);

impl BusyGuard {
    fn acquire(flag: &Arc<AtomicBool>) -> Result<BusyGuard> {
        flag.compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire).map_err(|_| busy())?;
        Ok(BusyGuard(flag.clone()))
    }
}

impl Drop for BusyGuard {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

#[napi]
impl NativeContext {
    #[napi(constructor)]
    pub fn new(model: &NativeModel, options: NativeContextOptions) -> Result<Self> {
        let count =
            |name, value| Ok::<u32, NativeError>(optional(name, value, 0..=u32::MAX as i64)?.unwrap_or(0) as u32);
        let params = ContextParams {
            context_size: count("contextSize", options.context_size)?,
            batch_size: count("batchSize", options.batch_size)?,
            threads: count("threads", options.threads)?,
            embeddings: options.embeddings.unwrap_or(false),
            parallel: optional("parallel", options.parallel, 1..=gpt4all_core::defaults::MAX_PARALLEL as i64)?
                .unwrap_or(1) as u32,
            kv_cache_type: match options.kv_cache_type.as_deref() {
                None => KvCacheType::default(),
                Some(name) => KvCacheType::from_name(name).ok_or_else(|| {
                    to_native(gpt4all_core::Error::InvalidArgument {
                        reason: format!(
                            "kvCacheType must be one of {}, got '{name}'",
                            KvCacheType::names().collect::<Vec<_>>().join(", ")
                        ),
                    })
                })?,
            },
            flash_attention: options.flash_attention,
        };
        if params.parallel > 1 {
            let scheduler = BatchScheduler::new(model.get()?, &params).map_err(to_native)?;
            return Ok(NativeContext {
                context_size: scheduler.context_size(),
                threads: scheduler.threads(),
                parallel: scheduler.parallel(),
                inner: Arc::new(Mutex::new(None)),
                batched: Mutex::new(Some(Arc::new(scheduler))),
                running: Default::default(),
                busy: Default::default(),
                worker: Worker::start("context")?,
            });
        }
        let context = Context::new(model.get()?, &params).map_err(to_native)?;
        Ok(NativeContext {
            context_size: context.context_size(),
            threads: context.threads(),
            parallel: 1,
            inner: Arc::new(Mutex::new(Some(context))),
            batched: Mutex::new(None),
            running: Default::default(),
            busy: Default::default(),
            worker: Worker::start("context")?,
        })
    }

    /// Sequences that generate at once.
    #[napi(getter)]
    pub fn parallel(&self) -> u32 {
        self.parallel
    }

    #[napi(getter)]
    pub fn context_size(&self) -> u32 {
        self.context_size
    }

    /// The CPU threads it computes with (the default, when none were asked for, resolved).
    #[napi(getter)]
    pub fn threads(&self) -> u32 {
        self.threads
    }

    /// The tokens the KV cache holds.
    #[napi]
    pub fn cached_tokens(&self) -> Result<Vec<i32>> {
        self.with(|ctx| ctx.cached_tokens().to_vec())
    }

    /// Empties the KV cache (every sequence's). Refused while an operation runs.
    #[napi]
    pub fn clear(&self) -> Result<()> {
        if let Some(scheduler) = self.scheduler()? {
            if self.running.load(Ordering::Acquire) > 0 {
                return Err(busy());
            }
            scheduler.clear();
            return Ok(());
        }
        self.with(Context::clear)
    }

    /// Keeps the first `n` cached tokens.
    #[napi]
    pub fn truncate(&self, n: f64) -> Result<()> {
        let n = integer("n", n, 0..=u32::MAX as i64)? as usize;
        self.with(|ctx| ctx.truncate(n))
    }

    /// Generates from `tokens` on a worker thread; events arrive through `callback`.
    #[napi]
    pub fn generate(
        &self,
        tokens: Vec<i32>,
        options: NativeGenerateOptions,
        abort: Option<&NativeAbortFlag>,
        callback: ThreadsafeFunction<NativeGenerateEvent, (), NativeGenerateEvent, Status, false>,
    ) -> Result<()> {
        let stream = options.stream.unwrap_or(true);
        let params = generate_params(options)?;
        let abort = flag_of(abort);
        let callback = Arc::new(callback);
        let events = callback.clone();
        let buffer = ChunkBuffer::default();
        if let Some(scheduler) = self.scheduler()? {
            // In line now, on the JS thread: calls get sequences in the order they were made.
            let ticket = scheduler.ticket().map_err(to_native)?;
            let running = self.running.clone();
            running.fetch_add(1, Ordering::AcqRel);
            let started = crate::worker::spawn("sequence", move || {
                let result = catch_panic(|| {
                    ticket.generate(&tokens, &params, &abort, &mut |chunk| {
                        if let Some(batch) = stream.then(|| buffer.push(chunk.text, chunk.token)).flatten() {
                            send(&events, NativeGenerateEvent::Chunk { chunks: batch });
                        }
                    })
                });
                running.fetch_sub(1, Ordering::AcqRel);
                send(&callback, result.map(to_native_generation).map_err(|e| error_info(&e)).into());
            });
            if started.is_err() {
                self.running.fetch_sub(1, Ordering::AcqRel);
            }
            return started;
        }
        self.run(
            move |ctx| {
                ctx.generate(&tokens, &params, &abort, &mut |chunk| {
                    if let Some(batch) = stream.then(|| buffer.push(chunk.text, chunk.token)).flatten() {
                        send(&events, NativeGenerateEvent::Chunk { chunks: batch });
                    }
                })
            },
            move |result| send(&callback, result.map(to_native_generation).into()),
        )
    }

    /// Brings the cache to hold exactly `tokens`, evaluating only what is not cached yet
    /// (prefill without generating). The `done` event's result has `cachedTokens` and `promptMs`.
    #[napi]
    pub fn evaluate(
        &self,
        tokens: Vec<i32>,
        abort: Option<&NativeAbortFlag>,
        callback: ThreadsafeFunction<NativeGenerateEvent, (), NativeGenerateEvent, Status, false>,
    ) -> Result<()> {
        let abort = flag_of(abort);
        let prompt_tokens = tokens.len() as u32;
        let started = std::time::Instant::now();
        self.run(
            move |ctx| ctx.eval_prompt(&tokens, &abort),
            move |result| {
                let evaluated = result.map(|reused| NativeGeneration {
                    text: String::new(),
                    tokens: Vec::new(),
                    finish_reason: "length".into(),
                    prompt_tokens,
                    cached_tokens: reused as u32,
                    completion_tokens: 0,
                    prompt_ms: started.elapsed().as_secs_f64() * 1000.0,
                    generate_ms: 0.0,
                });
                send(&callback, evaluated.into());
            },
        )
    }

    /// Evaluates `tokens` as `evaluate` does and sends the logits of the last one (one per
    /// vocabulary entry, before any sampler) through `callback`.
    #[napi]
    pub fn logits(
        &self,
        tokens: Vec<i32>,
        abort: Option<&NativeAbortFlag>,
        callback: ThreadsafeFunction<NativeLogitsEvent, (), NativeLogitsEvent, Status, false>,
    ) -> Result<()> {
        let abort = flag_of(abort);
        self.run(
            move |ctx| ctx.eval_logits(&tokens, &abort),
            move |result| {
                let event = match result {
                    Ok(logits) => NativeLogitsEvent::Done { logits: Float32Array::new(logits) },
                    Err(error) => NativeLogitsEvent::Error { error },
                };
                send(&callback, event);
            },
        )
    }

    /// Embeds token sequences on a worker thread; the vectors arrive through `callback`.
    #[napi]
    pub fn embed(
        &self,
        inputs: Vec<Vec<i32>>,
        normalize: bool,
        abort: Option<&NativeAbortFlag>,
        callback: ThreadsafeFunction<NativeEmbedEvent, (), NativeEmbedEvent, Status, false>,
    ) -> Result<()> {
        let abort = flag_of(abort);
        self.run(
            move |ctx| ctx.embed(&inputs, normalize, &abort),
            move |result| {
                let event = match result {
                    Ok(vectors) => {
                        NativeEmbedEvent::Done { vectors: vectors.into_iter().map(Float32Array::new).collect() }
                    }
                    Err(error) => NativeEmbedEvent::Error { error },
                };
                send(&callback, event);
            },
        )
    }

    /// Frees the KV cache now. Refused while an operation runs (abort it and wait first).
    #[napi]
    pub fn dispose(&self) -> Result<()> {
        let _guard = BusyGuard::acquire(&self.busy)?;
        if self.running.load(Ordering::Acquire) > 0 {
            return Err(busy());
        }
        self.inner.lock().unwrap().take();
        self.batched.lock().unwrap().take();
        self.worker.stop();
        Ok(())
    }

    #[napi(getter)]
    pub fn disposed(&self) -> bool {
        let single = self.inner.lock().map(|slot| slot.is_none()).unwrap_or(true);
        let batched = self.batched.lock().map(|slot| slot.is_none()).unwrap_or(true);
        single && batched
    }
}

impl NativeContext {
    /// Runs `work` on the context's worker thread, refusing while another operation runs, and
    /// hands its outcome to `report` once the context is free again: JS may dispose the context
    /// as soon as it hears the final event.
    fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Context) -> gpt4all_core::Result<T> + Send + 'static,
        report: impl FnOnce(std::result::Result<T, NativeErrorInfo>) + Send + 'static,
    ) -> Result<()> {
        self.refuse_batched()?;
        let guard = BusyGuard::acquire(&self.busy)?;
        let inner = self.inner.clone();
        self.worker.run(move || {
            let result = match inner.lock().unwrap().as_mut() {
                None => Err(error_info(&gpt4all_core::Error::Disposed { what: "context" })),
                Some(ctx) => catch_panic(|| work(ctx)).map_err(|e| {
                    // A panic may have left the KV cache out of step with its record: start over.
                    if let gpt4all_core::Error::Internal { .. } = e {
                        ctx.clear();
                    }
                    error_info(&e)
                }),
            };
            drop(guard);
            report(result);
        })
    }

    /// Runs a quick operation on the context, refusing while a long one runs.
    fn with<T>(&self, f: impl FnOnce(&mut Context) -> T) -> Result<T> {
        let _guard = BusyGuard::acquire(&self.busy)?;
        self.refuse_batched()?;
        let mut slot = self.inner.lock().unwrap();
        slot.as_mut().map(f).ok_or_else(|| disposed("context"))
    }

    /// The scheduler, for a context of several sequences; `None` for one of one sequence.
    fn scheduler(&self) -> Result<Option<Arc<BatchScheduler>>> {
        if self.parallel == 1 {
            return Ok(None);
        }
        self.batched.lock().unwrap().clone().map(Some).ok_or_else(|| disposed("context"))
    }

    /// Operations on one KV record (cached tokens, truncate, prefill, embeddings) are for
    /// contexts of one sequence.
    fn refuse_batched(&self) -> Result<()> {
        if self.parallel == 1 {
            return Ok(());
        }
        Err(to_native(gpt4all_core::Error::InvalidArgument {
            reason: format!(
                "this context holds {} sequences (parallel), each with its own KV cache: only generate and clear apply",
                self.parallel
            ),
        }))
    }
}

/// The engine's parameters for `o`, its defaults (`gpt4all_core::defaults`) filling the gaps.
fn generate_params(o: NativeGenerateOptions) -> Result<GenerateParams> {
    let defaults = GenerateParams::default();
    let d = defaults.sampling;
    let max_tokens = match optional("maxTokens", o.max_tokens, -1..=u32::MAX as i64)? {
        None => defaults.max_tokens,
        Some(-1) => None,
        Some(n) => Some(n as u32),
    };
    Ok(GenerateParams {
        max_tokens,
        sampling: SamplingParams {
            temperature: o.temperature.map_or(d.temperature, |v| v as f32),
            top_k: optional("topK", o.top_k, 0..=i32::MAX as i64)?.map_or(d.top_k, |n| n as i32),
            top_p: o.top_p.map_or(d.top_p, |v| v as f32),
            min_p: o.min_p.map_or(d.min_p, |v| v as f32),
            repeat_penalty: o.repeat_penalty.map_or(d.repeat_penalty, |v| v as f32),
            frequency_penalty: o.frequency_penalty.map_or(d.frequency_penalty, |v| v as f32),
            presence_penalty: o.presence_penalty.map_or(d.presence_penalty, |v| v as f32),
            repeat_last_n: optional("repeatLastN", o.repeat_last_n, -1..=i32::MAX as i64)?
                .map_or(d.repeat_last_n, |n| n as i32),
            seed: optional("seed", o.seed, 0..=u32::MAX as i64)?.map_or(d.seed, |n| n as u32),
            logit_bias: o
                .logit_bias
                .unwrap_or_default()
                .into_iter()
                .map(|b| Ok((integer("logitBias token", b.token, 0..=i32::MAX as i64)? as i32, b.bias as f32)))
                .collect::<Result<_>>()?,
        },
        stop: o.stop.unwrap_or_default(),
        special: o.special.unwrap_or(defaults.special),
        grammar: o.grammar.map(grammar).transpose()?,
    })
}

fn grammar(g: NativeGrammar) -> Result<Grammar> {
    Ok(Grammar {
        gbnf: g.gbnf,
        root: g.root.unwrap_or_default(),
        trigger_patterns: g.trigger_patterns.unwrap_or_default(),
        trigger_tokens: g
            .trigger_tokens
            .unwrap_or_default()
            .into_iter()
            .map(|t| integer("triggerTokens", t, 0..=i32::MAX as i64).map(|t| t as i32))
            .collect::<Result<_>>()?,
    })
}

fn to_native_generation(g: Generation) -> NativeGeneration {
    NativeGeneration {
        completion_tokens: g.tokens.len() as u32,
        text: g.text,
        tokens: g.tokens,
        finish_reason: g.finish_reason.as_str().to_string(),
        prompt_tokens: g.prompt_tokens as u32,
        cached_tokens: g.cached_tokens as u32,
        prompt_ms: g.timings.prompt_ms,
        generate_ms: g.timings.generate_ms,
    }
}
