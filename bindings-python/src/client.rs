//! `EcrClient` (blocking) and `AsyncEcrClient` (asyncio) over [`ecr_core::EcrClient`].
//!
//! Both run the same operation futures (module [`ops`]); the blocking client waits for them with the GIL
//! released ([`runtime::block_on`]), the async one hands them to asyncio
//! (`pyo3_async_runtimes::tokio::future_into_py`). Results are dicts in ECR's camelCase JSON shape.
//!
//! Adding a capability method is mechanical: an `ops` function (owned arguments in, `Result<Json,
//! Failure>` out), then one method in each `#[pymethods]` block calling it, plus its stub in `_native.pyi`.

use std::sync::Arc;

use ecr_core::{EcrClient, Secret};
use pyo3::prelude::*;
use tokio::sync::OnceCell;

use crate::conversions::{Json, image_ids_arg, repository_settings_arg};
use crate::errors::{Failure, guard};
use crate::runtime;

/// Client settings given from Python (unset ones come from the AWS configuration chain).
#[derive(Debug, Clone, Default)]
struct Options {
    region: Option<String>,
    profile: Option<String>,
    endpoint_url: Option<String>,
    /// Retry and timeout settings in the core's camelCase JSON (`EcrClientBuilder::tuning`).
    tuning: serde_json::Map<String, serde_json::Value>,
    /// Explicit credentials instead of the AWS chain (secrets never print).
    credentials: Credentials,
}

/// Explicit AWS credentials given to a client (`access_key_id` / `secret_access_key` / `session_token`).
#[derive(Debug, Clone, Default)]
struct Credentials {
    access_key_id: Option<String>,
    secret_access_key: Option<Secret>,
    session_token: Option<Secret>,
}

impl Credentials {
    fn new(
        access_key_id: Option<String>,
        secret_access_key: Option<String>,
        session_token: Option<String>,
    ) -> Result<Self, ecr_core::Error> {
        let c = Self {
            access_key_id,
            secret_access_key: secret_access_key.map(Secret::new),
            session_token: session_token.map(Secret::new),
        };
        c.clone().apply(EcrClient::builder())?;
        Ok(c)
    }

    fn apply(self, b: ecr_core::EcrClientBuilder) -> Result<ecr_core::EcrClientBuilder, ecr_core::Error> {
        b.credentials_opt(self.access_key_id, self.secret_access_key, self.session_token)
    }
}

impl Options {
    /// Loads the AWS configuration and builds the core client.
    async fn build(self) -> Result<EcrClient, Failure> {
        let builder = EcrClient::builder()
            .options(self.region, self.profile, self.endpoint_url)
            .tuning(&self.tuning, "client")?;
        Ok(self.credentials.apply(builder)?.build().await?)
    }
}

/// The retry and timeout keyword arguments of both clients (seconds; `attempt_timeout=math.inf`: no
/// per-attempt limit), validated by the core.
#[derive(Debug, Clone, Default)]
struct Tuning {
    retry_mode: Option<String>,
    max_attempts: Option<i64>,
    initial_backoff: Option<f64>,
    connect_timeout: Option<f64>,
    operation_timeout: Option<f64>,
    attempt_timeout: Option<f64>,
}

impl Tuning {
    /// The settings as the core reads them; checked now, so a bad value fails at construction.
    fn into_map(self) -> Result<serde_json::Map<String, serde_json::Value>, ecr_core::Error> {
        use serde_json::Value;
        let secs = |s: f64| serde_json::Number::from_f64(s).map_or(Value::Null, Value::Number);
        let mut m = serde_json::Map::new();
        if let Some(v) = self.retry_mode {
            m.insert("retryMode".into(), Value::String(v));
        }
        if let Some(v) = self.max_attempts {
            m.insert("maxAttempts".into(), Value::from(v));
        }
        for (key, value) in [
            ("initialBackoff", self.initial_backoff),
            ("connectTimeout", self.connect_timeout),
            ("operationTimeout", self.operation_timeout),
        ] {
            if let Some(v) = value {
                // NaN/inf become a non-number the core refuses.
                m.insert(
                    key.into(),
                    if v.is_finite() {
                        secs(v)
                    } else {
                        Value::String(v.to_string())
                    },
                );
            }
        }
        match self.attempt_timeout {
            Some(v) if v == f64::INFINITY => {
                m.insert("attemptTimeout".into(), Value::Null);
            }
            Some(v) if v.is_finite() => {
                m.insert("attemptTimeout".into(), secs(v));
            }
            Some(v) => {
                m.insert("attemptTimeout".into(), Value::String(v.to_string()));
            }
            None => {}
        }
        EcrClient::builder().tuning(&m, "client")?;
        Ok(m)
    }
}

