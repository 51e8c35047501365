//! The `auth` capability: Amazon ECR registry credentials from the AWS credential chain, cached safely,
//! in every form a registry client needs.
//!
//! - [`Authenticator`] hands out [`RegistryCredentials`] (user `AWS`, a [`Secret`](crate::Secret)
//!   password, expiry, proxy endpoint, host) for any account's private registry in any region (one token
//!   per region) and for ECR Public (us-east-1, its own API). Tokens are refreshed ahead of `expiresAt`,
//!   never handed out expired, fetched once per key under concurrency, and optionally shared between
//!   processes through a [`DiskCache`].
//! - [`CredentialPolicy::RequireTemporary`] refuses long-lived static keys with
//!   [`Error::LongLivedCredentials`](crate::Error::LongLivedCredentials) naming their
//!   [`CredentialSource`].
//! - Outputs: [`write_docker_config`] (one `auths` entry merged into docker's `config.json`) and
//!   [`run_helper`] (the Docker credential-helper protocol).
//!
//! ```no_run
//! # async fn demo() -> ecr_core::Result<()> {
//! use ecr_core::auth::{Authenticator, DiskCache, write_docker_config};
//! let client = ecr_core::EcrClient::from_env().await?;
//! let auth = Authenticator::builder(client).disk_cache(DiskCache::from_env()).build();
//! let creds = auth.credentials("123456789012.dkr.ecr.eu-west-1.amazonaws.com").await?;
//! write_docker_config(std::path::Path::new("config.json"), &creds.host, &creds)?;
//! # Ok(()) }
//! ```

mod authenticator;
mod clock;
pub(crate) mod credentials;
mod disk_cache;
mod docker_config;
mod helper;
mod host;
mod login;
pub(crate) mod redact;
mod source;

#[cfg(test)]
mod tests;

pub use authenticator::{Authenticator, AuthenticatorBuilder, ECR_PUBLIC_REGION, RefreshPolicy};
pub use clock::{Clock, ManualClock, SystemClock};
pub use credentials::RegistryCredentials;
pub use disk_cache::{CACHE_FILE, DiskCache};
pub use docker_config::{
    MergeOutcome, default_docker_config_path, merge_auth_entry, write_docker_config, write_docker_config_all,
};
pub use helper::{HelperOutput, MISSING_SERVER_URL, MISSING_USERNAME, NOT_FOUND, run_helper, version_line};
pub use host::{ToRegistryHost, registry_region};
pub use login::{HostForms, Login, registry_hosts};
pub use source::{AccessKeyKind, AwsIdentity, CredentialPolicy, CredentialSource};
