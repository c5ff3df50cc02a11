//! Ranges on `"type": "number"` (`minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`
//! with whole-number bounds), which llama.cpp's converter does not enforce (it does for
//! integers). Before conversion each such schema is replaced by a `const` placeholder; after,
//! the placeholder's literal in the grammar is replaced by a rule of ours, built from the
//! converter's own integer ranges:
//!
//! a number `k.f` (k >= 0) lies in `[k, k+1)`, so every integer part `k` whose whole interval is
//! in range takes any fraction; the bounds themselves add `lo.<non-zero>` (exclusive minimum)
//! and `hi` or `hi.000` (inclusive maximum). A negative number `-y` is `"-"` and the same rule
//! for `y` with the bounds mirrored. Exponents are not generated (`1e3` is still a JSON number
//! the schema accepts; the grammar just never writes one).
use crate::error::{Error, Result};
use serde_json::{json, Map, Value};

/// One side of a range.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Bound {
    value: i64,
    exclusive: bool,
}

/// A number schema's range, to be written in place of its placeholder.
#[derive(Debug, Clone)]
pub(crate) struct NumberRange {
    placeholder: String,
    min: Option<Bound>,
    max: Option<Bound>,
}

const BOUND_KEYWORDS: [&str; 4] = ["minimum", "exclusiveMinimum", "maximum", "exclusiveMaximum"];
/// Beyond 2^53 a JSON number's integer value is no longer exact in JavaScript.
const LIMIT: f64 = 9_007_199_254_740_991.0;

/// Whether `schema` is a number schema with a range.
pub(crate) fn is_ranged_number(schema: &Map<String, Value>) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("number")
        && BOUND_KEYWORDS.iter().any(|k| schema.contains_key(*k))
}

/// The bound keyword that cannot be enforced (a fractional or huge bound), if there is one.
pub(crate) fn unsupported_bound(schema: &Map<String, Value>) -> Option<&'static str> {
    BOUND_KEYWORDS
        .into_iter()
        .find(|k| schema.get(*k).is_some_and(|v| v.as_f64().is_none_or(|v| v.fract() != 0.0 || v.abs() > LIMIT)))
}

/// Replaces every ranged number schema in `schema` (checked first: bounds are whole numbers)
/// with a placeholder `const`, numbering them from `first`; returns the ranges.
pub(crate) fn extract(schema: &mut Value, first: usize, nonce: &str) -> Vec<NumberRange> {
    let mut ranges = Vec::new();
    walk(schema, &mut |node| {
        let Some(map) = node.as_object() else { return };
        if !is_ranged_number(map) {
            return;
        }
        let side =
            |k: &str, exclusive| map.get(k).and_then(Value::as_f64).map(|v| Bound { value: v as i64, exclusive });
        // With both an inclusive and an exclusive bound, the stricter one holds (on a tie, the
        // exclusive one).
        let min = match (side("minimum", false), side("exclusiveMinimum", true)) {
            (Some(a), Some(b)) => Some(if a.value > b.value { a } else { b }),
            (a, b) => a.or(b),
        };
        let max = match (side("maximum", false), side("exclusiveMaximum", true)) {
            (Some(a), Some(b)) => Some(if a.value < b.value { a } else { b }),
            (a, b) => a.or(b),
        };
        let placeholder = format!("{nonce}{}", first + ranges.len());
        ranges.push(NumberRange { placeholder: placeholder.clone(), min, max });
        *node = json!({ "const": placeholder });
    });
    ranges
}

fn walk(node: &mut Value, f: &mut dyn FnMut(&mut Value)) {
    f(node);
    match node {
        Value::Object(map) => map.values_mut().for_each(|v| walk(v, f)),
        Value::Array(items) => items.iter_mut().for_each(|v| walk(v, f)),
        _ => {}
    }
}

/// A placeholder text that `schema_json` does not contain.
pub(crate) fn nonce(schema_json: &str) -> String {
    (0..).map(|i| format!("gpt4all-number-range-{i}-")).find(|n| !schema_json.contains(n.as_str())).unwrap()
}

/// Writes each range's rule into `grammar` in place of its placeholder. `integer_rule(lo, hi)`
/// is the converter's GBNF for the integers `lo..=hi` (`hi` `None`: unbounded).
pub(crate) fn substitute(
    mut grammar: String,
    ranges: &[NumberRange],
    integer_rule: &dyn Fn(i64, Option<i64>) -> Result<String>,
) -> Result<String> {
    for (i, range) in ranges.iter().enumerate() {
        let literal = format!("\"\\\"{}\\\"\"", range.placeholder);
        let name = format!("number-range-{i}");
        if !grammar.contains(&literal) {
            return Err(Error::Internal {
                reason: format!("number range placeholder {} not in the grammar", range.placeholder),
            });
        }
        let body = rule(range, integer_rule)?.ok_or_else(|| Error::SchemaInvalid {
            reason: "a number range allows no value (its minimum is above its maximum)".into(),
        })?;
        grammar = grammar.replace(&literal, &name);
        grammar.push_str(&format!("{name} ::= {body}\n"));
    }
    Ok(grammar)
}

/// The GBNF for `range`, or `None` when it is empty.
fn rule(range: &NumberRange, integer_rule: &dyn Fn(i64, Option<i64>) -> Result<String>) -> Result<Option<String>> {
    let mirror = |b: Bound| Bound { value: -b.value, exclusive: b.exclusive };
    let positive = non_negative(range.min, range.max, integer_rule)?;
    // -y is in range when y is in the mirrored range (and y > 0: -0 is 0, already covered).
    let negative = non_negative(range.max.map(mirror), range.min.map(mirror), integer_rule)?;
    let alternatives: Vec<String> =
        [positive, negative.map(|n| format!("\"-\" ({n})"))].into_iter().flatten().collect();
    Ok((!alternatives.is_empty()).then(|| alternatives.join(" | ")))
}

/// Numbers `>= 0` written without a sign, within `min` and `max`.
fn non_negative(
    min: Option<Bound>,
    max: Option<Bound>,
    integer_rule: &dyn Fn(i64, Option<i64>) -> Result<String>,
) -> Result<Option<String>> {
    const FRACTION: &str = "\".\" [0-9]{1,15}";
    let min = match min {
        Some(b) if b.value >= 0 => b,
        _ => Bound { value: 0, exclusive: false },
    };
    if max.is_some_and(|m| m.value < 0) {
        return Ok(None);
    }
    // The smallest integer part whose whole interval [k, k+1) is above the minimum.
    let first = min.value + i64::from(min.exclusive);
    let mut alternatives = Vec::new();
    // Integer parts whose interval [k, k+1) lies below the maximum: any fraction.
    match max {
        None => alternatives.push(format!("({}) ({FRACTION})?", integer_rule(first, None)?)),
        Some(m) if first < m.value => {
            alternatives.push(format!("({}) ({FRACTION})?", integer_rule(first, Some(m.value - 1))?))
        }
        Some(_) => {}
    }
    // An exclusive minimum: its own integer part, with a fraction that is not zero.
    if min.exclusive && max.is_none_or(|m| min.value < m.value) {
        alternatives.push(format!("\"{}\" \".\" [0-9]{{0,14}} [1-9]", min.value));
    }
    // An inclusive maximum: the bound itself.
    if let Some(m) = max.filter(|m| !m.exclusive && m.value >= first) {
        alternatives.push(format!("\"{}\" (\".\" \"0\"{{1,15}})?", m.value));
    }
    Ok((!alternatives.is_empty()).then(|| alternatives.join(" | ")))
}
