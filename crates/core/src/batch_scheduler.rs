//! Continuous batching: the sequences of one context generate at once, their next steps decoded
//! together in one `llama_decode` per step.
//!
//! Each [`BatchScheduler::generate`] call runs its own generation loop on its caller's thread and
//! takes a free sequence for its duration; when all are busy it waits its turn (first come, first
//! served, abortable, at most [`defaults::MAX_WAITING`] waiting). Whenever it needs tokens
//! evaluated (its prompt, or the token it just sampled) it leaves them as its sequence's pending
//! part and waits. The step is decoded as soon as every busy sequence has a part pending: by
//! whichever thread completed the set, with the context's one thread pool. Sequences join and
//! leave between steps, and one step holds at most `batch_size` tokens: single-token decode steps
//! first, then chunks of new prompts, so a long prompt never stalls the others for more than a
//! batch. As in llama.cpp's server, a call gets the sequence whose cache its prompt continues,
//! so a conversation returns to its own KV cache.
use crate::context::{common_prefix, BatchPart, Context, ContextParams};
use crate::defaults;
use crate::error::{Error, Result};
use crate::generate::{generate_on, Chunk, GenerateParams, Generation, SequenceEval};
use crate::model::{Model, Token};
use crate::sampler::Sampler;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

/// How often a waiting call looks at its abort flag.
const ABORT_POLL: Duration = Duration::from_millis(10);

/// A context whose `parallel` sequences generate concurrently. `Send + Sync`: share it between
/// threads and call [`BatchScheduler::generate`] from each.
pub struct BatchScheduler {
    state: Mutex<State>,
    changed: Condvar,
    /// Tickets of the calls waiting for a sequence, oldest first. Its own lock, never held long:
    /// a call takes its place from the JS thread, which must not wait for a step's decode.
    line: Mutex<Line>,
    model: Arc<Model>,
    context_size: u32,
    batch_size: u32,
    threads: u32,
    parallel: u32,
}

struct State {
    context: Context,
    slots: Vec<Slot>,
    /// Counts sequence hand-outs, for least-recently-used choice.
    clock: u64,
}

#[derive(Default)]
struct Line {
    waiting: VecDeque<u64>,
    next_ticket: u64,
}

#[derive(Default)]
struct Slot {
    busy: bool,
    last_used: u64,
    /// The generating call's abort flag while it is busy; read by the decode of a step.
    abort: Option<*const AtomicBool>,
    /// Tokens to evaluate, and how many of them are already in the KV cache.
    pending: Option<(Vec<Token>, usize)>,
    /// The outcome of the pending part, once it is all evaluated: its logits' batch position.
    done: Option<Result<i32>>,
}

// SAFETY: `Context` is used only under the mutex. A slot's abort pointer is set and cleared by the
// generating call, which stays inside `generate` (and so keeps the flag alive) while it is set.
unsafe impl Send for State {}

impl BatchScheduler {
    /// Creates a context of `params.parallel` sequences (at least 2 make sense) for `model`.
    /// Errors: those of [`Context::new`].
    pub fn new(model: Arc<Model>, params: &ContextParams) -> Result<BatchScheduler> {
        if params.embeddings {
            return Err(Error::InvalidArgument {
                reason: "a batch scheduler generates; embeddings need a context".into(),
            });
        }
        let context = Context::new(model.clone(), params)?;
        let parallel = context.parallel();
        Ok(BatchScheduler {
            model,
            context_size: context.context_size(),
            batch_size: context.batch_size(),
            threads: context.threads(),
            parallel,
            changed: Condvar::new(),
            line: Mutex::new(Line::default()),
            state: Mutex::new(State { context, slots: (0..parallel).map(|_| Slot::default()).collect(), clock: 0 }),
        })
    }

    pub fn model(&self) -> &Arc<Model> {
        &self.model
    }

    /// Tokens each sequence holds.
    pub fn context_size(&self) -> u32 {
        self.context_size
    }

    /// CPU threads the context computes with.
    pub fn threads(&self) -> u32 {
        self.threads
    }

    /// Sequences that generate at once.
    pub fn parallel(&self) -> u32 {
        self.parallel
    }

