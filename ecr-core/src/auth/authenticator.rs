//! [`Authenticator`]: ECR registry credentials from the AWS credential chain, cached in memory (and
//! optionally on disk) and refreshed ahead of expiry.
//!
//! - **One token per region.** A private-ECR token works for every registry (any account) in its region
//!   that the principal can reach, so tokens are cached per region (the deprecated `registryIds` is
//!   never sent) and the host of the request is put into the returned credentials. ECR Public has its
//!   own API, reachable only in us-east-1, and one token.
//! - **Refresh ahead.** A token is refreshed once `now >= expiresAt - max(ahead_min, lifetime *
//!   ahead_fraction)` (but never before half its life), computed from the token's own `expiresAt`, which
//!   the service caps to the session credentials' life. Never a fixed 12 hours.
//! - **Never expired.** A token with less than `min_remaining` left is never handed out. When a refresh
//!   fails, the old token is returned only while it is still usable; otherwise the refresh error is.
//! - **Single flight.** Per key, one caller fetches while the others wait for its result (or, when the
//!   cached token is still usable, keep using it). With a [`DiskCache`] the fetch also holds the cache's
//!   file lock, so separate processes make one call too.
//! - **Controllable clock.** [`AuthenticatorBuilder::clock`] takes a [`ManualClock`](super::ManualClock)
//!   in tests.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use aws_config::Region;
use aws_credential_types::Credentials;

use super::clock::{Clock, SystemClock};
use super::credentials::{RegistryCredentials, Token};
use super::disk_cache::{self, DiskCache};
use super::host::{EcrHost, ToRegistryHost, authority, from_registry_host, parse_ecr_host, partition_of_region};
use super::redact::without_sdk_responses;
use super::source::{AwsIdentity, CredentialPolicy, resolve_credentials};
use crate::client::{EcrClient, missing};
use crate::error::{Error, Result};
use crate::time::{self, Timestamp};

/// The region ECR Public's API lives in.
pub const ECR_PUBLIC_REGION: &str = "us-east-1";
/// The in-memory key of the ECR Public token (never a region name).
const PUBLIC_KEY: &str = "@public";

/// When cached tokens are refreshed and when they stop being handed out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RefreshPolicy {
    /// Refresh this fraction of the token's lifetime before `expiresAt` (default 0.25: after 9 h of 12).
    pub ahead_fraction: f64,
    /// ... but at least this long before `expiresAt` (default 5 minutes).
    pub ahead_min: Duration,
    /// Never hand out a token with less than this left (default 60 s).
    pub min_remaining: Duration,
}

impl Default for RefreshPolicy {
    fn default() -> Self {
        Self {
            ahead_fraction: 0.25,
            ahead_min: Duration::from_secs(300),
            min_remaining: Duration::from_secs(60),
        }
    }
}

fn chrono_dur(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

impl RefreshPolicy {
    /// The instant from which a token fetched at `fetched_at` and expiring at `expires_at` is refreshed.
    pub fn refresh_at(&self, fetched_at: Timestamp, expires_at: Timestamp) -> Timestamp {
        let lifetime = (expires_at - fetched_at).max(chrono::Duration::zero());
        let fraction = self.ahead_fraction.clamp(0.0, 1.0);
        let by_fraction = chrono::Duration::milliseconds((lifetime.num_milliseconds() as f64 * fraction) as i64);
        let ahead = by_fraction.max(chrono_dur(self.ahead_min));
        let half_life = fetched_at + lifetime / 2;
        (expires_at - ahead).max(half_life)
    }

    /// True while the token may be handed out at `now`.
    pub fn usable(&self, expires_at: Timestamp, now: Timestamp) -> bool {
        now + chrono_dur(self.min_remaining) < expires_at
    }

    fn fresh(&self, t: &Token, now: Timestamp) -> bool {
        now < self.refresh_at(t.fetched_at, t.expires_at) && self.usable(t.expires_at, now)
    }
}

/// The cache entry of one key: the current token and the lock its refresh holds.
#[derive(Debug, Default)]
struct Slot {
    current: RwLock<Option<Arc<Token>>>,
    refresh: tokio::sync::Mutex<()>,
}

impl Slot {
    fn get(&self) -> Option<Arc<Token>> {
        self.current.read().unwrap_or_else(|p| p.into_inner()).clone()
    }
    fn set(&self, t: Option<Arc<Token>>) {
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = t;
    }
}

/// What a token is for.
#[derive(Debug, Clone, Copy)]
enum Scope<'a> {
    Region(&'a str),
    Public,
}

impl Scope<'_> {
    fn key(&self) -> &str {
        match self {
            Scope::Region(r) => r,
            Scope::Public => PUBLIC_KEY,
        }
    }
    fn disk_scope(&self) -> &str {
        match self {
            Scope::Region(r) => r,
            Scope::Public => "public",
        }
    }
    fn partition(&self) -> &'static str {
        match self {
            Scope::Region(r) => partition_of_region(r),
            Scope::Public => "aws",
        }
    }
}

