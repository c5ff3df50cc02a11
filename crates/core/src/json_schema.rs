//! JSON Schema to GBNF, through llama.cpp's own converter (`common/json-schema-to-grammar.cpp`,
//! compiled by `gpt4all-llama-sys`), with one addition: a schema that the converter would
//! enforce only partly is refused with [`Error::SchemaUnsupported`] naming the keyword, instead
//! of becoming a grammar that accepts more than the schema allows.
//!
//! What the converter enforces (its reader, `common/json-schema.cpp`): `type` (one or a list),
//! `properties`, `required`, `additionalProperties`, `items`, `prefixItems`, `minItems`,
//! `maxItems`, `enum`, `const`, `anyOf`, `oneOf` (as `anyOf`), `allOf` (objects and strings),
//! `$ref` into the same document (`$defs`, `definitions`), `pattern` (anchored regular
//! expressions), `minLength`, `maxLength`, `format` (`date`, `time`, `date-time`, `uuid`; and
//! through [`crate::string_formats`], `email`, `ipv4`, any format beside a `pattern`, and `\d`,
//! `\w`, `\s` in patterns) and integer `minimum`/`maximum`/`exclusiveMinimum`/`exclusiveMaximum`. Annotations (`title`,
//! `description`, `default`, `examples`, ...) and keywords outside JSON Schema are ignored, as
//! the specification says.
use crate::error::{Error, Result};
use crate::number_range;
use crate::root_reference;
use crate::string_formats;
use gpt4all_llama_sys as sys;
use serde_json::{Map, Value};
use std::ffi::{c_char, CStr, CString};

/// Keywords of JSON Schema (2020-12 and draft 7) that the converter does not enforce at all.
const UNENFORCED: [&str; 18] = [
    "not",
    "if",
    "then",
    "else",
    "patternProperties",
    "propertyNames",
    "dependentRequired",
    "dependentSchemas",
    "dependencies",
    "unevaluatedItems",
    "contains",
    "minContains",
    "maxContains",
    "minProperties",
    "maxProperties",
    "multipleOf",
    "$dynamicRef",
    "$recursiveRef",
];

/// Keywords that never constrain a value (annotations, and containers that are only reached
/// through `$ref`).
const NOT_CONSTRAINING: [&str; 16] = [
    "$schema",
    "$id",
    "$anchor",
    "$comment",
    "$defs",
    "definitions",
    "title",
    "description",
    "default",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "contentEncoding",
    "contentMediaType",
    "nullable",
];

/// Which kind of value each type-specific keyword constrains.
const KIND_KEYWORDS: [(&str, &[&str]); 4] = [
    ("object", &["properties", "additionalProperties", "required"]),
    ("array", &["items", "prefixItems", "minItems", "maxItems"]),
    ("string", &["pattern", "minLength", "maxLength", "format"]),
    ("number", &["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"]),
];

/// Converts a JSON schema (JSON text) to a GBNF grammar whose start rule is `root`.
///
/// Errors: [`Error::SchemaInvalid`] for text that is not JSON or not a schema the converter
/// reads (an unresolvable `$ref`, an unknown `type`, an invalid regular expression);
/// [`Error::SchemaUnsupported`] for a keyword the grammar cannot enforce (see the module docs).
pub fn json_schema_to_grammar(schema_json: &str) -> Result<String> {
    let schema = parse_schema(schema_json)
        .map_err(|e| Error::SchemaInvalid { reason: format!("the schema is not JSON: {e}") })?;
    check_supported(&schema)?;
    let mut rewritten = schema.clone();
    prepare(&mut rewritten);
    let ranges = number_range::extract(&mut rewritten, 0, &number_range::nonce(schema_json));
    let grammar = convert(&rewritten.to_string()).map_err(|e| locate_pattern(e, &schema))?;
    refuse_inverted_repetition(number_range::substitute(calendar_dates(grammar), &ranges, &integer_rule)?)
}

/// What the converter is given instead of a schema: recursion through the root made explicit
/// ([`root_reference`]) and formats and pattern shorthands it lacks written out ([`string_formats`]).
fn prepare(schema: &mut Value) {
    root_reference::rewrite(schema);
    string_formats::rewrite(schema);
}

