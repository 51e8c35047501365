//! `ecr_core.reference`: typed image references and registry hosts, and the grammar checks.
//!
//! [`PyImageReference`] and [`PyRegistryHost`] wrap the core's values: a Python user reads attributes and
//! calls builder methods (`with_tag`, `with_fips`, ...) instead of re-parsing strings; invalid input raises
//! `InvalidReferenceError` naming what is wrong and where.

use ecr_core::reference::{ImageReference, RegistryHost};
use pyo3::prelude::*;

use crate::conversions::Json;
use crate::errors::{Failure, guard};

/// A valid ECR image reference (`HOST/REPOSITORY[:TAG][@sha256:DIGEST]`); immutable, hashable, `str()`
/// gives the reference back exactly.
#[pyclass(name = "ImageReference", module = "ecr_core.reference", frozen, eq, hash)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct PyImageReference(ImageReference);

/// A valid ECR registry host (private, FIPS, dual-stack or ECR Public); immutable, hashable, `str()` gives
/// the host back exactly.
#[pyclass(name = "RegistryHost", module = "ecr_core.reference", frozen, eq, hash)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct PyRegistryHost(RegistryHost);

/// Parses an image reference; raises `InvalidReferenceError` naming what is wrong and where.
#[pyfunction]
pub(crate) fn parse_reference(text: &str) -> PyResult<PyImageReference> {
    PyImageReference::parse(text)
}

fn reference(result: ecr_core::Result<ImageReference>) -> PyResult<PyImageReference> {
    Ok(PyImageReference(result.map_err(Failure::from)?))
}

fn host(result: ecr_core::Result<RegistryHost>) -> PyResult<PyRegistryHost> {
    Ok(PyRegistryHost(result.map_err(Failure::from)?))
}

#[pymethods]
impl PyImageReference {
    /// Parses an image reference (the same as `parse_reference`).
    #[new]
    fn parse(text: &str) -> PyResult<Self> {
        guard(|| reference(text.parse()))
    }

    /// The registry host.
    #[getter]
    fn host(&self) -> PyRegistryHost {
        PyRegistryHost(self.0.host().clone())
    }

    /// The repository name (`team/app`; for ECR Public `<alias>/<name>`).
    #[getter]
    fn repository(&self) -> &str {
        self.0.repository()
    }

    /// The tag, or `None`.
    #[getter]
    fn tag(&self) -> Option<&str> {
        self.0.tag()
    }

    /// The digest (`sha256:<64 hex>`), or `None`.
    #[getter]
    fn digest(&self) -> Option<&str> {
        self.0.digest()
    }

    /// `HOST/REPOSITORY`, the repository URI ECR reports.
    #[getter]
    fn repository_uri(&self) -> String {
        self.0.repository_uri()
    }

    /// The ECR image id (`{"imageDigest": ..., "imageTag": ...}`, whichever the reference has), or `None`.
    fn image_id(&self) -> Option<Json> {
        self.0.image_id().map(Json::of)
    }

    /// This reference with `tag` instead of its tag (the digest is kept).
    fn with_tag(&self, tag: &str) -> PyResult<Self> {
        guard(|| reference(self.0.clone().with_tag(tag)))
    }

    /// This reference with `digest` instead of its digest (the tag is kept).
    fn with_digest(&self, digest: &str) -> PyResult<Self> {
        guard(|| reference(self.0.clone().with_digest(digest)))
    }

    /// This reference without its tag.
    fn without_tag(&self) -> Self {
        Self(self.0.clone().without_tag())
    }

    /// This reference without its digest.
    fn without_digest(&self) -> Self {
        Self(self.0.clone().without_digest())
    }

    fn __str__(&self) -> String {
        self.0.to_string()
    }

    fn __repr__(&self) -> String {
        format!("ImageReference({:?})", self.0.to_string())
    }
}

#[pymethods]
impl PyRegistryHost {
    /// Parses a registry host (`123456789012.dkr.ecr.us-east-1.amazonaws.com`, `public.ecr.aws`, ...).
    #[new]
    fn parse(text: &str) -> PyResult<Self> {
        guard(|| host(text.parse()))
    }

    /// The private registry host of an account in a region.
    #[staticmethod]
    #[pyo3(signature = (registry_id, region, *, fips=false, dual_stack=false))]
    fn private(registry_id: &str, region: &str, fips: bool, dual_stack: bool) -> PyResult<Self> {
        guard(|| {
            host(RegistryHost::private(registry_id, region).and_then(|h| h.with_fips(fips).with_dual_stack(dual_stack)))
        })
    }

    /// The ECR Public host `public.ecr.aws`.
    #[staticmethod]
    fn public() -> Self {
        Self(RegistryHost::public())
    }

    /// The host of a server URL as Docker hands it to credential helpers
    /// (`[https://]host[:port][/path][?query]`); user info and other schemes are refused.
    #[staticmethod]
    fn from_server_url(url: &str) -> PyResult<Self> {
        guard(|| host(RegistryHost::from_server_url(url)))
    }

    /// `"private"` or `"public"`.
    #[getter]
    fn kind(&self) -> &'static str {
        self.0.kind().as_str()
    }

    /// The account id of a private host, else `None`.
    #[getter]
    fn registry_id(&self) -> Option<&str> {
        self.0.registry_id()
    }

    /// The region of a private host, else `None`.
    #[getter]
    fn region(&self) -> Option<&str> {
        self.0.region()
    }

    /// Whether this is a FIPS endpoint.
    #[getter]
    fn fips(&self) -> bool {
        self.0.fips()
    }

    /// Whether this is a dual-stack (IPv4 + IPv6) endpoint.
    #[getter]
    fn dual_stack(&self) -> bool {
        self.0.dual_stack()
    }

    /// The DNS suffix of a private host (`amazonaws.com`, `on.aws`, ...), else `None`.
    #[getter]
    fn dns_suffix(&self) -> Option<&'static str> {
        self.0.dns_suffix()
    }

    /// The `https://HOST` server URL.
    #[getter]
    fn server_url(&self) -> String {
        self.0.server_url()
    }

    /// This host with its FIPS endpoint switched on or off (public hosts have none and are unchanged).
    fn with_fips(&self, on: bool) -> Self {
        Self(self.0.clone().with_fips(on))
    }

    /// This host in its dual-stack form or back; refused for a partition without dual-stack hosts.
    fn with_dual_stack(&self, on: bool) -> PyResult<Self> {
        guard(|| host(self.0.clone().with_dual_stack(on)))
    }

    fn __str__(&self) -> String {
        self.0.to_string()
    }

    fn __repr__(&self) -> String {
        format!("RegistryHost({:?})", self.0.to_string())
    }
}

// --- grammar checks ---

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

/// The AWS partition of a region: `{"name": "aws" | "aws-cn" | ..., "dnsSuffix": ...,
/// "dualStackDnsSuffix": ... or None}`.
#[pyfunction]
pub(crate) fn partition_of_region(region: &str) -> Json {
    Json::of(ecr_core::reference::Partition::of_region(region).info())
}
