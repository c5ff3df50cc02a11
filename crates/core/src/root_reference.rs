//! Recursive schemas that refer to their own root (`"$ref": "#"`, as zod writes a recursive
//! type), which llama.cpp's converter refuses (it follows only `#/…` pointers). The root moves
//! into `$defs` under a name of its own; `#` and every pointer into the old root (`#/properties/…`,
//! as zod-to-json-schema's root strategy writes) follow it there.
use crate::schema_walk::for_each_schema_mut;
use serde_json::{Map, Value};

/// Where the root goes.
const ROOT_DEFINITION: &str = "gpt4all-root";

/// Rewrites `schema` as the module docs say, when some `$ref` in it is `#`.
pub(crate) fn rewrite(schema: &mut Value) {
    let mut refers_to_root = false;
    for_each_schema_mut(schema, &mut |s| refers_to_root |= s.get("$ref").and_then(Value::as_str) == Some("#"));
    if !refers_to_root {
        return;
    }
    for_each_schema_mut(schema, &mut |s| {
        if let Some(Value::String(reference)) = s.get_mut("$ref") {
            if let Some(moved) = moved_pointer(reference) {
                *reference = moved;
            }
        }
    });
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

/// Where a pointer into the old root points after the move; `None` for one that stays
/// (definitions stay at the top, and references outside the document are left to the converter).
fn moved_pointer(reference: &str) -> Option<String> {
    if reference == "#" {
        return Some(format!("#/$defs/{ROOT_DEFINITION}"));
    }
    let rest = reference.strip_prefix("#/")?;
    if rest.starts_with("$defs/") || rest.starts_with("definitions/") {
        return None;
    }
    Some(format!("#/$defs/{ROOT_DEFINITION}/{rest}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn moves_the_root_and_every_pointer_into_it() {
        let mut schema = json!({
            "type": "object",
            "properties": {
                "kids": {"type": "array", "items": {"$ref": "#"}},
                "twin": {"$ref": "#/properties/kids"},
                "default": {"$ref": "#/$defs/leaf"}
            },
            "$defs": {"leaf": {"type": "string"}}
        });
        rewrite(&mut schema);
        assert_eq!(schema["$ref"], json!("#/$defs/gpt4all-root"));
        let body = &schema["$defs"]["gpt4all-root"];
        assert_eq!(body["properties"]["kids"]["items"]["$ref"], json!("#/$defs/gpt4all-root"));
        assert_eq!(body["properties"]["twin"]["$ref"], json!("#/$defs/gpt4all-root/properties/kids"));
        assert_eq!(body["properties"]["default"]["$ref"], json!("#/$defs/leaf"));
        assert_eq!(schema["$defs"]["leaf"], json!({"type": "string"}));
    }
}
