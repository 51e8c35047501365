//! The auth capability: `RegistryCredentials` (password never in `repr`/`str`, unpicklable),
//! `Authenticator` / `AsyncAuthenticator` (tokens from the AWS credential chain, cached and refreshed), the
//! docker `config.json` merge and the Docker credential-helper protocol (`HelperOutput`).

use std::path::PathBuf;
use std::sync::Arc;

use ecr_core::EcrClient;
use ecr_core::auth::{
    Authenticator, Clock, CredentialPolicy, DiskCache, HelperOutput, ManualClock, MergeOutcome, RefreshPolicy,
    RegistryCredentials,
};
use ecr_core::time::Timestamp;
use ecr_core::{Error, Secret};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use serde_json::{Value, json};
use tokio::sync::OnceCell;

use crate::client::{PyAsyncEcrClient, PyEcrClient};
use crate::config::LazyClient;
use crate::conversions::{Json, from_py, to_py};
use crate::errors::{Failure, guard};
use crate::tasks::{awaitable, blocking};

/// A timestamp argument (RFC 3339 or epoch seconds).
pub(crate) fn timestamp_arg(text: &str, what: &str) -> Result<Timestamp, Error> {
    ecr_core::time::parse_str(text)
        .ok_or_else(|| Error::invalid(what, format!("{text:?} is not an RFC 3339 time or epoch seconds")))
}

/// A timestamp as the JSON outputs write it (RFC 3339, UTC `Z`).
pub(crate) fn rfc3339(t: &Timestamp) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// Registry credentials for one ECR host. `repr`/`str` never show the password; read it only through
/// the explicit `.password` property (or `docker_auth()` / `authorization_header()`). Pickling is
/// refused, so the secret cannot reach a file or a queue by accident.
#[pyclass(name = "RegistryCredentials", module = "ecr_core", frozen)]
pub(crate) struct PyRegistryCredentials {
    pub(crate) inner: RegistryCredentials,
}

impl PyRegistryCredentials {
    fn describe(&self) -> String {
        let c = &self.inner;
        format!(
            "RegistryCredentials(host={:?}, username={:?}, password=<redacted>, expires_at={:?}, region={:?})",
            c.host,
            c.username,
            rfc3339(&c.expires_at),
            c.region
        )
    }
}

#[pymethods]
impl PyRegistryCredentials {
    /// Credentials from their parts (e.g. to merge a known token into a docker config); `expires_at` is
    /// RFC 3339 or epoch seconds.
    #[new]
    #[pyo3(signature = (host, username, password, expires_at, *, proxy_endpoint=None, region=None))]
    fn new(
        host: String,
        username: String,
        password: String,
        expires_at: &str,
        proxy_endpoint: Option<String>,
        region: Option<String>,
    ) -> PyResult<Self> {
        guard(|| {
            let expires_at = timestamp_arg(expires_at, "expires_at").map_err(Failure::from)?;
            Ok(Self {
                inner: RegistryCredentials {
                    host,
                    username,
                    password: Secret::new(password),
                    expires_at,
                    proxy_endpoint,
                    region,
                },
            })
        })
    }

    /// The registry host (`<account>.dkr.ecr.<region>.amazonaws.com`, `public.ecr.aws`).
    #[getter]
    fn host(&self) -> String {
        self.inner.host.clone()
    }

    /// The user name (`AWS`).
    #[getter]
    fn username(&self) -> String {
        self.inner.username.clone()
    }

    /// The password itself: the one explicit way to read it.
    #[getter]
    fn password(&self) -> String {
        self.inner.password.expose().to_owned()
    }

    /// When the token stops working (RFC 3339).
    #[getter]
    fn expires_at(&self) -> String {
        rfc3339(&self.inner.expires_at)
    }

    /// `https://<host>` for private registries; `None` for ECR Public.
    #[getter]
    fn proxy_endpoint(&self) -> Option<String> {
        self.inner.proxy_endpoint.clone()
    }

    /// The token's region; `None` for ECR Public.
    #[getter]
    fn region(&self) -> Option<String> {
        self.inner.region.clone()
    }

    /// True for ECR Public credentials.
    #[getter]
    fn is_public(&self) -> bool {
        self.inner.is_public()
    }

