//! Every conversion between JavaScript values and Rust values, in one place.
//!
//! JS values cross as [`serde_json::Value`] (napi's `serde-json` feature: plain objects, arrays, strings,
//! numbers, booleans, `null`). Results are serde types sent as the JSON the example programs print
//! ([`json`]: camelCase keys, RFC 3339 timestamps); argument documents are read into core types here.
//! Large results (a lifecycle preview of 100k images) instead cross as JSON *text* parsed by the engine's own
//! `JSON.parse` ([`plain_object`], [`parse_json_text`]): one call instead of one napi call per property.

use ecr_core::types::{ImageId, RepositorySettings};
use napi::Env;
use napi::bindgen_prelude::{Function, JsObjectValue, Object, ToNapiValue, Unknown};
use napi::{JsString, JsStringLatin1, JsValue};
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
    let parse: Function<'_, JsString<'_>, Unknown<'env>> = json.get_named_property("parse")?;
    parse.call(js_text(env, text)?)
}

/// Text as a JS string. ASCII text becomes an external Latin-1 string: V8 reads it where it is, in this
/// `String`'s buffer, which it frees when the string is collected, where any other way copies it (and UTF-8
/// is decoded on the way). This serves the bindings' goal of reading every result of a kept preview within 2×
/// Rust's evaluation + `into_owned` (benches/README.md, "The bindings"): `LifecyclePreviewResult.toText()`
/// is a 20 MB document there.
pub(crate) fn js_text(env: &Env, text: String) -> napi::Result<JsString<'_>> {
    if !text.is_empty() && text.is_ascii() {
        Ok(JsStringLatin1::from_data(env, text.into_bytes())?.into_value())
    } else {
        env.create_string(&text)
    }
}

/// Strings as a JS array, made by V8's own `String.prototype.split` from one string of the lines joined by
/// `\n`: one crossing instead of one napi call per string, for the same goal as [`js_text`]
/// (`LifecyclePreviewResult.expiringDigests`, 66k digests in the bench). Lines holding `\n` cross one by one.
pub(crate) fn text_lines<'env>(env: &'env Env, lines: &[&str]) -> napi::Result<Unknown<'env>> {
    let joined = lines.join("\n");
    // One pass over the joined text rather than one per line: the lines are scattered in memory.
    if lines.is_empty() || joined.bytes().filter(|&b| b == b'\n').count() != lines.len() - 1 {
        return lines.to_vec().into_unknown(env);
    }
    let joined = js_text(env, joined)?;
    let split: Function<'_, &str, Unknown<'env>> = joined.coerce_to_object()?.get_named_property("split")?;
    split.apply(joined, "\n")
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
