//! The auth capability: `RegistryCredentials` (the password only through its explicit `password` getter;
//! `util.inspect`, `JSON.stringify`, `String()` and `Object.keys` never show it), `Authenticator` (tokens
//! from the AWS credential chain, cached and refreshed), the docker `config.json` merge and the Docker
//! credential-helper protocol (`HelperOutput`).

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use ecr_core::auth::{
    Authenticator as CoreAuthenticator, Clock, CredentialPolicy, DiskCache as CoreDiskCache,
    HelperOutput as CoreHelperOutput, ManualClock, MergeOutcome, RefreshPolicy as CoreRefreshPolicy,
    RegistryCredentials as CoreCredentials,
};
use ecr_core::time::Timestamp;
use ecr_core::{Error as CoreError, Secret};
use napi::Env;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::{Value, json};
use tokio::sync::OnceCell;

use crate::client::EcrClient;
use crate::errors::{self, Failure, guard};
use crate::tasks::LazyCore;

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
#[napi(namespace = "auth")]
pub struct RegistryCredentials {
    pub(crate) inner: CoreCredentials,
}

#[napi(namespace = "auth")]
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
#[napi(namespace = "auth")]
pub struct HelperOutput {
    inner: CoreHelperOutput,
}

#[napi(namespace = "auth")]
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
    /// When cached tokens are refreshed and stop being handed out (default: `new RefreshPolicy()`).
    pub refresh_policy: Option<RefreshPolicyOptions>,
}

/// The validated options.
#[derive(Debug, Clone, Default)]
struct AuthOptions {
    require_temporary: bool,
    disk_cache: Option<CoreDiskCache>,
    /// The settable clock (`assumeNow`); clones share its time.
    clock: Option<ManualClock>,
    refresh: Option<CoreRefreshPolicy>,
    principal: Option<String>,
}

impl AuthOptions {
    fn new(o: AuthenticatorOptions) -> std::result::Result<Self, CoreError> {
        Ok(Self {
            require_temporary: o.require_temporary_credentials.unwrap_or(false),
            disk_cache: match o.disk_cache {
                None | Some(Either::A(false)) => None,
                Some(Either::A(true)) => CoreDiskCache::from_env(),
                Some(Either::B(dir)) => Some(CoreDiskCache::new(PathBuf::from(dir))),
            },
            clock: o
                .assume_now
                .map(|t| timestamp_arg(&t, "assumeNow"))
                .transpose()?
                .map(ManualClock::new),
            refresh: o.refresh_policy.map(refresh_policy).transpose()?,
            principal: o.principal,
        })
    }

    /// The instant tokens are judged by: the settable clock's, else the system clock's.
    fn now(&self) -> Timestamp {
        self.clock.as_ref().map_or_else(chrono::Utc::now, Clock::now)
    }

    /// The settable clock, or an error naming how to get one.
    fn manual_clock(&self) -> std::result::Result<&ManualClock, CoreError> {
        self.clock.as_ref().ok_or_else(|| {
            CoreError::invalid(
                "clock",
                "this authenticator reads the system clock; construct it with { assumeNow } to set or advance time",
            )
        })
    }

