//! Lifecycle cases: `LifecyclePolicy::evaluate` against ECR's preview of the same policy on the same
//! images, and the validator against `PutLifecyclePolicy`.

use std::collections::BTreeMap;
use std::time::Duration;

use super::corpus::{LifecycleCase, ValidationCase};
use super::report::{Area, CaseReport};
use super::scratch::Scratch;
use crate::client::EcrClient;
use crate::error::{Error, Result};
use crate::lifecycle::{LifecyclePolicy, LifecyclePreviewOptions, PreviewResult};
use crate::types::TagMutability;

/// Pushes the case's images oldest first, `push_gap` apart, into a repository of their own, and compares.
pub(crate) async fn lifecycle_case(
    scratch: &Scratch,
    index: usize,
    case: &LifecycleCase,
    push_gap: Duration,
    poll_interval: Duration,
    timeout: Duration,
) -> CaseReport {
    let title = format!("lifecycle: {}", case.name);
    let pushed = async {
        let repo = scratch
            .repository(&format!("lifecycle-{index}"), TagMutability::Mutable, &[])
            .await?;
        let mut labels = BTreeMap::new();
        for (n, image) in case.images.iter().enumerate() {
            if n > 0 {
                tokio::time::sleep(push_gap).await;
            }
            let seed = format!("{}#{}", case.name, image.label);
            let digest = scratch
                .push(&repo.repository_name, &seed, image.tags.first().map(String::as_str))
                .await?;
            for tag in image.tags.iter().skip(1) {
                scratch.add_tag(&repo.repository_name, &seed, tag).await?;
            }
            labels.insert(digest, image.label.clone());
        }
        Ok::<_, Error>((repo.repository_name, labels))
    }
    .await;
    let (repository, labels) = match pushed {
        Ok(p) => p,
        Err(e) => return CaseReport::failed(Area::Lifecycle, title, "-".into(), &e),
    };
    compare_previews(
        scratch.client(),
        &repository,
        &title,
        &case.policy_text,
        &labels,
        poll_interval,
        timeout,
    )
    .await
}

/// Evaluates `policy_text` offline on the repository's images and compares with ECR's preview of it.
/// `labels` names digests in the report (unknown digests are shown shortened).
pub(crate) async fn compare_previews(
    client: &EcrClient,
    repository: &str,
    title: &str,
    policy_text: &str,
    labels: &BTreeMap<String, String>,
    poll_interval: Duration,
    timeout: Duration,
) -> CaseReport {
    let options = LifecyclePreviewOptions {
        policy_text: Some(policy_text.to_owned()),
        compare_with_ecr: true,
        poll_interval,
        ecr_timeout: timeout,
        ..LifecyclePreviewOptions::default()
    };
    match client.lifecycle_preview(repository, &options).await {
        Ok(report) => {
            let ours = describe(&report.preview.preview_results, labels);
            match report.ecr_diff {
                Some(diff) => CaseReport::compared(
                    Area::Lifecycle,
                    title,
                    ours,
                    describe(&diff.ecr_results, labels),
                    diff.agrees(),
                ),
                None => CaseReport::failed(
                    Area::Lifecycle,
                    title,
                    ours,
                    &crate::client::missing("lifecycle preview", "ECR comparison"),
                ),
            }
        }
        // The policy parsed (the fixtures are valid), so a rejection by ECR is a disagreement.
        Err(Error::Service { aws_code, message, .. }) if aws_code == "InvalidParameterException" => {
            CaseReport::compared(
                Area::Lifecycle,
                title,
                "policy valid".into(),
                format!("rejected ({}): {}", reason_class(&message), without_wrapper(&message)),
                false,
            )
        }
        Err(e) => CaseReport::failed(Area::Lifecycle, title, "-".into(), &e),
    }
}