/// Parses schema text. Through serde_json's reader, not `from_str`: `from_str` locates an error with
/// the memchr crate, whose AVX2 routines (chosen at run time) would be the only AVX code in the
/// addon, which must hold baseline x86-64 code alone (tests/native-binaries.test.ts). A schema is
/// small, so the reader's slower byte-at-a-time scan costs nothing that matters.
fn parse_schema(schema_json: &str) -> serde_json::Result<Value> {
    serde_json::from_reader(schema_json.as_bytes())
}

/// A schema whose bounds contradict each other in a way the checks do not see (a `pattern` such
/// as `^a{5,2}$`) becomes a repetition that llama.cpp would expand forever.
fn refuse_inverted_repetition(grammar: String) -> Result<String> {
    match crate::grammar::inverted_repetition(&grammar) {
        Some((_, min, max)) => Err(Error::SchemaInvalid {
            reason: format!(
                "the schema asks for a repetition of at least {min} and at most {max}, so no value can match"
            ),
        }),
        None => Ok(grammar),
    }
}

/// llama.cpp's rule for `format: date` (and `date-time`) allows day 31 in every month, so
/// `2024-02-31` gets through, which a validator rejects. Ours allows each month's own days;
/// February stops at the 28th (a grammar cannot tell leap years apart cheaply, and every date
/// it writes must be real).
const LLAMA_DATE_RULE: &str = r#"[0-9]{4} "-" ( "0" [1-9] | "1" [0-2] ) "-" ( "0" [1-9] | [1-2] [0-9] | "3" [0-1] )"#;
const CALENDAR_DATE_RULE: &str = r#"[0-9]{4} "-" ( ( "0" [13578] | "1" [02] ) "-" ( "0" [1-9] | [1-2] [0-9] | "3" [0-1] ) | ( "0" [469] | "11" ) "-" ( "0" [1-9] | [1-2] [0-9] | "30" ) | "02" "-" ( "0" [1-9] | "1" [0-9] | "2" [0-8] ) )"#;

fn calendar_dates(grammar: String) -> String {
    grammar.replace(&format!(" ::= {LLAMA_DATE_RULE}\n"), &format!(" ::= {CALENDAR_DATE_RULE}\n"))
}

/// llama.cpp's converter alone, without our checks.
fn convert(schema_json: &str) -> Result<String> {
    let text = c_string(schema_json, "schema")?;
    let mut grammar: *mut c_char = std::ptr::null_mut();
    let mut error: *mut c_char = std::ptr::null_mut();
    let status = unsafe { sys::gpt4all_json_schema_to_grammar(text.as_ptr(), &mut grammar, &mut error) };
    conversion_result(status, grammar, error)
}

/// The converter's rule body for the integers `min..=max` (`None`: no maximum).
fn integer_rule(min: i64, max: Option<i64>) -> Result<String> {
    let schema = match max {
        Some(max) => serde_json::json!({ "type": "integer", "minimum": min, "maximum": max }),
        None => serde_json::json!({ "type": "integer", "minimum": min }),
    };
    let grammar = convert(&schema.to_string())?;
    grammar
        .lines()
        .find_map(|line| line.strip_prefix("root ::= "))
        .map(str::to_string)
        .ok_or_else(|| Error::Internal { reason: "the converter's integer range has no root rule".into() })
}

