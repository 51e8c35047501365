//! One decision from the policy and the evidence: for each manifest in scope, a signature by an allowed
//! signer and each required attestation; what is missing, expired or unverifiable fails unless the policy
//! says warn.

use serde::{Deserialize, Serialize};

use super::attestation::check_rule;
use super::check::{Evidence, Outcome};
use super::outcome::{Reason, Rejection, Verified};
use super::policy::{Action, SignaturePolicy};

/// The status of one requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
#[schemars(rename = "SignatureStatus")]
pub enum Status {
    /// Satisfied.
    Passed,
    /// Not satisfied, and the policy says warn.
    Warned,
    /// Not satisfied: the decision fails.
    Failed,
}

/// One requirement on one manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "SignatureRequirement")]
pub struct Requirement {
    /// The manifest digest.
    pub subject: String,
    /// Its platform, for a platform manifest of an index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// `signature`, or `attestation <predicateType>`.
    pub requirement: String,
    /// The outcome.
    pub status: Status,
    /// The artifact that satisfied it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfied_by: Option<String>,
    /// Why not, when not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// What was found.
    pub message: String,
}

/// The decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SignatureDecision {
    /// The pinned digest.
    pub digest: String,
    /// No requirement failed.
    pub passed: bool,
    /// Every requirement.
    pub requirements: Vec<Requirement>,
    /// Every signature checked.
    pub evidence: Vec<Evidence>,
    /// The policy applied.
    pub policy: SignaturePolicy,
    /// ECR's managed-signing statuses of the digest, when asked: reported, never taken as proof.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signing_status: Vec<super::ecr::SigningStatus>,
}

/// A manifest the policy applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// Its digest.
    pub digest: String,
    /// Its platform (`linux/arm64`), for a platform manifest.
    pub platform: Option<String>,
}

/// Whether a verified signer is admitted by a policy signer rule; the closest reason when not.
fn admitted(policy: &SignaturePolicy, v: &Verified) -> Result<(), Rejection> {
    let is_key = matches!(v.signer, super::outcome::Signer::Key { .. });
    let mut reason = if is_key {
        Reason::UntrustedKey
    } else {
        Reason::IssuerMismatch
    };
    for rule in &policy.signers {
        match rule.admits(&v.signer) {
            Ok(()) => return Ok(()),
            Err(r) if is_key || r != Reason::UntrustedKey => reason = reason.min(r),
            Err(_) => {}
        }
    }
    Err(Rejection::new(
        reason,
        format!("signed by {}, which the policy does not allow", signer_text(&v.signer)),
    ))
}

fn signer_text(s: &super::outcome::Signer) -> String {
    match s {
        super::outcome::Signer::Key { name } => format!("key {name}"),
        super::outcome::Signer::Certificate {
            identities,
            issuer,
            subject,
        } => {
            format!(
                "{} (issuer {}, subject {subject})",
                identities.join(", "),
                issuer.as_deref().unwrap_or("none")
            )
        }
    }
}

/// Evaluates one requirement: `accept` says whether a verified, admitted piece of evidence satisfies it.
fn requirement(
    policy: &SignaturePolicy,
    subject: &Subject,
    name: String,
    evidence: &[&Evidence],
    accept: impl Fn(&Verified) -> Result<(), Rejection>,
) -> Requirement {
    let mut rejections: Vec<(String, Rejection)> = Vec::new();
    for e in evidence {
        let result = match &e.outcome {
            Outcome::Verified(v) => admitted(policy, v).and_then(|()| accept(v)),
            Outcome::Rejected(r) => Err(r.clone()),
        };
        match result {
            Ok(()) => {
                return Requirement {
                    subject: subject.digest.clone(),
                    platform: subject.platform.clone(),
                    requirement: name,
                    status: Status::Passed,
                    satisfied_by: Some(e.artifact.clone()),
                    reason: None,
                    message: format!("verified: {}", e.artifact),
                };
            }
            Err(r) => rejections.push((e.artifact.clone(), r)),
        }
    }
    let (reason, action, message) = match rejections.first() {
        None => (Reason::Missing, policy.on_missing, "nothing attached".to_owned()),
        Some((_, first)) => {
            let all_expired = rejections.iter().all(|(_, r)| r.reason == Reason::Expired);
            let action = if all_expired {
                policy.on_expired
            } else {
                policy.on_unverifiable
            };
            let text: Vec<String> = rejections
                .iter()
                .map(|(a, r)| format!("{a}: {}: {}", r.reason.as_str(), r.message))
                .collect();
            (first.reason, action, text.join("; "))
        }
    };
    Requirement {
        subject: subject.digest.clone(),
        platform: subject.platform.clone(),
        requirement: name,
        status: if action == Action::Warn {
            Status::Warned
        } else {
            Status::Failed
        },
        satisfied_by: None,
        reason: Some(reason),
        message,
    }
}

/// The decision for `digest` over the manifests in scope (`subjects`) and the evidence checked.
pub fn decide(
    policy: &SignaturePolicy,
    digest: &str,
    subjects: &[Subject],
    evidence: Vec<Evidence>,
) -> SignatureDecision {
    let mut requirements = Vec::new();
    for s in subjects {
        let mine: Vec<&Evidence> = evidence.iter().filter(|e| e.subject == s.digest).collect();
        let signatures: Vec<&Evidence> = mine.iter().copied().filter(|e| !e.is_attestation()).collect();
        let attestations: Vec<&Evidence> = mine.iter().copied().filter(|e| e.is_attestation()).collect();
        requirements.push(requirement(policy, s, "signature".into(), &signatures, |_| Ok(())));
        for rule in &policy.attestations {
            requirements.push(requirement(
                policy,
                s,
                format!("attestation {}", rule.predicate_type),
                &attestations,
                |v| match &v.statement {
                    Some(st) => check_rule(st, rule),
                    None => Err(Rejection::new(Reason::Malformed, "no statement")),
                },
            ));
        }
    }
    SignatureDecision {
        digest: digest.to_owned(),
        passed: requirements.iter().all(|r| r.status != Status::Failed),
        requirements,
        evidence,
        policy: policy.clone(),
        signing_status: Vec::new(),
    }
}
