//! The settings both Python clients are made from (region, profile, endpoint, retries and timeouts, explicit
//! credentials), and the lazily built core client of an `AsyncEcrClient`.

use std::sync::Arc;

use ecr_core::{ClientTuning, EcrClient, Secret};
use tokio::sync::OnceCell;

use crate::errors::Failure;

/// Client settings given from Python (unset ones come from the AWS configuration chain).
#[derive(Debug, Clone, Default)]
pub(crate) struct Options {
    pub(crate) region: Option<String>,
    pub(crate) profile: Option<String>,
    pub(crate) endpoint_url: Option<String>,
    /// Retry and timeout settings (`EcrClientBuilder::tuning`).
    pub(crate) tuning: ClientTuning,
    /// Explicit credentials instead of the AWS chain (secrets never print).
    pub(crate) credentials: Credentials,
}

/// Explicit AWS credentials given to a client (`access_key_id` / `secret_access_key` / `session_token`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Credentials {
    access_key_id: Option<String>,
    secret_access_key: Option<Secret>,
    session_token: Option<Secret>,
}

impl Credentials {
    pub(crate) fn new(
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
    pub(crate) async fn build(self) -> Result<EcrClient, Failure> {
        let builder = EcrClient::builder()
            .options(self.region, self.profile, self.endpoint_url)
            .tuning(&self.tuning, "client")?;
        Ok(self.credentials.apply(builder)?.build().await?)
    }
}

/// The retry and timeout keyword arguments of both clients (seconds; `attempt_timeout=math.inf`: no
/// per-attempt limit), validated by the core.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tuning {
    pub(crate) retry_mode: Option<String>,
    pub(crate) max_attempts: Option<i64>,
    pub(crate) initial_backoff: Option<f64>,
    pub(crate) connect_timeout: Option<f64>,
    pub(crate) operation_timeout: Option<f64>,
    pub(crate) attempt_timeout: Option<f64>,
}

impl Tuning {
    /// The settings as the core reads them; checked now, so a bad value fails at construction.
    pub(crate) fn into_core(self) -> Result<ClientTuning, ecr_core::Error> {
        let tuning = ClientTuning {
            retry_mode: self.retry_mode,
            max_attempts: self.max_attempts.map(|n| n as f64),
            initial_backoff: self.initial_backoff,
            connect_timeout: self.connect_timeout,
            operation_timeout: self.operation_timeout,
            attempt_timeout: self.attempt_timeout.map(|s| (s != f64::INFINITY).then_some(s)),
        };
        EcrClient::builder().tuning(&tuning, "client")?;
        Ok(tuning)
    }
}

/// The core client of an `AsyncEcrClient`, built on first use so that construction never blocks the
/// event loop.
#[derive(Clone)]
pub(crate) struct LazyClient {
    pub(crate) options: Options,
    cell: Arc<OnceCell<EcrClient>>,
}

impl LazyClient {
    /// A core client to build from `options` when first asked for.
    pub(crate) fn new(options: Options) -> Self {
        Self {
            options,
            cell: Arc::new(OnceCell::new()),
        }
    }

    /// The core client, built (AWS configuration loaded) on the first call.
    pub(crate) async fn get(self) -> Result<EcrClient, Failure> {
        let options = self.options;
        self.cell.get_or_try_init(|| options.build()).await.cloned()
    }
}