/// `a:EXPIRE@1, b:TRANSITION/ARCHIVE@2`, sorted by label; `nothing` when empty.
fn describe(results: &[PreviewResult<'_>], labels: &BTreeMap<String, String>) -> String {
    let mut items: Vec<String> = results
        .iter()
        .map(|r| {
            let digest: &str = &r.image_digest;
            let label = labels
                .get(digest)
                .map(|l| l.trim_start_matches("sha256:").to_owned())
                .unwrap_or_else(|| digest.chars().take(19).collect());
            let action = match r.action.target_storage_class {
                Some(class) => format!("{}/{}", r.action.action_type.api_name(), class.api_name()),
                None => r.action.action_type.api_name().to_owned(),
            };
            format!("{label}:{action}@{}", r.applied_rule_priority)
        })
        .collect();
    items.sort();
    if items.is_empty() {
        "nothing".to_owned()
    } else {
        items.join(", ")
    }
}

/// Puts every validation case's text on one repository and compares acceptance and the reason class.
pub(crate) async fn validation_cases(scratch: &Scratch, cases: &[ValidationCase]) -> Vec<CaseReport> {
    let repo = match scratch.repository("validation", TagMutability::Mutable, &[]).await {
        Ok(r) => r.repository_name,
        Err(e) => {
            return cases
                .iter()
                .map(|c| CaseReport::failed(Area::Validation, &c.name, "-".into(), &e))
                .collect();
        }
    };
    let mut out = Vec::with_capacity(cases.len());
    for case in cases {
        let put = scratch
            .client()
            .ecr()
            .put_lifecycle_policy()
            .repository_name(&repo)
            .lifecycle_policy_text(&case.policy_text)
            .send()
            .await
            .map_err(Error::from_sdk);
        out.push(validation_verdict(case, put.map(|_| ())));
    }
    out
}

/// Compares the validator's answer on `case` with ECR's answer to `PutLifecyclePolicy` (`put`).
pub(crate) fn validation_verdict(case: &ValidationCase, put: Result<()>) -> CaseReport {
    let ours = match LifecyclePolicy::parse(&case.policy_text) {
        Ok(_) => Ok(()),
        Err(Error::PolicyValidation { errors, .. }) => {
            let mut classes: Vec<&str> = errors.iter().map(|e| reason_class(&e.message)).collect();
            classes.sort_unstable();
            classes.dedup();
            Err(classes)
        }
        Err(e) => return CaseReport::failed(Area::Validation, &case.name, "-".into(), &e),
    };
    let ours_text = match &ours {
        Ok(()) => "accepted".to_owned(),
        Err(classes) => format!("rejected ({})", classes.join(", ")),
    };
    match put {
        Ok(()) => CaseReport::compared(Area::Validation, &case.name, ours_text, "accepted".into(), ours.is_ok()),
        Err(Error::Service { aws_code, message, .. }) if aws_code == "InvalidParameterException" => {
            let theirs = reason_class(&message);
            let message = without_wrapper(&message);
            let agree = ours.as_ref().is_err_and(|classes| classes.contains(&theirs));
            CaseReport::compared(
                Area::Validation,
                &case.name,
                ours_text,
                format!("rejected ({theirs}): {message}"),
                agree,
            )
        }
        Err(e) => CaseReport::failed(Area::Validation, &case.name, ours_text, &e),
    }
}

/// ECR's message without the wrapper it puts around every policy problem (`Invalid parameter at
/// 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: ...'`).
fn without_wrapper(message: &str) -> &str {
    message
        .split_once("validation failure: ")
        .map_or(message, |(_, problem)| problem.trim_end_matches('\''))
}

/// The kind of reason a policy is rejected for, read from ECR's or the validator's message: `length`,
/// `json` (not a policy document), `schema` (ECR's JSON-schema checks) or `rule` (the checks across
/// fields and rules).
pub fn reason_class(message: &str) -> &'static str {
    const SCHEMA: [&str; 8] = [
        "object has missing required properties",
        "instance value",
        "numeric instance is",
        "instance type",
        "instance failed to match",
        "object instance has properties",
        "array is too short",
        "null is not accepted",
    ];
    if message.contains("characters") && (message.contains("at most") || message.contains("at least"))
        || message.contains("length")
    {
        "length"
    } else if message.contains("Could not map policyString") || message.contains("not valid JSON") {
        "json"
    } else if SCHEMA.iter().any(|s| message.contains(s)) {
        "schema"
    } else {
        "rule"
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::conformance::report::Verdict;

    fn case(text: &str) -> ValidationCase {
        ValidationCase {
            name: "c".into(),
            policy_text: text.into(),
        }
    }

    fn invalid_parameter(message: &str) -> Result<()> {
        Err(Error::from_service(
            "InvalidParameterException".into(),
            message.into(),
            None,
        ))
    }

    const VALID: &str = r#"{"rules":[{"rulePriority":1,"description":"keep the 2 newest","selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":2},"action":{"type":"expire"}}]}"#;
    const NO_RULES: &str =
        r#"{"description":"a policy without any rules at all, long enough to pass the length check","x":1}"#;

    #[test]
    fn validation_agrees_on_acceptance_and_reason_class() {
        assert_eq!(validation_verdict(&case(VALID), Ok(())).verdict, Verdict::Agree);
        // ECR's wording for a missing property, as PutLifecyclePolicy reports it.
        let ecr = "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: object has missing required properties ([\"rules\"])'";
        let row = validation_verdict(&case(NO_RULES), invalid_parameter(ecr));
        assert_eq!(row.verdict, Verdict::Agree, "{row:?}");
        assert!(
            row.ecr_core.starts_with("rejected (") && row.ecr_core.contains("schema"),
            "{row:?}"
        );
        assert_eq!(
            row.ecr,
            "rejected (schema): object has missing required properties ([\"rules\"])"
        );
    }

    #[test]
    fn validation_disagrees_on_acceptance_or_class() {
        let accepted = validation_verdict(&case(NO_RULES), Ok(()));
        assert_eq!(accepted.verdict, Verdict::Disagree, "{accepted:?}");
        let rejected = validation_verdict(
            &case(VALID),
            invalid_parameter("Lifecycle policy validation failure: boom"),
        );
        assert_eq!(rejected.verdict, Verdict::Disagree);
        assert!(rejected.ecr.contains("rejected (rule)"), "{rejected:?}");
        let other_class = validation_verdict(
            &case(NO_RULES),
            invalid_parameter("Could not map policyString into LifecyclePolicy."),
        );
        assert_eq!(other_class.verdict, Verdict::Disagree, "{other_class:?}");
        let denied = validation_verdict(
            &case(VALID),
            Err(Error::from_service("AccessDeniedException".into(), "no".into(), None)),
        );
        assert_eq!(denied.verdict, Verdict::Error);
    }

    #[test]
    fn reason_classes() {
        assert_eq!(
            reason_class("policy text is 20 characters; ECR requires at least 100"),
            "length"
        );
        assert_eq!(reason_class("Could not map policyString into LifecyclePolicy."), "json");
        assert_eq!(reason_class("instance value (\"x\") not found in enum"), "schema");
        assert_eq!(
            reason_class("Rule for tagStatus=ANY must have the lowest priority"),
            "rule"
        );
    }
}
