//! The registry protocol (what `verify_push` reads a config with): `RegistryClient` (blocking, the GIL
//! released) and `AsyncRegistryClient` (awaitables) over the core's `RegistryClient` (manifests, blobs,
//! image config blobs; anonymous or HTTP Basic from `RegistryCredentials`), and `ImageConfig`, the parsed
//! config blob the config checks read. `ImageConfig` holds the image's environment, whose values may be
//! secret: `repr`/`str`/`to_dict()` show only the variable names, pickling is refused, and the explicit
//! `env` property is the one way to read the values.

use std::sync::Arc;

use ecr_core::verify::{ImageConfig, RegistryAccess, RegistryAuth, RegistryClient};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

use crate::auth::PyRegistryCredentials;
use crate::conversions::{Blob, Manifest, bytes_arg, to_py};
use crate::errors::{Failure, guard};
use crate::tasks::{awaitable, blocking};

/// The core client for `host` (or `url`), anonymous or with Basic credentials.
fn core_client(
    host: &str,
    url: Option<String>,
    credentials: Option<&PyRegistryCredentials>,
) -> PyResult<Arc<RegistryClient>> {
    guard(|| {
        let access = RegistryAccess {
            url,
            auth: credentials.map_or(RegistryAuth::Anonymous, |c| RegistryAuth::from(&c.inner)),
        };
        Ok(Arc::new(RegistryClient::new(host, &access).map_err(Failure::from)?))
    })
}

mod ops {
    use std::sync::Arc;

    use ecr_core::verify::RegistryClient;

    use super::PyImageConfig;
    use crate::conversions::{Blob, Manifest};
    use crate::errors::Failure;

    pub(super) async fn manifest(
        c: Arc<RegistryClient>,
        repository: String,
        reference: String,
    ) -> Result<Manifest, Failure> {
        Ok(Manifest(c.fetch_manifest(&repository, &reference).await?))
    }

    pub(super) async fn blob(c: Arc<RegistryClient>, repository: String, digest: String) -> Result<Blob, Failure> {
        Ok(Blob(c.fetch_blob(&repository, &digest).await?))
    }

    pub(super) async fn config(
        c: Arc<RegistryClient>,
        repository: String,
        digest: String,
    ) -> Result<PyImageConfig, Failure> {
        Ok(PyImageConfig {
            inner: c.fetch_config(&repository, &digest).await?,
        })
    }
}

/// A registry-protocol client bound to one registry and one set of credentials (blocking; each call waits
/// with the GIL released). `host` is the registry host (`<account>.dkr.ecr.<region>.amazonaws.com`);
/// `url` redirects the protocol (`http://127.0.0.1:5000`, otherwise HTTPS to `host`); `credentials` (a
/// `RegistryCredentials`, e.g. from `Authenticator.credentials(host)`) authenticate with HTTP Basic,
/// otherwise the client is anonymous. The `repr` never shows the password.
#[pyclass(name = "RegistryClient", module = "ecr_core", frozen)]
pub(crate) struct PyRegistryClient {
    inner: Arc<RegistryClient>,
}

#[pymethods]
impl PyRegistryClient {
    /// A client for `host` (or `url`).
    #[new]
    #[pyo3(signature = (host, *, url=None, credentials=None))]
    fn new(host: &str, url: Option<String>, credentials: Option<&PyRegistryCredentials>) -> PyResult<Self> {
        Ok(Self {
            inner: core_client(host, url, credentials)?,
        })
    }

    /// The `host[:port]` this client talks to.
    #[getter]
    fn host(&self) -> String {
        self.inner.host().to_owned()
    }

    /// Fetches a manifest by tag or digest, accepting every manifest and index media type: `{"digest",
    /// "bytes"}` (`digest` is the sha256 of the exact bytes served).
    fn fetch_manifest(&self, py: Python<'_>, repository: String, reference: String) -> PyResult<Manifest> {
        guard(|| blocking(py, ops::manifest(self.inner.clone(), repository, reference)))
    }

    /// Fetches a blob by digest (the bytes are checked against the digest).
    fn fetch_blob(&self, py: Python<'_>, repository: String, digest: String) -> PyResult<Blob> {
        guard(|| blocking(py, ops::blob(self.inner.clone(), repository, digest)))
    }

    /// Fetches and parses an image config blob.
    fn fetch_config(&self, py: Python<'_>, repository: String, digest: String) -> PyResult<PyImageConfig> {
        guard(|| blocking(py, ops::config(self.inner.clone(), repository, digest)))
    }

