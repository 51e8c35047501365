//! Push verification and repository audit: prove that what was pushed is what was meant, and safe to
//! deploy.
//!
//! - [`EcrClient::verify_push`](crate::EcrClient::verify_push): every expected tag → the expected digest
//!   (one BatchGetImage, every manifest and index media type accepted), digest = sha256 of the exact
//!   manifest bytes, platforms (index entries, BuildKit attestations skipped; a single-arch image's from
//!   its config), image config (non-root, OCI labels, no secret-looking env, healthcheck) over the registry
//!   protocol, and optionally replication and referrers. One [`Report`] with a result per check; each
//!   check is required, warned or skipped ([`CheckPolicy`]).
//! - [`BuildRecord`]: an in-toto Statement v1 naming the image by digest, with source, revision, tags,
//!   build time and builder/run id.
//! - [`EcrClient::audit_repository`](crate::EcrClient::audit_repository) /
//!   [`EcrClient::audit_all_repositories`](crate::EcrClient::audit_all_repositories): tag mutability,
//!   effective scanning configuration, encryption, lifecycle policy, repository policy ("build once,
//!   consume read-only").
//! - [`EcrClient::ensure_repository`](crate::EcrClient::ensure_repository): create with the safe defaults,
//!   or report (and optionally fix) drift.
//!
//! ```no_run
//! use ecr_core::verify::{CheckPolicy, RegistryAccess, VerifyPushRequest};
//!
//! # async fn demo() -> ecr_core::Result<()> {
//! let client = ecr_core::EcrClient::from_env().await?;
//! let verification = client
//!     .verify_push(&VerifyPushRequest {
//!         registry_host: "123456789012.dkr.ecr.eu-west-1.amazonaws.com".into(),
//!         repository: "team/service".into(),
//!         tags: vec!["1.2.3".into(), "sha-4f2a9c1".into()],
//!         digest: "sha256:55d83b85d2dbd1a7ca65ca1beff5851ec1459b0f6f0bb74fb8da27ce104e3ed6".into(),
//!         platforms: vec!["linux/amd64".parse()?],
//!         checks: CheckPolicy::default(),
//!         // The image config is read over the registry protocol (https://<registry_host> unless `url` says otherwise).
//!         registry: Some(RegistryAccess { url: None, auth: client.registry_auth().await? }),
//!         ..Default::default()
//!     })
//!     .await?;
//! assert!(verification.report.passed, "{:?}", verification.report.checks);
//! # Ok(()) }
//! ```

mod audit;
mod config;
mod ensure;
mod manifest;
mod platforms;
mod policy;
mod push;
mod record;
mod referrers;
pub(crate) mod registry;
mod replication;
mod report;
pub mod signatures;
mod tags;

#[cfg(test)]
mod tests;

pub use audit::{AuditReport, RepositoryScanning, validate_lifecycle_policy_text};
pub use config::{
    ImageConfig, REQUIRED_LABELS, check_healthcheck, check_labels, check_non_root, check_secrets, is_root_user,
    secret_like_env_names,
};
pub use ensure::{Drift, EnsureOptions, EnsureOutcome, default_lifecycle_policy};
pub use manifest::{
    ACCEPTED_MEDIA_TYPES, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, IndexEntry, OCI_INDEX, OCI_MANIFEST, ParsedManifest,
    sha256_digest,
};
pub use platforms::{Platform, compare_platforms};
pub use policy::{PolicyFinding, WRITE_ACTIONS, analyse_repository_policy};
pub use push::{Verification, VerifyPushRequest, VerifyPushSpec};
pub use record::{
    BUILD_RECORD_PREDICATE_TYPE, BuildPredicate, BuildRecord, BuildRecordInput, PlatformDigest, STATEMENT_TYPE, Subject,
};
pub use referrers::{Referrer, SBOM_ARTIFACT_TYPES, SIGNATURE_ARTIFACT_TYPES, check_referrers};
pub use registry::{FetchedManifest, RegistryAccess, RegistryAuth, RegistryClient};
pub use replication::{ReplicationStatus, ReplicationWait, check_replication};
pub use report::{Check, CheckLevel, CheckPolicy, CheckResult, CheckStatus, Finding, Report};
pub use tags::{FetchedImage, ImageFailure, ImageLookup, ResolvedTags, TagProblem, TagResolution, check_integrity};
