//! `EcrClient` (blocking) and `AsyncEcrClient` (asyncio) over [`ecr_core::EcrClient`].
//!
//! Both run the same operation futures (module [`ops`]) through [`crate::tasks`]: the blocking client waits
//! for them with the GIL released, the async one hands them to asyncio. Results are dicts in ECR's camelCase JSON shape.
//!
//! Adding a capability method is mechanical: an `ops` function (owned arguments in, `Result<Json,
//! Failure>` out), then one method in a `client_methods!` block (which makes it on both clients) returning
//! an `Op` over it, plus its stub in `_native.pyi`.

use ecr_core::EcrClient;
use pyo3::prelude::*;

use crate::config::{Credentials, LazyClient, Options, Tuning};
use crate::conversions::{Json, image_ids_arg, repository_settings_arg};
use crate::errors::{Failure, guard};
use crate::runtime;
use crate::tasks::{Op, client_methods};

/// The client operations as `'static` futures over owned arguments, shared by both Python clients.
mod ops {
    use ecr_core::EcrClient;
    use ecr_core::types::{ImageId, RepositorySettings};

    use crate::conversions::Json;
    use crate::errors::Failure;

    pub(super) async fn describe_repository(client: EcrClient, name: String) -> Result<Json, Failure> {
        Ok(Json::of(client.describe_repository(&name).await?))
    }

    pub(super) async fn create_repository(
        client: EcrClient,
        name: String,
        settings: RepositorySettings,
    ) -> Result<Json, Failure> {
        Ok(Json::of(client.create_repository(&name, &settings).await?))
    }

    pub(super) async fn list_repositories(client: EcrClient) -> Result<Json, Failure> {
        Ok(Json::of(client.list_repositories().await?))
    }

    pub(super) async fn describe_images(
        client: EcrClient,
        repository: String,
        ids: Vec<ImageId>,
    ) -> Result<Json, Failure> {
        Ok(Json::of(client.describe_images(&repository, &ids).await?))
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
        Ok(Json::of(id))
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
            .into_core()
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
            .into_core()
            .map_err(Failure::from)?;
            let credentials =
                Credentials::new(access_key_id, secret_access_key, session_token).map_err(Failure::from)?;
            Ok(Self {
                lazy: LazyClient::new(Options {
                    region,
                    profile,
                    endpoint_url,
                    tuning,
                    credentials,
                }),
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
}

client_methods! {
    /// Describes one repository (a `Repository` dict); raises `RepositoryNotFoundError` when it does not exist.
    fn describe_repository(&self, py, name: String) -> Json {
        Ok(Op::new(move |c| ops::describe_repository(c, name)))
    }

    /// Creates a repository and returns it. `settings` is a dict in `RepositorySettings` shape
    /// (`tagMutability`, `exclusionFilters`, `scanOnPush`, `kmsKey`); missing keys keep the recommended
    /// values (immutable tags, scan on push, AES256 encryption), unknown keys raise `InvalidArgumentError`.
    #[pyo3(signature = (name, settings=None))]
    fn create_repository(&self, py, name: String, settings: Option<&Bound<'_, PyAny>>) -> Json {
        let settings = repository_settings_arg(settings).map_err(Failure::from)?;
        Ok(Op::new(move |c| ops::create_repository(c, name, settings)))
    }

    /// Every repository of the registry (all pages), as a list of `Repository` dicts.
    fn list_repositories(&self, py) -> Json {
        Ok(Op::new(ops::list_repositories))
    }

    /// Every image of a repository (all pages) as `ImageDetail` dicts, or only those named by `image_ids`
    /// (items: `{"imageDigest": ...}` / `{"imageTag": ...}` dicts, or strings: `sha256:...` is a digest,
    /// anything else a tag).
    #[pyo3(signature = (repository, image_ids=None))]
    fn describe_images(&self, py, repository: String, image_ids: Option<&Bound<'_, PyAny>>) -> Json {
        let ids = image_ids_arg(image_ids).map_err(Failure::from)?;
        Ok(Op::new(move |c| ops::describe_images(c, repository, ids)))
    }

    /// Puts an image manifest, optionally under a tag; `digest` pins the digest (ECR checks it against the
    /// bytes). Returns the `ImageId` dict of the stored image.
    #[pyo3(signature = (repository, manifest, *, media_type=None, tag=None, digest=None))]
    fn put_image(
        &self,
        py,
        repository: String,
        manifest: String,
        media_type: Option<String>,
        tag: Option<String>,
        digest: Option<String>,
    ) -> Json {
        let args = ops::PutImage {
            repository,
            manifest,
            media_type,
            tag,
            digest,
        };
        Ok(Op::new(move |c| ops::put_image(c, args)))
    }
}
