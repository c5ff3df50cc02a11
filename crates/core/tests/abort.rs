//! Abort semantics on a real model. The model path comes from `GPT4ALL_TEST_MODEL` (the
//! integration tests generate one and run `cargo test` with it); without it these tests skip.
use gpt4all_core::{Context, ContextParams, FinishReason, GenerateParams, Model, ModelParams, SamplingParams};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

fn model() -> Option<Arc<Model>> {
    let Some(path) = std::env::var_os("GPT4ALL_TEST_MODEL") else {
        eprintln!("GPT4ALL_TEST_MODEL is not set; skipping");
        return None;
    };
    Some(Arc::new(Model::load(path.as_ref(), &ModelParams::default(), None).expect("test model loads")))
}

fn greedy(max_tokens: u32) -> GenerateParams {
    GenerateParams {
        max_tokens: Some(max_tokens),
        sampling: SamplingParams { temperature: 0.0, ..Default::default() },
        ..Default::default()
    }
}

#[test]
fn abort_stops_generation_within_one_token() {
    let Some(model) = model() else { return };
    let mut ctx = Context::new(model.clone(), &ContextParams { context_size: 512, ..Default::default() }).unwrap();
    let prompt = model.tokenize("Once upon a time", true, false).unwrap();
    for stop_after in [1usize, 5, 17] {
        let abort = AtomicBool::new(false);
        let mut seen = 0;
        let out = ctx
            .generate(&prompt, &greedy(200), &abort, &mut |_| {
                seen += 1;
                if seen == stop_after {
                    abort.store(true, Ordering::Relaxed);
                }
            })
            .unwrap();
        assert_eq!(out.finish_reason, FinishReason::Abort);
        assert_eq!(out.tokens.len(), stop_after, "no token may follow the one during which abort was raised");
    }
}

#[test]
fn abort_during_prompt_evaluation_stops_at_a_batch_boundary() {
    let Some(model) = model() else { return };
    let params = ContextParams { context_size: 4096, batch_size: 16, ..Default::default() };
    let mut ctx = Context::new(model.clone(), &params).unwrap();
    let prompt: Vec<i32> = (0..4000).map(|i| 300 + (i * 7) % 1000).collect();
    let abort = Arc::new(AtomicBool::new(false));
    let raiser = {
        let abort = abort.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(20));
            abort.store(true, Ordering::Relaxed);
        })
    };
    let out = ctx.generate(&prompt, &greedy(4), &abort, &mut |_| {}).unwrap();
    raiser.join().unwrap();
    assert_eq!(out.finish_reason, FinishReason::Abort);
    assert!(out.tokens.is_empty());
    let cached = ctx.cached_tokens();
    assert!(cached.len() < prompt.len(), "evaluation should have stopped part-way");
    assert_eq!(cached.len() % 16, 0);
    assert_eq!(cached, &prompt[..cached.len()]);
    // The context stays consistent: the next prompt reuses what was cached and completes.
    let out = ctx.generate(&prompt[..100], &greedy(3), &AtomicBool::new(false), &mut |_| {}).unwrap();
    assert_eq!(out.tokens.len(), 3);
}
