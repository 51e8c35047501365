//! [`EcrClient`]: one cheap-to-clone handle on ECR (and ECR Public), built from the standard AWS
//! configuration chain.
//!
//! Region and credentials come from `aws-config` (environment, profiles, SSO, web identity, container
//! and instance roles). The standard endpoint overrides `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_ECR`
//! are honoured by `aws-config` itself; [`EcrClientBuilder::endpoint_url`] sets one explicitly (tests).
//! Retries use the SDK's standard or adaptive mode; connect and operation timeouts are explicit.
//! Operations that page are always read to the end.

use std::sync::Arc;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::types::{ImageDetail, ImageId, Repository, RepositorySettings};

/// How the SDK retries throttled and transient failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RetryMode {
    /// Exponential backoff with jitter (the SDK's standard mode).
    #[default]
    Standard,
    /// Standard plus client-side rate limiting that adapts to throttling.
    Adaptive,
}

/// Retry and timeout settings as callers give them (the bindings' options, camelCase JSON): durations in
/// seconds, unset ones keep the builder's values. [`EcrClientBuilder::tuning`] checks and applies them.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClientTuning {
    /// `"standard"` or `"adaptive"` (any case).
    pub retry_mode: Option<String>,
    /// Total attempts per request, the first included: a whole number, at least 1 (a number, as JSON and
    /// JavaScript give it).
    pub max_attempts: Option<f64>,
    /// Base delay of the retry backoff.
    pub initial_backoff: Option<f64>,
    /// Time allowed to open a connection.
    pub connect_timeout: Option<f64>,
    /// Time allowed for one whole operation, retries included.
    pub operation_timeout: Option<f64>,
    /// Time allowed for one attempt; `Some(None)` (JSON `null`) for no per-attempt limit.
    #[serde(default, deserialize_with = "present")]
    pub attempt_timeout: Option<Option<f64>>,
}

/// A key that is present deserializes to `Some` (so that `null` differs from absent).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Option<Option<f64>>, D::Error> {
    Option::<f64>::deserialize(d).map(Some)
}

/// Builds an [`EcrClient`]. Every setting is optional; unset ones come from the AWS configuration chain.
#[derive(Debug, Clone)]
pub struct EcrClientBuilder {
    region: Option<String>,
    profile: Option<String>,
    endpoint_url: Option<String>,
    retry_mode: RetryMode,
    max_attempts: u32,
    initial_backoff: Option<Duration>,
    connect_timeout: Duration,
    operation_timeout: Duration,
    attempt_timeout: Option<Duration>,
    credentials: Option<ExplicitCredentials>,
}

/// Credentials given to the builder instead of the AWS chain.
#[derive(Debug, Clone)]
struct ExplicitCredentials {
    access_key_id: String,
    secret_access_key: Secret,
    session_token: Option<Secret>,
}

impl Default for EcrClientBuilder {
    fn default() -> Self {
        Self {
            region: None,
            profile: None,
            endpoint_url: None,
            retry_mode: RetryMode::Standard,
            max_attempts: 3,
            initial_backoff: None,
            connect_timeout: Duration::from_secs(5),
            operation_timeout: Duration::from_secs(60),
            attempt_timeout: Some(Duration::from_secs(20)),
            credentials: None,
        }
    }
}

impl EcrClientBuilder {
    /// The AWS region (otherwise `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile, or IMDS).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// A named profile from the shared config files (otherwise `AWS_PROFILE` or `default`).
    pub fn profile(mut self, profile: impl Into<String>) -> Self {
        self.profile = Some(profile.into());
        self
    }

