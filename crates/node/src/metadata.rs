//! A model's GGUF metadata as a plain JS object, built value by value. Vocabularies hold over a
//! million array items (Gemma's: 262k tokens, scores and types plus 515k merges), more than napi's
//! serde conversion accepts.
use gpt4all_core::{MetadataValue, Model};
use napi::bindgen_prelude::{BigInt, ToNapiValue, TypeName, ValueType};
use napi::{check_status, sys};
use std::sync::Arc;

/// Integers beyond this become `BigInt`, so no token id or count is rounded.
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Every key/value of a model, converted when handed to JS.
pub struct JsMetadata(pub Arc<Model>);

struct JsValue<'a>(&'a MetadataValue);

impl TypeName for JsMetadata {
    fn type_name() -> &'static str {
        "Record<string, unknown>"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ToNapiValue for JsMetadata {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        let mut object = std::ptr::null_mut();
        check_status!(unsafe { sys::napi_create_object(env, &mut object) })?;
        for (key, value) in val.0.metadata() {
            let key = unsafe { <&str>::to_napi_value(env, key) }?;
            let value = unsafe { JsValue::to_napi_value(env, JsValue(value)) }?;
            check_status!(unsafe { sys::napi_set_property(env, object, key, value) })?;
        }
        Ok(object)
    }
}

impl ToNapiValue for JsValue<'_> {
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        unsafe {
            match *val.0 {
                MetadataValue::UInt(v) if v <= MAX_SAFE_INTEGER => f64::to_napi_value(env, v as f64),
                MetadataValue::UInt(v) => BigInt::to_napi_value(env, BigInt::from(v)),
                MetadataValue::Int(v) if v.unsigned_abs() <= MAX_SAFE_INTEGER => f64::to_napi_value(env, v as f64),
                MetadataValue::Int(v) => BigInt::to_napi_value(env, BigInt::from(v)),
                MetadataValue::Float(v) => f64::to_napi_value(env, v),
                MetadataValue::Bool(v) => bool::to_napi_value(env, v),
                MetadataValue::String(ref v) => <&str>::to_napi_value(env, v),
                MetadataValue::Array(ref items) => {
                    let mut array = std::ptr::null_mut();
                    check_status!(sys::napi_create_array_with_length(env, items.len(), &mut array))?;
                    for (i, item) in items.iter().enumerate() {
                        let item = JsValue::to_napi_value(env, JsValue(item))?;
                        check_status!(sys::napi_set_element(env, array, i as u32, item))?;
                    }
                    Ok(array)
                }
            }
        }
    }
}