    /// True when the token has expired at `now` (RFC 3339 or epoch seconds).
    fn is_expired_at(&self, now: &str) -> PyResult<bool> {
        guard(|| {
            Ok(self
                .inner
                .is_expired_at(timestamp_arg(now, "now").map_err(Failure::from)?))
        })
    }

    /// `base64(username:password)`: the `auth` value of a docker `config.json` entry (a secret).
    fn docker_auth(&self) -> String {
        self.inner.docker_auth().expose().to_owned()
    }

    /// `Basic <docker_auth>`: an HTTP `Authorization` header for the registry API (a secret).
    fn authorization_header(&self) -> String {
        self.inner.authorization_header().expose().to_owned()
    }

    /// Everything but the password: `host`, `username`, `expiresAt`, `proxyEndpoint`, `region`.
    fn to_dict(&self) -> Json {
        Json::of(credentials_json(&self.inner))
    }

    fn __repr__(&self) -> String {
        self.describe()
    }

    fn __str__(&self) -> String {
        self.describe()
    }

    fn __reduce__(&self) -> PyResult<()> {
        Err(PyTypeError::new_err(
            "RegistryCredentials cannot be pickled: it holds a secret",
        ))
    }
}

/// The credentials without the password (what `to_dict()` returns).
pub(crate) fn credentials_json(c: &RegistryCredentials) -> Value {
    json!({
        "host": c.host,
        "username": c.username,
        "expiresAt": rfc3339(&c.expires_at),
        "proxyEndpoint": c.proxy_endpoint,
        "region": c.region,
    })
}

/// A Docker credential-helper reply: `stdout` (may hold the secret; the explicit property is the only way
/// to read it), `stderr` and `exit_code`. `repr`/`str` never show `stdout`.
#[pyclass(name = "HelperOutput", module = "ecr_core", frozen)]
pub(crate) struct PyHelperOutput {
    inner: HelperOutput,
}

#[pymethods]
impl PyHelperOutput {
    /// What the helper writes to stdout (for `get`: the JSON with the secret).
    #[getter]
    fn stdout(&self) -> String {
        self.inner.stdout.expose().to_owned()
    }

    /// What the helper writes to stderr (never a secret).
    #[getter]
    fn stderr(&self) -> String {
        self.inner.stderr.clone()
    }

    /// The process exit code (0 success, 1 failure or not found).
    #[getter]
    fn exit_code(&self) -> i32 {
        self.inner.exit_code
    }

    fn __repr__(&self) -> String {
        format!(
            "HelperOutput(exit_code={}, stdout=<redacted>, stderr={:?})",
            self.inner.exit_code, self.inner.stderr
        )
    }

    fn __str__(&self) -> String {
        self.__repr__()
    }

    fn __reduce__(&self) -> PyResult<()> {
        Err(PyTypeError::new_err(
            "HelperOutput cannot be pickled: it may hold a secret",
        ))
    }
}

/// How an authenticator is built (the `ecr_login` program's switches).
#[derive(Debug, Clone, Default)]
struct AuthOptions {
    require_temporary: bool,
    disk_cache: Option<DiskCache>,
    /// The settable clock (`assume_now`); clones share its time.
    clock: Option<ManualClock>,
    refresh: Option<RefreshPolicy>,
    principal: Option<String>,
}

impl AuthOptions {
    fn from_args(
        require_temporary_credentials: bool,
        disk_cache: Option<&Bound<'_, PyAny>>,
        assume_now: Option<&str>,
        principal: Option<String>,
        refresh_policy: Option<&PyRefreshPolicy>,
    ) -> Result<Self, Error> {
        let disk_cache = match disk_cache {
            None => None,
            Some(v) if v.is_none() => None,
            Some(v) if v.is_instance_of::<PyDiskCache>() => match v.cast::<PyDiskCache>() {
                Ok(c) => Some(c.get().inner.clone()),
                Err(_) => return Err(Error::invalid("disk_cache", "expected a DiskCache")),
            },
            Some(v) => match from_py(v, "disk_cache")? {
                Value::Bool(true) => DiskCache::from_env(),
                Value::Bool(false) => None,
                Value::String(dir) => Some(DiskCache::new(PathBuf::from(dir))),
                _ => {
                    return Err(Error::invalid(
                        "disk_cache",
                        "expected a bool, a directory path or a DiskCache",
                    ));
                }
            },
        };
        let assume_now = assume_now.map(|t| timestamp_arg(t, "assume_now")).transpose()?;
        Ok(Self {
            require_temporary: require_temporary_credentials,
            disk_cache,
            clock: assume_now.map(ManualClock::new),
            refresh: refresh_policy.map(|p| p.inner),
            principal,
        })
    }