    /// An explicit ECR endpoint (e.g. a local emulator), overriding `AWS_ENDPOINT_URL[_ECR]`.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.endpoint_url = Some(url.into());
        self
    }

    /// Explicit credentials instead of the AWS chain (e.g. from a secrets manager, or a local emulator).
    pub fn credentials(
        mut self,
        access_key_id: impl Into<String>,
        secret_access_key: Secret,
        session_token: Option<Secret>,
    ) -> Self {
        self.credentials = Some(ExplicitCredentials {
            access_key_id: access_key_id.into(),
            secret_access_key,
            session_token,
        });
        self
    }

    /// Explicit credentials when given (the bindings' optional arguments): `access_key_id` and
    /// `secret_access_key` together or not at all, `session_token` only with them; all `None` leaves the
    /// AWS chain in charge.
    pub fn credentials_opt(
        self,
        access_key_id: Option<String>,
        secret_access_key: Option<Secret>,
        session_token: Option<Secret>,
    ) -> Result<Self> {
        match (access_key_id, secret_access_key) {
            (Some(id), Some(secret)) if !id.is_empty() && !secret.expose().is_empty() => {
                Ok(self.credentials(id, secret, session_token))
            }
            (None, None) if session_token.is_none() => Ok(self),
            _ => Err(Error::invalid(
                "credentials",
                "give both an access key id and a secret access key (and a session token only with them)",
            )),
        }
    }

    /// Sets optional values in one call; `None` leaves a setting to the AWS chain (used by the bindings).
    pub fn options(mut self, region: Option<String>, profile: Option<String>, endpoint_url: Option<String>) -> Self {
        self.region = region.or(self.region);
        self.profile = profile.or(self.profile);
        self.endpoint_url = endpoint_url.or(self.endpoint_url);
        self
    }

    /// The retry mode (default standard).
    pub fn retry_mode(mut self, mode: RetryMode) -> Self {
        self.retry_mode = mode;
        self
    }

    /// Total attempts per request, first included (default 3; at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The base delay of the retry backoff (default the SDK's, 1 s): retry `n` waits a random time up to
    /// `initial_backoff * 2^(n-1)`, capped at 20 s. Lower it where a quick failure matters more than
    /// riding out an outage (tests, interactive tools).
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = Some(backoff);
        self
    }

    /// Time allowed to open a connection (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time allowed for one whole operation, retries included (default 60 s).
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = timeout;
        self
    }

    /// Time allowed for one attempt (default 20 s; `None` for no per-attempt limit).
    pub fn attempt_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// Applies retry and timeout settings ([`ClientTuning`]); a bad value is an [`Error::InvalidArgument`]
    /// naming `field` and the setting (`options.maxAttempts`).
    pub fn tuning(mut self, settings: &ClientTuning, field: &str) -> Result<Self> {
        let key = |name: &str| format!("{field}.{name}");
        let seconds = |name: &str, secs: f64| crate::time::seconds(&key(name), secs);
        if let Some(mode) = &settings.retry_mode {
            self.retry_mode = match mode.to_ascii_lowercase().as_str() {
                "standard" => RetryMode::Standard,
                "adaptive" => RetryMode::Adaptive,
                _ => return Err(Error::invalid(key("retryMode"), "must be \"standard\" or \"adaptive\"")),
            };
        }
        if let Some(n) = settings.max_attempts {
            if !(n.fract() == 0.0 && (1.0..=f64::from(u32::MAX)).contains(&n)) {
                return Err(Error::invalid(key("maxAttempts"), "must be a whole number, at least 1"));
            }
            self.max_attempts = n as u32;
        }
        if let Some(s) = settings.initial_backoff {
            self.initial_backoff = Some(seconds("initialBackoff", s)?);
        }
        if let Some(s) = settings.connect_timeout {
            self.connect_timeout = seconds("connectTimeout", s)?;
        }
        if let Some(s) = settings.operation_timeout {
            self.operation_timeout = seconds("operationTimeout", s)?;
        }
        match settings.attempt_timeout {
            Some(None) => self.attempt_timeout = None,
            Some(Some(s)) => self.attempt_timeout = Some(seconds("attemptTimeout", s)?),
            None => {}
        }
        Ok(self)
    }

    fn retry_config(&self) -> RetryConfig {
        let base = match self.retry_mode {
            RetryMode::Standard => RetryConfig::standard(),
            RetryMode::Adaptive => RetryConfig::adaptive(),
        };
        let base = base.with_max_attempts(self.max_attempts);
        match self.initial_backoff {
            Some(b) => base.with_initial_backoff(b),
            None => base,
        }
    }

    fn timeout_config(&self) -> TimeoutConfig {
        let mut t = TimeoutConfig::builder()
            .connect_timeout(self.connect_timeout)
            .operation_timeout(self.operation_timeout);
        if let Some(a) = self.attempt_timeout {
            t = t.operation_attempt_timeout(a);
        }
        t.build()
    }

    /// Loads the AWS configuration with these settings.
    pub(crate) async fn load_sdk_config(&self) -> SdkConfig {
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(self.retry_config())
            .timeout_config(self.timeout_config());
        if let Some(r) = &self.region {
            loader = loader.region(Region::new(r.clone()));
        }
        if let Some(p) = &self.profile {
            loader = loader.profile_name(p);
        }
        if let Some(c) = &self.credentials {
            loader = loader.credentials_provider(aws_credential_types::Credentials::new(
                c.access_key_id.clone(),
                c.secret_access_key.expose().to_owned(),
                c.session_token.as_ref().map(|t| t.expose().to_owned()),
                None,
                "ecr-core-explicit",
            ));
        }
        loader.load().await
    }

    /// Loads the configuration and builds the client. Fails with [`Error::NoRegion`] when no region
    /// can be found anywhere in the chain.
    pub async fn build(self) -> Result<EcrClient> {
        let sdk = self.load_sdk_config().await;
        if sdk.region().is_none() {
            return Err(Error::NoRegion);
        }
        Ok(EcrClient::from_sdk_config(&sdk, self.endpoint_url.as_deref()))
    }
}

