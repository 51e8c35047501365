//! Repository audit: tag mutability and exclusion filters, the effective scanning configuration,
//! encryption, lifecycle policy present and valid, repository policy read-only outside the account.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::policy::analyse_repository_policy;
use super::report::{CheckLevel, Finding, Report};
use crate::client::EcrClient;
use crate::error::{Error, Result};
use crate::types::{Repository, TagMutability};

/// The audit of several repositories.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AuditReport {
    /// True when every repository passed.
    pub passed: bool,
    /// One report per repository.
    pub repositories: Vec<Report>,
}

impl AuditReport {
    /// The process exit code for programs: 0 when every repository passed, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        if self.passed { 0 } else { 1 }
    }
}

/// Checks a lifecycle policy text with ECR's full validation ([`crate::lifecycle::LifecyclePolicy::parse`]);
/// every problem comes back in one [`Error::PolicyValidation`].
pub fn validate_lifecycle_policy_text(text: &str) -> Result<()> {
    crate::lifecycle::LifecyclePolicy::parse(text).map(|_| ())
}

/// Tag mutability check: IMMUTABLE passes; IMMUTABLE_WITH_EXCLUSION passes unless a filter is `*` (which
/// makes every tag mutable); MUTABLE and MUTABLE_WITH_EXCLUSION fail.
pub(crate) fn check_mutability(repo: &Repository) -> Finding {
    let filters = &repo.image_tag_mutability_exclusion_filters;
    let details = json!({ "imageTagMutability": repo.image_tag_mutability.as_str(), "exclusionFilters": filters });
    match repo.image_tag_mutability {
        TagMutability::Immutable => Finding::pass("tags are immutable", details),
        TagMutability::ImmutableWithExclusion if filters.iter().any(|f| f.trim_matches('*').is_empty()) => {
            Finding::fail("an exclusion filter `*` makes every tag mutable", details)
        }
        TagMutability::ImmutableWithExclusion => {
            Finding::pass(format!("tags are immutable except {}", filters.join(", ")), details)
        }
        TagMutability::Mutable => Finding::fail("tags are mutable: a push can overwrite a deployed tag", details),
        TagMutability::MutableWithExclusion => {
            Finding::fail(format!("tags are mutable except {}", filters.join(", ")), details)
        }
    }
}

/// Encryption check: KMS (or KMS_DSSE) or AES256.
pub(crate) fn check_encryption(repo: &Repository) -> Finding {
    let details = json!({ "encryptionType": repo.encryption_type, "kmsKey": repo.kms_key });
    match repo.encryption_type.as_str() {
        "KMS" | "KMS_DSSE" => Finding::pass(format!("encrypted with {}", repo.encryption_type), details),
        "AES256" => Finding::pass("encrypted with AES256 (AWS-owned key)", details),
        other => Finding::fail(format!("unknown encryption type {other:?}"), details),
    }
}

/// Scanning check from the effective configuration (BatchGetRepositoryScanningConfiguration): a scan
/// frequency of `SCAN_ON_PUSH` or `CONTINUOUS_SCAN`, or an effective `scanOnPush`, passes.
pub(crate) fn check_scanning(scanning: &RepositoryScanning) -> Finding {
    let frequency = scanning.scan_frequency.as_deref();
    let details = json!({
        "scanFrequency": frequency,
        "scanOnPush": scanning.scan_on_push,
        "appliedScanFilters": scanning.applied_filters,
    });
    match frequency {
        Some(f @ ("SCAN_ON_PUSH" | "CONTINUOUS_SCAN")) => Finding::pass(format!("images are scanned ({f})"), details),
        _ if scanning.scan_on_push => Finding::pass("images are scanned on push", details),
        Some(f) => Finding::fail(
            format!("images are not scanned automatically (scan frequency {f})"),
            details,
        ),
        None => Finding::fail("no effective scanning configuration reported", details),
    }
}

fn is_not_found(e: &Error, aws_code: &str) -> bool {
    matches!(e, Error::Service { aws_code: c, .. } if c == aws_code)
}

