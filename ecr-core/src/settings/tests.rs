//! Tests of the registry settings: the filter dialects against AWS's documented examples, the resolver's
//! golden outputs (`fixtures/settings/effective.json`), the audit's checks, template drift, snapshot errors,
//! and the live snapshot read over `aws-smithy-mocks` replaying responses shaped like AWS's documented
//! examples (moto's server implements none of DescribeRepositoryCreationTemplates,
//! DescribePullThroughCacheRules, GetSigningConfiguration or GetAccountSetting; the moto-backed test of
//! the template check is in `ecr-core/tests/settings_emulator.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use serde_json::{Value, json};

use super::filter::{namespace_matches, prefix_match, scanning_wildcard, signing_wildcard};
use super::*;
use crate::types::Repository;
use crate::verify::{CheckStatus, EnsureOptions};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/settings")
}

fn snapshot() -> RegistrySnapshot {
    RegistrySnapshot::from_json(&std::fs::read_to_string(fixtures().join("snapshot.json")).unwrap()).unwrap()
}

fn repositories() -> Vec<Repository> {
    serde_json::from_str(&std::fs::read_to_string(fixtures().join("repositories.json")).unwrap()).unwrap()
}

/// The table of <https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-filters.html>:
/// filters down, repository names across.
#[test]
fn scanning_filters_match_the_documented_table() {
    let names = ["prod", "repo-prod", "prod-repo", "repo-prod-repo", "prodrepo"];
    let table = [
        ("prod", [true, true, true, true, true]),
        ("*prod", [true, true, false, false, false]),
        ("prod*", [true, false, true, false, true]),
        ("*prod*", [true, true, true, true, true]),
        ("prod*repo", [false, false, true, false, true]),
    ];
    for (filter, expected) in table {
        for (name, want) in names.iter().zip(expected) {
            assert_eq!(scanning_wildcard(filter, name), want, "{filter} vs {name}");
        }
    }
}

/// The examples of <https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_SigningRepositoryFilter.html>.
#[test]
fn signing_filters_match_the_documented_examples() {
    assert!(signing_wildcard("myapp/*", "myapp/api"));
    assert!(!signing_wildcard("myapp/*", "other/myapp/api"));
    assert!(signing_wildcard("*/production", "team/production"));
    assert!(!signing_wildcard("*/production", "team/production-eu"));
    assert!(signing_wildcard("*prod*", "a-prod-b"));
    assert!(!signing_wildcard("prod", "production"), "no wildcard: the whole name");
}

#[test]
fn namespaces_and_prefixes() {
    assert!(namespace_matches("prod", "prod/team1"));
    assert!(namespace_matches("prod/team", "prod/team/app"));
    assert!(
        namespace_matches("ecr-public/", "ecr-public/nginx"),
        "the trailing / is implied"
    );
    assert!(!namespace_matches("prod", "prod"), "the namespace, not the name itself");
    assert!(!namespace_matches("prod", "production/app"));
    assert!(namespace_matches(ROOT, "anything"));
    assert!(prefix_match("team", "teamwork"));
    assert!(!prefix_match("team", "myteam"));
}

fn case_name(case: &Value) -> &str {
    case["name"].as_str().unwrap()
}

#[test]
fn effective_settings_golden_outputs() {
    let path = fixtures().join("effective.json");
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let snapshot = snapshot();
    let update = std::env::var_os("ECR_CORE_UPDATE_GOLDEN").is_some();
    let cases = doc["cases"].as_array_mut().unwrap();
    assert!(cases.len() >= 7);
    for case in cases.iter_mut() {
        let existing: Option<ExistingRepository> = match &case["existing"] {
            Value::Null => None,
            v => Some(serde_json::from_value(v.clone()).unwrap()),
        };
        let got = serde_json::to_value(effective_settings(&snapshot, case_name(case), existing.as_ref())).unwrap();
        if update {
            case["expected"] = got;
        } else {
            assert_eq!(got, case["expected"], "{}: {}", case_name(case), case["why"]);
        }
    }
    if update {
        std::fs::write(&path, serde_json::to_string_pretty(&doc).unwrap() + "\n").unwrap();
    }
}

