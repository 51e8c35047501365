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

// --- reference: grammar checks and host construction (bindauth) ---

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
