//! The auth capability: `RegistryCredentials` (the password only through its explicit `password` getter;
//! `util.inspect`, `JSON.stringify`, `String()` and `Object.keys` never show it), `Authenticator` (tokens
//! from the AWS credential chain, cached and refreshed), the docker `config.json` merge and the Docker
//! credential-helper protocol (`HelperOutput`).

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use ecr_core::auth::{
    Authenticator as CoreAuthenticator, CredentialPolicy, DiskCache, HelperOutput as CoreHelperOutput, ManualClock,
    MergeOutcome, RegistryCredentials as CoreCredentials,
};
use ecr_core::time::Timestamp;
use ecr_core::{Error as CoreError, Secret};
use napi::Env;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::{Value, json};
use tokio::sync::OnceCell;

use crate::calls::LazyCore;
use crate::client::EcrClient;
use crate::errors::{self, Failure, guard};

/// A timestamp argument (RFC 3339 or epoch seconds).
pub(crate) fn timestamp_arg(text: &str, what: &str) -> std::result::Result<Timestamp, CoreError> {
    ecr_core::time::parse_str(text)
        .ok_or_else(|| CoreError::invalid(what, format!("{text:?} is not an RFC 3339 time or epoch seconds")))
}

/// A timestamp as the JSON outputs write it (RFC 3339, UTC `Z`).
fn rfc3339(t: &Timestamp) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// Optional parts of `new RegistryCredentials(...)`.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct RegistryCredentialsOptions {
    /// `https://<host>` for private registries.
    pub proxy_endpoint: Option<String>,
    /// The token's region (none for ECR Public).
    pub region: Option<String>,
}

/// Registry credentials for one ECR host. The password is readable only through the explicit `password()`
/// method (or `dockerAuth()` / `authorizationHeader()`); `JSON.stringify`, `String()`, `util.inspect` (even with
/// `getters: true`) and `Object.keys` never show it.
#[napi]
pub struct RegistryCredentials {
    pub(crate) inner: CoreCredentials,
}

#[napi]
impl RegistryCredentials {
    /// Credentials from their parts (e.g. to merge a known token into a docker config); `expiresAt` is RFC
    /// 3339 or epoch seconds.
    #[napi(constructor)]
    pub fn new(
        env: Env,
        host: String,
        username: String,
        password: String,
        expires_at: String,
        options: Option<RegistryCredentialsOptions>,
    ) -> Result<Self> {
        let o = options.unwrap_or_default();
        guard(&env, || {
            Ok(Self {
                inner: CoreCredentials {
                    host,
                    username,
                    password: Secret::new(password),
                    expires_at: timestamp_arg(&expires_at, "expiresAt")?,
                    proxy_endpoint: o.proxy_endpoint,
                    region: o.region,
                },
            })
        })
    }

    /// The registry host (`<account>.dkr.ecr.<region>.amazonaws.com`, `public.ecr.aws`).
    #[napi(getter)]
    pub fn host(&self) -> String {
        self.inner.host.clone()
    }

    /// The user name (`AWS`).
    #[napi(getter)]
    pub fn username(&self) -> String {
        self.inner.username.clone()
    }

    /// The password itself: the one explicit way to read it (a method, not a getter, so that
    /// `util.inspect(creds, { getters: true })` cannot show it).
    #[napi]
    pub fn password(&self) -> String {
        self.inner.password.expose().to_owned()
    }

    /// When the token stops working (RFC 3339).
    #[napi(getter)]
    pub fn expires_at(&self) -> String {
        rfc3339(&self.inner.expires_at)
    }

    /// `https://<host>` for private registries; `null` for ECR Public.
    #[napi(getter)]
    pub fn proxy_endpoint(&self) -> Option<String> {
        self.inner.proxy_endpoint.clone()
    }

    /// The token's region; `null` for ECR Public.
    #[napi(getter)]
    pub fn region(&self) -> Option<String> {
        self.inner.region.clone()
    }

    /// True for ECR Public credentials.
    #[napi(getter)]
    pub fn is_public(&self) -> bool {
        self.inner.is_public()
    }

