//! `ecr_core.parse_reference`: the reference parser (the first capability wrapped, and the model for the
//! pure-function pattern).

use pyo3::prelude::*;

use crate::conversions::Json;
use crate::errors::{Failure, guard};

/// Parses a registry host, server URL (`https://...`) or image reference by the `parse_reference` program's
/// rule and returns its JSON object (`input`, `ok`, `kind`, `registry_id`, `region`, `fips`, `dual_stack`,
/// `dns_suffix`, `repository`, `tag`, `digest`). Raises `InvalidReferenceError` naming what is wrong.
#[pyfunction]
pub(crate) fn parse_reference(text: &str) -> PyResult<Json> {
    guard(|| {
        let parsed = ecr_core::reference::parse_input(text).map_err(Failure::from)?;
        Ok(Json(parsed.to_json(text)))
    })
}

// --- reference: grammar checks and host construction ---

/// Checks a repository name against ECR's grammar (2–256 characters, lower-case path components); raises
/// `InvalidReferenceError` naming what is wrong.
#[pyfunction]
pub(crate) fn validate_repository_name(name: &str) -> PyResult<()> {
    guard(|| Ok(ecr_core::reference::validate_repository_name(name).map_err(Failure::from)?))
}

/// Checks a tag against the OCI grammar (`[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`); raises `InvalidReferenceError`.
#[pyfunction]
pub(crate) fn validate_tag(tag: &str) -> PyResult<()> {
    guard(|| Ok(ecr_core::reference::validate_tag(tag).map_err(Failure::from)?))
}

/// Checks a digest (`sha256:<64 lower-case hex>`); raises `InvalidReferenceError`.
#[pyfunction]
pub(crate) fn validate_digest(digest: &str) -> PyResult<()> {
    guard(|| Ok(ecr_core::reference::validate_digest(digest).map_err(Failure::from)?))
}

/// The private registry host of an account in a region (`<id>.dkr.ecr[-fips].<region>.<suffix>`, or the
/// dual-stack `<id>.dkr-ecr.<region>.on.aws` form), checked like any parsed host.
#[pyfunction]
#[pyo3(signature = (registry_id, region, *, fips=false, dual_stack=false))]
pub(crate) fn registry_host(registry_id: &str, region: &str, fips: bool, dual_stack: bool) -> PyResult<String> {
    guard(|| {
        let host = ecr_core::reference::RegistryHost::private(registry_id, region)
            .and_then(|h| h.with_fips(fips).with_dual_stack(dual_stack))
            .map_err(Failure::from)?;
        Ok(host.to_string())
    })
}

// --- reference: ImageReference and RegistryHost builders ---

fn image(reference: &str) -> Result<ecr_core::reference::ImageReference, Failure> {
    reference.parse().map_err(Failure::from)
}

fn host(text: &str) -> Result<ecr_core::reference::RegistryHost, Failure> {
    text.parse().map_err(Failure::from)
}

/// `reference` (`HOST/REPO[:TAG][@DIGEST]`) with `tag` instead of its tag; the digest is kept. Raises
/// `InvalidReferenceError` for a bad reference or tag.
#[pyfunction]
pub(crate) fn reference_with_tag(reference: &str, tag: &str) -> PyResult<String> {
    guard(|| Ok(image(reference)?.with_tag(tag).map_err(Failure::from)?.to_string()))
}

/// `reference` with `digest` (`sha256:<64 hex>`) instead of its digest; the tag is kept. Raises
/// `InvalidReferenceError`.
#[pyfunction]
pub(crate) fn reference_with_digest(reference: &str, digest: &str) -> PyResult<String> {
    guard(|| {
        Ok(image(reference)?
            .with_digest(digest)
            .map_err(Failure::from)?
            .to_string())
    })
}

/// `reference` without its tag (unchanged when it has none).
#[pyfunction]
pub(crate) fn reference_without_tag(reference: &str) -> PyResult<String> {
    guard(|| Ok(image(reference)?.without_tag().to_string()))
}

/// `reference` without its digest (unchanged when it has none).
#[pyfunction]
pub(crate) fn reference_without_digest(reference: &str) -> PyResult<String> {
    guard(|| Ok(image(reference)?.without_digest().to_string()))
}

/// `HOST/REPOSITORY` of `reference`, the repository URI ECR reports.
#[pyfunction]
pub(crate) fn reference_repository_uri(reference: &str) -> PyResult<String> {
    guard(|| Ok(image(reference)?.repository_uri()))
}

/// A registry host with its FIPS endpoint (`dkr.ecr-fips`) switched on or off; public hosts have no FIPS
/// form and come back unchanged.
#[pyfunction]
pub(crate) fn host_with_fips(host_name: &str, on: bool) -> PyResult<String> {
    guard(|| Ok(host(host_name)?.with_fips(on).to_string()))
}

/// A registry host in its dual-stack form (`dkr-ecr.<region>.on.aws`, `ecr-public.aws.com`) or back.
/// Raises `InvalidReferenceError` for a partition without dual-stack registry hosts.
#[pyfunction]
pub(crate) fn host_with_dual_stack(host_name: &str, on: bool) -> PyResult<String> {
    guard(|| Ok(host(host_name)?.with_dual_stack(on).map_err(Failure::from)?.to_string()))
}

/// The registry host of a server URL as Docker hands it to credential helpers
/// (`[https://]host[:port][/path][?query]`); user info and schemes other than `https` raise
/// `InvalidReferenceError`.
#[pyfunction]
pub(crate) fn host_from_server_url(url: &str) -> PyResult<String> {
    guard(|| {
        Ok(ecr_core::reference::RegistryHost::from_server_url(url)
            .map_err(Failure::from)?
            .to_string())
    })
}

/// The `https://HOST` server URL of a registry host.
#[pyfunction]
pub(crate) fn host_server_url(host_name: &str) -> PyResult<String> {
    guard(|| Ok(host(host_name)?.server_url()))
}

/// The AWS partition of a region: `{"name": "aws" | "aws-cn" | ..., "dnsSuffix": ...,
/// "dualStackDnsSuffix": ... or None}`.
#[pyfunction]
pub(crate) fn partition_of_region(region: &str) -> Json {
    let p = ecr_core::reference::Partition::of_region(region);
    Json(serde_json::json!({
        "name": p.as_str(),
        "dnsSuffix": p.dns_suffix(),
        "dualStackDnsSuffix": p.dual_stack_dns_suffix(),
    }))
}

/// The ECR image id of `reference`: its digest (`imageDigest`) and tag (`imageTag`), whichever it has, or
/// `None` when it has neither.
#[pyfunction]
pub(crate) fn reference_image_id(reference: &str) -> PyResult<Json> {
    guard(|| Ok(Json::of(&image(reference)?.image_id())?))
}