/// Shared state behind an [`EcrClient`].
#[derive(Debug)]
struct Inner {
    ecr: aws_sdk_ecr::Client,
    sdk: SdkConfig,
    endpoint_url: Option<String>,
}

/// A cheap-to-clone ECR client. Capabilities add their operations in their own modules.
///
/// ```no_run
/// use ecr_core::EcrClient;
/// use ecr_core::types::{ImageId, RepositorySettings};
///
/// # async fn demo() -> ecr_core::Result<()> {
/// // The standard AWS environment: region, credentials, `AWS_ENDPOINT_URL[_ECR]`.
/// let client = EcrClient::from_env().await?;
/// // Or explicit settings (unset ones come from the AWS configuration chain).
/// let client = EcrClient::builder().region("eu-west-1").build().await.unwrap_or(client);
/// let repo = match client.describe_repository("team/service").await {
///     Ok(repo) => repo,
///     Err(ecr_core::Error::RepositoryNotFound { .. }) => {
///         client.create_repository("team/service", &RepositorySettings::recommended()).await?
///     }
///     Err(e) => return Err(e),
/// };
/// let images = client.describe_images(&repo.repository_name, &[ImageId::tag("1.2.3")]).await?;
/// println!("{} image(s) tagged 1.2.3 in {}", images.len(), repo.repository_uri);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct EcrClient {
    inner: Arc<Inner>,
}

impl EcrClient {
    /// A builder with default retry and timeout settings.
    pub fn builder() -> EcrClientBuilder {
        EcrClientBuilder::default()
    }

    /// A client from the standard AWS environment alone.
    pub async fn from_env() -> Result<Self> {
        Self::builder().build().await
    }

    pub(crate) fn from_sdk_config(sdk: &SdkConfig, endpoint_url: Option<&str>) -> Self {
        let mut conf = aws_sdk_ecr::config::Builder::from(sdk);
        if let Some(url) = endpoint_url {
            conf = conf.endpoint_url(url);
        }
        Self {
            inner: Arc::new(Inner {
                ecr: aws_sdk_ecr::Client::from_conf(conf.build()),
                sdk: sdk.clone(),
                endpoint_url: endpoint_url.or(sdk.endpoint_url()).map(str::to_owned),
            }),
        }
    }

    /// A client over an already-built SDK client (tests with replayed responses).
    #[cfg(test)]
    #[allow(dead_code)]
    pub(crate) fn from_sdk_client(ecr: aws_sdk_ecr::Client, sdk: SdkConfig) -> Self {
        Self {
            inner: Arc::new(Inner {
                ecr,
                sdk,
                endpoint_url: None,
            }),
        }
    }