    fn build(self, client: ecr_core::EcrClient) -> CoreAuthenticator {
        let mut b = CoreAuthenticator::builder(client).disk_cache(self.disk_cache);
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

/// Registry credentials from the AWS credential chain: one token per region (and one for ECR Public),
/// refreshed ahead of expiry, fetched once under concurrency, optionally shared between processes through
/// the on-disk cache. Every method returns a Promise.
#[napi(namespace = "auth")]
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

#[napi(namespace = "auth")]
impl Authenticator {
    /// An authenticator over `client`'s AWS configuration.
    #[napi(constructor)]
    pub fn new(env: Env, client: &EcrClient, options: Option<AuthenticatorOptions>) -> Result<Self> {
        let lazy = client.lazy.clone();
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
    #[napi(ts_return_type = "Promise<auth.RegistryCredentials>")]
    pub fn credentials<'env>(&self, env: &'env Env, registry: String) -> Result<PromiseRaw<'env, RegistryCredentials>> {
        self.start(env, move |a| async move {
            credentials_of(a.credentials(registry.as_str())).await
        })
    }

    /// Credentials for the caller's own registry in `region` (default: the client's region).
    #[napi(ts_return_type = "Promise<auth.RegistryCredentials>")]
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
    #[napi(ts_return_type = "Promise<auth.RegistryCredentials>")]
    pub fn public_credentials<'env>(&self, env: &'env Env) -> Result<PromiseRaw<'env, RegistryCredentials>> {
        self.start(env, |a| async move { credentials_of(a.public_credentials()).await })
    }

    /// Credentials for every registry in `hosts` (hosts or server URLs; see `registryHosts`), written into the
    /// docker config at `dockerConfig` in one write: one token request per region, whatever the number of
    /// accounts and host forms. Resolves to `[{ host, expiresAt, key, replaced, shadowedBy }]` (no password).
    #[napi(
        ts_return_type = "Promise<Array<{ host: string; expiresAt: string; key: string; replaced: boolean; shadowedBy: string | null }>>"
    )]
    pub fn login_all<'env>(
        &self,
        env: &'env Env,
        hosts: Vec<String>,
        docker_config: String,
    ) -> Result<PromiseRaw<'env, Value>> {
        let hosts = guard(env, || {
            Ok(hosts
                .iter()
                .map(|h| ecr_core::reference::RegistryHost::from_server_url(h))
                .collect::<std::result::Result<Vec<_>, _>>()?)
        })?;
        self.start(env, move |a| async move {
            crate::conversions::json(&a.login_all(&hosts, std::path::Path::new(&docker_config)).await?)
        })
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

    /// The instant tokens are judged by (RFC 3339): the settable clock's (`assumeNow`), else the system
    /// clock's.
    #[napi(getter)]
    pub fn now(&self) -> String {
        rfc3339(&self.options.now())
    }

    /// Sets the settable clock (only for an authenticator built with `assumeNow`; RFC 3339 or epoch
    /// seconds): cached tokens are then judged, and refreshed, as of that instant.
    #[napi]
    pub fn set_now(&self, env: Env, now: String) -> Result<()> {
        guard(&env, || {
            let t = timestamp_arg(&now, "now")?;
            self.options.manual_clock()?.set(t);
            Ok(())
        })
    }

    /// Moves the settable clock forward by `seconds` (only with `assumeNow`).
    #[napi]
    pub fn advance(&self, env: Env, seconds: f64) -> Result<()> {
        guard(&env, || {
            let by = ecr_core::time::seconds("seconds", seconds)?;
            self.options.manual_clock()?.advance(by);
            Ok(())
        })
    }

    /// The on-disk token cache this authenticator shares tokens through, or `null`.
    #[napi(getter)]
    pub fn disk_cache(&self) -> Option<DiskCache> {
        self.options.disk_cache.clone().map(|inner| DiskCache { inner })
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
#[napi(namespace = "auth", ts_return_type = "MergeOutcome")]
pub fn write_docker_config(env: Env, path: String, server: String, credentials: &RegistryCredentials) -> Result<Value> {
    guard(&env, || {
        let outcome = ecr_core::auth::write_docker_config(std::path::Path::new(&path), &server, &credentials.inner)?;
        Ok(outcome_json(&outcome))
    })
}

/// The in-memory form of `writeDockerConfig`: `{ config, outcome }`, the merged copy of `config` (a parsed
/// docker config object) and `{ key, replaced, shadowedBy }`.
#[napi(
    namespace = "auth",
    ts_args_type = "config: Record<string, unknown>, server: string, credentials: auth.RegistryCredentials",
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
#[napi(namespace = "auth")]
pub fn default_docker_config_path() -> Option<String> {
    ecr_core::auth::default_docker_config_path().map(|p| p.display().to_string())
}

/// The region of an ECR registry host, server URL or image reference (`null` for ECR Public); throws
/// `code: "InvalidReference"` for a host that is not ECR.
#[napi(namespace = "auth")]
pub fn registry_region(env: Env, registry: String) -> Result<Option<String>> {
    guard(&env, || Ok(ecr_core::auth::registry_region(&registry)?))
}

/// The credential helper's `version` line.
#[napi(namespace = "auth")]
pub fn helper_version_line() -> String {
    ecr_core::auth::version_line()
}

/// The parts of a refresh policy (seconds for durations); parts left out keep the defaults.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct RefreshPolicyOptions {
    /// Refresh this fraction of a token's lifetime before it expires (0 to 1; default 0.25: after 9 h of 12).
    pub ahead_fraction: Option<f64>,
    /// ... but at least this many seconds before (default 300).
    pub ahead_min: Option<f64>,
    /// Never hand out a token with fewer seconds left (default 60).
    pub min_remaining: Option<f64>,
}

