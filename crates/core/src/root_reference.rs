//! Recursive schemas that refer to their own root (`"$ref": "#"`, as zod writes a recursive
//! type), which llama.cpp's converter refuses (it follows only `#/…` pointers). The root moves
//! into `$defs` under a name of its own, and every reference to `#` points there.
use serde_json::{Map, Value};

/// Where the root goes.
const ROOT_DEFINITION: &str = "gpt4all-root";

/// Rewrites `schema` as the module docs say, when some `$ref` in it is `#`.
pub(crate) fn rewrite(schema: &mut Value) {
    if !retarget(schema) {
        return;
    }
    let Value::Object(root) = schema else { return };
    let mut body = std::mem::take(root);
    let mut defs = match body.remove("$defs") {
        Some(Value::Object(defs)) => defs,
        _ => Map::new(),
    };
    // `#/definitions/…` pointers must still find their targets at the top.
    if let Some(definitions) = body.remove("definitions") {
        root.insert("definitions".into(), definitions);
    }
    defs.insert(ROOT_DEFINITION.into(), Value::Object(body));
    root.insert("$defs".into(), Value::Object(defs));
    root.insert("$ref".into(), Value::String(format!("#/$defs/{ROOT_DEFINITION}")));
}

/// Points every `"$ref": "#"` in `node` at the root's new place; whether there was one. Values of
/// `const`, `enum`, `default` and `examples` are data and are left alone.
fn retarget(node: &mut Value) -> bool {
    match node {
        Value::Object(map) => {
            let mut found = false;
            for (key, child) in map.iter_mut() {
                if key == "$ref" && child.as_str() == Some("#") {
                    *child = Value::String(format!("#/$defs/{ROOT_DEFINITION}"));
                    found = true;
                } else if !matches!(key.as_str(), "const" | "enum" | "default" | "examples") {
                    found |= retarget(child);
                }
            }
            found
        }
        Value::Array(items) => items.iter_mut().fold(false, |found, item| retarget(item) | found),
        _ => false,
    }
}