/// The client operations as `'static` futures over owned arguments, shared by both Python clients.
mod ops {
    use ecr_core::EcrClient;
    use ecr_core::types::{ImageId, RepositorySettings};

    use crate::conversions::Json;
    use crate::errors::Failure;

    pub(super) async fn describe_repository(client: EcrClient, name: String) -> Result<Json, Failure> {
        Json::of(&client.describe_repository(&name).await?)
    }

    pub(super) async fn create_repository(
        client: EcrClient,
        name: String,
        settings: RepositorySettings,
    ) -> Result<Json, Failure> {
        Json::of(&client.create_repository(&name, &settings).await?)
    }

    pub(super) async fn list_repositories(client: EcrClient) -> Result<Json, Failure> {
        Json::of(&client.list_repositories().await?)
    }

    pub(super) async fn describe_images(
        client: EcrClient,
        repository: String,
        ids: Vec<ImageId>,
    ) -> Result<Json, Failure> {
        Json::of(&client.describe_images(&repository, &ids).await?)
    }

    /// The arguments of `put_image`.
    pub(super) struct PutImage {
        pub(super) repository: String,
        pub(super) manifest: String,
        pub(super) media_type: Option<String>,
        pub(super) tag: Option<String>,
        pub(super) digest: Option<String>,
    }

    pub(super) async fn put_image(client: EcrClient, a: PutImage) -> Result<Json, Failure> {
        let id = client
            .put_image(
                &a.repository,
                &a.manifest,
                a.media_type.as_deref(),
                a.tag.as_deref(),
                a.digest.as_deref(),
            )
            .await?;
        Json::of(&id)
    }
}

/// A blocking ECR client. Each method waits for AWS with the GIL released (other Python threads keep
/// running) and can be interrupted with Ctrl-C.
///
/// Region, profile and endpoint default to the AWS configuration chain (`AWS_REGION`, `AWS_PROFILE`,
/// `AWS_ENDPOINT_URL`, shared config files, SSO, web identity, instance roles). Raises `NoRegionError`
/// when no region can be found.
#[pyclass(name = "EcrClient", module = "ecr_core", frozen)]
pub(crate) struct PyEcrClient {
    pub(crate) client: EcrClient,
}

impl PyEcrClient {
    /// Runs one operation to completion on the module runtime.
    fn run<F>(&self, py: Python<'_>, op: impl FnOnce(EcrClient) -> F) -> PyResult<Json>
    where
        F: Future<Output = Result<Json, Failure>> + Send + 'static,
    {
        crate::calls::blocking(py, op(self.client.clone()))
    }
}

#[pymethods]
impl PyEcrClient {
    /// Builds a client; `region`, `profile` and `endpoint_url` override the AWS configuration chain.
    /// Retries and timeouts: `retry_mode` (`"standard"`, `"adaptive"`), `max_attempts` (default 3), and in
    /// seconds `initial_backoff` (default 1), `connect_timeout` (5), `operation_timeout` (60, retries
    /// included), `attempt_timeout` (20; `math.inf` for no per-attempt limit). `access_key_id` +
    /// `secret_access_key` (+ `session_token`) replace the AWS credential chain (e.g. keys from a secrets
    /// manager); they never show in `repr`/`str`.
    #[new]
    #[pyo3(signature = (region=None, profile=None, endpoint_url=None, *, retry_mode=None, max_attempts=None,
        initial_backoff=None, connect_timeout=None, operation_timeout=None, attempt_timeout=None, access_key_id=None,
        secret_access_key=None, session_token=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        region: Option<String>,
        profile: Option<String>,
        endpoint_url: Option<String>,
        retry_mode: Option<String>,
        max_attempts: Option<i64>,
        initial_backoff: Option<f64>,
        connect_timeout: Option<f64>,
        operation_timeout: Option<f64>,
        attempt_timeout: Option<f64>,
        access_key_id: Option<String>,
        secret_access_key: Option<String>,
        session_token: Option<String>,
    ) -> PyResult<Self> {
        guard(|| {
            let tuning = Tuning {
                retry_mode,
                max_attempts,
                initial_backoff,
                connect_timeout,
                operation_timeout,
                attempt_timeout,
            }
            .into_map()
            .map_err(Failure::from)?;
            let credentials =
                Credentials::new(access_key_id, secret_access_key, session_token).map_err(Failure::from)?;
            let options = Options {
                region,
                profile,
                endpoint_url,
                tuning,
                credentials,
            };
            let client = runtime::block_on(py, runtime::spawn(options.build()))?;
            Ok(Self { client })
        })
    }