#[test]
fn resolver_decisions_named_by_their_rules() {
    let s = snapshot();
    let payments = effective_settings(&s, "team/payments/api", None);
    assert_eq!(payments.created_by, CreatedBy::CreateOnPush);
    let push = payments
        .templates
        .iter()
        .find(|t| t.applied_for == AppliedFor::CreateOnPush)
        .unwrap();
    assert_eq!(push.prefix.as_deref(), Some("team/payments"));
    assert_eq!(push.shadowed, ["team", "ROOT"]);
    assert_eq!(
        payments.mutability.value.image_tag_mutability,
        crate::types::TagMutability::Immutable
    );
    assert_eq!(
        payments.scanning.decided_by,
        Origin::ScanningRule {
            index: 0,
            filter: "team/payments*".into()
        }
    );
    assert_eq!(payments.signing.len(), 2);
    let destinations: Vec<&str> = payments
        .replication
        .iter()
        .map(|r| r.destination.region.as_str())
        .collect();
    assert_eq!(destinations, ["us-west-2", "eu-west-1"]);

    let nginx = effective_settings(&s, "docker-hub/library/nginx", None);
    assert_eq!(nginx.created_by, CreatedBy::PullThroughCache);
    assert_eq!(nginx.pull_through_cache_rule.as_deref(), Some("docker-hub"));
    assert!(!nginx.scanning.value.unwrap().is_automatic());

    // No template covers a name for CREATE_ON_PUSH without ROOT: it must be created explicitly, with ECR's
    // defaults.
    let mut no_root = s.clone();
    no_root.repository_creation_templates.retain(|t| !t.is_root());
    let other = effective_settings(&no_root, "other/app", None);
    assert_eq!(other.created_by, CreatedBy::CreateRepository);
    assert_eq!(other.mutability.decided_by, Origin::EcrDefault);
    assert_eq!(other.encryption.value.encryption_type, "AES256");

    // What the snapshot does not hold is unknown, never a default.
    let empty = effective_settings(&RegistrySnapshot::default(), "x/y", None);
    assert_eq!(empty.scanning.decided_by, Origin::Unknown);
    assert_eq!(empty.blob_mounting.value, None);
}

#[test]
fn basic_scanning_is_scan_on_push_or_manual() {
    let mut s = snapshot();
    s.scanning_configuration = Some(ScanningConfiguration {
        scan_type: "BASIC".into(),
        rules: vec![ScanningRule {
            scan_frequency: "SCAN_ON_PUSH".into(),
            repository_filters: vec![FilterEntry {
                filter_type: "WILDCARD".into(),
                filter: "*".into(),
            }],
        }],
    });
    assert_eq!(scanning(&s, "any/name").value.unwrap().scan_frequency, "SCAN_ON_PUSH");
    s.scanning_configuration.as_mut().unwrap().rules.clear();
    let manual = scanning(&s, "any/name");
    assert_eq!(manual.value.unwrap().scan_frequency, "MANUAL");
    assert_eq!(manual.decided_by, Origin::EcrDefault);
}

#[test]
fn registry_audit_finds_each_problem() {
    let s = snapshot();
    let report = audit_registry(&s, &repositories(), &["latest".into(), "stable".into(), "1.2".into()]);
    assert!(!report.passed);
    let status = |check: &str| report.status(check).unwrap_or_else(|| panic!("{check} missing"));
    assert_eq!(status("template-lifecycle-policy[ROOT]"), CheckStatus::Passed);
    assert_eq!(status("template-lifecycle-policy[team/payments]"), CheckStatus::Failed);
    let payments = report.get("template-lifecycle-policy[team/payments]").unwrap();
    assert!(payments.message.contains("rules[0]"), "{}", payments.message);
    // "team" excludes only latest: stable and 1.2 freeze; team/payments freezes all three.
    let team = report.get("template-rolling-tags[team]").unwrap();
    assert_eq!(team.status, CheckStatus::Failed);
    assert_eq!(team.details["immutableRollingTags"], json!(["stable", "1.2"]));
    assert_eq!(status("template-rolling-tags[ROOT]"), CheckStatus::Passed);
    assert_eq!(status("cache-rule-credential[docker-hub]"), CheckStatus::Passed);
    assert_eq!(status("cache-rule-credential[ghcr]"), CheckStatus::Failed);
    assert_eq!(status("cache-rule-credential[mirror]"), CheckStatus::Passed);
    let coverage = report.get("enhanced-scanning-coverage").unwrap();
    assert_eq!(coverage.status, CheckStatus::Failed);
    assert_eq!(
        coverage.details["unscanned"],
        json!(["docker-hub/library/nginx", "legacy"])
    );
    let mounting = report.get("blob-mounting-encryption").unwrap();
    assert_eq!(mounting.status, CheckStatus::Warned);
    assert_eq!(mounting.details["groups"].as_object().unwrap().len(), 2);
    let overlaps = report.get("overlapping-filters").unwrap();
    assert_eq!(overlaps.status, CheckStatus::Warned);
    let notes = overlaps.details["overlaps"].to_string();
    assert!(notes.contains("\\\"team/payments\\\" wins"), "{notes}");
    assert!(
        notes.contains("team/payments/api: scanning rules [0, 1] all match; CONTINUOUS_SCAN wins"),
        "{notes}"
    );
    assert!(notes.contains("team/payments/api: 2 signing rules match"), "{notes}");
    assert!(
        notes.contains("team/payments/api: 2 replication rules match"),
        "{notes}"
    );
}