/// Builds an [`Authenticator`].
pub struct AuthenticatorBuilder {
    client: EcrClient,
    clock: Arc<dyn Clock>,
    refresh: RefreshPolicy,
    policy: CredentialPolicy,
    disk: Option<DiskCache>,
    principal: Option<String>,
    #[cfg(feature = "ecr-public")]
    public: Option<aws_sdk_ecrpublic::Client>,
}

impl std::fmt::Debug for AuthenticatorBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthenticatorBuilder")
            .field("region", &self.client.region())
            .field("refresh", &self.refresh)
            .field("policy", &self.policy)
            .field("disk", &self.disk)
            .finish_non_exhaustive()
    }
}

impl AuthenticatorBuilder {
    /// The clock tokens are judged by (default: the system clock).
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// When tokens are refreshed (default [`RefreshPolicy::default`]).
    pub fn refresh_policy(mut self, policy: RefreshPolicy) -> Self {
        self.refresh = policy;
        self
    }

    /// Which AWS credentials are accepted (default any; [`CredentialPolicy::RequireTemporary`] for CI).
    pub fn credential_policy(mut self, policy: CredentialPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Shares tokens with other processes through a disk cache (default: none).
    pub fn disk_cache(mut self, cache: Option<DiskCache>) -> Self {
        self.disk = cache;
        self
    }

    /// The principal ARN the disk cache is keyed by, when the caller knows it; otherwise it is read
    /// once from STS `GetCallerIdentity` (and memoised in the cache).
    pub fn principal(mut self, arn: impl Into<String>) -> Self {
        self.principal = Some(arn.into());
        self
    }

    /// Uses this ECR Public client (tests with replayed responses).
    #[cfg(all(test, feature = "ecr-public"))]
    pub(crate) fn public_client(mut self, client: aws_sdk_ecrpublic::Client) -> Self {
        self.public = Some(client);
        self
    }

    /// Builds the authenticator.
    pub fn build(self) -> Authenticator {
        #[cfg(feature = "ecr-public")]
        let public = self.public.unwrap_or_else(|| {
            let sdk = self.client.sdk_config();
            let mut conf = aws_sdk_ecrpublic::config::Builder::from(sdk).region(Region::new(ECR_PUBLIC_REGION));
            if let Some(url) = self.client.endpoint_url() {
                conf = conf.endpoint_url(url);
            }
            aws_sdk_ecrpublic::Client::from_conf(conf.build())
        });
        Authenticator {
            inner: Arc::new(Inner {
                home_region: self.client.region().map(str::to_owned),
                client: self.client,
                clock: self.clock,
                refresh: self.refresh,
                policy: self.policy,
                disk: self.disk,
                principal: self.principal.map(|p| disk_cache::principal_hash(&p)),
                #[cfg(feature = "ecr-public")]
                public,
                slots: RwLock::default(),
                regional: Mutex::default(),
                parsed: RwLock::default(),
            }),
        }
    }
}

struct Inner {
    client: EcrClient,
    home_region: Option<String>,
    clock: Arc<dyn Clock>,
    refresh: RefreshPolicy,
    policy: CredentialPolicy,
    disk: Option<DiskCache>,
    /// The principal hash, when given.
    principal: Option<String>,
    #[cfg(feature = "ecr-public")]
    public: aws_sdk_ecrpublic::Client,
    slots: RwLock<HashMap<String, Arc<Slot>>>,
    regional: Mutex<HashMap<String, aws_sdk_ecr::Client>>,
    /// Memoised parses of registry text (bounded).
    parsed: RwLock<HashMap<String, Arc<EcrHost>>>,
}

impl std::fmt::Debug for Inner {
    // Hand-written: the SDK configuration's Debug can show the access key id of static credentials.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authenticator")
            .field("home_region", &self.home_region)
            .field("clock", &self.clock)
            .field("refresh", &self.refresh)
            .field("policy", &self.policy)
            .field("disk", &self.disk)
            .field("cached", &self.slots.read().map(|s| s.len()).unwrap_or_default())
            .finish_non_exhaustive()
    }
}