    /// Like [`Context::generate`], on a free sequence, concurrently with other calls. Waits
    /// (abortably) while every sequence is busy. Errors: those of `Context::generate`, and
    /// [`Error::QueueFull`] when [`defaults::MAX_WAITING`] calls wait already.
    pub fn generate(
        &self,
        prompt: &[Token],
        params: &GenerateParams,
        abort: &AtomicBool,
        on_chunk: &mut dyn FnMut(Chunk),
    ) -> Result<Generation> {
        let ticket = self.enqueue()?;
        self.generate_in_turn(ticket, prompt, params, abort, on_chunk)
    }

    /// Takes a place in line now, for a generation that another thread starts later: calls that
    /// take their tickets in some order get their sequences in that order. Errors:
    /// [`Error::QueueFull`].
    pub fn ticket(self: &Arc<Self>) -> Result<Ticket> {
        Ok(Ticket { scheduler: self.clone(), id: Some(self.enqueue()?) })
    }

    /// Places a call in line.
    fn enqueue(&self) -> Result<u64> {
        let mut line = self.line();
        if line.waiting.len() >= defaults::MAX_WAITING as usize {
            return Err(Error::QueueFull { parallel: self.parallel, waiting: line.waiting.len() });
        }
        let ticket = line.next_ticket;
        line.next_ticket += 1;
        line.waiting.push_back(ticket);
        Ok(ticket)
    }

    /// Leaves the line, if still in it.
    fn leave(&self, ticket: u64) {
        let was_waiting = {
            let mut line = self.line();
            let length = line.waiting.len();
            line.waiting.retain(|&t| t != ticket);
            length != line.waiting.len()
        };
        if was_waiting {
            // The next in line may be waiting for this one to go. Notified under the state lock,
            // so that no waiter misses it between its check and its wait.
            let _state = self.lock();
            self.changed.notify_all();
        }
    }

    fn generate_in_turn(
        &self,
        ticket: u64,
        prompt: &[Token],
        params: &GenerateParams,
        abort: &AtomicBool,
        on_chunk: &mut dyn FnMut(Chunk),
    ) -> Result<Generation> {
        // Leaves the line however this call ends, a panic included: a ticket left at its front
        // would stop every later call.
        let _in_line = InLine { scheduler: self, ticket };
        self.check_prompt(prompt)?;
        let sampler = Sampler::new(&params.sampling, self.context_size, &self.model, params.grammar.as_ref())?;
        let seq = match self.acquire(ticket, prompt, abort) {
            Ok(seq) => seq,
            Err(Error::Aborted) => return Ok(aborted(prompt.len())),
            Err(e) => return Err(e),
        };
        // Releases the sequence when dropped, a panic included: a busy sequence with nothing
        // pending would stop every step.
        let mut sequence = Sequence { scheduler: self, seq, logits: -1 };
        generate_on(&mut sequence, sampler, prompt, params, abort, on_chunk)
    }

    fn check_prompt(&self, prompt: &[Token]) -> Result<()> {
        crate::fault::point("generate");
        if prompt.is_empty() {
            return Err(Error::InvalidArgument { reason: "the prompt is empty".into() });
        }
        if prompt.len() > self.context_size as usize {
            return Err(Error::ContextOverflow { tokens: prompt.len(), context_size: self.context_size as usize });
        }
        self.model.check_tokens(prompt)
    }