    fn __repr__(&self) -> String {
        format!("RegistryClient(host={:?})", self.inner.host())
    }
}

/// The asyncio twin of `RegistryClient`: the same arguments, every method an awaitable.
#[pyclass(name = "AsyncRegistryClient", module = "ecr_core", frozen)]
pub(crate) struct PyAsyncRegistryClient {
    inner: Arc<RegistryClient>,
}

#[pymethods]
impl PyAsyncRegistryClient {
    /// A client for `host` (or `url`).
    #[new]
    #[pyo3(signature = (host, *, url=None, credentials=None))]
    fn new(host: &str, url: Option<String>, credentials: Option<&PyRegistryCredentials>) -> PyResult<Self> {
        Ok(Self {
            inner: core_client(host, url, credentials)?,
        })
    }

    /// The `host[:port]` this client talks to.
    #[getter]
    fn host(&self) -> String {
        self.inner.host().to_owned()
    }

    /// Fetches a manifest by tag or digest (awaitable `{"digest", "bytes"}`).
    fn fetch_manifest<'py>(
        &self,
        py: Python<'py>,
        repository: String,
        reference: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| awaitable(py, ops::manifest(self.inner.clone(), repository, reference)))
    }

    /// Fetches a blob by digest (awaitable `bytes`).
    fn fetch_blob<'py>(&self, py: Python<'py>, repository: String, digest: String) -> PyResult<Bound<'py, PyAny>> {
        guard(|| awaitable(py, ops::blob(self.inner.clone(), repository, digest)))
    }

    /// Fetches and parses an image config blob (awaitable `ImageConfig`).
    fn fetch_config<'py>(&self, py: Python<'py>, repository: String, digest: String) -> PyResult<Bound<'py, PyAny>> {
        guard(|| awaitable(py, ops::config(self.inner.clone(), repository, digest)))
    }

    fn __repr__(&self) -> String {
        format!("AsyncRegistryClient(host={:?})", self.inner.host())
    }
}

/// The parts of an image config blob the config checks read. Environment values may be secret: `repr`,
/// `str` and `to_dict()` show only the variable names, pickling is refused; `env` is the explicit read.
#[pyclass(name = "ImageConfig", module = "ecr_core", frozen)]
pub(crate) struct PyImageConfig {
    pub(crate) inner: ImageConfig,
}

#[pymethods]
impl PyImageConfig {
    /// Parses a config blob (`bytes`, or `str` as UTF-8); raises `InvalidArgumentError` when it is not JSON.
    #[staticmethod]
    fn parse(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        guard(|| {
            let bytes = bytes_arg(data)?;
            Ok(Self {
                inner: ImageConfig::parse(&bytes).map_err(Failure::from)?,
            })
        })
    }

    /// The platform (`os/arch[/variant]`), when the config names one.
    #[getter]
    fn platform(&self) -> Option<String> {
        self.inner.platform.as_ref().map(ToString::to_string)
    }

    /// `config.User` (empty when unset: root).
    #[getter]
    fn user(&self) -> String {
        self.inner.user.clone()
    }

    /// `config.Labels`.
    #[getter]
    fn labels(&self) -> std::collections::BTreeMap<String, String> {
        self.inner.labels.clone()
    }

    /// `config.Healthcheck.Test`, when set.
    #[getter]
    fn healthcheck(&self) -> Option<Vec<String>> {
        self.inner.healthcheck.clone()
    }

    /// The names of the environment variables (no values).
    #[getter]
    fn env_names(&self) -> Vec<String> {
        env_names(&self.inner)
    }

    /// `config.Env` as `NAME=value` strings: the explicit way to read values that may be secret.
    #[getter]
    fn env(&self) -> Vec<String> {
        self.inner.env.clone()
    }

    /// `{"platform", "user", "labels", "healthcheck"}` (never the environment).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| to_py(py, &self.inner))
    }

    fn __repr__(&self) -> String {
        format!(
            "ImageConfig(platform={:?}, user={:?}, labels={}, env_names={:?}, healthcheck={:?})",
            self.platform(),
            self.inner.user,
            self.inner.labels.len(),
            env_names(&self.inner),
            self.inner.healthcheck
        )
    }

    fn __str__(&self) -> String {
        self.__repr__()
    }

    fn __reduce__(&self) -> PyResult<()> {
        Err(PyTypeError::new_err(
            "ImageConfig cannot be pickled: its environment may hold secrets",
        ))
    }
}

fn env_names(config: &ImageConfig) -> Vec<String> {
    config
        .env
        .iter()
        .map(|e| e.split('=').next().unwrap_or_default().to_owned())
        .collect()
}