/// Hands out ECR registry credentials, cached and refreshed. Cheap to clone; clones share the cache.
///
/// ```no_run
/// # async fn demo() -> ecr_core::Result<()> {
/// let client = ecr_core::EcrClient::from_env().await?;
/// let auth = ecr_core::auth::Authenticator::new(client);
/// let creds = auth.credentials("123456789012.dkr.ecr.eu-west-1.amazonaws.com").await?;
/// println!("{} until {}", creds.username, creds.expires_at); // the password never prints
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Authenticator {
    inner: Arc<Inner>,
}

impl Authenticator {
    /// An authenticator over `client` with the defaults (system clock, memory cache only, any credentials).
    pub fn new(client: EcrClient) -> Self {
        Self::builder(client).build()
    }

    /// A builder over `client` (its AWS configuration supplies the credentials and the home region).
    pub fn builder(client: EcrClient) -> AuthenticatorBuilder {
        AuthenticatorBuilder {
            client,
            clock: Arc::new(SystemClock),
            refresh: RefreshPolicy::default(),
            policy: CredentialPolicy::default(),
            disk: None,
            principal: None,
            #[cfg(feature = "ecr-public")]
            public: None,
        }
    }

    /// Basic-auth credentials for a registry: a parsed [`RegistryHost`](crate::reference::RegistryHost)
    /// or text (a host, `host:port` or server URL such as `https://host/v2/...`). Any account's private
    /// registry in any region is served by that region's token; ECR Public by its own.
    ///
    /// Fails with [`Error::InvalidReference`] when the host is not an ECR registry, and with the
    /// actionable errors of the token request otherwise (access denied naming
    /// `ecr:GetAuthorizationToken`, invalid or expired AWS credentials, throttling, wrong partition).
    pub async fn credentials<R: ToRegistryHost + Sync + ?Sized>(&self, registry: &R) -> Result<RegistryCredentials> {
        let parsed = self.parse(registry)?;
        match &*parsed {
            EcrHost::Private { host, region, .. } => {
                let token = self.token(Scope::Region(region)).await?;
                Ok(token.for_host(host, Some(region)))
            }
            EcrHost::Public { host } => {
                let token = self.token(Scope::Public).await?;
                Ok(token.for_host(host, None))
            }
        }
    }

    /// Parses a registry, memoising the parses of text (server URLs repeat: the cached path stays cheap).
    fn parse<R: ToRegistryHost + ?Sized>(&self, registry: &R) -> Result<Arc<EcrHost>> {
        const MAX_MEMO: usize = 1024;
        let Some(text) = registry.as_text() else {
            return Ok(Arc::new(from_registry_host(&registry.to_registry_host()?)));
        };
        if let Some(p) = self.inner.parsed.read().unwrap_or_else(|p| p.into_inner()).get(text) {
            return Ok(p.clone());
        }
        let parsed = Arc::new(from_registry_host(&registry.to_registry_host()?));
        let mut memo = self.inner.parsed.write().unwrap_or_else(|p| p.into_inner());
        if memo.len() >= MAX_MEMO {
            memo.clear();
        }
        memo.insert(text.to_owned(), parsed.clone());
        Ok(parsed)
    }

    /// Credentials for the caller's own registry in `region` (the client's region when `None`), with the
    /// host taken from the token's proxy endpoint.
    pub async fn credentials_for_region(&self, region: Option<&str>) -> Result<RegistryCredentials> {
        let region = region.or(self.inner.home_region.as_deref()).ok_or(Error::NoRegion)?;
        let valid = !region.is_empty()
            && region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !region.starts_with('-')
            && !region.ends_with('-');
        if !valid {
            return Err(Error::invalid(
                "region",
                format!("{region:?} is not an AWS region name"),
            ));
        }
        let token = self.token(Scope::Region(region)).await?;
        let endpoint = token
            .proxy_endpoint
            .as_deref()
            .ok_or_else(|| missing("GetAuthorizationToken", "authorizationData[0].proxyEndpoint"))?;
        let host = authority(endpoint)?;
        Ok(token.for_host(&host, Some(region)))
    }

