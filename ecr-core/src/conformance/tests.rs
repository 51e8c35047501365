//! Replayed-response tests (aws-smithy-mocks) of what the emulator (moto) cannot serve: ECR's lifecycle
//! preview (moto has none) compared with the offline evaluation, ECR rejecting a policy ecr-core accepts,
//! and the cleanup after every push failed. Responses are shaped like AWS's documented examples
//! (GetLifecyclePolicyPreview's `previewResults` / `summary`, CreateRepository's `repository`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_ecr::Client;
use aws_sdk_ecr::operation::create_repository::CreateRepositoryOutput;
use aws_sdk_ecr::operation::delete_repository::DeleteRepositoryOutput;
use aws_sdk_ecr::operation::describe_images::DescribeImagesOutput;
use aws_sdk_ecr::operation::get_lifecycle_policy_preview::GetLifecyclePolicyPreviewOutput;
use aws_sdk_ecr::operation::start_lifecycle_policy_preview::StartLifecyclePolicyPreviewOutput;
use aws_sdk_ecr::types::{
    ImageActionType, LifecyclePolicyPreviewResult, LifecyclePolicyPreviewStatus, LifecyclePolicyPreviewSummary,
};
use aws_smithy_mocks::{Rule, mock};

use super::*;
use crate::client::tests::ecr_error;
use crate::lifecycle::tests::{client, detail, ecr_result};

const KEEP_ONE: &str = r#"{"rules":[{"rulePriority":1,"description":"keep the newest image","selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}"#;
const OLD: &str = "sha256:0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a";
const NEW: &str = "sha256:0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b";

fn labels() -> BTreeMap<String, String> {
    BTreeMap::from([
        (OLD.to_owned(), "sha256:a".to_owned()),
        (NEW.to_owned(), "sha256:b".to_owned()),
    ])
}

/// DescribeImages: two images pushed a day apart; ECR's preview answers with `ecr_expires`.
fn preview_rules(ecr_expires: &'static str) -> [Rule; 3] {
    let describe = mock!(Client::describe_images).then_output(|| {
        DescribeImagesOutput::builder()
            .image_details(detail(OLD, &["v1"], 2))
            .image_details(detail(NEW, &["v2"], 1))
            .build()
    });
    let start = mock!(Client::start_lifecycle_policy_preview).then_output(|| {
        StartLifecyclePolicyPreviewOutput::builder()
            .repository_name("ecr-core-conformance-x-lifecycle-0")
            .status(LifecyclePolicyPreviewStatus::InProgress)
            .build()
    });
    let get = mock!(Client::get_lifecycle_policy_preview).then_output(move || {
        let (tags, days): (&[&str], i64) = if ecr_expires == OLD { (&["v1"], 2) } else { (&["v2"], 1) };
        let result: LifecyclePolicyPreviewResult = ecr_result(ecr_expires, tags, days, ImageActionType::Expire, 1);
        GetLifecyclePolicyPreviewOutput::builder()
            .status(LifecyclePolicyPreviewStatus::Complete)
            .preview_results(result)
            .summary(
                LifecyclePolicyPreviewSummary::builder()
                    .expiring_image_total_count(1)
                    .build(),
            )
            .build()
    });
    [describe, start, get]
}

async fn compare(rules: &[Rule]) -> CaseReport {
    let refs: Vec<&Rule> = rules.iter().collect();
    lifecycle::compare_previews(
        &client(&refs),
        "ecr-core-conformance-x-lifecycle-0",
        "lifecycle: keep one",
        KEEP_ONE,
        &labels(),
        Duration::ZERO,
        Duration::from_secs(5),
    )
    .await
}

#[tokio::test]
async fn lifecycle_agrees_when_ecr_expires_the_same_image_by_the_same_rule() {
    let row = compare(&preview_rules(OLD)).await;
    assert_eq!(row.verdict, Verdict::Agree, "{row:?}");
    assert_eq!(row.ecr_core, "a:EXPIRE@1");
    assert_eq!(row.ecr, "a:EXPIRE@1");
}

#[tokio::test]
async fn lifecycle_disagrees_when_ecr_expires_another_image() {
    let row = compare(&preview_rules(NEW)).await;
    assert_eq!(row.verdict, Verdict::Disagree, "{row:?}");
    assert_eq!(row.ecr_core, "a:EXPIRE@1");
    assert_eq!(row.ecr, "b:EXPIRE@1");
}