    /// True when the token has expired at `now` (RFC 3339 or epoch seconds).
    #[napi]
    pub fn is_expired_at(&self, env: Env, now: String) -> Result<bool> {
        guard(&env, || Ok(self.inner.is_expired_at(timestamp_arg(&now, "now")?)))
    }

    /// `base64(username:password)`: the `auth` value of a docker `config.json` entry (a secret).
    #[napi]
    pub fn docker_auth(&self) -> String {
        self.inner.docker_auth().expose().to_owned()
    }

    /// `Basic <dockerAuth()>`: an HTTP `Authorization` header for the registry API (a secret).
    #[napi]
    pub fn authorization_header(&self) -> String {
        self.inner.authorization_header().expose().to_owned()
    }

    /// Everything but the password (what `JSON.stringify` writes): `host`, `username`, `expiresAt`,
    /// `proxyEndpoint`, `region`, and `password: "<redacted>"`.
    #[napi(js_name = "toJSON", ts_return_type = "RegistryCredentialsJson")]
    pub fn to_json(&self) -> Value {
        let c = &self.inner;
        json!({
            "host": c.host,
            "username": c.username,
            "password": "<redacted>",
            "expiresAt": rfc3339(&c.expires_at),
            "proxyEndpoint": c.proxy_endpoint,
            "region": c.region,
        })
    }

    /// A description without the password.
    #[napi(js_name = "toString")]
    pub fn to_display(&self) -> String {
        format!(
            "RegistryCredentials(host={}, username={}, password=<redacted>, expiresAt={})",
            self.inner.host,
            self.inner.username,
            rfc3339(&self.inner.expires_at)
        )
    }
}

/// A Docker credential-helper reply. `stdout()` (for `get`: the JSON holding the secret) is readable only
/// through that explicit method; `JSON.stringify`, `String()` and `util.inspect` never show it.
#[napi]
pub struct HelperOutput {
    inner: CoreHelperOutput,
}

#[napi]
impl HelperOutput {
    /// What the helper writes to stdout (a method, not a getter, so that `util.inspect(reply, { getters: true })`
    /// cannot show it).
    #[napi]
    pub fn stdout(&self) -> String {
        self.inner.stdout.expose().to_owned()
    }

    /// What the helper writes to stderr (never a secret).
    #[napi(getter)]
    pub fn stderr(&self) -> String {
        self.inner.stderr.clone()
    }

    /// The process exit code (0 success, 1 failure or not found).
    #[napi(getter)]
    pub fn exit_code(&self) -> i32 {
        self.inner.exit_code
    }

    /// `{ exitCode, stdout: "<redacted>", stderr }`.
    #[napi(
        js_name = "toJSON",
        ts_return_type = "{ exitCode: number; stdout: string; stderr: string }"
    )]
    pub fn to_json(&self) -> Value {
        json!({"exitCode": self.inner.exit_code, "stdout": "<redacted>", "stderr": self.inner.stderr})
    }

    /// A description without stdout.
    #[napi(js_name = "toString")]
    pub fn to_display(&self) -> String {
        format!(
            "HelperOutput(exitCode={}, stdout=<redacted>, stderr={:?})",
            self.inner.exit_code, self.inner.stderr
        )
    }
}

/// Options of `new Authenticator(client, options)` (the `ecr_login` program's switches).
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct AuthenticatorOptions {
    /// Refuse long-lived static AWS keys (`code: "LongLivedCredentials"`).
    pub require_temporary_credentials: Option<bool>,
    /// Share tokens through the on-disk cache: `true` (the default directory, `ECR_CORE_CACHE_DIR`, ...) or
    /// a directory.
    pub disk_cache: Option<Either<bool, String>>,
    /// Judge token expiry as if it were this instant (RFC 3339). For emulators whose tokens carry a fixed
    /// past expiry (moto's: 2015-01-01); never needed against AWS.
    pub assume_now: Option<String>,
    /// The principal ARN the disk cache is keyed by (otherwise read once from STS).
    pub principal: Option<String>,
}

/// The validated options.
#[derive(Debug, Clone, Default)]
struct AuthOptions {
    require_temporary: bool,
    disk_cache: Option<DiskCache>,
    assume_now: Option<Timestamp>,
    principal: Option<String>,
}