    /// Credentials for ECR Public (`public.ecr.aws`).
    pub async fn public_credentials(&self) -> Result<RegistryCredentials> {
        let token = self.token(Scope::Public).await?;
        Ok(token.for_host("public.ecr.aws", None))
    }

    /// Forgets the in-memory token serving `registry` (e.g. after the registry answered 401), so the
    /// next call fetches a new one.
    pub fn invalidate(&self, registry: &str) -> Result<()> {
        let key = match parse_ecr_host(registry)? {
            EcrHost::Private { region, .. } => region,
            EcrHost::Public { .. } => PUBLIC_KEY.to_owned(),
        };
        if let Some(slot) = self.slots_read().get(&key) {
            slot.set(None);
        }
        Ok(())
    }

    /// Where the AWS credentials come from and whether they are temporary (no secrets, no key id).
    pub async fn aws_identity(&self) -> Result<AwsIdentity> {
        let creds = resolve_credentials(self.inner.client.sdk_config()).await?;
        Ok(AwsIdentity::of(&creds))
    }

    /// The region of the client it was built from, the one [`Authenticator::credentials_for_region`] uses
    /// by default.
    pub fn home_region(&self) -> Option<&str> {
        self.inner.home_region.as_deref()
    }

    /// The clock tokens are judged by.
    pub fn now(&self) -> Timestamp {
        self.inner.clock.now()
    }

    /// The disk cache in use, if any.
    pub fn disk_cache(&self) -> Option<&DiskCache> {
        self.inner.disk.as_ref()
    }

    fn slots_read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Arc<Slot>>> {
        self.inner.slots.read().unwrap_or_else(|p| p.into_inner())
    }

    fn slot(&self, key: &str) -> Arc<Slot> {
        if let Some(s) = self.slots_read().get(key) {
            return s.clone();
        }
        let mut slots = self.inner.slots.write().unwrap_or_else(|p| p.into_inner());
        slots.entry(key.to_owned()).or_default().clone()
    }

    /// The cached token of `scope`, refreshed when due: the single-flight core.
    async fn token(&self, scope: Scope<'_>) -> Result<Arc<Token>> {
        let slot = self.slot(scope.key());
        let policy = &self.inner.refresh;
        let current = slot.get();
        if let Some(t) = &current
            && policy.fresh(t, self.inner.clock.now())
        {
            return Ok(t.clone());
        }
        let _guard = match slot.refresh.try_lock() {
            Ok(g) => g,
            Err(_) => {
                // Someone is refreshing: keep using a still-usable token rather than wait.
                if let Some(t) = &current
                    && policy.usable(t.expires_at, self.inner.clock.now())
                {
                    return Ok(t.clone());
                }
                slot.refresh.lock().await
            }
        };
        // Re-check: the caller that held the lock may have refreshed it.
        let current = slot.get();
        let now = self.inner.clock.now();
        if let Some(t) = &current
            && policy.fresh(t, now)
        {
            return Ok(t.clone());
        }
        match self.fetch(scope).await {
            Ok(t) => {
                let t = Arc::new(t);
                slot.set(Some(t.clone()));
                Ok(t)
            }
            Err(err) => {
                let now = self.inner.clock.now();
                match current {
                    Some(t) if policy.usable(t.expires_at, now) => {
                        tracing::warn!(
                            registry = scope.disk_scope(),
                            error = %err,
                            expires_at = %t.expires_at,
                            "token refresh failed; the current token is still valid and stays in use"
                        );
                        Ok(t)
                    }
                    Some(_) => {
                        slot.set(None);
                        Err(err)
                    }
                    None => Err(err),
                }
            }
        }
    }