#[test]
fn a_clean_registry_passes_its_audit() {
    let mut s = snapshot();
    s.repository_creation_templates.retain(|t| t.prefix == "ROOT");
    s.pull_through_cache_rules.retain(|r| r.ecr_repository_prefix != "ghcr");
    s.scanning_configuration = Some(ScanningConfiguration {
        scan_type: "ENHANCED".into(),
        rules: vec![ScanningRule {
            scan_frequency: "CONTINUOUS_SCAN".into(),
            repository_filters: vec![FilterEntry {
                filter_type: "WILDCARD".into(),
                filter: "*".into(),
            }],
        }],
    });
    s.signing_configuration = None;
    s.replication_configuration = None;
    s.account_settings.insert("BLOB_MOUNTING".into(), "DISABLED".into());
    let report = audit_registry(&s, &repositories(), &["latest".into()]);
    assert!(report.passed, "{report:#?}");
    assert!(
        report.checks.iter().all(|c| c.status == CheckStatus::Passed),
        "{report:#?}"
    );
}

fn existing(name: &str) -> ExistingRepository {
    let repository = repositories().into_iter().find(|r| r.repository_name == name).unwrap();
    ExistingRepository {
        repository,
        lifecycle_policy: None,
        repository_policy: None,
    }
}

#[test]
fn template_drift_names_each_setting() {
    let s = snapshot();
    let mut app = existing("team/app");
    let template_policy = s.repository_creation_templates[1].lifecycle_policy.clone().unwrap();
    // The same policy with other white space and key order is no drift.
    let reordered: Value = serde_json::from_str(&template_policy).unwrap();
    app.lifecycle_policy = Some(serde_json::to_string_pretty(&reordered).unwrap());
    let finding = template_drift(&s, "team/app", &TemplatedSettings::from(&app));
    assert!(finding.ok, "{finding:?}");
    assert_eq!(finding.details["template"], "team");

    app.repository.image_tag_mutability = crate::types::TagMutability::Mutable;
    app.lifecycle_policy = None;
    let finding = template_drift(&s, "team/app", &TemplatedSettings::from(&app));
    assert!(!finding.ok);
    let settings: Vec<&str> = finding.details["drift"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["setting"].as_str().unwrap())
        .collect();
    assert_eq!(settings, ["imageTagMutability", "lifecyclePolicy"]);

    // The cache template decides for names a cache rule covers.
    let nginx = template_drift(
        &s,
        "docker-hub/library/nginx",
        &TemplatedSettings::from(&existing("docker-hub/library/nginx")),
    );
    assert_eq!(nginx.details["appliedFor"], "PULL_THROUGH_CACHE");
    assert!(!nginx.ok, "the repository lacks the template's lifecycle policy");
}

#[test]
fn ensure_options_are_compared_with_the_template() {
    let s = snapshot();
    let finding = template_drift(&s, "team/new", &TemplatedSettings::from(&EnsureOptions::default()));
    assert!(!finding.ok);
    let drift = finding.details["drift"].to_string();
    assert!(
        drift.contains("imageTagMutability") && drift.contains("encryptionType"),
        "{drift}"
    );
    let mut no_templates = s.clone();
    no_templates.repository_creation_templates.clear();
    assert!(
        template_drift(
            &no_templates,
            "team/new",
            &TemplatedSettings::from(&EnsureOptions::default())
        )
        .ok
    );
}