#[tokio::test]
async fn ecr_rejecting_a_policy_ecr_core_accepts_is_a_disagreement() {
    let [describe, _, _] = preview_rules(OLD);
    let rejected = mock!(Client::start_lifecycle_policy_preview).then_http_response(|| {
        ecr_error(
            "InvalidParameterException",
            "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: instance value (\"any\") not found in enum'",
            "req-1",
        )
    });
    let row = compare(&[describe, rejected]).await;
    assert_eq!(row.verdict, Verdict::Disagree, "{row:?}");
    assert_eq!(row.ecr_core, "policy valid");
    assert!(row.ecr.starts_with("rejected (schema)"), "{row:?}");
}

#[tokio::test]
async fn every_created_repository_is_deleted_when_every_push_fails() {
    let created = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = created.clone();
    let create = mock!(Client::create_repository).then_compute_output(move |req| {
        let name = req.repository_name().unwrap().to_owned();
        assert!(
            req.tags()
                .iter()
                .any(|t| t.key() == RESOURCE_TAG && t.value() == "true"),
            "tagged at creation"
        );
        seen.lock().unwrap().push(name.clone());
        CreateRepositoryOutput::builder()
            .repository(
                aws_sdk_ecr::types::Repository::builder()
                    .registry_id("123456789012")
                    .repository_name(&name)
                    .repository_arn(format!("arn:aws:ecr:us-east-1:123456789012:repository/{name}"))
                    .repository_uri(format!("123456789012.dkr.ecr.us-east-1.amazonaws.com/{name}"))
                    .build(),
            )
            .build()
    });
    let upload = mock!(Client::initiate_layer_upload)
        .then_http_response(|| ecr_error("ServerException", "injected failure", "req-2"));
    let deleted = Arc::new(Mutex::new(Vec::<String>::new()));
    let gone = deleted.clone();
    let delete = mock!(Client::delete_repository).then_compute_output(move |req| {
        assert_eq!(req.force(), Some(true), "images go with the repository");
        gone.lock().unwrap().push(req.repository_name().unwrap().to_owned());
        DeleteRepositoryOutput::builder().build()
    });
    let c = client(&[&create, &upload, &delete]);
    let options = Options {
        areas: vec![Area::Tagging, Area::Scan],
        ..Options::default()
    };
    let report = run(
        &c,
        Arc::new(Corpus {
            tagging: Corpus::tag_cases(),
            ..Corpus::default()
        }),
        &options,
        std::future::pending(),
    )
    .await;

    let created = created.lock().unwrap().clone();
    assert_eq!(created.len(), 3, "two tag settings and the probe image: {created:?}");
    let suffix = created[0]
        .trim_start_matches(REPOSITORY_PREFIX)
        .split('-')
        .next()
        .unwrap()
        .to_owned();
    assert!(
        created
            .iter()
            .all(|n| n.starts_with(&format!("{REPOSITORY_PREFIX}{suffix}-"))),
        "{created:?}"
    );
    assert_eq!(*deleted.lock().unwrap(), created);
    assert!(report.cleanup.iter().all(|c| c.error.is_none()), "{:?}", report.cleanup);
    assert!(!report.cases.is_empty());
    assert!(
        report.cases.iter().all(|c| c.verdict == Verdict::Error),
        "{:?}",
        report.cases
    );
    assert!(
        report.cases.iter().any(|c| c.ecr.contains("injected failure")),
        "{:?}",
        report.cases
    );
    assert_eq!(report.exit_code(), 2);
}

#[tokio::test]
async fn a_repository_that_cannot_be_deleted_is_reported() {
    let create = mock!(Client::create_repository).then_output(|| CreateRepositoryOutput::builder().build());
    let upload = mock!(Client::initiate_layer_upload).then_http_response(|| ecr_error("ServerException", "down", "r3"));
    let delete =
        mock!(Client::delete_repository).then_http_response(|| ecr_error("ServerException", "still down", "r4"));
    let c = client(&[&create, &upload, &delete]);
    let options = Options {
        areas: vec![Area::Scan],
        ..Options::default()
    };
    let report = run(&c, Arc::new(Corpus::default()), &options, std::future::pending()).await;
    assert_eq!(report.leftovers().len(), 1, "{report:?}");
    assert!(report.table().contains("NOT DELETED"), "{}", report.table());
    assert_eq!(report.exit_code(), 2);
}
