//! String `format`s and regular-expression shorthands that llama.cpp's JSON-schema converter
//! lacks, rewritten into what it reads before conversion:
//! - a `format` beside a `pattern` gives way to the pattern (zod and pydantic write both: the
//!   pattern is the precise definition, and a value it accepts passes their validators);
//! - `email` and `ipv4` without a pattern get one (written here, accepted by ajv-formats and zod);
//! - `\d`, `\w` and `\s` in patterns become character classes (the converter knows only GBNF's
//!   escapes).
use serde_json::Value;

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

/// Rewrites every string schema in `node` as the module docs say. Values of `const`, `enum`,
/// `default` and `examples` are data, not schemas, and are left alone.
pub(crate) fn rewrite(node: &mut Value) {
    match node {
        Value::Object(schema) => {
            let pattern_given = matches!(schema.get("pattern"), Some(Value::String(_)));
            if let Some(Value::String(format)) = schema.get("format").cloned() {
                match (pattern_given, pattern_for(&format)) {
                    (true, _) => {
                        schema.remove("format");
                    }
                    (false, Some(pattern)) => {
                        schema.insert("pattern".into(), Value::String(pattern.into()));
                        schema.remove("format");
                    }
                    (false, None) => {}
                }
            }
            if let Some(Value::String(pattern)) = schema.get_mut("pattern") {
                *pattern = expand_shorthands(pattern);
            }
            for (key, child) in schema.iter_mut() {
                if !matches!(key.as_str(), "const" | "enum" | "default" | "examples") {
                    rewrite(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(rewrite),
        _ => {}
    }
}

/// `\d`, `\w`, `\s` as character classes (inside a class, as its ranges); every other escape as it was.
pub(crate) fn expand_shorthands(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut in_class = false;
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(escaped) => match (shorthand(escaped), in_class) {
                    (Some(ranges), true) => out.push_str(ranges),
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

fn shorthand(escaped: char) -> Option<&'static str> {
    match escaped {
        'd' => Some("0-9"),
        'w' => Some("A-Za-z0-9_"),
        's' => Some(r" \t\n\r"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn expands_shorthands_inside_and_outside_classes() {
        assert_eq!(expand_shorthands(r"^\d{4}-[\d.]+\w\s\.\\d$"), r"^[0-9]{4}-[0-9.]+[A-Za-z0-9_][ \t\n\r]\.\\d$");
    }

    #[test]
    fn formats_give_way_to_patterns_and_known_formats_become_patterns() {
        let mut schema = json!({
            "type": "object",
            "properties": {
                "a": {"type": "string", "format": "date-time", "pattern": "^\\d+$"},
                "b": {"type": "string", "format": "email"},
                "c": {"type": "string", "format": "uri"},
                "format": {"type": "string", "enum": [{"format": "email"}]}
            }
        });
        rewrite(&mut schema);
        assert_eq!(schema["properties"]["a"], json!({"type": "string", "pattern": "^[0-9]+$"}));
        assert_eq!(schema["properties"]["b"]["pattern"], json!(pattern_for("email").unwrap()));
        assert_eq!(schema["properties"]["c"], json!({"type": "string", "format": "uri"}));
        assert_eq!(schema["properties"]["format"]["enum"], json!([{"format": "email"}]));
    }
}