/// One grammar from named JSON schemas and extra GBNF rules, through llama.cpp's `build_grammar`:
/// each schema becomes the rule of its name (with helper rules named after it), and `rules`
/// (`name ::= body`) may reference those names; one of them is `root`. This is how a tool call's
/// grammar wraps each tool's `parameters` schema in the model's call syntax.
///
/// Errors: as [`json_schema_to_grammar`], and [`Error::InvalidArgument`] for a schema name that
/// is not a valid rule name (`[a-zA-Z0-9-]+`) or is used twice.
pub fn build_grammar(schemas: &[(String, String)], rules: &[(String, String)]) -> Result<String> {
    let mut ranges = Vec::new();
    let mut rewritten = Vec::new();
    let nonce = number_range::nonce(&schemas.iter().map(|(_, s)| s.as_str()).collect::<String>());
    for (name, schema_json) in schemas {
        let mut schema = parse_schema(schema_json)
            .map_err(|e| Error::SchemaInvalid { reason: format!("schema '{name}' is not JSON: {e}") })?;
        check_supported(&schema)?;
        // Converted alone first, so that an unsupported pattern is reported with its place.
        json_schema_to_grammar(schema_json)?;
        prepare(&mut schema);
        ranges.extend(number_range::extract(&mut schema, ranges.len(), &nonce));
        rewritten.push((name.clone(), schema.to_string()));
    }
    let schemas = &rewritten;
    let owned = |items: &[(String, String)], what: &str| -> Result<(Vec<CString>, Vec<CString>)> {
        let names = items.iter().map(|(n, _)| c_string(n, what)).collect::<Result<Vec<_>>>()?;
        let values = items.iter().map(|(_, v)| c_string(v, what)).collect::<Result<Vec<_>>>()?;
        Ok((names, values))
    };
    let (schema_names, schema_texts) = owned(schemas, "schema")?;
    let (rule_names, rule_bodies) = owned(rules, "rule")?;
    let ptrs = |v: &[CString]| v.iter().map(|s| s.as_ptr()).collect::<Vec<_>>();
    let (sn, st, rn, rb) = (ptrs(&schema_names), ptrs(&schema_texts), ptrs(&rule_names), ptrs(&rule_bodies));
    let mut grammar: *mut c_char = std::ptr::null_mut();
    let mut error: *mut c_char = std::ptr::null_mut();
    let status = unsafe {
        sys::gpt4all_build_grammar(
            sn.as_ptr(),
            st.as_ptr(),
            sn.len(),
            rn.as_ptr(),
            rb.as_ptr(),
            rn.len(),
            &mut grammar,
            &mut error,
        )
    };
    refuse_inverted_repetition(number_range::substitute(
        calendar_dates(conversion_result(status, grammar, error)?),
        &ranges,
        &integer_rule,
    )?)
}

fn c_string(text: &str, what: &str) -> Result<CString> {
    CString::new(text).map_err(|_| Error::InvalidArgument { reason: format!("the {what} contains a NUL character") })
}

/// Takes ownership of the shim's strings and maps its status.
fn conversion_result(status: i32, grammar: *mut c_char, error: *mut c_char) -> Result<String> {
    let take = |p: *mut c_char| -> Option<String> {
        if p.is_null() {
            return None;
        }
        let s = unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned();
        unsafe { sys::gpt4all_grammar_string_free(p) };
        Some(s)
    };
    let (grammar, error) = (take(grammar), take(error));
    let reason = || error.clone().unwrap_or_default().trim().to_string();
    match status as u32 {
        sys::gpt4all_grammar_status_GPT4ALL_GRAMMAR_OK => {
            grammar.ok_or_else(|| Error::Internal { reason: "the JSON schema converter returned no grammar".into() })
        }
        sys::gpt4all_grammar_status_GPT4ALL_GRAMMAR_SCHEMA_UNSUPPORTED => Err(Error::SchemaUnsupported {
            keyword: "pattern".into(),
            path: "#".into(),
            reason: reason()
                .trim_start_matches("WARNING: JSON schema conversion was incomplete: ")
                .trim_end_matches(", accepting any string")
                .to_string(),
        }),
        _ => Err(Error::SchemaInvalid {
            reason: reason().trim_start_matches("JSON schema conversion failed:").trim().to_string(),
        }),
    }
}

/// Sets the JSON pointer of the `pattern` that the converter could not enforce (its warning
/// names the pattern, not the place).
fn locate_pattern(error: Error, schema: &Value) -> Error {
    let Error::SchemaUnsupported { keyword, reason, .. } = error else { return error };
    fn find(node: &Value, pattern: &str, path: String) -> Option<String> {
        match node {
            Value::Object(map) => {
                if map.get("pattern").and_then(Value::as_str) == Some(pattern) {
                    return Some(path);
                }
                map.iter().find_map(|(k, v)| find(v, pattern, format!("{path}/{k}")))
            }
            Value::Array(items) => items.iter().enumerate().find_map(|(i, v)| find(v, pattern, format!("{path}/{i}"))),
            _ => None,
        }
    }
    let pattern = reason.strip_prefix("pattern ").and_then(|r| r.rsplit_once(" is not supported")).map(|(p, _)| p);
    let path = pattern.and_then(|p| find(schema, p, "#".into())).unwrap_or_else(|| "#".into());
    Error::SchemaUnsupported { keyword, path, reason }
}