    /// The underlying ECR SDK client.
    pub(crate) fn ecr(&self) -> &aws_sdk_ecr::Client {
        &self.inner.ecr
    }

    /// The AWS configuration the client was built from (credentials provider, region, retry, timeouts).
    #[allow(dead_code)]
    pub(crate) fn sdk_config(&self) -> &SdkConfig {
        &self.inner.sdk
    }

    /// The endpoint override in force (explicit, or `AWS_ENDPOINT_URL` from the environment), if any.
    pub fn endpoint_url(&self) -> Option<&str> {
        self.inner.endpoint_url.as_deref()
    }

    /// The region the client talks to.
    pub fn region(&self) -> Option<&str> {
        self.inner.ecr.config().region().map(|r| r.as_ref())
    }

    /// Creates a repository with the given settings (see [`RepositorySettings::recommended`]).
    pub async fn create_repository(&self, name: &str, settings: &RepositorySettings) -> Result<Repository> {
        self.create_tagged_repository(name, settings, &[]).await
    }

    /// [`EcrClient::create_repository`] with resource tags (`key`, `value`) set at creation, so IAM
    /// conditions on `aws:RequestTag` can require them.
    pub(crate) async fn create_tagged_repository(
        &self,
        name: &str,
        settings: &RepositorySettings,
        tags: &[(&str, &str)],
    ) -> Result<Repository> {
        let mut req = settings.apply(self.ecr().create_repository().repository_name(name));
        for (key, value) in tags {
            let tag = aws_sdk_ecr::types::Tag::builder()
                .key(*key)
                .value(*value)
                .build()
                .map_err(|e| Error::invalid("tags", e.to_string()))?;
            req = req.tags(tag);
        }
        let out = req.send().await.map_err(Error::from_sdk)?;
        out.repository()
            .map(Repository::from_sdk)
            .ok_or_else(|| missing("CreateRepository", "repository"))
    }

    /// Describes one repository; [`Error::RepositoryNotFound`] when it does not exist.
    pub async fn describe_repository(&self, name: &str) -> Result<Repository> {
        let out = self
            .ecr()
            .describe_repositories()
            .repository_names(name)
            .send()
            .await
            .map_err(Error::from_sdk)?;
        out.repositories()
            .first()
            .map(Repository::from_sdk)
            .ok_or_else(|| Error::RepositoryNotFound {
                message: format!("no repository named {name}"),
                request_id: None,
            })
    }

    /// Every repository in the registry (all pages).
    pub async fn list_repositories(&self) -> Result<Vec<Repository>> {
        let mut pages = self.ecr().describe_repositories().into_paginator().send();
        let mut out = Vec::new();
        while let Some(page) = pages.next().await {
            out.extend(
                page.map_err(Error::from_sdk)?
                    .repositories()
                    .iter()
                    .map(Repository::from_sdk),
            );
        }
        Ok(out)
    }

    /// Every image of a repository (all pages), optionally only those with the given ids.
    pub async fn describe_images(&self, repository: &str, ids: &[ImageId]) -> Result<Vec<ImageDetail>> {
        let mut req = self.ecr().describe_images().repository_name(repository);
        for id in ids {
            req = req.image_ids(id.to_sdk());
        }
        read_image_pages(req).await
    }

    /// Puts an image manifest under a tag. `digest` pins the digest (ECR checks it against the bytes).
    pub async fn put_image(
        &self,
        repository: &str,
        manifest: &str,
        media_type: Option<&str>,
        tag: Option<&str>,
        digest: Option<&str>,
    ) -> Result<ImageId> {
        let out = self
            .ecr()
            .put_image()
            .repository_name(repository)
            .image_manifest(manifest)
            .set_image_manifest_media_type(media_type.map(str::to_owned))
            .set_image_tag(tag.map(str::to_owned))
            .set_image_digest(digest.map(str::to_owned))
            .send()
            .await
            .map_err(Error::from_sdk)?;
        out.image()
            .and_then(|i| i.image_id())
            .map(ImageId::from_sdk)
            .ok_or_else(|| missing("PutImage", "image.imageId"))
    }
}

