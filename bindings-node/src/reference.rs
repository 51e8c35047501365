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

// --- reference: grammar checks and host construction (bindauth) ---

/// Checks a repository name against ECR's grammar; throws `code: "InvalidReference"` naming what is wrong.
#[napi]
pub fn validate_repository_name(env: &Env, name: String) -> Result<()> {
    guard(env, || Ok(ecr_core::reference::validate_repository_name(&name)?))
}

/// Checks a tag against the OCI grammar; throws `code: "InvalidReference"`.
#[napi]
pub fn validate_tag(env: &Env, tag: String) -> Result<()> {
    guard(env, || Ok(ecr_core::reference::validate_tag(&tag)?))
}

/// Checks a digest (`sha256:<64 lower-case hex>`); throws `code: "InvalidReference"`.
#[napi]
pub fn validate_digest(env: &Env, digest: String) -> Result<()> {
    guard(env, || Ok(ecr_core::reference::validate_digest(&digest)?))
}

/// Options of `registryHost`.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct RegistryHostOptions {
    /// The FIPS endpoint (`dkr.ecr-fips`).
    pub fips: Option<bool>,
    /// The dual-stack endpoint (`dkr-ecr.<region>.on.aws`).
    pub dual_stack: Option<bool>,
}

/// The private registry host of an account in a region, checked like any parsed host.
#[napi]
pub fn registry_host(
    env: &Env,
    registry_id: String,
    region: String,
    options: Option<RegistryHostOptions>,
) -> Result<String> {
    let o = options.unwrap_or_default();
    guard(env, || {
        let host = ecr_core::reference::RegistryHost::private(&registry_id, &region).and_then(|h| {
            h.with_fips(o.fips.unwrap_or(false))
                .with_dual_stack(o.dual_stack.unwrap_or(false))
        })?;
        Ok(host.to_string())
    })
}