fn refresh_policy(o: RefreshPolicyOptions) -> std::result::Result<CoreRefreshPolicy, CoreError> {
    let mut p = CoreRefreshPolicy::default();
    if let Some(f) = o.ahead_fraction {
        if !(0.0..=1.0).contains(&f) {
            return Err(CoreError::invalid("aheadFraction", "must be between 0 and 1"));
        }
        p.ahead_fraction = f;
    }
    if let Some(s) = o.ahead_min {
        p.ahead_min = ecr_core::time::seconds("aheadMin", s)?;
    }
    if let Some(s) = o.min_remaining {
        p.min_remaining = ecr_core::time::seconds("minRemaining", s)?;
    }
    Ok(p)
}

/// When cached tokens are refreshed and when they stop being handed out (what `Authenticator`'s
/// `refreshPolicy` option sets).
#[napi(namespace = "auth")]
pub struct RefreshPolicy {
    inner: CoreRefreshPolicy,
}

#[napi(namespace = "auth")]
impl RefreshPolicy {
    /// A policy; parts left out keep the defaults.
    #[napi(constructor)]
    pub fn new(env: Env, options: Option<RefreshPolicyOptions>) -> Result<Self> {
        guard(&env, || {
            Ok(Self {
                inner: refresh_policy(options.unwrap_or_default())?,
            })
        })
    }

    /// The fraction of a token's lifetime it is refreshed ahead of expiry.
    #[napi(getter)]
    pub fn ahead_fraction(&self) -> f64 {
        self.inner.ahead_fraction
    }

    /// The least time (seconds) ahead of expiry a token is refreshed.
    #[napi(getter)]
    pub fn ahead_min(&self) -> f64 {
        self.inner.ahead_min.as_secs_f64()
    }

    /// The least time (seconds) a handed-out token has left.
    #[napi(getter)]
    pub fn min_remaining(&self) -> f64 {
        self.inner.min_remaining.as_secs_f64()
    }

    /// The instant (RFC 3339) from which a token fetched at `fetchedAt` and expiring at `expiresAt` is
    /// refreshed.
    #[napi]
    pub fn refresh_at(&self, env: Env, fetched_at: String, expires_at: String) -> Result<String> {
        guard(&env, || {
            let fetched = timestamp_arg(&fetched_at, "fetchedAt")?;
            let expires = timestamp_arg(&expires_at, "expiresAt")?;
            Ok(rfc3339(&self.inner.refresh_at(fetched, expires)))
        })
    }

    /// True while a token expiring at `expiresAt` may be handed out at `now`.
    #[napi]
    pub fn usable(&self, env: Env, expires_at: String, now: String) -> Result<bool> {
        guard(&env, || {
            let expires = timestamp_arg(&expires_at, "expiresAt")?;
            let now = timestamp_arg(&now, "now")?;
            Ok(self.inner.usable(expires, now))
        })
    }
}

/// Options of `new DiskCache(dir, options)`.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct DiskCacheOptions {
    /// Keep at most this many tokens (default 64).
    pub max_entries: Option<u32>,
}

/// The on-disk token cache shared between processes (0600 in a 0700 directory, keyed by principal, never
/// holding access keys). Inspection only shows registries and counts, never a token.
#[napi(namespace = "auth")]
pub struct DiskCache {
    inner: CoreDiskCache,
}

#[napi(namespace = "auth")]
impl DiskCache {
    /// A cache in `dir`.
    #[napi(constructor)]
    pub fn new(dir: String, options: Option<DiskCacheOptions>) -> Self {
        let mut inner = CoreDiskCache::new(PathBuf::from(dir));
        if let Some(n) = options.and_then(|o| o.max_entries) {
            inner = inner.max_entries(n as usize);
        }
        Self { inner }
    }

    /// The cache the environment asks for (`ECR_CORE_CACHE_DIR`, `XDG_CACHE_HOME`, `~/.cache`), or `null`
    /// when `ECR_CORE_DISABLE_CACHE` is set.
    #[napi]
    pub fn from_env() -> Option<DiskCache> {
        CoreDiskCache::from_env().map(|inner| Self { inner })
    }

