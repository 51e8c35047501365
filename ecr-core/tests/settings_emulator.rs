//! Registry settings against the local emulator (moto's server through the real AWS SDK): a repository
//! that exists in the emulator audited against the creation template covering its name, and
//! `ensure_repository` compared with it. Moto implements no repository creation template API, so the
//! templates come from a saved snapshot (`fixtures/settings/snapshot.json`); reading the templates live
//! is tested over replayed responses in `ecr-core/src/settings/tests.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use ecr_core::settings::{CreatedBy, RegistrySnapshot, effective_settings};
use ecr_core::types::{RepositorySettings, TagMutability};
use ecr_core::verify::{CheckStatus, EnsureOptions};

fn snapshot() -> RegistrySnapshot {
    RegistrySnapshot::from_json(&support::fixture_json("settings/snapshot.json").to_string()).unwrap()
}

#[tokio::test]
async fn a_repository_drifting_from_its_template_fails_the_audit() {
    let client = support::emulator().client().await;
    let name = format!("team/{}", support::unique("drift"));
    let settings = RepositorySettings {
        tag_mutability: TagMutability::Mutable,
        ..RepositorySettings::recommended()
    };
    client.create_repository(&name, &settings).await.unwrap();
    let report = client
        .audit_repository_with_templates(&name, &snapshot())
        .await
        .unwrap();
    let template = report.get("template").unwrap();
    assert_eq!(template.status, CheckStatus::Failed, "{template:?}");
    assert_eq!(template.details["template"], "team");
    let drift: Vec<&str> = template.details["drift"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["setting"].as_str().unwrap())
        .collect();
    assert_eq!(
        drift,
        [
            "imageTagMutability",
            "imageTagMutabilityExclusionFilters",
            "encryptionType",
            "kmsKey",
            "lifecyclePolicy"
        ]
    );
    assert!(!report.passed);

    // The same repository as the resolver sees it: its own settings, the repository as the origin.
    let existing = client.existing_repository(&name).await.unwrap().unwrap();
    let effective = effective_settings(&snapshot(), &name, Some(&existing));
    assert_eq!(effective.created_by, CreatedBy::Existing);
    assert_eq!(effective.mutability.value.image_tag_mutability, TagMutability::Mutable);
}

#[tokio::test]
async fn ensure_reports_where_it_differs_from_the_template() {
    let client = support::emulator().client().await;
    let name = format!("team/{}", support::unique("ensure"));
    let (outcome, finding) = client
        .ensure_repository_with_templates(&name, &EnsureOptions::default(), &snapshot())
        .await
        .unwrap();
    assert!(outcome.created);
    assert!(!finding.ok, "IMMUTABLE and AES256 differ from the team template");
    // A name no template covers (ROOT removed) has nothing to drift from.
    let mut without = snapshot();
    without
        .repository_creation_templates
        .retain(|t| t.prefix == "team/payments");
    let other = format!("other/{}", support::unique("ensure"));
    let (_, finding) = client
        .ensure_repository_with_templates(&other, &EnsureOptions::default(), &without)
        .await
        .unwrap();
    assert!(finding.ok, "{finding:?}");
}
