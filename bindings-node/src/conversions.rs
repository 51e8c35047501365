//! Every conversion between JavaScript values and Rust values, in one place.
//!
//! JS values cross as [`serde_json::Value`] (napi's `serde-json` feature: plain objects, arrays, strings,
//! numbers, booleans, `null`). Results are serde types sent as the JSON the example programs print
//! ([`json`]: camelCase keys, RFC 3339 timestamps); argument documents are read into core types here.
//! Large results (a lifecycle preview of 100k images) instead cross as JSON *text* parsed by the engine's own
//! `JSON.parse` ([`plain_object`], [`parse_json_text`]): one call instead of one napi call per property.

use ecr_core::types::{ImageId, RepositorySettings};
use napi::Env;
use napi::bindgen_prelude::{Function, JsObjectValue, Object, Unknown};
use serde::Serialize;
use serde_json::Value;

use crate::errors::Failure;

/// The JSON of a serde value (its camelCase wire form), as handed to JavaScript.
pub(crate) fn json<T: Serialize>(value: &T) -> Result<Value, Failure> {
    serde_json::to_value(value).map_err(|e| Failure::Internal(format!("result not representable as JSON: {e}")))
}

/// The compact JSON text of a serde value (the same wire form as [`json`], written without a [`Value`] tree).
pub(crate) fn json_text<T: Serialize>(value: &T) -> Result<String, Failure> {
    serde_json::to_string(value).map_err(|e| Failure::Internal(format!("result not representable as JSON: {e}")))
}

/// JSON text as a plain JS value, by one call of the global `JSON.parse`: equal to what napi builds from the
/// same document as a [`Value`] (same keys in the same order, same values; integers beyond 2^53 become
/// numbers, not `BigInt`s), and many times faster for large documents.
pub(crate) fn parse_json_text<'env>(env: &'env Env, text: String) -> napi::Result<Unknown<'env>> {
    let json: Object<'_> = env.get_global()?.get_named_property("JSON")?;
    let parse: Function<'_, String, Unknown<'env>> = json.get_named_property("parse")?;
    parse.call(text)
}

/// A serde value as a plain JS value, serialised to JSON text and parsed by `JSON.parse` ([`parse_json_text`]):
/// the fast form of [`json`] for large synchronous results.
pub(crate) fn plain_object<'env, T: Serialize>(env: &'env Env, value: &T) -> napi::Result<Unknown<'env>> {
    let text = crate::errors::guard(env, || json_text(value))?;
    parse_json_text(env, text)
}

/// Repository settings from an optional object in `RepositorySettings` shape (`tagMutability`,
/// `exclusionFilters`, `scanOnPush`, `kmsKey`). Missing keys keep the value of
/// [`RepositorySettings::recommended`]; unknown keys are refused.
pub(crate) fn repository_settings(given: Option<Value>) -> Result<RepositorySettings, ecr_core::Error> {
    match given {
        None | Some(Value::Null) => Ok(RepositorySettings::recommended()),
        Some(given @ Value::Object(_)) => ecr_core::types::from_json(given, "settings"),
        Some(_) => Err(ecr_core::Error::invalid("settings", "expected an object")),
    }
}

/// Image ids from an optional array whose items are `{ imageDigest }` / `{ imageTag }` objects or strings
/// (`sha256:...` is a digest, anything else a tag).
pub(crate) fn image_ids(value: Option<Value>) -> Result<Vec<ImageId>, ecr_core::Error> {
    let items = match value {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(ecr_core::Error::invalid("imageIds", "expected an array")),
    };
    ImageId::list_from_json(items, "imageIds")
}

// --- verify checks, registry protocol, auth ---

/// A serde value read from a JS argument (an object or array in the type's camelCase JSON shape); `what`
/// names the argument in the error.
pub(crate) fn typed_arg<T: serde::de::DeserializeOwned>(value: Value, what: &str) -> Result<T, ecr_core::Error> {
    serde_json::from_value(value).map_err(|e| ecr_core::Error::invalid(what, e.to_string()))
}

/// Platforms from `os/arch[/variant]` strings.
pub(crate) fn platforms_arg(items: &[String]) -> Result<Vec<ecr_core::verify::Platform>, ecr_core::Error> {
    items.iter().map(|p| p.parse()).collect()
}