    /// The instant tokens are judged by: the settable clock's, else the system clock's.
    fn now(&self) -> Timestamp {
        self.clock.as_ref().map_or_else(chrono::Utc::now, Clock::now)
    }

    /// The settable clock, or an error naming how to get one.
    fn manual_clock(&self) -> Result<&ManualClock, Error> {
        self.clock.as_ref().ok_or_else(|| {
            Error::invalid(
                "clock",
                "this authenticator reads the system clock; construct it with assume_now=... to set or advance time",
            )
        })
    }

    fn build(self, client: EcrClient) -> Authenticator {
        let mut b = Authenticator::builder(client).disk_cache(self.disk_cache);
        if self.require_temporary {
            b = b.credential_policy(CredentialPolicy::RequireTemporary);
        }
        if let Some(clock) = self.clock {
            b = b.clock(clock);
        }
        if let Some(policy) = self.refresh {
            b = b.refresh_policy(policy);
        }
        if let Some(p) = self.principal {
            b = b.principal(p);
        }
        b.build()
    }
}

/// What to ask an authenticator for.
enum Target {
    Registry(String),
    Region(Option<String>),
    Public,
}

mod ops {
    use std::sync::Arc;

    use ecr_core::auth::Authenticator;

    use super::{PyHelperOutput, PyRegistryCredentials, Target};
    use crate::conversions::Json;
    use crate::errors::Failure;

    pub(super) async fn credentials(
        auth: Arc<Authenticator>,
        target: Target,
    ) -> Result<PyRegistryCredentials, Failure> {
        let inner = match target {
            Target::Registry(r) => auth.credentials(r.as_str()).await?,
            Target::Region(r) => auth.credentials_for_region(r.as_deref()).await?,
            Target::Public => auth.public_credentials().await?,
        };
        Ok(PyRegistryCredentials { inner })
    }

    /// Every registry's credentials written into the docker config at `path` in one write:
    /// `[{"host", "expiresAt", "key", "replaced", "shadowedBy"}]` (never a password).
    pub(super) async fn login_all(
        auth: Arc<Authenticator>,
        hosts: Vec<String>,
        path: std::path::PathBuf,
    ) -> Result<Json, Failure> {
        let hosts = hosts
            .iter()
            .map(|h| ecr_core::reference::RegistryHost::from_server_url(h))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Json::of(auth.login_all(&hosts, &path).await?))
    }

    pub(super) async fn aws_identity(auth: Arc<Authenticator>) -> Result<Json, Failure> {
        Ok(Json::of(auth.aws_identity().await?))
    }

    pub(super) async fn run_helper(
        auth: Arc<Authenticator>,
        action: String,
        stdin: String,
    ) -> Result<PyHelperOutput, Failure> {
        Ok(PyHelperOutput {
            inner: ecr_core::auth::run_helper(&auth, &action, &stdin).await,
        })
    }
}

/// Registry credentials from the AWS credential chain, blocking: one token per region (and one for ECR
/// Public), refreshed ahead of expiry, fetched once under concurrency, optionally shared between processes
/// through the on-disk cache.
///
/// `require_temporary_credentials` refuses long-lived static keys (`LongLivedCredentialsError`);
/// `disk_cache` is `True` (the default directory: `ECR_CORE_CACHE_DIR`, ...), a directory or a `DiskCache`;
/// `assume_now` (RFC 3339) starts a settable clock at that instant (`set_now` / `advance` move it) — for
/// emulators whose tokens carry a fixed past expiry (moto's: 2015-01-01) and for tests, never needed against
/// AWS; `principal` keys the disk cache; `refresh_policy` (a `RefreshPolicy`) says when tokens are refreshed.
#[pyclass(name = "Authenticator", module = "ecr_core", frozen)]
pub(crate) struct PyAuthenticator {
    auth: Arc<Authenticator>,
    options: AuthOptions,
}

