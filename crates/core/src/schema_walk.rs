//! Visits the schemas inside a JSON schema by position: the values of `properties` and `$defs`
//! are schemas, those of `const`, `enum` or `default` are data, whatever their keys are named.

use serde_json::{Map, Value};

/// Keywords whose value is a map from names to schemas.
const SCHEMA_MAPS: [&str; 5] = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"];
/// Keywords whose value is one schema.
const SCHEMA_VALUES: [&str; 11] = [
    "additionalProperties",
    "additionalItems",
    "items",
    "contains",
    "propertyNames",
    "not",
    "if",
    "then",
    "else",
    "unevaluatedItems",
    "unevaluatedProperties",
];
/// Keywords whose value is a list of schemas (`items` too, in draft 7's tuple form).
const SCHEMA_LISTS: [&str; 5] = ["anyOf", "oneOf", "allOf", "prefixItems", "items"];

/// Calls `visit` on `node` and on every schema inside it, outermost first. Boolean schemas have
/// nothing to visit.
pub(crate) fn for_each_schema_mut(node: &mut Value, visit: &mut dyn FnMut(&mut Map<String, Value>)) {
    let Value::Object(schema) = node else { return };
    visit(schema);
    for (keyword, value) in schema.iter_mut() {
        let keyword = keyword.as_str();
        match value {
            Value::Object(map) if SCHEMA_MAPS.contains(&keyword) => {
                map.values_mut().for_each(|child| for_each_schema_mut(child, visit));
            }
            Value::Object(_) if SCHEMA_VALUES.contains(&keyword) => for_each_schema_mut(value, visit),
            Value::Array(list) if SCHEMA_LISTS.contains(&keyword) => {
                list.iter_mut().for_each(|child| for_each_schema_mut(child, visit));
            }
            _ => {}
        }
    }
}