    /// The AWS region the client talks to.
    #[getter]
    fn region(&self) -> Option<String> {
        self.client.region().map(str::to_owned)
    }

    /// The explicit endpoint override, if one was given.
    #[getter]
    fn endpoint_url(&self) -> Option<String> {
        self.client.endpoint_url().map(str::to_owned)
    }

    fn __repr__(&self) -> String {
        format!(
            "EcrClient(region={:?}, endpoint_url={:?})",
            self.client.region().unwrap_or(""),
            self.client.endpoint_url()
        )
    }

    /// Describes one repository (a `Repository` dict); raises `RepositoryNotFoundError` when it does not exist.
    fn describe_repository(&self, py: Python<'_>, name: String) -> PyResult<Json> {
        guard(|| self.run(py, |c| ops::describe_repository(c, name)))
    }

    /// Creates a repository and returns it. `settings` is a dict in `RepositorySettings` shape
    /// (`tagMutability`, `exclusionFilters`, `scanOnPush`, `kmsKey`); missing keys keep the recommended
    /// values (immutable tags, scan on push, AES256 encryption), unknown keys raise `InvalidArgumentError`.
    #[pyo3(signature = (name, settings=None))]
    fn create_repository(&self, py: Python<'_>, name: String, settings: Option<&Bound<'_, PyAny>>) -> PyResult<Json> {
        guard(|| {
            let settings = repository_settings_arg(settings).map_err(Failure::from)?;
            self.run(py, |c| ops::create_repository(c, name, settings))
        })
    }

    /// Every repository of the registry (all pages), as a list of `Repository` dicts.
    fn list_repositories(&self, py: Python<'_>) -> PyResult<Json> {
        guard(|| self.run(py, ops::list_repositories))
    }

    /// Every image of a repository (all pages) as `ImageDetail` dicts, or only those named by `image_ids`
    /// (items: `{"imageDigest": ...}` / `{"imageTag": ...}` dicts, or strings: `sha256:...` is a digest,
    /// anything else a tag).
    #[pyo3(signature = (repository, image_ids=None))]
    fn describe_images(
        &self,
        py: Python<'_>,
        repository: String,
        image_ids: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Json> {
        guard(|| {
            let ids = image_ids_arg(image_ids).map_err(Failure::from)?;
            self.run(py, |c| ops::describe_images(c, repository, ids))
        })
    }

    /// Puts an image manifest, optionally under a tag; `digest` pins the digest (ECR checks it against the
    /// bytes). Returns the `ImageId` dict of the stored image.
    #[pyo3(signature = (repository, manifest, *, media_type=None, tag=None, digest=None))]
    fn put_image(
        &self,
        py: Python<'_>,
        repository: String,
        manifest: String,
        media_type: Option<String>,
        tag: Option<String>,
        digest: Option<String>,
    ) -> PyResult<Json> {
        guard(|| {
            let args = ops::PutImage {
                repository,
                manifest,
                media_type,
                tag,
                digest,
            };
            self.run(py, |c| ops::put_image(c, args))
        })
    }
}

/// The core client of an `AsyncEcrClient`, built on first use so that construction never blocks the
/// event loop.
#[derive(Clone)]
pub(crate) struct LazyClient {
    options: Options,
    cell: Arc<OnceCell<EcrClient>>,
}

impl LazyClient {
    pub(crate) async fn get(self) -> Result<EcrClient, Failure> {
        let options = self.options;
        self.cell.get_or_try_init(|| options.build()).await.cloned()
    }
}

/// An asyncio ECR client: every method returns an awaitable.
///
/// Takes the same `region`, `profile` and `endpoint_url` as `EcrClient`. The AWS configuration is loaded
/// on the first awaited call (so constructing never blocks the event loop); configuration errors such as
/// `NoRegionError` are raised there.
#[pyclass(name = "AsyncEcrClient", module = "ecr_core", frozen)]
pub(crate) struct PyAsyncEcrClient {
    pub(crate) lazy: LazyClient,
}

impl PyAsyncEcrClient {
    /// Starts one operation as an asyncio awaitable.
    fn start<'py, F>(
        &self,
        py: Python<'py>,
        op: impl FnOnce(EcrClient) -> F + Send + 'static,
    ) -> PyResult<Bound<'py, PyAny>>
    where
        F: Future<Output = Result<Json, Failure>> + Send + 'static,
    {
        crate::calls::with_lazy(py, &self.lazy, op)
    }
}