    /// Gets a token from the disk cache or the network (policy checked first).
    async fn fetch(&self, scope: Scope<'_>) -> Result<Token> {
        let creds = resolve_credentials(self.inner.client.sdk_config()).await?;
        self.inner.policy.check(&AwsIdentity::of(&creds))?;
        let Some(disk) = self.inner.disk.clone() else {
            return self.fetch_network(scope).await;
        };
        let principal = match self.principal_hash(&disk, &creds).await {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!(error = %e, "token disk cache skipped: the caller's identity is unknown");
                return self.fetch_network(scope).await;
            }
        };
        let key = disk_cache::token_key(scope.partition(), scope.disk_scope(), &principal);
        let lock = {
            let disk = disk.clone();
            tokio::task::spawn_blocking(move || disk.lock())
                .await
                .map_err(|e| Error::Refused {
                    message: format!("token cache lock task failed: {e}"),
                })
        };
        let lock = match lock.and_then(|r| r) {
            Ok(l) => l,
            Err(e) => {
                tracing::warn!(error = %e, "token disk cache skipped: cannot lock it");
                return self.fetch_network(scope).await;
            }
        };
        let now = self.inner.clock.now();
        let cached = disk.get_token(&key, now).map(|c| c.token);
        if let Some(t) = &cached
            && self.inner.refresh.fresh(t, now)
        {
            tracing::debug!(registry = scope.disk_scope(), "token from the disk cache");
            return Ok(t.clone());
        }
        match self.fetch_network(scope).await {
            Ok(t) => {
                if let Err(e) = disk.put_token(&lock, &key, scope.disk_scope(), &t, self.inner.clock.now()) {
                    tracing::warn!(error = %e, "could not write the token disk cache");
                }
                Ok(t)
            }
            Err(err) => match cached {
                Some(t) if self.inner.refresh.usable(t.expires_at, self.inner.clock.now()) => {
                    tracing::warn!(error = %err, "token refresh failed; using the still-valid token from the disk cache");
                    Ok(t)
                }
                _ => Err(err),
            },
        }
    }

    /// The hash of the caller's principal: given, memoised on disk for these keys, or from STS.
    async fn principal_hash(&self, disk: &DiskCache, creds: &Credentials) -> Result<String> {
        if let Some(p) = &self.inner.principal {
            return Ok(p.clone());
        }
        let secret = crate::secret::Secret::new(creds.secret_access_key());
        let id_key = disk_cache::identity_key(creds.access_key_id(), &secret);
        let now = self.inner.clock.now();
        if let Some(p) = disk.get_principal(&id_key, now) {
            return Ok(p);
        }
        let sdk = self.inner.client.sdk_config();
        let mut conf = aws_sdk_sts::config::Builder::from(sdk);
        if let Some(url) = self.inner.client.endpoint_url() {
            conf = conf.endpoint_url(url);
        }
        let sts = aws_sdk_sts::Client::from_conf(conf.build());
        let out = sts.get_caller_identity().send().await.map_err(Error::from_sdk)?;
        let arn = out.arn().ok_or_else(|| missing("GetCallerIdentity", "Arn"))?;
        let hash = disk_cache::principal_hash(arn);
        let until = creds
            .expiry()
            .map(Timestamp::from)
            .unwrap_or(now + chrono::Duration::hours(12));
        let disk2 = disk.clone();
        let (h2, k2) = (hash.clone(), id_key.clone());
        let stored = tokio::task::spawn_blocking(move || {
            let lock = disk2.lock()?;
            disk2.put_principal(&lock, &k2, &h2, until, now)
        })
        .await;
        if let Ok(Err(e)) = stored {
            tracing::warn!(error = %e, "could not memoise the caller identity in the token cache");
        }
        Ok(hash)
    }

    /// The ECR client of `region`, sharing the configuration (credentials, endpoint, retries).
    fn regional_client(&self, region: &str) -> aws_sdk_ecr::Client {
        let home = self.inner.client.ecr();
        if self.inner.home_region.as_deref() == Some(region) {
            return home.clone();
        }
        let mut clients = self.inner.regional.lock().unwrap_or_else(|p| p.into_inner());
        clients
            .entry(region.to_owned())
            .or_insert_with(|| {
                let conf = home
                    .config()
                    .to_builder()
                    .region(Region::new(region.to_owned()))
                    .build();
                aws_sdk_ecr::Client::from_conf(conf)
            })
            .clone()
    }

    /// Calls ECR Public's GetAuthorizationToken (in us-east-1).
    #[cfg(feature = "ecr-public")]
    async fn fetch_public(&self, scope: Scope<'_>, home_partition: Option<&str>) -> Result<Token> {
        let out = without_sdk_responses(self.inner.public.get_authorization_token().send())
            .await
            .map_err(|e| explain(Error::from_sdk(e), scope, home_partition))?;
        let now = self.inner.clock.now();
        let data = out
            .authorization_data()
            .ok_or_else(|| missing("ecr-public GetAuthorizationToken", "authorizationData"))?;
        let encoded = data.authorization_token().ok_or_else(|| {
            missing(
                "ecr-public GetAuthorizationToken",
                "authorizationData.authorizationToken",
            )
        })?;
        let expires_at = data
            .expires_at()
            .and_then(time::from_smithy)
            .ok_or_else(|| missing("ecr-public GetAuthorizationToken", "authorizationData.expiresAt"))?;
        Token::decode(encoded, now, expires_at, None)
    }

    /// ECR Public credentials need the ECR Public SDK, which this build of ecr-core leaves out.
    #[cfg(not(feature = "ecr-public"))]
    async fn fetch_public(&self, _scope: Scope<'_>, _home_partition: Option<&str>) -> Result<Token> {
        Err(Error::Refused {
            message: "ECR Public (public.ecr.aws) credentials need ecr-core's `ecr-public` feature, which this build leaves out".into(),
        })
    }

    /// Calls GetAuthorizationToken.
    async fn fetch_network(&self, scope: Scope<'_>) -> Result<Token> {
        let home_partition = self.inner.home_region.as_deref().map(partition_of_region);
        let token = match scope {
            Scope::Region(region) => {
                let out = without_sdk_responses(self.regional_client(region).get_authorization_token().send())
                    .await
                    .map_err(|e| explain(Error::from_sdk(e), scope, home_partition))?;
                let now = self.inner.clock.now();
                let data = out
                    .authorization_data()
                    .first()
                    .ok_or_else(|| missing("GetAuthorizationToken", "authorizationData"))?;
                let encoded = data
                    .authorization_token()
                    .ok_or_else(|| missing("GetAuthorizationToken", "authorizationData[0].authorizationToken"))?;
                let expires_at = data
                    .expires_at()
                    .and_then(time::from_smithy)
                    .ok_or_else(|| missing("GetAuthorizationToken", "authorizationData[0].expiresAt"))?;
                Token::decode(encoded, now, expires_at, data.proxy_endpoint().map(str::to_owned))?
            }
            Scope::Public => {
                if let Some(p) = home_partition
                    && p != "aws"
                    && self.inner.client.endpoint_url().is_none()
                {
                    return Err(Error::WrongRegion {
                        message: format!(
                            "ECR Public is only reachable from the aws partition (us-east-1), but the AWS configuration is for partition {p}"
                        ),
                    });
                }
                self.fetch_public(scope, home_partition).await?
            }
        };
        let now = self.inner.clock.now();
        if !self.inner.refresh.usable(token.expires_at, now) {
            return Err(Error::Refused {
                message: format!(
                    "GetAuthorizationToken returned a token that expires at {} but it is now {now}: the token would be unusable (check the system clock)",
                    token.expires_at
                ),
            });
        }
        tracing::debug!(registry = scope.disk_scope(), expires_at = %token.expires_at, "fetched an ECR authorization token");
        Ok(token)
    }
}