/// Every page of a DescribeImages request, as owned image details.
pub(crate) async fn read_image_pages(
    req: aws_sdk_ecr::operation::describe_images::builders::DescribeImagesFluentBuilder,
) -> Result<Vec<ImageDetail>> {
    let mut pages = req.into_paginator().send();
    let mut out = Vec::new();
    while let Some(page) = pages.next().await {
        out.extend(
            page.map_err(Error::from_sdk)?
                .image_details()
                .iter()
                .map(ImageDetail::from_sdk),
        );
    }
    Ok(out)
}

/// A response lacked a field the API documents as always present.
pub(crate) fn missing(operation: &str, field: &str) -> Error {
    Error::Transport {
        message: format!("{operation} response has no {field}"),
        source: None,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use aws_sdk_ecr::operation::describe_repositories::DescribeRepositoriesError;
    use aws_smithy_mocks::{mock, mock_client};
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;

    /// A 400 response shaped like ECR's documented JSON error, with AWS's request-id header.
    pub(crate) fn ecr_error(code: &str, message: &str, request_id: &str) -> HttpResponse {
        let body = serde_json::json!({"__type": code, "message": message}).to_string();
        let mut resp = HttpResponse::new(StatusCode::try_from(400).unwrap(), SdkBody::from(body));
        resp.headers_mut().insert("x-amzn-RequestId", request_id.to_owned());
        resp.headers_mut().insert("Content-Type", "application/x-amz-json-1.1");
        resp
    }

    #[test]
    fn optional_credentials_come_in_pairs() {
        let b = || EcrClientBuilder::default();
        let s = |v: &str| Some(Secret::new(v));
        assert!(b().credentials_opt(None, None, None).unwrap().credentials.is_none());
        let with = b()
            .credentials_opt(Some("AKIA".into()), s("secret"), s("token"))
            .unwrap();
        assert!(with.credentials.is_some());
        assert!(!format!("{with:?}").contains("secret\""), "{with:?}");
        for (id, secret, token) in [
            (Some("AKIA".to_owned()), None, None),
            (None, s("secret"), None),
            (None, None, s("token")),
            (Some(String::new()), s("secret"), None),
        ] {
            let err = b().credentials_opt(id, secret, token).unwrap_err();
            assert_eq!(err.code(), "InvalidArgument");
        }
    }

    #[test]
    fn tuning_reads_the_bindings_settings() {
        let tuning = |v: serde_json::Value| serde_json::from_value::<ClientTuning>(v).unwrap();
        let b = EcrClientBuilder::default()
            .tuning(
                &tuning(
                    serde_json::json!({"retryMode": "Adaptive", "maxAttempts": 5, "initialBackoff": 0.1,
                    "connectTimeout": 2, "operationTimeout": 30.5, "attemptTimeout": null}),
                ),
                "options",
            )
            .unwrap();
        assert_eq!(b.retry_mode, RetryMode::Adaptive);
        assert_eq!(b.max_attempts, 5);
        assert_eq!(b.initial_backoff, Some(Duration::from_millis(100)));
        assert_eq!(b.connect_timeout, Duration::from_secs(2));
        assert_eq!(b.operation_timeout, Duration::from_secs_f64(30.5));
        assert_eq!(b.attempt_timeout, None);
        let unset = EcrClientBuilder::default()
            .tuning(&ClientTuning::default(), "options")
            .unwrap();
        assert_eq!(unset.attempt_timeout, EcrClientBuilder::default().attempt_timeout);
        for bad in [
            serde_json::json!({"retryMode": "eager"}),
            serde_json::json!({"maxAttempts": 0}),
            serde_json::json!({"maxAttempts": 1.5}),
            serde_json::json!({"connectTimeout": -1}),
            serde_json::json!({"operationTimeout": 1e300}),
        ] {
            let err = EcrClientBuilder::default()
                .tuning(&tuning(bad.clone()), "options")
                .unwrap_err();
            assert_eq!(err.code(), "InvalidArgument", "{bad}");
            assert!(err.to_string().contains("options."), "{err}");
        }
        for bad in [
            serde_json::json!({"attemptTimeout": "soon"}),
            serde_json::json!({"colour": "red"}),
        ] {
            assert!(serde_json::from_value::<ClientTuning>(bad.clone()).is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn sdk_errors_keep_code_message_and_request_id() {
        let rule = mock!(aws_sdk_ecr::Client::describe_repositories).then_http_response(|| {
            ecr_error(
                "RepositoryNotFoundException",
                "The repository with name 'nope' does not exist in the registry with id '123456789012'",
                "5d0f1a2b-req",
            )
        });
        let client = EcrClient::from_sdk_client(mock_client!(aws_sdk_ecr, [&rule]), SdkConfig::builder().build());
        let err = client.describe_repository("nope").await.unwrap_err();
        assert_eq!(err.code(), "RepositoryNotFound");
        assert_eq!(err.request_id(), Some("5d0f1a2b-req"));
        assert!(err.to_string().contains("does not exist"), "{err}");
        assert_eq!(rule.num_calls(), 1);
    }

    #[tokio::test]
    async fn code_less_answers_name_their_http_status() {
        // A load balancer's 503 page: no AWS error code, so the message carries the status.
        let page = mock!(aws_sdk_ecr::Client::describe_repositories).then_http_response(|| {
            HttpResponse::new(StatusCode::try_from(503).unwrap(), SdkBody::from("<html>busy</html>"))
        });
        // A 200 whose JSON is cut short: a transport error, never an empty result.
        let cut = mock!(aws_sdk_ecr::Client::describe_repositories).then_http_response(|| {
            let mut resp = HttpResponse::new(
                StatusCode::try_from(200).unwrap(),
                SdkBody::from(r#"{"repositories":[{"#),
            );
            resp.headers_mut().insert("Content-Type", "application/x-amz-json-1.1");
            resp
        });
        for (rule, code, text) in [(&page, "ServiceError", "HTTP 503"), (&cut, "Transport", "HTTP 200")] {
            let client = EcrClient::from_sdk_client(mock_client!(aws_sdk_ecr, [rule]), SdkConfig::builder().build());
            let err = client.describe_repository("x").await.unwrap_err();
            assert_eq!(err.code(), code, "{err}");
            assert!(err.to_string().contains(text), "{err}");
        }
    }

    #[tokio::test]
    async fn unknown_service_codes_are_kept_verbatim() {
        let rule = mock!(aws_sdk_ecr::Client::describe_repositories)
            .then_http_response(|| ecr_error("InvalidParameterException", "Invalid parameter at 'x'", "rid-9"));
        let client = EcrClient::from_sdk_client(mock_client!(aws_sdk_ecr, [&rule]), SdkConfig::builder().build());
        let err = client.describe_repository("x").await.unwrap_err();
        assert!(
            matches!(&err, Error::Service { aws_code, request_id: Some(r), .. }
                if aws_code == "InvalidParameterException" && r == "rid-9"),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn modeled_errors_convert_through_the_same_path() {
        let rule = mock!(aws_sdk_ecr::Client::describe_repositories).then_error(|| {
            DescribeRepositoriesError::RepositoryNotFoundException(
                aws_sdk_ecr::types::error::RepositoryNotFoundException::builder()
                    .message("gone")
                    .build(),
            )
        });
        let client = EcrClient::from_sdk_client(mock_client!(aws_sdk_ecr, [&rule]), SdkConfig::builder().build());
        let err = client.describe_repository("x").await.unwrap_err();
        assert_eq!(err.code(), "RepositoryNotFound");
    }

    #[tokio::test]
    async fn builder_without_region_fails_with_no_region_or_uses_chain() {
        // With an explicit region the client reports it; the endpoint override is kept.
        let c = EcrClient::builder()
            .region("eu-west-1")
            .endpoint_url("http://127.0.0.1:9")
            .credentials("AKIDEXAMPLE", Secret::new("s"), None)
            .build()
            .await
            .unwrap();
        assert_eq!(c.region(), Some("eu-west-1"));
        assert_eq!(c.endpoint_url(), Some("http://127.0.0.1:9"));
    }
}