#[pymethods]
impl PyAsyncEcrClient {
    /// Creates the client; `region`, `profile` and `endpoint_url` override the AWS configuration chain;
    /// retries and timeouts as for `EcrClient` (checked here, so a bad value raises at construction).
    #[new]
    #[pyo3(signature = (region=None, profile=None, endpoint_url=None, *, retry_mode=None, max_attempts=None,
        initial_backoff=None, connect_timeout=None, operation_timeout=None, attempt_timeout=None, access_key_id=None,
        secret_access_key=None, session_token=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        region: Option<String>,
        profile: Option<String>,
        endpoint_url: Option<String>,
        retry_mode: Option<String>,
        max_attempts: Option<i64>,
        initial_backoff: Option<f64>,
        connect_timeout: Option<f64>,
        operation_timeout: Option<f64>,
        attempt_timeout: Option<f64>,
        access_key_id: Option<String>,
        secret_access_key: Option<String>,
        session_token: Option<String>,
    ) -> PyResult<Self> {
        guard(|| {
            let tuning = Tuning {
                retry_mode,
                max_attempts,
                initial_backoff,
                connect_timeout,
                operation_timeout,
                attempt_timeout,
            }
            .into_map()
            .map_err(Failure::from)?;
            let credentials =
                Credentials::new(access_key_id, secret_access_key, session_token).map_err(Failure::from)?;
            Ok(Self {
                lazy: LazyClient {
                    options: Options {
                        region,
                        profile,
                        endpoint_url,
                        tuning,
                        credentials,
                    },
                    cell: Arc::new(OnceCell::new()),
                },
            })
        })
    }

    fn __repr__(&self) -> String {
        let o = &self.lazy.options;
        format!(
            "AsyncEcrClient(region={:?}, profile={:?}, endpoint_url={:?})",
            o.region, o.profile, o.endpoint_url
        )
    }

    /// Describes one repository (a `Repository` dict); raises `RepositoryNotFoundError` when it does not exist.
    fn describe_repository<'py>(&self, py: Python<'py>, name: String) -> PyResult<Bound<'py, PyAny>> {
        guard(|| self.start(py, |c| ops::describe_repository(c, name)))
    }

    /// Creates a repository and returns it; `settings` as for `EcrClient.create_repository`.
    #[pyo3(signature = (name, settings=None))]
    fn create_repository<'py>(
        &self,
        py: Python<'py>,
        name: String,
        settings: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let settings = repository_settings_arg(settings).map_err(Failure::from)?;
            self.start(py, |c| ops::create_repository(c, name, settings))
        })
    }

    /// Every repository of the registry (all pages), as a list of `Repository` dicts.
    fn list_repositories<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| self.start(py, ops::list_repositories))
    }

    /// Every image of a repository (all pages) as `ImageDetail` dicts, or only those named by `image_ids`
    /// (as for `EcrClient.describe_images`).
    #[pyo3(signature = (repository, image_ids=None))]
    fn describe_images<'py>(
        &self,
        py: Python<'py>,
        repository: String,
        image_ids: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let ids = image_ids_arg(image_ids).map_err(Failure::from)?;
            self.start(py, |c| ops::describe_images(c, repository, ids))
        })
    }

    /// Puts an image manifest, optionally under a tag; returns the `ImageId` dict of the stored image.
    #[pyo3(signature = (repository, manifest, *, media_type=None, tag=None, digest=None))]
    fn put_image<'py>(
        &self,
        py: Python<'py>,
        repository: String,
        manifest: String,
        media_type: Option<String>,
        tag: Option<String>,
        digest: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            let args = ops::PutImage {
                repository,
                manifest,
                media_type,
                tag,
                digest,
            };
            self.start(py, |c| ops::put_image(c, args))
        })
    }
}
