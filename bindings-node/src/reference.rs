//! `parseReference`: the reference parser (the first capability wrapped, and the model for the
//! pure-function pattern).

use napi::Env;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;

use crate::errors::guard;

/// Parses a registry host, server URL (`https://...`) or image reference by the `parse_reference` program's
/// rule and returns its JSON object (`input`, `ok`, `kind`, `registry_id`, `region`, `fips`, `dual_stack`,
/// `dns_suffix`, `repository`, `tag`, `digest`). Throws `code: "InvalidReference"` naming what is wrong.
#[napi(ts_return_type = "ParsedReference")]
pub fn parse_reference(env: &Env, text: String) -> Result<Value> {
    guard(env, || Ok(ecr_core::reference::parse_input(&text)?.to_json(&text)))
}