impl AuthOptions {
    fn new(o: AuthenticatorOptions) -> std::result::Result<Self, CoreError> {
        Ok(Self {
            require_temporary: o.require_temporary_credentials.unwrap_or(false),
            disk_cache: match o.disk_cache {
                None | Some(Either::A(false)) => None,
                Some(Either::A(true)) => DiskCache::from_env(),
                Some(Either::B(dir)) => Some(DiskCache::new(PathBuf::from(dir))),
            },
            assume_now: o.assume_now.map(|t| timestamp_arg(&t, "assumeNow")).transpose()?,
            principal: o.principal,
        })
    }

    fn build(self, client: ecr_core::EcrClient) -> CoreAuthenticator {
        let mut b = CoreAuthenticator::builder(client).disk_cache(self.disk_cache);
        if self.require_temporary {
            b = b.credential_policy(CredentialPolicy::RequireTemporary);
        }
        if let Some(now) = self.assume_now {
            b = b.clock(ManualClock::new(now));
        }
        if let Some(p) = self.principal {
            b = b.principal(p);
        }
        b.build()
    }
}

/// Registry credentials from the AWS credential chain: one token per region (and one for ECR Public),
/// refreshed ahead of expiry, fetched once under concurrency, optionally shared between processes through
/// the on-disk cache. Every method returns a Promise.
#[napi]
pub struct Authenticator {
    lazy: LazyCore,
    options: AuthOptions,
    cell: Arc<OnceCell<Arc<CoreAuthenticator>>>,
}

impl Authenticator {
    fn start<'env, T, F>(
        &self,
        env: &'env Env,
        op: impl FnOnce(Arc<CoreAuthenticator>) -> F + Send + 'static,
    ) -> Result<PromiseRaw<'env, T>>
    where
        T: ToNapiValue + Send + 'static,
        F: Future<Output = std::result::Result<T, Failure>> + Send + 'static,
    {
        let (lazy, options, cell) = (self.lazy.clone(), self.options.clone(), self.cell.clone());
        errors::promise(env, async move {
            let auth = cell
                .get_or_try_init(|| async move { Ok::<_, Failure>(Arc::new(options.build(lazy.get().await?))) })
                .await?
                .clone();
            op(auth).await
        })
    }
}

async fn credentials_of(
    fut: impl Future<Output = ecr_core::Result<CoreCredentials>>,
) -> std::result::Result<RegistryCredentials, Failure> {
    Ok(RegistryCredentials { inner: fut.await? })
}

#[napi]
impl Authenticator {
    /// An authenticator over `client`'s AWS configuration.
    #[napi(constructor)]
    pub fn new(env: Env, client: &EcrClient, options: Option<AuthenticatorOptions>) -> Result<Self> {
        let lazy = LazyCore::of(client);
        guard(&env, || {
            Ok(Self {
                lazy,
                options: AuthOptions::new(options.unwrap_or_default())?,
                cell: Arc::new(OnceCell::new()),
            })
        })
    }