#[pymethods]
impl PyAuthenticator {
    /// An authenticator over `client`'s AWS configuration.
    #[new]
    #[pyo3(signature = (client, *, require_temporary_credentials=false, disk_cache=None, assume_now=None, principal=None,
        refresh_policy=None))]
    fn new(
        client: &PyEcrClient,
        require_temporary_credentials: bool,
        disk_cache: Option<&Bound<'_, PyAny>>,
        assume_now: Option<&str>,
        principal: Option<String>,
        refresh_policy: Option<&PyRefreshPolicy>,
    ) -> PyResult<Self> {
        guard(|| {
            let options = AuthOptions::from_args(
                require_temporary_credentials,
                disk_cache,
                assume_now,
                principal,
                refresh_policy,
            )
            .map_err(Failure::from)?;
            Ok(Self {
                auth: Arc::new(options.clone().build(client.client.clone())),
                options,
            })
        })
    }

    /// Sets the settable clock (only for an authenticator built with `assume_now`; RFC 3339 or epoch
    /// seconds): cached tokens are then judged, and refreshed, as of that instant.
    fn set_now(&self, now: &str) -> PyResult<()> {
        guard(|| Ok(set_now(&self.options, now).map_err(Failure::from)?))
    }

    /// Moves the settable clock forward by `seconds` (only with `assume_now`).
    fn advance(&self, seconds: f64) -> PyResult<()> {
        guard(|| Ok(advance(&self.options, seconds).map_err(Failure::from)?))
    }

    /// The on-disk token cache this authenticator shares tokens through, if any.
    #[getter]
    fn disk_cache(&self) -> Option<PyDiskCache> {
        self.auth.disk_cache().map(|c| PyDiskCache { inner: c.clone() })
    }

    /// Credentials for a registry host, server URL (`https://.../v2/`) or image reference; the token comes
    /// from the registry's own region (ECR Public: `public.ecr.aws`).
    fn credentials(&self, py: Python<'_>, registry: String) -> PyResult<PyRegistryCredentials> {
        guard(|| blocking(py, ops::credentials(self.auth.clone(), Target::Registry(registry))))
    }

    /// Credentials for the caller's own registry in `region` (default: the client's region).
    #[pyo3(signature = (region=None))]
    fn credentials_for_region(&self, py: Python<'_>, region: Option<String>) -> PyResult<PyRegistryCredentials> {
        guard(|| blocking(py, ops::credentials(self.auth.clone(), Target::Region(region))))
    }

    /// Credentials for ECR Public (`public.ecr.aws`, tokens from us-east-1).
    fn public_credentials(&self, py: Python<'_>) -> PyResult<PyRegistryCredentials> {
        guard(|| blocking(py, ops::credentials(self.auth.clone(), Target::Public)))
    }

    /// Credentials for every registry in `hosts` (hosts or server URLs; see `registry_hosts`), written into
    /// the docker config at `docker_config` in one write: one token request per region, whatever the number
    /// of accounts and host forms. Returns `[{"host", "expiresAt", "key", "replaced", "shadowedBy"}]`.
    fn login_all(&self, py: Python<'_>, hosts: Vec<String>, docker_config: std::path::PathBuf) -> PyResult<Json> {
        guard(|| blocking(py, ops::login_all(self.auth.clone(), hosts, docker_config)))
    }

    /// What is known about the AWS credentials in use (`source`, `accessKeyKind`, `hasSessionToken`,
    /// `expiresAt`), without any secret.
    fn aws_identity(&self, py: Python<'_>) -> PyResult<Json> {
        guard(|| blocking(py, ops::aws_identity(self.auth.clone())))
    }

    /// Drops the cached token of `registry` (memory and disk), e.g. after the registry refused it.
    fn invalidate(&self, registry: &str) -> PyResult<()> {
        guard(|| Ok(self.auth.invalidate(registry).map_err(Failure::from)?))
    }

    /// The instant tokens are judged by (RFC 3339): `assume_now` when given, else the system clock.
    #[getter]
    fn now(&self) -> String {
        rfc3339(&self.auth.now())
    }

    /// Answers one Docker credential-helper request (`get`, `list`, `store`, `erase`, `version`) as the
    /// `docker-credential-ecr-core` program does.
    #[pyo3(signature = (action, stdin=String::new()))]
    fn run_helper(&self, py: Python<'_>, action: String, stdin: String) -> PyResult<PyHelperOutput> {
        guard(|| blocking(py, ops::run_helper(self.auth.clone(), action, stdin)))
    }

    fn __repr__(&self) -> String {
        format!("Authenticator(now={:?})", rfc3339(&self.auth.now()))
    }
}