/// Refuses the keywords and combinations that the converter would drop (see the module docs).
pub fn check_supported(schema: &Value) -> Result<()> {
    Checker { root: schema }.visit(schema, "#")
}

/// A `propertyNames` schema that every string satisfies: `true`, `{}`, or `{"type": "string"}`
/// (annotations aside).
fn names_any_string(value: &Value) -> bool {
    match value {
        Value::Bool(true) => true,
        Value::Object(schema) => {
            schema.iter().all(|(k, v)| NOT_CONSTRAINING.contains(&k.as_str()) || (k == "type" && v == "string"))
        }
        _ => false,
    }
}

fn contradictory(path: &str, reason: impl std::fmt::Display) -> Error {
    Error::SchemaInvalid { reason: format!("at {path}: {reason}, so no value can match") }
}

fn unsupported(keyword: &str, path: &str, reason: impl Into<String>) -> Error {
    Error::SchemaUnsupported { keyword: keyword.into(), path: path.into(), reason: reason.into() }
}

/// Walks a schema document; `root` resolves `$ref`s.
struct Checker<'a> {
    root: &'a Value,
}

impl Checker<'_> {
    fn visit(&self, node: &Value, path: &str) -> Result<()> {
        let Some(schema) = node.as_object() else {
            return Ok(()); // `true`, or something the converter itself rejects
        };
        for (keyword, value) in schema {
            let allowed_false = matches!(keyword.as_str(), "unevaluatedProperties" | "additionalItems" | "uniqueItems")
                && value == &Value::Bool(false);
            // Every key of a JSON object is a string: `propertyNames` that asks only that (zod's
            // `z.record(z.string(), …)` writes it) constrains nothing.
            if keyword == "propertyNames" && names_any_string(value) {
                continue;
            }
            if (UNENFORCED.contains(&keyword.as_str())
                || matches!(keyword.as_str(), "unevaluatedProperties" | "additionalItems" | "uniqueItems"))
                && !allowed_false
            {
                return Err(unsupported(keyword, path, "grammar-constrained sampling cannot enforce this keyword"));
            }
        }
        let constraining = |except: &[&str]| {
            schema.keys().find(|k| !NOT_CONSTRAINING.contains(&k.as_str()) && !except.contains(&k.as_str())).cloned()
        };
        for (name, children) in [("$defs", schema.get("$defs")), ("definitions", schema.get("definitions"))] {
            if let Some(Value::Object(defs)) = children {
                for (key, child) in defs {
                    self.visit(child, &format!("{path}/{name}/{key}"))?;
                }
            }
        }
        // The converter reads `$ref`, then `oneOf`/`anyOf`, and ignores what stands beside them.
        if schema.contains_key("$ref") {
            if let Some(other) = constraining(&["$ref"]) {
                return Err(unsupported(
                    &other,
                    path,
                    "keywords beside $ref are not enforced; move them into the referenced schema",
                ));
            }
            return Ok(());
        }
        for alternatives in ["oneOf", "anyOf"] {
            if let Some(list) = schema.get(alternatives) {
                // A `type` beside the alternatives is harmless when each of them has that type.
                let same_type = |t: &Value| {
                    let list = list.as_array().map(Vec::as_slice).unwrap_or(&[]);
                    t.as_str().is_some_and(|t| {
                        list.iter().all(|alt| {
                            self.implied_type(alt, 0).is_some_and(|a| a == t || (t == "number" && a == "integer"))
                        })
                    })
                };
                let except: &[&str] = match schema.get("type") {
                    Some(t) if same_type(t) => &[alternatives, "type"],
                    _ => &[alternatives],
                };
                if let Some(other) = constraining(except) {
                    return Err(unsupported(
                        &other,
                        path,
                        format!("keywords beside {alternatives} are not enforced; repeat them in each alternative"),
                    ));
                }
                return self.visit_list(list, &format!("{path}/{alternatives}"));
            }
        }
        match schema.get("type") {
            Some(Value::Array(types)) => {
                let mut as_number = schema.clone();
                as_number.insert("type".into(), "number".into());
                if types.iter().any(|t| t == "number") && number_range::is_ranged_number(&as_number) {
                    let bound = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"]
                        .into_iter()
                        .find(|k| schema.contains_key(*k))
                        .unwrap_or("minimum");
                    return Err(unsupported(
                        bound,
                        path,
                        "a number range in a list of types is not enforced; use anyOf with a number alternative",
                    ));
                }
                // `{"type": ["a", "b"], ...}` is an `anyOf` of the schema with each type.
                for (i, t) in types.iter().enumerate() {
                    let mut alternative = schema.clone();
                    alternative.insert("type".into(), t.clone());
                    self.visit(&Value::Object(alternative), &format!("{path}/type/{i}"))?;
                }
                Ok(())
            }
            Some(Value::String(t)) => self.visit_typed(schema, path, t, true),
            _ => {
                // The converter infers the kind from the keywords, in this order.
                let has = |k: &str| schema.contains_key(k);
                let has_properties =
                    has("properties") || schema.get("additionalProperties").is_some_and(|v| v != &Value::Bool(true));
                let kind = if schema.contains_key("const") || schema.contains_key("enum") {
                    "value"
                } else if has_properties {
                    "object"
                } else if has("allOf") {
                    "allOf"
                } else if has("items") || has("prefixItems") {
                    "array"
                } else if has("pattern") || has("minLength") || has("maxLength") || has("format") {
                    "string"
                } else {
                    "any"
                };
                self.visit_typed(schema, path, kind, false)
            }
        }
    }

    fn visit_list(&self, list: &Value, path: &str) -> Result<()> {
        if let Value::Array(items) = list {
            for (i, item) in items.iter().enumerate() {
                self.visit(item, &format!("{path}/{i}"))?;
            }
        }
        Ok(())
    }

    /// The type of every value a schema accepts, when there is one (through `$ref`s and
    /// alternatives that agree).
    fn implied_type<'v>(&'v self, node: &'v Value, depth: usize) -> Option<&'v str> {
        let schema = node.as_object()?;
        if depth > 32 {
            return None;
        }
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let pointer = reference.strip_prefix('#')?;
            return self.implied_type(self.root.pointer(pointer)?, depth + 1);
        }
        if let Some(t) = schema.get("type") {
            return t.as_str();
        }
        for alternatives in ["oneOf", "anyOf"] {
            if let Some(list) = schema.get(alternatives).and_then(Value::as_array) {
                let types: Vec<_> = list.iter().map(|alt| self.implied_type(alt, depth + 1)).collect();
                return types.first().copied().flatten().filter(|t| types.iter().all(|u| u == &Some(*t)));
            }
        }
        let has = |k: &str| schema.contains_key(k);
        if has("properties") || has("additionalProperties") {
            Some("object")
        } else if has("items") || has("prefixItems") {
            Some("array")
        } else if has("pattern") || has("minLength") || has("maxLength") || has("format") {
            Some("string")
        } else {
            None
        }
    }

    /// Checks a schema whose kind of value is known (`typed`: from `type`, else inferred).
    fn visit_typed(&self, schema: &Map<String, Value>, path: &str, kind: &str, typed: bool) -> Result<()> {
        if schema.contains_key("const") || schema.contains_key("enum") {
            // The output is one of the listed values: each must have the declared type.
            let values: Vec<&Value> = match (schema.get("const"), schema.get("enum")) {
                (Some(c), _) => vec![c],
                (None, Some(Value::Array(list))) => list.iter().collect(),
                _ => Vec::new(),
            };
            if typed {
                if let Some(bad) = values.iter().find(|v| !has_type(v, kind)) {
                    return Err(contradictory(path, format!("{bad} is not of type {kind}")));
                }
            }
            return Ok(());
        }
        let kind_of_numbers = if kind == "integer" { "number" } else { kind };
        if !typed {
            // Without a type, a keyword for another kind of value would constrain nothing.
            for (other_kind, keywords) in KIND_KEYWORDS {
                if other_kind == kind_of_numbers || (kind == "allOf" && other_kind == "object") {
                    continue;
                }
                if let Some(k) = keywords.iter().find(|k| schema.contains_key(**k)) {
                    return Err(unsupported(
                        k,
                        path,
                        format!("add \"type\": \"{other_kind}\" (or \"integer\"); without a type it is not enforced"),
                    ));
                }
            }
        }
        if let Some(all_of) = schema.get("allOf") {
            let has_properties = schema.contains_key("properties") || schema.contains_key("additionalProperties");
            let read = matches!(kind, "allOf" | "string") || (kind == "object" && !has_properties);
            if !read {
                return Err(unsupported("allOf", path, format!("allOf is enforced only on objects without their own properties and on strings, not here ({kind})")));
            }
            self.visit_list(all_of, &format!("{path}/allOf"))?;
        }
        match kind {
            "object" => {
                let properties = schema.get("properties").and_then(Value::as_object);
                if let Some(properties) = properties {
                    for (name, child) in properties {
                        self.visit(child, &format!("{path}/properties/{name}"))?;
                    }
                }
                if let Some(extra @ Value::Object(_)) = schema.get("additionalProperties") {
                    self.visit(extra, &format!("{path}/additionalProperties"))?;
                }
                if schema.get("required").is_some_and(|r| !r.is_array()) {
                    return Err(Error::SchemaInvalid {
                        reason: format!("at {path}: required must be an array of property names"),
                    });
                }
                if let Some(Value::Array(required)) = schema.get("required") {
                    for name in required.iter().filter_map(Value::as_str) {
                        if !properties.is_some_and(|p| p.contains_key(name)) {
                            return Err(unsupported(
                                "required",
                                path,
                                format!("required property '{name}' must be listed in properties"),
                            ));
                        }
                    }
                }
            }
            "array" => {
                let items = schema.get("items");
                let tuple = match (items, schema.get("prefixItems")) {
                    (Some(Value::Array(list)), _) | (None, Some(Value::Array(list))) => Some(list.len()),
                    (Some(Value::Object(_)), Some(Value::Array(_))) => {
                        return Err(unsupported(
                            "prefixItems",
                            path,
                            "prefixItems with an items schema is not enforced",
                        ));
                    }
                    _ => None,
                };
                let count = |k: &str| schema.get(k).and_then(Value::as_u64);
                if let (Some(min), Some(max)) = (count("minItems"), count("maxItems")) {
                    if min > max {
                        return Err(contradictory(path, format!("minItems {min} is above maxItems {max}")));
                    }
                }
                if let Some(len) = tuple {
                    let count = |k: &str| schema.get(k).and_then(Value::as_u64);
                    if count("minItems").is_some_and(|n| n > len as u64)
                        || count("maxItems").is_some_and(|n| n < len as u64)
                    {
                        return Err(unsupported(
                            "minItems",
                            path,
                            format!("a tuple of {len} items is generated exactly; its bounds must allow {len}"),
                        ));
                    }
                    for key in ["items", "prefixItems"] {
                        self.visit_list(schema.get(key).unwrap_or(&Value::Null), &format!("{path}/{key}"))?;
                    }
                } else if let Some(item @ Value::Object(_)) = items {
                    self.visit(item, &format!("{path}/items"))?;
                }
            }
            "string" => {
                let has = |k: &str| schema.contains_key(k);
                let length = |k: &str| schema.get(k).and_then(Value::as_u64);
                if let (Some(min), Some(max)) = (length("minLength"), length("maxLength")) {
                    if min > max {
                        return Err(contradictory(path, format!("minLength {min} is above maxLength {max}")));
                    }
                }
                if let Some(Value::String(format)) = schema.get("format") {
                    // A known format beside a pattern gives way to it (see `string_formats`); an
                    // unknown one would still be checked by validators, which the pattern may not satisfy.
                    if !string_formats::is_known(format) {
                        return Err(unsupported(
                            "format",
                            path,
                            format!("format '{format}' has no grammar (supported: date, time, date-time, uuid, email, ipv4)"),
                        ));
                    }
                }
                if has("pattern") || has("format") {
                    let winner = if has("pattern") { "pattern" } else { "format" };
                    for dropped in ["minLength", "maxLength"] {
                        if dropped != winner && has(dropped) {
                            return Err(unsupported(
                                dropped,
                                path,
                                format!("{dropped} together with {winner} is not enforced"),
                            ));
                        }
                    }
                }
            }
            "integer" => {
                let bound = |k: &str| schema.get(k).and_then(Value::as_f64);
                let low = bound("minimum").map(f64::ceil).or(bound("exclusiveMinimum").map(|v| v.floor() + 1.0));
                let high = bound("maximum").map(f64::floor).or(bound("exclusiveMaximum").map(|v| v.ceil() - 1.0));
                if let (Some(low), Some(high)) = (low, high) {
                    if low > high {
                        return Err(contradictory(
                            path,
                            format!("the smallest integer allowed ({low}) is above the largest ({high})"),
                        ));
                    }
                }
                for (inclusive, exclusive) in [("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")] {
                    if schema.contains_key(inclusive) && schema.contains_key(exclusive) {
                        return Err(unsupported(
                            exclusive,
                            path,
                            format!("{exclusive} together with {inclusive} is not enforced"),
                        ));
                    }
                }
            }
            "number" => {
                if let Some(k) = number_range::unsupported_bound(schema) {
                    return Err(unsupported(k, path, "number ranges need whole-number bounds within ±2^53"));
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// Whether a JSON value has a JSON Schema type (`integer` is a number with no fraction).
fn has_type(value: &Value, kind: &str) -> bool {
    match kind {
        "string" => value.is_string(),
        "integer" => value.as_f64().is_some_and(|n| n.fract() == 0.0),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn keyword(schema: Value) -> Option<String> {
        match check_supported(&schema) {
            Err(Error::SchemaUnsupported { keyword, .. }) => Some(keyword),
            _ => None,
        }
    }

    #[test]
    fn refuses_contradictory_bounds() {
        for schema in [
            json!({"type": "integer", "minimum": 10, "maximum": 1}),
            json!({"type": "array", "minItems": 5, "maxItems": 1}),
            json!({"type": "string", "minLength": 5, "maxLength": 2}),
            json!({"type": "string", "enum": ["a", 1]}),
            json!({"type": "integer", "const": "x"}),
            json!({"type": "object", "properties": {"a": {}}, "required": "a"}),
        ] {
            assert!(matches!(check_supported(&schema), Err(Error::SchemaInvalid { .. })), "{schema}");
        }
        assert!(matches!(
            json_schema_to_grammar(r#"{"type": "string", "pattern": "^a{5,2}$"}"#),
            Err(Error::SchemaInvalid { .. })
        ));
    }

    #[test]
    fn refuses_what_the_converter_would_drop() {
        assert_eq!(keyword(json!({"type": "number", "minimum": 0.5})), Some("minimum".into()));
        assert_eq!(keyword(json!({"type": ["number", "null"], "maximum": 1})), Some("maximum".into()));
        assert_eq!(keyword(json!({"type": "string", "format": "uri"})), Some("format".into()));
        assert_eq!(keyword(json!({"type": "string", "format": "uri", "pattern": "^https://"})), Some("format".into()));
        assert_eq!(keyword(json!({"type": "string", "format": "email", "maxLength": 30})), Some("maxLength".into()));
        assert_eq!(keyword(json!({"type": "array", "uniqueItems": true})), Some("uniqueItems".into()));
        assert_eq!(keyword(json!({"not": {"type": "string"}})), Some("not".into()));
        assert_eq!(keyword(json!({"$ref": "#/$defs/a", "minLength": 2, "$defs": {"a": {}}})), Some("minLength".into()));
        assert_eq!(keyword(json!({"type": "object", "required": ["x"]})), Some("required".into()));
        assert_eq!(keyword(json!({"minimum": 3})), Some("minimum".into()));
        assert_eq!(
            keyword(
                json!({"type": "object", "properties": {"a": {"type": "string", "pattern": "^a$", "maxLength": 3}}})
            ),
            Some("maxLength".into())
        );
        assert_eq!(keyword(json!({"$defs": {"a": {"type": "integer", "multipleOf": 2}}})), Some("multipleOf".into()));
    }

    #[test]
    fn accepts_what_the_converter_enforces() {
        for schema in [
            json!({"type": "object", "properties": {"a": {"type": "integer", "minimum": 1, "maximum": 9}}, "required": ["a"], "additionalProperties": false}),
            json!({"type": ["string", "null"], "maxLength": 4, "title": "t"}),
            json!({"anyOf": [{"type": "string"}, {"type": "null"}], "description": "d", "default": null}),
            json!({"type": "array", "items": {"enum": [1, 2]}, "minItems": 1, "maxItems": 3, "uniqueItems": false}),
            json!({"type": "string", "format": "date-time"}),
            json!({"type": "string", "format": "email"}),
            json!({"type": "string", "format": "date-time", "pattern": "^[0-9]{4}"}),
            json!({"type": "integer", "exclusiveMinimum": 0, "x-vendor": true}),
        ] {
            check_supported(&schema).unwrap_or_else(|e| panic!("{schema}: {e}"));
        }
    }
}