    /// The cache directory.
    #[napi(getter)]
    pub fn dir(&self) -> String {
        self.inner.dir().display().to_string()
    }

    /// The cache file.
    #[napi(getter)]
    pub fn file(&self) -> String {
        self.inner.file().display().to_string()
    }

    /// The proxy endpoints (or `public.ecr.aws`) of the tokens in the file still unexpired at `now` (RFC
    /// 3339; default: the system clock).
    #[napi]
    pub fn registries(&self, env: Env, now: Option<String>) -> Result<Vec<String>> {
        guard(&env, || {
            let now = match now {
                Some(t) => timestamp_arg(&t, "now")?,
                None => chrono::Utc::now(),
            };
            Ok(self.inner.registries(now))
        })
    }

    /// The number of token entries in the file.
    #[napi]
    pub fn token_count(&self) -> u32 {
        self.inner.token_count() as u32
    }
}

// --- auth: the credential policy ---

/// An `AwsIdentity` from its JSON (`awsIdentity()`'s shape: `source`, `accessKeyKind`, `hasSessionToken`,
/// optional `expiresAt`); every bad field is an `InvalidArgument` naming it.
pub(crate) fn identity_arg(value: &Value) -> std::result::Result<ecr_core::auth::AwsIdentity, CoreError> {
    ecr_core::auth::AwsIdentity::from_value(value)
}

/// Options of `checkCredentialPolicy`.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct CredentialPolicyOptions {
    /// Refuse long-lived static keys (default `true` here; the authenticator's option of the same name).
    pub require_temporary_credentials: Option<bool>,
}

/// Checks an AWS identity (the object `Authenticator.awsIdentity()` resolves with) against the credential
/// policy the authenticator applies: with `requireTemporaryCredentials` (the default here) long-lived
/// static keys (an `AKIA` key id, or no session token) throw `code: "LongLivedCredentials"` naming their
/// source; without it any identity passes. A malformed identity throws `code: "InvalidArgument"`.
#[napi(
    namespace = "auth",
    ts_args_type = "identity: AwsIdentity, options?: CredentialPolicyOptions | null"
)]
pub fn check_credential_policy(env: &Env, identity: Value, options: Option<CredentialPolicyOptions>) -> Result<()> {
    let require = options
        .unwrap_or_default()
        .require_temporary_credentials
        .unwrap_or(true);
    guard(env, || {
        let identity = identity_arg(&identity)?;
        let policy = if require {
            CredentialPolicy::RequireTemporary
        } else {
            CredentialPolicy::AllowAny
        };
        Ok(policy.check(&identity)?)
    })
}

/// True for long-lived static keys: an `AKIA` key id, or no session token (the identity as
/// `Authenticator.awsIdentity()` resolves with it).
#[napi(namespace = "auth", ts_args_type = "identity: AwsIdentity")]
pub fn is_long_lived(env: &Env, identity: Value) -> Result<bool> {
    guard(env, || Ok(identity_arg(&identity)?.is_long_lived()))
}

/// Which host forms `registryHosts` lists (default: IPv4 only).
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct HostFormsOptions {
    /// `<account>.dkr.ecr.<region>.amazonaws.com` (default true).
    pub ipv4: Option<bool>,
    /// `<account>.dkr-ecr.<region>.on.aws`.
    pub dual_stack: Option<bool>,
    /// `<account>.dkr.ecr-fips.<region>.amazonaws.com`.
    pub fips: Option<bool>,
}

/// Every registry host of `accounts` × `regions` in the chosen forms, in that order, for
/// `Authenticator.loginAll`.
#[napi(namespace = "auth")]
pub fn registry_hosts(
    env: Env,
    accounts: Vec<String>,
    regions: Vec<String>,
    forms: Option<HostFormsOptions>,
) -> Result<Vec<String>> {
    let forms = forms.unwrap_or_default();
    guard(&env, || {
        let forms = ecr_core::auth::HostForms {
            ipv4: forms.ipv4.unwrap_or(true),
            dual_stack: forms.dual_stack.unwrap_or(false),
            fips: forms.fips.unwrap_or(false),
        };
        let hosts = ecr_core::auth::registry_hosts(&accounts, &regions, forms)?;
        Ok(hosts.iter().map(ToString::to_string).collect())
    })
}