/// The asyncio twin of `Authenticator`: the same options, every method an awaitable.
#[pyclass(name = "AsyncAuthenticator", module = "ecr_core", frozen)]
pub(crate) struct PyAsyncAuthenticator {
    lazy: LazyClient,
    options: AuthOptions,
    cell: Arc<OnceCell<Arc<Authenticator>>>,
}

impl PyAsyncAuthenticator {
    fn start<'py, T, F>(
        &self,
        py: Python<'py>,
        op: impl FnOnce(Arc<Authenticator>) -> F + Send + 'static,
    ) -> PyResult<Bound<'py, PyAny>>
    where
        T: for<'a> IntoPyObject<'a> + Send + 'static,
        F: Future<Output = Result<T, Failure>> + Send + 'static,
    {
        let (lazy, options, cell) = (self.lazy.clone(), self.options.clone(), self.cell.clone());
        awaitable(py, async move {
            let auth = cell
                .get_or_try_init(|| async move { Ok::<_, Failure>(Arc::new(options.build(lazy.get().await?))) })
                .await?
                .clone();
            op(auth).await
        })
    }
}

#[pymethods]
impl PyAsyncAuthenticator {
    /// An authenticator over `client`'s AWS configuration (options as for `Authenticator`).
    #[new]
    #[pyo3(signature = (client, *, require_temporary_credentials=false, disk_cache=None, assume_now=None, principal=None,
        refresh_policy=None))]
    fn new(
        client: &PyAsyncEcrClient,
        require_temporary_credentials: bool,
        disk_cache: Option<&Bound<'_, PyAny>>,
        assume_now: Option<&str>,
        principal: Option<String>,
        refresh_policy: Option<&PyRefreshPolicy>,
    ) -> PyResult<Self> {
        guard(|| {
            let options = AuthOptions::from_args(
                require_temporary_credentials,
                disk_cache,
                assume_now,
                principal,
                refresh_policy,
            )
            .map_err(Failure::from)?;
            Ok(Self {
                lazy: client.lazy.clone(),
                options,
                cell: Arc::new(OnceCell::new()),
            })
        })
    }

    /// Credentials for a registry host, server URL or image reference (awaitable).
    fn credentials<'py>(&self, py: Python<'py>, registry: String) -> PyResult<Bound<'py, PyAny>> {
        guard(|| self.start(py, move |a| ops::credentials(a, Target::Registry(registry))))
    }

    /// As `Authenticator.login_all` (awaitable).
    fn login_all<'py>(
        &self,
        py: Python<'py>,
        hosts: Vec<String>,
        docker_config: std::path::PathBuf,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(|| self.start(py, move |a| ops::login_all(a, hosts, docker_config)))
    }

    /// Credentials for the caller's own registry in `region` (awaitable).
    #[pyo3(signature = (region=None))]
    fn credentials_for_region<'py>(&self, py: Python<'py>, region: Option<String>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| self.start(py, move |a| ops::credentials(a, Target::Region(region))))
    }

    /// Credentials for ECR Public (awaitable).
    fn public_credentials<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| self.start(py, |a| ops::credentials(a, Target::Public)))
    }

    /// What is known about the AWS credentials in use, without any secret (awaitable).
    fn aws_identity<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(|| self.start(py, ops::aws_identity))
    }

    /// Drops the cached token of `registry` (awaitable).
    fn invalidate<'py>(&self, py: Python<'py>, registry: String) -> PyResult<Bound<'py, PyAny>> {
        guard(|| {
            self.start(py, move |a| async move {
                a.invalidate(&registry)?;
                Ok(Json::of(Value::Null))
            })
        })
    }

    /// Answers one Docker credential-helper request (awaitable `HelperOutput`).
    #[pyo3(signature = (action, stdin=String::new()))]
    fn run_helper<'py>(&self, py: Python<'py>, action: String, stdin: String) -> PyResult<Bound<'py, PyAny>> {
        guard(|| self.start(py, move |a| ops::run_helper(a, action, stdin)))
    }

    /// The instant tokens are judged by (RFC 3339): the settable clock's (`assume_now`), else the system
    /// clock's.
    #[getter]
    fn now(&self) -> String {
        rfc3339(&self.options.now())
    }

    /// Sets the settable clock (only with `assume_now`; RFC 3339 or epoch seconds).
    fn set_now(&self, now: &str) -> PyResult<()> {
        guard(|| Ok(set_now(&self.options, now).map_err(Failure::from)?))
    }

    /// Moves the settable clock forward by `seconds` (only with `assume_now`).
    fn advance(&self, seconds: f64) -> PyResult<()> {
        guard(|| Ok(advance(&self.options, seconds).map_err(Failure::from)?))
    }

    /// The on-disk token cache this authenticator shares tokens through, if any.
    #[getter]
    fn disk_cache(&self) -> Option<PyDiskCache> {
        self.options.disk_cache.clone().map(|inner| PyDiskCache { inner })
    }

    fn __repr__(&self) -> String {
        format!("AsyncAuthenticator(now={:?})", rfc3339(&self.options.now()))
    }
}