    /// Empties every sequence's KV cache, once no call generates.
    pub fn clear(&self) {
        let mut state = self.lock();
        while state.slots.iter().any(|s| s.busy) {
            state = self.changed.wait(state).unwrap_or_else(|e| e.into_inner());
        }
        state.context.clear();
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic inside a decode is caught by the caller; the state stays usable.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn line(&self) -> MutexGuard<'_, Line> {
        self.line.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn wait<'a>(&self, state: MutexGuard<'a, State>) -> MutexGuard<'a, State> {
        self.changed.wait_timeout(state, ABORT_POLL).unwrap_or_else(|e| e.into_inner()).0
    }

    /// Takes a free sequence for `prompt`, in arrival order: the one holding the longest prefix
    /// of it, else the least recently used.
    fn acquire(&self, ticket: u64, prompt: &[Token], abort: &AtomicBool) -> Result<usize> {
        let mut state = self.lock();
        loop {
            let mut line = self.line();
            if line.waiting.front() == Some(&ticket) {
                if let Some(seq) = choose_sequence(&state, prompt) {
                    line.waiting.pop_front();
                    drop(line);
                    state.clock += 1;
                    let clock = state.clock;
                    let slot = &mut state.slots[seq];
                    slot.busy = true;
                    slot.last_used = clock;
                    slot.abort = Some(abort as *const AtomicBool);
                    // The next in line may take another free sequence.
                    self.changed.notify_all();
                    return Ok(seq);
                }
            }
            if abort.load(Ordering::Relaxed) {
                line.waiting.retain(|&t| t != ticket);
                self.changed.notify_all();
                return Err(Error::Aborted);
            }
            drop(line);
            state = self.wait(state);
        }
    }

    fn release(&self, seq: usize) {
        let mut state = self.lock();
        let slot = &mut state.slots[seq];
        slot.busy = false;
        slot.abort = None;
        slot.pending = None;
        slot.done = None;
        // A step may have waited for this sequence only.
        self.changed.notify_all();
    }

    /// Evaluates `tokens` on `seq` with the step they join, and returns the batch position of
    /// the last one's logits. Runs steps itself whenever all busy sequences have a part pending.
    fn evaluate(&self, seq: usize, tokens: Vec<Token>, abort: &AtomicBool) -> Result<i32> {
        let mut state = self.lock();
        let slot = &mut state.slots[seq];
        slot.pending = Some((tokens, 0));
        slot.done = None;
        loop {
            if let Some(done) = state.slots[seq].done.take() {
                return done;
            }
            if step_ready(&state) {
                self.step(&mut state);
                continue;
            }
            if abort.load(Ordering::Relaxed) {
                // What was evaluated of the part stays in the cache, recorded; the rest is dropped.
                state.slots[seq].pending = None;
                self.changed.notify_all();
                return Err(Error::Aborted);
            }
            state = self.wait(state);
        }
    }

    /// Decodes one step: every sequence's pending single token, then prompt chunks, up to
    /// `batch_size` tokens.
    fn step(&self, state: &mut State) {
        let mut budget = self.batch_size as usize;
        let mut taken: Vec<(usize, usize, usize)> = Vec::new(); // (seq, from, to)
        let mut by_length: Vec<usize> = (0..state.slots.len()).filter(|&i| state.slots[i].pending.is_some()).collect();
        by_length.sort_by_key(|&i| state.slots[i].pending.as_ref().map_or(0, |(t, from)| t.len() - from));
        for seq in by_length {
            if budget == 0 {
                break;
            }
            let (tokens, from) = state.slots[seq].pending.as_ref().unwrap();
            let to = (*from + budget).min(tokens.len());
            budget -= to - from;
            taken.push((seq, *from, to));
        }
        let parts: Vec<BatchPart> = taken
            .iter()
            .map(|&(seq, from, to)| {
                let (tokens, _) = state.slots[seq].pending.as_ref().unwrap();
                BatchPart { seq, tokens: &tokens[from..to], logits: to == tokens.len() }
            })
            .collect();
        // A decode of several sequences stops early only if every one of them is aborted.
        let flags: Vec<*const AtomicBool> = taken.iter().filter_map(|&(seq, _, _)| state.slots[seq].abort).collect();
        let stop = || flags.iter().all(|&flag| unsafe { &*flag }.load(Ordering::Relaxed));
        // A panic inside llama.cpp becomes an error for the parts of this step.
        let outcome = crate::catch_panic(|| state.context.decode_batch(&parts, &stop));
        drop(parts);
        match outcome {
            Ok(positions) => {
                for (&(seq, _, to), position) in taken.iter().zip(positions) {
                    let slot = &mut state.slots[seq];
                    let finished = slot.pending.as_ref().is_some_and(|(tokens, _)| to == tokens.len());
                    if finished {
                        slot.pending = None;
                        slot.done = Some(Ok(position.unwrap_or(-1)));
                    } else if let Some((_, from)) = slot.pending.as_mut() {
                        *from = to;
                    }
                }
            }
            Err(error) => {
                for &(seq, _, _) in &taken {
                    let slot = &mut state.slots[seq];
                    slot.pending = None;
                    slot.done = Some(Err(error.clone()));
                }
            }
        }
        self.changed.notify_all();
    }
}

