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

// --- reference: grammar checks and host construction ---

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

// --- reference: ImageReference and RegistryHost builders ---

/// `reference` (`HOST/REPO[:TAG][@DIGEST]`) with `tag` instead of its tag; the digest is kept. Throws
/// `code: "InvalidReference"` for a bad reference or tag.
#[napi]
pub fn reference_with_tag(env: &Env, reference: String, tag: String) -> Result<String> {
    guard(env, || {
        let image: ecr_core::reference::ImageReference = reference.parse()?;
        Ok(image.with_tag(&tag)?.to_string())
    })
}

/// `reference` with `digest` (`sha256:<64 hex>`) instead of its digest; the tag is kept. Throws
/// `code: "InvalidReference"`.
#[napi]
pub fn reference_with_digest(env: &Env, reference: String, digest: String) -> Result<String> {
    guard(env, || {
        let image: ecr_core::reference::ImageReference = reference.parse()?;
        Ok(image.with_digest(&digest)?.to_string())
    })
}

/// `reference` without its tag (unchanged when it has none).
#[napi]
pub fn reference_without_tag(env: &Env, reference: String) -> Result<String> {
    guard(env, || {
        let image: ecr_core::reference::ImageReference = reference.parse()?;
        Ok(image.without_tag().to_string())
    })
}

/// `reference` without its digest (unchanged when it has none).
#[napi]
pub fn reference_without_digest(env: &Env, reference: String) -> Result<String> {
    guard(env, || {
        let image: ecr_core::reference::ImageReference = reference.parse()?;
        Ok(image.without_digest().to_string())
    })
}

/// `HOST/REPOSITORY` of `reference`, the repository URI ECR reports.
#[napi]
pub fn reference_repository_uri(env: &Env, reference: String) -> Result<String> {
    guard(env, || {
        let image: ecr_core::reference::ImageReference = reference.parse()?;
        Ok(image.repository_uri())
    })
}

/// A registry host with its FIPS endpoint (`dkr.ecr-fips`) switched on or off; public hosts have no FIPS
/// form and come back unchanged.
#[napi]
pub fn host_with_fips(env: &Env, host: String, on: bool) -> Result<String> {
    guard(env, || {
        let host: ecr_core::reference::RegistryHost = host.parse()?;
        Ok(host.with_fips(on).to_string())
    })
}

/// A registry host in its dual-stack form (`dkr-ecr.<region>.on.aws`, `ecr-public.aws.com`) or back.
/// Throws `code: "InvalidReference"` for a partition without dual-stack registry hosts.
#[napi]
pub fn host_with_dual_stack(env: &Env, host: String, on: bool) -> Result<String> {
    guard(env, || {
        let host: ecr_core::reference::RegistryHost = host.parse()?;
        Ok(host.with_dual_stack(on)?.to_string())
    })
}

/// The registry host of a server URL as Docker hands it to credential helpers
/// (`[https://]host[:port][/path][?query]`); user info and schemes other than `https` throw
/// `code: "InvalidReference"`.
#[napi]
pub fn host_from_server_url(env: &Env, url: String) -> Result<String> {
    guard(env, || {
        Ok(ecr_core::reference::RegistryHost::from_server_url(&url)?.to_string())
    })
}

/// The `https://HOST` server URL of a registry host.
#[napi]
pub fn host_server_url(env: &Env, host: String) -> Result<String> {
    guard(env, || {
        let host: ecr_core::reference::RegistryHost = host.parse()?;
        Ok(host.server_url())
    })
}

/// The AWS partition of a region: `{ name, dnsSuffix, dualStackDnsSuffix }` (`null` when the partition has
/// no dual-stack registry hosts).
#[napi(ts_return_type = "PartitionInfo")]
pub fn partition_of_region(region: String) -> Value {
    let p = ecr_core::reference::Partition::of_region(&region);
    serde_json::json!({
        "name": p.as_str(),
        "dnsSuffix": p.dns_suffix(),
        "dualStackDnsSuffix": p.dual_stack_dns_suffix(),
    })
}

/// The ECR image id of `reference`: its digest (`imageDigest`) and tag (`imageTag`), whichever it has, or
/// `null` when it has neither.
#[napi(ts_return_type = "ImageId | null")]
pub fn reference_image_id(env: &Env, reference: String) -> Result<Value> {
    guard(env, || {
        let image: ecr_core::reference::ImageReference = reference.parse()?;
        Ok(serde_json::to_value(image.image_id()).unwrap_or(Value::Null))
    })
}