#[test]
fn snapshot_errors_name_the_field() {
    let cases = [
        (
            r#"{"scanningConfiguration": {"scanType": "DEEP"}}"#,
            "scanningConfiguration.scanType",
        ),
        (
            r#"{"scanningConfiguration": {"rules": [{"scanFrequency": "HOURLY", "repositoryFilters": []}]}}"#,
            "scanningConfiguration.rules[0].scanFrequency",
        ),
        (
            r#"{"replicationConfiguration": {"rules": [{"destinations": [], "repositoryFilters": [{"filterType": "WILDCARD", "filter": "a"}]}]}}"#,
            "replicationConfiguration.rules[0].repositoryFilters[0].filterType",
        ),
        (
            r#"{"repositoryCreationTemplates": [{"prefix": "a", "appliedFor": ["SOMETIMES"]}]}"#,
            "repositoryCreationTemplates[0].appliedFor[0]",
        ),
        (
            r#"{"repositoryCreationTemplates": [{"prefix": "a", "encryptionConfiguration": {"encryptionType": "ROT13"}}]}"#,
            "repositoryCreationTemplates[0].encryptionConfiguration.encryptionType",
        ),
        (
            r#"{"accountSettings": [{"name": "BLOB_MOUNTING"}]}"#,
            "accountSettings[0]",
        ),
        ("[1]", ""),
        ("{", ""),
    ];
    for (text, path) in cases {
        let e = RegistrySnapshot::from_json(text).unwrap_err();
        assert_eq!(e.code(), "PolicyValidation", "{text}");
        assert_eq!(e.field_errors()[0].path, path, "{text}: {e}");
    }
    let listed =
        RegistrySnapshot::from_json(r#"{"accountSettings": [{"name": "BLOB_MOUNTING", "value": "ENABLED"}]}"#).unwrap();
    assert_eq!(listed.account_setting("BLOB_MOUNTING"), Some("ENABLED"));
}

mod live {
    use super::*;
    use crate::lifecycle::tests::client;
    use aws_sdk_ecr::Client;
    use aws_smithy_mocks::{Rule, mock};
    use aws_smithy_runtime_api::http::{Response as HttpResponse, StatusCode};
    use aws_smithy_types::body::SdkBody;

    fn ok(body: Value) -> HttpResponse {
        HttpResponse::new(StatusCode::try_from(200).unwrap(), SdkBody::from(body.to_string()))
    }

    /// The snapshot's parts as the API returns them: templates over two pages, the rest in one.
    fn rules(snapshot: &Value, signing_missing: bool) -> Vec<Rule> {
        let templates = snapshot["repositoryCreationTemplates"].as_array().unwrap().clone();
        let (first, second) = templates.split_at(2);
        let (first, second) = (first.to_vec(), second.to_vec());
        let caches = snapshot["pullThroughCacheRules"].clone();
        let replication = snapshot["replicationConfiguration"].clone();
        let scanning = snapshot["scanningConfiguration"].clone();
        let signing = snapshot["signingConfiguration"].clone();
        let settings = snapshot["accountSettings"].clone();
        vec![
            mock!(Client::describe_repository_creation_templates)
                .match_requests(|r| r.next_token().is_none())
                .then_http_response(move || {
                    ok(json!({"registryId": "123456789012", "repositoryCreationTemplates": first, "nextToken": "p2"}))
                }),
            mock!(Client::describe_repository_creation_templates)
                .match_requests(|r| r.next_token() == Some("p2"))
                .then_http_response(move || {
                    ok(json!({"registryId": "123456789012", "repositoryCreationTemplates": second}))
                }),
            mock!(Client::describe_pull_through_cache_rules)
                .then_http_response(move || ok(json!({"pullThroughCacheRules": caches}))),
            mock!(Client::describe_registry).then_http_response(move || {
                ok(json!({"registryId": "123456789012", "replicationConfiguration": replication}))
            }),
            mock!(Client::get_registry_scanning_configuration).then_http_response(move || {
                ok(json!({"registryId": "123456789012", "scanningConfiguration": scanning}))
            }),
            mock!(Client::get_signing_configuration).then_http_response(move || {
                if signing_missing {
                    HttpResponse::new(
                        StatusCode::try_from(400).unwrap(),
                        SdkBody::from(
                            json!({"__type": "SigningConfigurationNotFoundException", "message": "not configured"})
                                .to_string(),
                        ),
                    )
                } else {
                    ok(json!({"registryId": "123456789012", "signingConfiguration": signing}))
                }
            }),
            mock!(Client::get_account_setting)
                .then_http_response(move || ok(json!({"name": "BLOB_MOUNTING", "value": settings["BLOB_MOUNTING"]}))),
        ]
    }

    #[tokio::test]
    async fn snapshot_read_over_every_page_equals_the_saved_one() {
        let text = std::fs::read_to_string(fixtures().join("snapshot.json")).unwrap();
        let saved: Value = serde_json::from_str(&text).unwrap();
        let read = client(&rules(&saved, false).iter().collect::<Vec<_>>())
            .registry_snapshot()
            .await
            .unwrap();
        let mut expected = snapshot();
        // The replayed GetAccountSetting answers BLOB_MOUNTING for every name asked.
        for name in ACCOUNT_SETTINGS {
            expected.account_settings.insert(name.to_owned(), "ENABLED".to_owned());
        }
        assert_eq!(read.repository_creation_templates.len(), 4, "both pages read");
        assert_eq!(read, expected);
    }

    #[tokio::test]
    async fn no_signing_configuration_is_none_not_an_error() {
        let saved: Value =
            serde_json::from_str(&std::fs::read_to_string(fixtures().join("snapshot.json")).unwrap()).unwrap();
        let read = client(&rules(&saved, true).iter().collect::<Vec<_>>())
            .registry_snapshot()
            .await
            .unwrap();
        assert_eq!(read.signing_configuration, None);
        assert!(effective_settings(&read, "team/app", None).signing.is_empty());
    }
}