/// Adds what the user can do to the errors of GetAuthorizationToken.
fn explain(err: Error, scope: Scope<'_>, home_partition: Option<&str>) -> Error {
    let (action, api) = match scope {
        Scope::Region(_) => ("ecr:GetAuthorizationToken", "ECR"),
        Scope::Public => (
            "ecr-public:GetAuthorizationToken and sts:GetServiceBearerToken",
            "ECR Public",
        ),
    };
    match err {
        Error::AccessDenied { message, request_id } => Error::AccessDenied {
            message: format!(
                "{message} (the IAM principal needs {action} on Resource \"*\" to get {api} registry credentials)"
            ),
            request_id,
        },
        Error::InvalidCredentials { message, request_id } => {
            let target = scope.partition();
            match (home_partition, scope) {
                (Some(home), Scope::Region(region)) if home != target => Error::WrongRegion {
                    message: format!(
                        "the AWS credentials are configured for partition {home}, but region {region} is in partition {target}: use credentials (a profile) of {target} ({message})"
                    ),
                },
                _ => Error::InvalidCredentials {
                    message: format!(
                        "{message} (refresh the AWS session: `aws sso login`, re-assume the role, or unset stale AWS_* variables that override a role)"
                    ),
                    request_id,
                },
            }
        }
        Error::Throttled { message, request_id } => Error::Throttled {
            message: format!(
                "{message} (GetAuthorizationToken allows 20 requests per second per account and region; share tokens between processes with the disk cache)"
            ),
            request_id,
        },
        Error::Service { aws_code, message, .. }
            if aws_code == "UnsupportedCommandException" && matches!(scope, Scope::Public) =>
        {
            Error::WrongRegion {
                message: format!("ECR Public's GetAuthorizationToken works only in {ECR_PUBLIC_REGION} ({message})"),
            }
        }
        other => other,
    }
}
