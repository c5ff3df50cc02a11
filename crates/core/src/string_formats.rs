//! String `format`s and regular-expression shorthands that llama.cpp's JSON-schema converter
//! lacks, rewritten into what it reads before conversion:
//! - a format the converter or this module knows gives way to a `pattern` beside it (zod and
//!   pydantic write both, and their pattern is the format's precise definition);
//! - `email` and `ipv4` without a pattern get one (written here, accepted by ajv-formats and zod);
//! - `\d`, `\w` and `\s` in patterns become the character classes ECMAScript defines for them
//!   (the converter knows only GBNF's escapes).
use crate::schema_walk::for_each_schema_mut;
use serde_json::Value;

/// The formats llama.cpp's converter has rules for (`get_format` in `common/json-schema.cpp`).
pub(crate) const CONVERTER_FORMATS: [&str; 9] =
    ["date", "time", "date-time", "uuid", "uuid1", "uuid2", "uuid3", "uuid4", "uuid5"];

/// The pattern that stands for a format the converter has no rule for.
pub(crate) fn pattern_for(format: &str) -> Option<&'static str> {
    match format {
        // Local part without quotes or leading, trailing or double dots; labels of at most 63
        // characters that neither start nor end with '-'; a top-level domain of letters.
        "email" => Some(
            r"^[A-Za-z0-9_+\-]+(\.[A-Za-z0-9_+\-]+)*@([A-Za-z0-9]([A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$",
        ),
        "ipv4" => {
            Some(r"^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$")
        }
        _ => None,
    }
}

/// Whether a format is enforced: by the converter, or through a pattern of this module's.
pub(crate) fn is_known(format: &str) -> bool {
    CONVERTER_FORMATS.contains(&format) || pattern_for(format).is_some()
}

/// Rewrites every string schema in `schema` as the module docs say.
pub(crate) fn rewrite(schema: &mut Value) {
    for_each_schema_mut(schema, &mut |s| {
        let pattern_given = matches!(s.get("pattern"), Some(Value::String(_)));
        if let Some(Value::String(format)) = s.get("format").cloned() {
            match (pattern_given, pattern_for(&format)) {
                (true, _) if is_known(&format) => {
                    s.remove("format");
                }
                (false, Some(pattern)) => {
                    s.insert("pattern".into(), Value::String(pattern.into()));
                    s.remove("format");
                }
                _ => {}
            }
        }
        if let Some(Value::String(pattern)) = s.get_mut("pattern") {
            *pattern = expand_shorthands(pattern);
        }
    });
}

/// `\d`, `\w`, `\s` as character classes (inside a class, as its ranges, with a `-` next to them
/// escaped so that it stays a literal); every other escape as it was.
pub(crate) fn expand_shorthands(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut in_class = false;
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(escaped) => match (shorthand(escaped), in_class) {
                    (Some(ranges), true) => {
                        // `[a-\d]` and `[\w-.]`: next to a class, '-' is a literal, not a range.
                        if out.ends_with('-') && !out.ends_with("\\-") && !out.ends_with("[-") {
                            out.pop();
                            out.push_str("\\-");
                        }
                        out.push_str(ranges);
                        if chars.peek() == Some(&'-') {
                            chars.next();
                            out.push_str("\\-");
                        }
                    }
                    (Some(ranges), false) => {
                        out.push('[');
                        out.push_str(ranges);
                        out.push(']');
                    }
                    (None, _) => {
                        out.push('\\');
                        out.push(escaped);
                    }
                },
                None => out.push('\\'),
            },
            '[' if !in_class => {
                in_class = true;
                out.push(c);
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// The ranges of a shorthand class: ECMAScript's, whose `\d` and `\w` are ASCII and whose `\s`
/// is its WhiteSpace and LineTerminator characters.
fn shorthand(escaped: char) -> Option<&'static str> {
    match escaped {
        'd' => Some("0-9"),
        'w' => Some("A-Za-z0-9_"),
        's' => Some(r" \t\n\r\x0B\x0C\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000\uFEFF"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn expands_shorthands_inside_and_outside_classes() {
        assert_eq!(expand_shorthands(r"^\d{4}-[\d.]+\w\.\\d$"), r"^[0-9]{4}-[0-9.]+[A-Za-z0-9_]\.\\d$");
        assert_eq!(expand_shorthands(r"[\w-.]"), r"[A-Za-z0-9_\-.]");
        assert_eq!(expand_shorthands(r"[a-\d]"), r"[a\-0-9]");
    }

    #[test]
    fn formats_give_way_to_patterns_and_known_formats_become_patterns() {
        let mut schema = json!({
            "type": "object",
            "properties": {
                "a": {"type": "string", "format": "date-time", "pattern": "^\\d+$"},
                "b": {"type": "string", "format": "email"},
                "c": {"type": "string", "format": "uri", "pattern": "^https://"},
                "default": {"type": "string", "format": "email"},
                "format": {"type": "string", "enum": [{"format": "email"}]}
            }
        });
        rewrite(&mut schema);
        assert_eq!(schema["properties"]["a"], json!({"type": "string", "pattern": "^[0-9]+$"}));
        assert_eq!(schema["properties"]["b"]["pattern"], json!(pattern_for("email").unwrap()));
        assert_eq!(schema["properties"]["c"]["format"], json!("uri"));
        assert_eq!(schema["properties"]["default"]["pattern"], json!(pattern_for("email").unwrap()));
        assert_eq!(schema["properties"]["format"]["enum"], json!([{"format": "email"}]));
    }
}
