//! `EcrClientOptions`: the options of an `EcrClient` (region, profile, endpoint, retries and timeouts,
//! explicit credentials), and how they configure the core client's builder.

use ecr_core::ClientTuning;
use napi_derive::napi;

/// Options of an `EcrClient`; unset ones come from the AWS configuration chain (`AWS_REGION`,
/// `AWS_PROFILE`, `AWS_ENDPOINT_URL`, shared config files, SSO, web identity, instance roles).
#[napi(object)]
#[derive(Clone, Default)]
pub struct EcrClientOptions {
    /// The AWS region.
    pub region: Option<String>,
    /// A named profile of the shared AWS config files.
    pub profile: Option<String>,
    /// An explicit ECR endpoint (e.g. a local emulator).
    pub endpoint_url: Option<String>,
    /// How throttled and transient failures are retried (default `'standard'`).
    #[napi(ts_type = "'standard' | 'adaptive'")]
    pub retry_mode: Option<String>,
    /// Total attempts per request, the first included (default 3).
    pub max_attempts: Option<f64>,
    /// Base delay of the retry backoff, in seconds (default 1).
    pub initial_backoff: Option<f64>,
    /// Seconds allowed to open a connection (default 5).
    pub connect_timeout: Option<f64>,
    /// Seconds allowed for one whole operation, retries included (default 60).
    pub operation_timeout: Option<f64>,
    /// Seconds allowed for one attempt (default 20; `Infinity` for no per-attempt limit).
    pub attempt_timeout: Option<f64>,
    /// An access key id, with `secretAccessKey`: explicit credentials instead of the AWS chain (e.g. from a
    /// secrets manager).
    pub access_key_id: Option<String>,
    /// The secret access key (kept as a secret: the client never shows it).
    pub secret_access_key: Option<String>,
    /// A session token, only with the two above.
    pub session_token: Option<String>,
}

impl std::fmt::Debug for EcrClientOptions {
    /// Everything but the secret access key and the session token.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EcrClientOptions")
            .field("region", &self.region)
            .field("profile", &self.profile)
            .field("endpoint_url", &self.endpoint_url)
            .field("access_key_id", &self.access_key_id)
            .field(
                "secret_access_key",
                &self.secret_access_key.as_ref().map(|_| "<redacted>"),
            )
            .field("session_token", &self.session_token.as_ref().map(|_| "<redacted>"))
            .finish_non_exhaustive()
    }
}

impl EcrClientOptions {
    /// The retry and timeout options as the core reads them, checked now (`attemptTimeout: Infinity` is "no
    /// per-attempt limit").
    pub(crate) fn tuning(&self) -> Result<ClientTuning, ecr_core::Error> {
        let tuning = ClientTuning {
            retry_mode: self.retry_mode.clone(),
            max_attempts: self.max_attempts,
            initial_backoff: self.initial_backoff,
            connect_timeout: self.connect_timeout,
            operation_timeout: self.operation_timeout,
            attempt_timeout: self.attempt_timeout.map(|s| (s != f64::INFINITY).then_some(s)),
        };
        ecr_core::EcrClient::builder().tuning(&tuning, "options")?;
        Ok(tuning)
    }

    /// Applies the explicit credentials of an `EcrClient`'s options (checked by the core: key id and secret
    /// together, a session token only with them).
    pub(crate) fn credentials(
        &self,
        builder: ecr_core::EcrClientBuilder,
    ) -> Result<ecr_core::EcrClientBuilder, ecr_core::Error> {
        let o = self;
        builder.credentials_opt(
            o.access_key_id.clone(),
            o.secret_access_key.clone().map(ecr_core::Secret::new),
            o.session_token.clone().map(ecr_core::Secret::new),
        )
    }
}