fn outcome_json(o: &MergeOutcome) -> Value {
    json!({"key": o.key, "replaced": o.replaced, "shadowedBy": o.shadowed_by})
}

/// Adds or replaces the `auths` entry of `server` (host, `host:port` or URL; stored as the bare host) in
/// the docker config file at `path` (created if missing, other keys kept, written atomically with mode
/// 0600). Returns `{"key", "replaced", "shadowedBy"}` (`shadowedBy`: the `credHelpers`/`credsStore` entry
/// docker would use instead).
#[pyfunction]
pub(crate) fn write_docker_config(path: PathBuf, server: &str, credentials: &PyRegistryCredentials) -> PyResult<Json> {
    guard(|| {
        let outcome = ecr_core::auth::write_docker_config(&path, server, &credentials.inner).map_err(Failure::from)?;
        Ok(Json::of(outcome_json(&outcome)))
    })
}

/// The in-memory form of `write_docker_config`: returns `(config, outcome)`, the merged copy of `config` (a
/// parsed docker config dict; left unchanged) and `{"key", "replaced", "shadowedBy"}`.
#[pyfunction]
pub(crate) fn merge_auth_entry<'py>(
    py: Python<'py>,
    config: &Bound<'py, PyAny>,
    server: &str,
    credentials: &PyRegistryCredentials,
) -> PyResult<(Bound<'py, PyAny>, Json)> {
    guard(|| {
        let mut doc = from_py(config, "config").map_err(Failure::from)?;
        let outcome = ecr_core::auth::merge_auth_entry(&mut doc, server, &credentials.inner).map_err(Failure::from)?;
        Ok((to_py(py, &doc)?, Json::of(outcome_json(&outcome))))
    })
}

/// The docker config file docker reads: `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`.
#[pyfunction]
pub(crate) fn default_docker_config_path() -> Option<PathBuf> {
    ecr_core::auth::default_docker_config_path()
}

/// The region of an ECR registry host, server URL or image reference (`None` for ECR Public); raises
/// `InvalidReferenceError` for a host that is not ECR.
#[pyfunction]
pub(crate) fn registry_region(registry: &str) -> PyResult<Option<String>> {
    guard(|| Ok(ecr_core::auth::registry_region(registry).map_err(Failure::from)?))
}

/// The credential helper's `version` line.
#[pyfunction]
pub(crate) fn helper_version_line() -> String {
    ecr_core::auth::version_line()
}

fn set_now(options: &AuthOptions, now: &str) -> Result<(), Error> {
    let t = timestamp_arg(now, "now")?;
    options.manual_clock()?.set(t);
    Ok(())
}

