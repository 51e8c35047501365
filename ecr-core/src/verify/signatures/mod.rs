//! Verify before deploy: signatures and attestations attached to a pinned digest, checked
//! cryptographically against a typed policy, failing closed.
//!
//! - [`discover()`]: ECR's ListImageReferrers, the registry's referrers API (the `sha256-<hex>` index tag
//!   where it answers 404), cosign's legacy `sha256-<hex>.sig` / `.att` tags; each referrer's `subject`
//!   checked against the digest.
//! - [`cosign`]: key-based and keyless signatures in the legacy tag layout and as Sigstore bundles;
//!   [`rekor`]: transparency-log entries; [`certs`]: the trusted root, chains and Fulcio identities.
//! - [`attestation`]: DSSE envelopes with in-toto statements, SLSA provenance v1 rules.
//! - [`notation`]: Notation / AWS Signer JWS envelopes.
//! - [`policy`], [`decision`], [`report`]: one decision, reported as JSON, SARIF and Markdown.
//!
//! ```no_run
//! use ecr_core::verify::RegistryAccess;
//! use ecr_core::verify::signatures::{SignaturePolicy, Trust, TrustedRoot, VerifySignaturesRequest};
//!
//! # async fn demo() -> ecr_core::Result<()> {
//! let client = ecr_core::EcrClient::from_env().await?;
//! let policy = SignaturePolicy::from_json_str(
//!     r#"{"signers": [{"type": "keyless", "issuer": "https://token.actions.githubusercontent.com",
//!          "identity": "https://github.com/example/app/.github/workflows/release.yml@refs/heads/main"}]}"#,
//! )?;
//! # let trusted_root_json = String::new();
//! // The text of a Sigstore trusted_root.json (or PEM CA certificates), read from a file.
//! let trust = Trust { root: TrustedRoot::parse(&trusted_root_json)?, ..Default::default() };
//! let decision = client
//!     .verify_signatures(&VerifySignaturesRequest {
//!         registry_host: "123456789012.dkr.ecr.eu-west-1.amazonaws.com".into(),
//!         repository: "team/service".into(),
//!         digest: "sha256:55d83b85d2dbd1a7ca65ca1beff5851ec1459b0f6f0bb74fb8da27ce104e3ed6".into(),
//!         registry: RegistryAccess { url: None, auth: client.registry_auth().await? },
//!         policy,
//!         trust,
//!         ecr_referrers: true,
//!         signing_status: true,
//!     })
//!     .await?;
//! assert!(decision.passed, "{}", ecr_core::verify::signatures::report::markdown(&decision));
//! # Ok(()) }
//! ```

pub mod attestation;
pub mod certs;
pub mod check;
pub mod cosign;
pub mod crypto;
pub mod decision;
pub mod discover;
pub mod ecr;
pub mod notation;
pub mod outcome;
pub mod policy;
pub mod rekor;
pub mod report;
mod spec;
pub mod trust;

#[cfg(test)]
pub(crate) mod testkit;
#[cfg(test)]
mod tests;

pub use certs::TrustedRoot;
pub use check::{Evidence, Outcome, check};
pub use decision::{Requirement, SignatureDecision, Status, Subject, decide};
pub use discover::{Attached, Source, discover};
pub use outcome::{Kind, Reason, Rejection, Signer, Verified};
pub use policy::{Action, AttestationRule, Scope, SignaturePolicy, SignerRule};
pub use spec::VerifySignaturesSpec;
pub use trust::{NamedKey, Trust};

use super::manifest::ParsedManifest;
use super::registry::{RegistryAccess, RegistryClient};
use crate::client::EcrClient;
use crate::error::{Error, Result};

/// What to verify and against what.
#[derive(Debug, Clone)]
pub struct VerifySignaturesRequest {
    /// The image's registry host.
    pub registry_host: String,
    /// The repository.
    pub repository: String,
    /// The pinned digest.
    pub digest: String,
    /// How to reach the registry.
    pub registry: RegistryAccess,
    /// The policy.
    pub policy: SignaturePolicy,
    /// Keys and trusted root.
    pub trust: Trust,
    /// Also ask ECR's ListImageReferrers (off for registries that are not ECR).
    pub ecr_referrers: bool,
    /// Also ask ECR's DescribeImageSigningStatus (managed signing), reported as a pre-check, never as proof.
    pub signing_status: bool,
}

/// The manifests the policy's scope names: the digest, its platform manifests, or both.
pub fn subjects(scope: Scope, digest: &str, manifest: &ParsedManifest) -> Vec<Subject> {
    let top = Subject {
        digest: digest.to_owned(),
        platform: None,
    };
    let platforms: Vec<Subject> = manifest
        .platform_entries()
        .into_iter()
        .map(|e| Subject {
            digest: e.digest.clone(),
            platform: e.platform.as_ref().map(ToString::to_string),
        })
        .collect();
    match scope {
        Scope::Index => vec![top],
        Scope::EachPlatform if platforms.is_empty() => vec![top],
        Scope::EachPlatform => platforms,
        Scope::Both => std::iter::once(top).chain(platforms).collect(),
    }
}

impl EcrClient {
    /// Finds and verifies the signatures and attestations of a pinned digest and decides under the policy.
    pub async fn verify_signatures(&self, request: &VerifySignaturesRequest) -> Result<SignatureDecision> {
        verify_signatures_with(Some(self), request).await
    }
}

/// [`EcrClient::verify_signatures`], with ECR's ListImageReferrers only when a client is given.
pub async fn verify_signatures_with(
    ecr: Option<&EcrClient>,
    request: &VerifySignaturesRequest,
) -> Result<SignatureDecision> {
    request.policy.validate()?;
    let registry = RegistryClient::new(&request.registry_host, &request.registry)?;
    let top = registry.fetch_manifest(&request.repository, &request.digest).await?;
    if top.digest != request.digest {
        return Err(Error::invalid(
            "digest",
            format!("the registry serves {} for {}", top.digest, request.digest),
        ));
    }
    let parsed = ParsedManifest::parse(&top.bytes)?;
    let now = chrono::Utc::now().timestamp();
    let mut evidence = Vec::new();
    let scoped = subjects(request.policy.scope, &request.digest, &parsed);
    for s in &scoped {
        let listed = match ecr.filter(|_| request.ecr_referrers) {
            Some(client) => client.signature_referrers(&request.repository, &s.digest).await?,
            None => Vec::new(),
        };
        for attached in discover(&registry, &request.repository, &s.digest, &listed).await? {
            evidence.extend(check(&attached, &s.digest, &request.trust, now));
        }
    }
    let mut decision = decide(&request.policy, &request.digest, &scoped, evidence);
    if let Some(client) = ecr.filter(|_| request.signing_status) {
        decision.signing_status = client
            .image_signing_status(&request.repository, &request.digest)
            .await?;
    }
    Ok(decision)
}
