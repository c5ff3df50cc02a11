//! Node-API binding of `gpt4all-core`. Only conversions and entry points live here; the
//! engine's logic, and its tests, are in the core crate.
#![deny(clippy::all)]

mod abort;
mod chunk_batch;
mod context;
mod contract;
mod engine;
mod error;
mod grammar;
mod metadata;
mod model;
mod number;
mod rpc_worker;
mod types;
mod worker;