/// A repository's effective scanning configuration ([`EcrClient::repository_scanning`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RepositoryScanning {
    /// `SCAN_ON_PUSH`, `CONTINUOUS_SCAN` or `MANUAL`; `null` when ECR reports none.
    pub scan_frequency: Option<String>,
    /// The repository's own scan-on-push flag.
    pub scan_on_push: bool,
    /// The registry scanning rules' filters that apply to it.
    pub applied_filters: Vec<String>,
}

impl EcrClient {
    /// The effective scanning configuration of a repository: (scan frequency, repository scanOnPush flag,
    /// applied filters), from BatchGetRepositoryScanningConfiguration.
    pub async fn repository_scanning(&self, repository: &str) -> Result<RepositoryScanning> {
        let out = self
            .ecr()
            .batch_get_repository_scanning_configuration()
            .repository_names(repository)
            .send()
            .await
            .map_err(Error::from_sdk)?;
        if let Some(f) = out.failures().first() {
            let code = f.failure_code().map(|c| c.as_str().to_owned()).unwrap_or_default();
            let reason = f.failure_reason().unwrap_or_default().to_owned();
            if code == "REPOSITORY_NOT_FOUND" {
                return Err(Error::RepositoryNotFound {
                    message: reason,
                    request_id: None,
                });
            }
            return Err(Error::Service {
                aws_code: code,
                message: reason,
                request_id: None,
            });
        }
        let cfg = out
            .scanning_configurations()
            .iter()
            .find(|c| c.repository_name() == Some(repository))
            .or_else(|| out.scanning_configurations().first());
        Ok(match cfg {
            Some(c) => RepositoryScanning {
                scan_frequency: c.scan_frequency().map(|f| f.as_str().to_owned()),
                scan_on_push: c.scan_on_push(),
                applied_filters: c.applied_scan_filters().iter().map(|f| f.filter().to_owned()).collect(),
            },
            None => RepositoryScanning::default(),
        })
    }

    /// The lifecycle policy text, `None` when the repository has none.
    pub async fn lifecycle_policy_text(&self, repository: &str) -> Result<Option<String>> {
        match self
            .ecr()
            .get_lifecycle_policy()
            .repository_name(repository)
            .send()
            .await
        {
            Ok(out) => Ok(out.lifecycle_policy_text().map(str::to_owned)),
            Err(e) => match Error::from_sdk(e) {
                Error::LifecyclePolicyNotFound { .. } => Ok(None),
                other => Err(other),
            },
        }
    }

    /// The repository policy text, `None` when the repository has none.
    pub async fn repository_policy_text(&self, repository: &str) -> Result<Option<String>> {
        match self
            .ecr()
            .get_repository_policy()
            .repository_name(repository)
            .send()
            .await
        {
            Ok(out) => Ok(out.policy_text().map(str::to_owned)),
            Err(e) => match Error::from_sdk(e) {
                err if is_not_found(&err, "RepositoryPolicyNotFoundException") => Ok(None),
                other => Err(other),
            },
        }
    }

    async fn audit_described(&self, repo: &Repository) -> Report {
        let name = &repo.repository_name;
        let mut report = Report::new(name.clone());
        let req = CheckLevel::Required;
        report.record("tag-mutability", req, check_mutability(repo));
        let scanning = match self.repository_scanning(name).await {
            Ok(scanning) => check_scanning(&scanning),
            Err(e) => Finding::fail(
                format!("scanning configuration unavailable: {e}"),
                json!({"code": e.code()}),
            ),
        };
        report.record("scanning", req, scanning);
        report.record("encryption", req, check_encryption(repo));
        let lifecycle = match self.lifecycle_policy_text(name).await {
            Ok(None) => Finding::fail("no lifecycle policy: images accumulate without bound", json!(null)),
            Ok(Some(text)) => match validate_lifecycle_policy_text(&text) {
                Ok(()) => Finding::pass("lifecycle policy present and valid", json!(null)),
                Err(e) => Finding::fail(
                    format!("lifecycle policy invalid: {e}"),
                    json!({ "errors": e.field_errors() }),
                ),
            },
            Err(e) => Finding::fail(format!("lifecycle policy unavailable: {e}"), json!({"code": e.code()})),
        };
        report.record("lifecycle-policy", req, lifecycle);
        let policy = match self.repository_policy_text(name).await {
            Ok(None) => Finding::pass(
                "no repository policy: only the account's own principals have access",
                json!(null),
            ),
            Ok(Some(text)) => match analyse_repository_policy(&text, &repo.registry_id) {
                Ok(f) if f.is_empty() => Finding::pass("no push or delete access outside the account", json!(null)),
                Ok(f) => Finding::fail(
                    f.iter()
                        .map(|x| format!("{}: {} {}", x.statement, x.principal, x.message))
                        .collect::<Vec<_>>()
                        .join("; "),
                    json!({ "findings": f }),
                ),
                Err(e) => Finding::fail(
                    format!("repository policy not understood: {e}"),
                    json!({ "errors": e.field_errors() }),
                ),
            },
            Err(e) => Finding::fail(format!("repository policy unavailable: {e}"), json!({"code": e.code()})),
        };
        report.record("repository-policy", req, policy);
        report
    }