/// The free sequence to give `prompt`: one whose cache is worth reusing, the longest shared
/// prefix first: the prompt continues it (shares at least half of what it holds, as a
/// conversation's next turn does) or is mostly in it (at least half of the prompt, as a restart
/// after the same system prompt is); else an empty one; else the least recently used. A shared
/// BOS token alone does not take another conversation's cache.
fn choose_sequence(state: &State, prompt: &[Token]) -> Option<usize> {
    let free = || (0..state.slots.len()).filter(|&i| !state.slots[i].busy);
    let held = |i: usize| state.context.sequence_tokens(i);
    let continued = free()
        .map(|i| (common_prefix(held(i), prompt), i))
        .filter(|&(shared, i)| shared > 0 && (shared * 2 >= held(i).len() || shared * 2 >= prompt.len()))
        .max_by_key(|&(shared, i)| (shared, std::cmp::Reverse(state.slots[i].last_used)));
    if let Some((_, seq)) = continued {
        return Some(seq);
    }
    free().find(|&i| held(i).is_empty()).or_else(|| free().min_by_key(|&i| state.slots[i].last_used))
}

/// A step can run when some sequence has a part pending and every busy one has: the others are
/// sampling, and a decode now would overwrite the logits they read.
fn step_ready(state: &State) -> bool {
    let mut any = false;
    for slot in state.slots.iter().filter(|s| s.busy) {
        if slot.pending.is_none() {
            return false;
        }
        any = true;
    }
    any
}

fn aborted(prompt_tokens: usize) -> Generation {
    Generation {
        text: String::new(),
        tokens: Vec::new(),
        finish_reason: crate::generate::FinishReason::Abort,
        prompt_tokens,
        cached_tokens: 0,
        timings: Default::default(),
    }
}

/// A place in a scheduler's line, taken with [`BatchScheduler::ticket`]; dropped unused, it
/// leaves the line.
pub struct Ticket {
    scheduler: Arc<BatchScheduler>,
    id: Option<u64>,
}

impl Ticket {
    /// [`BatchScheduler::generate`], in this ticket's turn.
    pub fn generate(
        mut self,
        prompt: &[Token],
        params: &GenerateParams,
        abort: &AtomicBool,
        on_chunk: &mut dyn FnMut(Chunk),
    ) -> Result<Generation> {
        let id = self.id.take().expect("a ticket is used once");
        self.scheduler.generate_in_turn(id, prompt, params, abort, on_chunk)
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        if let Some(id) = self.id {
            self.scheduler.leave(id);
        }
    }
}

/// A call's place in line while it checks its prompt and waits for a sequence; dropped, it
/// leaves the line (if it has not left it for a sequence).
struct InLine<'a> {
    scheduler: &'a BatchScheduler,
    ticket: u64,
}

impl Drop for InLine<'_> {
    fn drop(&mut self) {
        self.scheduler.leave(self.ticket);
    }
}

/// One busy sequence of a scheduler, as the generation loop sees it; dropped, it is free again.
struct Sequence<'a> {
    scheduler: &'a BatchScheduler,
    seq: usize,
    /// Batch position of the logits to sample from, after the last evaluation.
    logits: i32,
}

impl Drop for Sequence<'_> {
    fn drop(&mut self) {
        self.scheduler.release(self.seq);
    }
}

impl SequenceEval for Sequence<'_> {
    fn model(&self) -> Arc<Model> {
        self.scheduler.model.clone()
    }

    fn context_size(&self) -> u32 {
        self.scheduler.context_size
    }

    fn cached_len(&self) -> usize {
        self.scheduler.lock().context.sequence_tokens(self.seq).len()
    }

    fn eval_prompt(&mut self, tokens: &[Token], abort: &AtomicBool) -> Result<usize> {
        let reused = {
            let mut state = self.scheduler.lock();
            let common = common_prefix(state.context.sequence_tokens(self.seq), tokens);
            // At least the last token is evaluated again: its logits are what the sampler needs.
            let reused = common.min(tokens.len() - 1);
            state.context.truncate_sequence(self.seq, reused);
            // A recurrent model may have dropped more than asked.
            state.context.sequence_tokens(self.seq).len()
        };
        self.logits = self.scheduler.evaluate(self.seq, tokens[reused..].to_vec(), abort)?;
        Ok(reused)
    }

    fn decode_next(&mut self, token: Token, abort: &AtomicBool) -> Result<()> {
        self.logits = self.scheduler.evaluate(self.seq, vec![token], abort)?;
        Ok(())
    }

    fn sample(&mut self, sampler: &mut Sampler) -> Result<Token> {
        // Under the lock: no step decodes (and overwrites the logits) meanwhile.
        let state = self.scheduler.lock();
        sampler.sample(state.context.raw(), self.logits)
    }
}
