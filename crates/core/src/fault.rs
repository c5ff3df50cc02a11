//! Fault injection for the bindings' tests: with `GPT4ALL_INJECT_PANIC=<point>` in the
//! environment, the engine panics when it reaches that point (`generate`, `prefill`, `embed`), so a test
//! can prove that a panic never crosses a binding's boundary and the process goes on.

/// Panics if `GPT4ALL_INJECT_PANIC` names `point`. Read on every call (an environment lookup,
/// far cheaper than the work it guards), so a test can set and clear it in-process.
pub(crate) fn point(point: &str) {
    if std::env::var_os("GPT4ALL_INJECT_PANIC").is_some_and(|v| v == point) {
        panic!("injected panic at '{point}' (GPT4ALL_INJECT_PANIC)");
    }
}