    /// Audits one repository ([`Error::RepositoryNotFound`] when it does not exist). A setting that cannot
    /// be read is a failed check, never a pass.
    pub async fn audit_repository(&self, repository: &str) -> Result<Report> {
        let repo = self.describe_repository(repository).await?;
        Ok(self.audit_described(&repo).await)
    }

    /// Audits every repository of the registry (all pages).
    pub async fn audit_all_repositories(&self) -> Result<AuditReport> {
        let repos = self.list_repositories().await?;
        let mut reports = Vec::with_capacity(repos.len());
        for r in &repos {
            reports.push(self.audit_described(r).await);
        }
        Ok(AuditReport {
            passed: reports.iter().all(|r| r.passed),
            repositories: reports,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn repo(m: TagMutability, filters: &[&str]) -> Repository {
        Repository {
            repository_name: "r".into(),
            repository_arn: "arn".into(),
            registry_id: "123456789012".into(),
            repository_uri: "u".into(),
            created_at: None,
            image_tag_mutability: m,
            image_tag_mutability_exclusion_filters: filters.iter().map(|s| s.to_string()).collect(),
            scan_on_push: false,
            encryption_type: "AES256".into(),
            kms_key: None,
        }
    }

    #[test]
    fn mutability_rules() {
        assert!(check_mutability(&repo(TagMutability::Immutable, &[])).ok);
        assert!(check_mutability(&repo(TagMutability::ImmutableWithExclusion, &["latest"])).ok);
        assert!(!check_mutability(&repo(TagMutability::ImmutableWithExclusion, &["*"])).ok);
        assert!(!check_mutability(&repo(TagMutability::Mutable, &[])).ok);
        assert!(!check_mutability(&repo(TagMutability::MutableWithExclusion, &["v*"])).ok);
    }

    #[test]
    fn lifecycle_text_uses_full_ecr_validation() {
        assert!(validate_lifecycle_policy_text(super::super::ensure::default_lifecycle_policy()).is_ok());
        // A rule with only a priority is JSON with a non-empty `rules` array, but not a valid policy.
        let err = validate_lifecycle_policy_text(r#"{"rules":[{"rulePriority":1}]}"#).unwrap_err();
        assert_eq!(err.code(), "PolicyValidation");
        assert!(
            err.field_errors().iter().any(|e| e.path.starts_with("rules[0]")),
            "{err}"
        );
        assert!(validate_lifecycle_policy_text(r#"{"rules":[]}"#).is_err());
        assert!(validate_lifecycle_policy_text("nope").is_err());
    }

    #[test]
    fn scanning_needs_an_automatic_frequency() {
        let check = |frequency: Option<&str>, scan_on_push: bool| {
            check_scanning(&RepositoryScanning {
                scan_frequency: frequency.map(str::to_owned),
                scan_on_push,
                applied_filters: Vec::new(),
            })
        };
        assert!(check(Some("SCAN_ON_PUSH"), false).ok);
        assert!(check(Some("CONTINUOUS_SCAN"), false).ok);
        assert!(check(Some("MANUAL"), true).ok);
        assert!(!check(Some("MANUAL"), false).ok);
        assert!(!check(None, false).ok);
    }
}
