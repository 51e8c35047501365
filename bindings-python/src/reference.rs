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