    /// Credentials for a registry host, server URL (`https://.../v2/`) or image reference; the token comes
    /// from the registry's own region (ECR Public: `public.ecr.aws`).
    #[napi(ts_return_type = "Promise<RegistryCredentials>")]
    pub fn credentials<'env>(&self, env: &'env Env, registry: String) -> Result<PromiseRaw<'env, RegistryCredentials>> {
        self.start(env, move |a| async move {
            credentials_of(a.credentials(registry.as_str())).await
        })
    }

    /// Credentials for the caller's own registry in `region` (default: the client's region).
    #[napi(ts_return_type = "Promise<RegistryCredentials>")]
    pub fn credentials_for_region<'env>(
        &self,
        env: &'env Env,
        region: Option<String>,
    ) -> Result<PromiseRaw<'env, RegistryCredentials>> {
        self.start(env, move |a| async move {
            credentials_of(a.credentials_for_region(region.as_deref())).await
        })
    }

    /// Credentials for ECR Public (`public.ecr.aws`, tokens from us-east-1).
    #[napi(ts_return_type = "Promise<RegistryCredentials>")]
    pub fn public_credentials<'env>(&self, env: &'env Env) -> Result<PromiseRaw<'env, RegistryCredentials>> {
        self.start(env, |a| async move { credentials_of(a.public_credentials()).await })
    }

    /// What is known about the AWS credentials in use (`source`, `accessKeyKind`, `hasSessionToken`,
    /// `expiresAt`), without any secret.
    #[napi(ts_return_type = "Promise<AwsIdentity>")]
    pub fn aws_identity<'env>(&self, env: &'env Env) -> Result<PromiseRaw<'env, Value>> {
        self.start(
            env,
            |a| async move { crate::conversions::json(&a.aws_identity().await?) },
        )
    }

    /// Drops the cached token of `registry` (memory and disk), e.g. after the registry refused it.
    #[napi(ts_return_type = "Promise<void>")]
    pub fn invalidate<'env>(&self, env: &'env Env, registry: String) -> Result<PromiseRaw<'env, ()>> {
        self.start(env, move |a| async move { Ok(a.invalidate(&registry)?) })
    }

    /// Answers one Docker credential-helper request (`get`, `list`, `store`, `erase`, `version`) as the
    /// `docker-credential-ecr-core` program does.
    #[napi(ts_return_type = "Promise<HelperOutput>")]
    pub fn run_helper<'env>(
        &self,
        env: &'env Env,
        action: String,
        stdin: Option<String>,
    ) -> Result<PromiseRaw<'env, HelperOutput>> {
        self.start(env, move |a| async move {
            Ok(HelperOutput {
                inner: ecr_core::auth::run_helper(&a, &action, stdin.as_deref().unwrap_or("")).await,
            })
        })
    }
}

fn outcome_json(o: &MergeOutcome) -> Value {
    json!({"key": o.key, "replaced": o.replaced, "shadowedBy": o.shadowed_by})
}

/// Adds or replaces the `auths` entry of `server` (host, `host:port` or URL; stored as the bare host) in
/// the docker config file at `path` (created if missing, other keys kept, written atomically with mode
/// 0600). Returns `{ key, replaced, shadowedBy }` (`shadowedBy`: the `credHelpers`/`credsStore` entry docker
/// would use instead).
#[napi(ts_return_type = "MergeOutcome")]
pub fn write_docker_config(env: Env, path: String, server: String, credentials: &RegistryCredentials) -> Result<Value> {
    guard(&env, || {
        let outcome = ecr_core::auth::write_docker_config(std::path::Path::new(&path), &server, &credentials.inner)?;
        Ok(outcome_json(&outcome))
    })
}

/// The in-memory form of `writeDockerConfig`: `{ config, outcome }`, the merged copy of `config` (a parsed
/// docker config object) and `{ key, replaced, shadowedBy }`.
#[napi(
    ts_args_type = "config: Record<string, unknown>, server: string, credentials: RegistryCredentials",
    ts_return_type = "{ config: Record<string, unknown>; outcome: MergeOutcome }"
)]
pub fn merge_auth_entry(env: Env, config: Value, server: String, credentials: &RegistryCredentials) -> Result<Value> {
    guard(&env, || {
        let mut doc = config;
        let outcome = ecr_core::auth::merge_auth_entry(&mut doc, &server, &credentials.inner)?;
        Ok(json!({"config": doc, "outcome": outcome_json(&outcome)}))
    })
}

/// The docker config file docker reads: `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`.
#[napi]
pub fn default_docker_config_path() -> Option<String> {
    ecr_core::auth::default_docker_config_path().map(|p| p.display().to_string())
}

/// The region of an ECR registry host, server URL or image reference (`null` for ECR Public); throws
/// `code: "InvalidReference"` for a host that is not ECR.
#[napi]
pub fn registry_region(env: Env, registry: String) -> Result<Option<String>> {
    guard(&env, || Ok(ecr_core::auth::registry_region(&registry)?))
}

/// The credential helper's `version` line.
#[napi]
pub fn helper_version_line() -> String {
    ecr_core::auth::version_line()
}