fn advance(options: &AuthOptions, seconds: f64) -> Result<(), Error> {
    let by = ecr_core::time::seconds("seconds", seconds)?;
    options.manual_clock()?.advance(by);
    Ok(())
}

/// When cached tokens are refreshed and when they stop being handed out: refresh `ahead_fraction` of the
/// token's lifetime before it expires (default 0.25: after 9 h of 12), but at least `ahead_min` seconds
/// before (default 300); never hand out a token with less than `min_remaining` seconds left (default 60).
#[pyclass(name = "RefreshPolicy", module = "ecr_core", frozen)]
pub(crate) struct PyRefreshPolicy {
    inner: RefreshPolicy,
}

#[pymethods]
impl PyRefreshPolicy {
    /// A policy; arguments left out keep the defaults.
    #[new]
    #[pyo3(signature = (*, ahead_fraction=None, ahead_min=None, min_remaining=None))]
    fn new(ahead_fraction: Option<f64>, ahead_min: Option<f64>, min_remaining: Option<f64>) -> PyResult<Self> {
        guard(|| {
            let mut inner = RefreshPolicy::default();
            if let Some(f) = ahead_fraction {
                if !(0.0..=1.0).contains(&f) {
                    return Err(Failure::from(Error::invalid("ahead_fraction", "must be between 0 and 1")).into());
                }
                inner.ahead_fraction = f;
            }
            if let Some(s) = ahead_min {
                inner.ahead_min = ecr_core::time::seconds("ahead_min", s).map_err(Failure::from)?;
            }
            if let Some(s) = min_remaining {
                inner.min_remaining = ecr_core::time::seconds("min_remaining", s).map_err(Failure::from)?;
            }
            Ok(Self { inner })
        })
    }

    /// The fraction of a token's lifetime it is refreshed ahead of expiry.
    #[getter]
    fn ahead_fraction(&self) -> f64 {
        self.inner.ahead_fraction
    }

    /// The least time (seconds) ahead of expiry a token is refreshed.
    #[getter]
    fn ahead_min(&self) -> f64 {
        self.inner.ahead_min.as_secs_f64()
    }

    /// The least time (seconds) a handed-out token has left.
    #[getter]
    fn min_remaining(&self) -> f64 {
        self.inner.min_remaining.as_secs_f64()
    }

    /// The instant (RFC 3339) from which a token fetched at `fetched_at` and expiring at `expires_at` is
    /// refreshed.
    fn refresh_at(&self, fetched_at: &str, expires_at: &str) -> PyResult<String> {
        guard(|| {
            let fetched = timestamp_arg(fetched_at, "fetched_at").map_err(Failure::from)?;
            let expires = timestamp_arg(expires_at, "expires_at").map_err(Failure::from)?;
            Ok(rfc3339(&self.inner.refresh_at(fetched, expires)))
        })
    }

    /// True while a token expiring at `expires_at` may be handed out at `now`.
    fn usable(&self, expires_at: &str, now: &str) -> PyResult<bool> {
        guard(|| {
            let expires = timestamp_arg(expires_at, "expires_at").map_err(Failure::from)?;
            let now = timestamp_arg(now, "now").map_err(Failure::from)?;
            Ok(self.inner.usable(expires, now))
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "RefreshPolicy(ahead_fraction={}, ahead_min={}, min_remaining={})",
            self.inner.ahead_fraction,
            self.inner.ahead_min.as_secs_f64(),
            self.inner.min_remaining.as_secs_f64()
        )
    }
}

/// The on-disk token cache shared between processes (0600 in a 0700 directory, keyed by principal, never
/// holding access keys). Inspection only shows registries and counts, never a token.
#[pyclass(name = "DiskCache", module = "ecr_core", frozen)]
pub(crate) struct PyDiskCache {
    inner: DiskCache,
}

#[pymethods]
impl PyDiskCache {
    /// A cache in `dir` keeping at most `max_entries` tokens (default 64).
    #[new]
    #[pyo3(signature = (dir, *, max_entries=None))]
    fn new(dir: PathBuf, max_entries: Option<usize>) -> Self {
        let mut inner = DiskCache::new(dir);
        if let Some(n) = max_entries {
            inner = inner.max_entries(n);
        }
        Self { inner }
    }

