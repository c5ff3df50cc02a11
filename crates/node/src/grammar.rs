//! JSON schemas to GBNF (synchronous: a conversion takes microseconds to a few milliseconds).
//! Failures come back as data (`error`) with their typed details, not as thrown errors.
use crate::types::{NativeGrammarPart, NativeGrammarResult};
use crate::worker::error_info;
use gpt4all_core::{catch_panic, json_schema};
use napi_derive::napi;

fn result(outcome: gpt4all_core::Result<String>) -> NativeGrammarResult {
    match outcome {
        Ok(grammar) => NativeGrammarResult { grammar: Some(grammar), error: None },
        Err(e) => NativeGrammarResult { grammar: None, error: Some(error_info(&e)) },
    }
}

/// The GBNF grammar (start rule `root`) for JSON that validates against `schemaJson`, through
/// llama.cpp's converter (`gpt4all_core::json_schema`).
#[napi]
pub fn json_schema_to_grammar(schema_json: String) -> NativeGrammarResult {
    result(catch_panic(|| json_schema::json_schema_to_grammar(&schema_json)))
}

/// One grammar from JSON schemas (each the rule of its name) and GBNF rules that use them
/// (llama.cpp's `build_grammar`).
#[napi]
pub fn build_grammar(schemas: Vec<NativeGrammarPart>, rules: Vec<NativeGrammarPart>) -> NativeGrammarResult {
    let pairs = |parts: Vec<NativeGrammarPart>| parts.into_iter().map(|p| (p.name, p.text)).collect::<Vec<_>>();
    let (schemas, rules) = (pairs(schemas), pairs(rules));
    result(catch_panic(|| json_schema::build_grammar(&schemas, &rules)))
}