    /// The cache the environment asks for (`ECR_CORE_CACHE_DIR`, `XDG_CACHE_HOME`, `~/.cache`), or `None`
    /// when `ECR_CORE_DISABLE_CACHE` is set.
    #[staticmethod]
    fn from_env() -> Option<Self> {
        DiskCache::from_env().map(|inner| Self { inner })
    }

    /// The cache directory.
    #[getter]
    fn dir(&self) -> PathBuf {
        self.inner.dir().to_path_buf()
    }

    /// The cache file.
    #[getter]
    fn file(&self) -> PathBuf {
        self.inner.file()
    }

    /// The proxy endpoints (or `public.ecr.aws`) of the tokens in the file still unexpired at `now` (RFC
    /// 3339; default: the system clock).
    #[pyo3(signature = (now=None))]
    fn registries(&self, now: Option<&str>) -> PyResult<Vec<String>> {
        guard(|| {
            let now = match now {
                Some(t) => timestamp_arg(t, "now").map_err(Failure::from)?,
                None => chrono::Utc::now(),
            };
            Ok(self.inner.registries(now))
        })
    }

    /// The number of token entries in the file.
    fn token_count(&self) -> usize {
        self.inner.token_count()
    }

    fn __repr__(&self) -> String {
        format!("DiskCache(dir={:?})", self.inner.dir().display().to_string())
    }
}

// --- auth: the credential policy ---

/// An `AwsIdentity` from its JSON (`awsIdentity()`'s shape: `source`, `accessKeyKind`, `hasSessionToken`,
/// optional `expiresAt`); every bad field is an `InvalidArgument` naming it.
pub(crate) fn identity_arg(value: &Value) -> Result<ecr_core::auth::AwsIdentity, Error> {
    ecr_core::auth::AwsIdentity::from_value(value)
}

/// Checks an AWS identity (the dict `Authenticator.aws_identity()` returns) against the credential policy
/// the authenticator applies: with `require_temporary_credentials` (the default here) long-lived static keys
/// (an `AKIA` key id, or no session token) raise `LongLivedCredentialsError` naming their source; without
/// it any identity passes. A malformed identity raises `InvalidArgumentError`.
#[pyfunction]
#[pyo3(signature = (identity, *, require_temporary_credentials=true))]
pub(crate) fn check_credential_policy(
    identity: &Bound<'_, PyAny>,
    require_temporary_credentials: bool,
) -> PyResult<()> {
    guard(|| {
        let identity = identity_arg(&from_py(identity, "identity").map_err(Failure::from)?).map_err(Failure::from)?;
        let policy = if require_temporary_credentials {
            CredentialPolicy::RequireTemporary
        } else {
            CredentialPolicy::AllowAny
        };
        Ok(policy.check(&identity).map_err(Failure::from)?)
    })
}

/// True for long-lived static keys: an `AKIA` key id, or no session token (the identity as
/// `Authenticator.aws_identity()` returns it).
#[pyfunction]
pub(crate) fn is_long_lived(identity: &Bound<'_, PyAny>) -> PyResult<bool> {
    guard(|| {
        let identity = identity_arg(&from_py(identity, "identity").map_err(Failure::from)?).map_err(Failure::from)?;
        Ok(identity.is_long_lived())
    })
}

/// Every registry host of `accounts` × `regions` in the chosen forms (IPv4 `dkr.ecr`, dual-stack `dkr-ecr…on.aws`,
/// FIPS `dkr.ecr-fips`), in that order, for `Authenticator.login_all`.
#[pyfunction]
#[pyo3(signature = (accounts, regions, *, ipv4=true, dual_stack=false, fips=false))]
pub(crate) fn registry_hosts(
    accounts: Vec<String>,
    regions: Vec<String>,
    ipv4: bool,
    dual_stack: bool,
    fips: bool,
) -> PyResult<Vec<String>> {
    guard(|| {
        let forms = ecr_core::auth::HostForms { ipv4, dual_stack, fips };
        let hosts = ecr_core::auth::registry_hosts(&accounts, &regions, forms).map_err(Failure::from)?;
        Ok(hosts.iter().map(ToString::to_string).collect())
    })
}
