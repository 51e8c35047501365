//! Tests of the tagging capability: planning rules for every tag type and attribute, the policy checks,
//! and the ECR reads over replayed responses (aws-smithy-mocks).
//!
//! The mocks cover what moto (the emulator) cannot: DescribeImages pagination (moto returns one page),
//! exclusion filters on DescribeRepositories, and the `imageStatus=ANY` filter. Responses are shaped like
//! the examples in the ECR API reference.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use aws_config::SdkConfig;
use aws_sdk_ecr::operation::describe_images::DescribeImagesOutput;
use aws_sdk_ecr::operation::describe_repositories::{DescribeRepositoriesError, DescribeRepositoriesOutput};
use aws_sdk_ecr::types::{
    ImageDetail as SdkImageDetail, ImageStatusFilter, ImageTagMutability, ImageTagMutabilityExclusionFilter,
    ImageTagMutabilityExclusionFilterType, Repository as SdkRepository, TagStatus,
};
use aws_smithy_mocks::{RuleMode, mock, mock_client};

use super::*;
use crate::EcrClient;
use crate::types::{ImageDetail, TagMutability};

const SHA: &str = "4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39";

fn digest(n: u8) -> String {
    format!("sha256:{}", format!("{n:x}").repeat(64))
}

fn ctx(git_ref: &str) -> BuildContext {
    BuildContext::from_json(&format!(
        r#"{{"sha":"{SHA}","ref":"{git_ref}","defaultBranch":"main","buildNumber":"7","created":"2026-03-04T05:06:07Z"}}"#
    ))
    .unwrap()
}

fn strategy(json: &str) -> TagStrategy {
    TagStrategy::from_json(json).unwrap()
}

fn tags(plan: &TagPlan) -> Vec<(&str, TagKind)> {
    plan.tags.iter().map(|t| (t.value.as_str(), t.kind)).collect()
}

use TagKind::{Immutable as I, Rolling as R};

// ---------------------------------------------------------------- planning

#[test]
fn pep440_versions_roll_like_releases_and_respect_backports() {
    let s = strategy(
        r#"{"tags":["type=pep440,pattern={{version}}","type=pep440,pattern={{major}}.{{minor}}","type=pep440,pattern={{major}}"]}"#,
    );
    let p = s.plan(&ctx("refs/tags/v1.2"), []).unwrap();
    assert_eq!(
        tags(&p),
        [("1.2", I), ("1", R), ("latest", R)],
        "1.2 is both the version and {{major}}.{{minor}}"
    );
    // Pre, dev and post releases give their normalised version only.
    for (tag, version) in [
        ("1.1beta2", "1.1b2"),
        ("1.0dev4", "1.0.dev4"),
        ("1.2post1", "1.2.post1"),
    ] {
        let p = s.plan(&ctx(&format!("refs/tags/{tag}")), []).unwrap();
        assert_eq!(tags(&p), [(version, I)], "{tag}");
    }
    // A backport keeps the rolling tags where they are.
    let p = s.plan(&ctx("refs/tags/1.1.5"), ["1.2.0", "1.1.4"]).unwrap();
    assert_eq!(tags(&p), [("1.1.5", I), ("1.1", R)]);
    assert!(p.warnings.iter().any(|w| w.code == codes::ROLLING_TAG_WITHHELD));
    let p = s.plan(&ctx("refs/tags/not-a-version"), []).unwrap();
    assert!(p.tags.is_empty());
    assert_eq!(p.warnings[0].code, codes::NOT_SEMVER);
}

#[test]
fn match_entries_take_a_group_and_warn_when_nothing_matches() {
    let s = strategy(
        r#"{"tags":["type=match,pattern=v(\\d+)\\.\\d+,group=1","type=match,\"pattern=/^release-(.*)$/i\",group=1"]}"#,
    );
    let p = s.plan(&ctx("refs/tags/v2.5.1"), []).unwrap();
    assert_eq!(tags(&p), [("2", R), ("latest", R)]);
    assert_eq!(p.warnings[0].code, codes::NO_MATCH, "the second pattern finds nothing");
    let p = s.plan(&ctx("refs/tags/RELEASE-1.0.0"), []).unwrap();
    assert_eq!(tags(&p), [("1.0.0", I), ("latest", R)], "a full version is immutable");
    // `value` replaces the git tag; on a branch push without a value nothing is matched.
    let s = strategy(r#"{"tags":["type=match,pattern=\\d+,value=build-{{build_number}}"]}"#);
    assert_eq!(tags(&s.plan(&ctx("refs/heads/main"), []).unwrap())[0], ("7", R));
    let s = strategy(r#"{"tags":["type=semver,pattern={{version}},\"match=v(\\d.\\d.\\d)$\""]}"#);
    let p = s.plan(&ctx("refs/tags/p1/v1.2.3"), []).unwrap();
    assert_eq!(tags(&p), [("1.2.3", I), ("latest", R)]);
    let p = s.plan(&ctx("refs/tags/1.2.3"), []).unwrap();
    assert_eq!(
        p.warnings[0].code,
        codes::NO_MATCH,
        "no match: the whole tag is used, as the action does"
    );
    assert_eq!(tags(&p), [("1.2.3", I), ("latest", R)]);
}

#[test]
fn every_tag_type_yields_on_its_event_only() {
    let s = strategy(
        r#"{"tags":["type=schedule","type=semver,pattern={{version}}","type=ref,event=branch","type=ref,event=tag",
                   "type=ref,event=pr","type=raw,value=r","type=edge","type=sha"]}"#,
    );
    let p = s.plan(&ctx("refs/heads/main"), []).unwrap();
    assert_eq!(tags(&p), [("edge", R), ("main", R), ("r", R), ("sha-4f2a9c1", I)]);
    let p = s.plan(&ctx("refs/tags/v1.0.0"), []).unwrap();
    assert_eq!(
        tags(&p),
        [("1.0.0", I), ("v1.0.0", I), ("r", R), ("sha-4f2a9c1", I), ("latest", R)]
    );
    let p = s.plan(&ctx("refs/pull/5/head"), []).unwrap();
    assert_eq!(tags(&p), [("pr-5", R), ("r", R), ("sha-4f2a9c1", I)]);
    let mut sched = ctx("refs/heads/main");
    sched.event = Some(BuildEvent::Schedule);
    let p = s.plan(&sched, []).unwrap();
    assert_eq!(p.tags[0].value, "nightly");
    assert_eq!(p.tags[0].rule, "type=schedule");
}

#[test]
fn attributes_enable_priority_prefix_suffix_format_branch_kind() {
    let s = strategy(
        r#"{"tags":[
            {"type":"raw","value":"off","enable":false},
            {"type":"raw","value":"default-only","enable":"{{is_default_branch}}"},
            {"type":"raw","value":"not-default","enable":"{{is_not_default_branch}}"},
            {"type":"raw","value":"first","priority":5000},
            {"type":"sha","format":"long","prefix":"","suffix":"-src"},
            {"type":"edge","branch":"develop"},
            {"type":"raw","value":"b{{build_number}}","kind":"rolling"},
            {"type":"raw","value":"pinned","kind":"immutable"}
        ],"shortShaLength":10}"#,
    );
    let p = s.plan(&ctx("refs/heads/main"), []).unwrap();
    assert_eq!(
        tags(&p),
        [
            ("first", R),
            ("default-only", R),
            ("b7", R),
            ("pinned", I),
            (&format!("{SHA}-src")[..], I)
        ]
    );
    let p = s.plan(&ctx("refs/heads/develop"), []).unwrap();
    let values: Vec<&str> = p.tag_values().collect();
    assert_eq!(values[..3], ["first", "edge", "not-default"]);
    let short = strategy(r#"{"tags":["type=sha"],"shortShaLength":10}"#);
    assert_eq!(
        short.plan(&ctx("refs/heads/x"), []).unwrap().tags[0].value,
        "sha-4f2a9c1e8b"
    );
    // An enable expression that renders to something else than true/false is an error, not a guess.
    let bad = strategy(r#"{"tags":[{"type":"raw","value":"x","enable":"{{branch}}"}]}"#);
    let err = bad.plan(&ctx("refs/heads/main"), []).unwrap_err();
    assert_eq!(err.code(), "PolicyValidation");
    assert_eq!(err.field_errors()[0].path, "tags[0].enable");
    assert!(err.field_errors()[0].message.contains("\"main\""), "{err}");
    // One without an expression is refused when the strategy is read.
    let err = TagStrategy::from_json(r#"{"tags":["type=raw,x,enable=yes"]}"#).unwrap_err();
    assert_eq!(err.field_errors()[0].path, "tags[0].enable");
}

#[test]
fn semver_value_attribute_and_non_semver_values() {
    let s = strategy(r#"{"tags":[{"type":"semver","pattern":"{{version}}","value":"v3.4.5"}]}"#);
    let p = s.plan(&ctx("refs/heads/main"), []).unwrap();
    assert_eq!(tags(&p), [("3.4.5", I), ("latest", R)]);
    let p = s.plan(&ctx("refs/tags/not-a-version"), []).unwrap();
    assert_eq!(p.tags[0].value, "3.4.5", "value wins over the git tag");
    let s = strategy(r#"{"tags":["type=semver,pattern={{version}}","type=sha"]}"#);
    let p = s.plan(&ctx("refs/tags/release-7"), []).unwrap();
    assert_eq!(tags(&p), [("sha-4f2a9c1", I)]);
    assert_eq!(p.warnings[0].code, codes::NOT_SEMVER);
}

#[test]
fn latest_rules_stable_prerelease_backport_branch() {
    let s = strategy(r#"{"tags":["type=semver,pattern={{version}}","type=semver,pattern={{major}}"]}"#);
    let has_latest = |p: &TagPlan| p.tag_values().any(|t| t == "latest");
    assert!(has_latest(&s.plan(&ctx("refs/tags/v2.1.0"), []).unwrap()));
    let pre = s.plan(&ctx("refs/tags/v2.1.0-beta.3"), []).unwrap();
    assert!(!has_latest(&pre));
    assert_eq!(
        tags(&pre),
        [("2.1.0-beta.3", I)],
        "{{major}} collapses to the version on a pre-release"
    );
    let existing = ["2.0.0", "3.0.0", "3", "latest"];
    let back = s.plan(&ctx("refs/tags/v2.1.0"), existing).unwrap();
    assert_eq!(tags(&back), [("2.1.0", I), ("2", R)]);
    let newer = s.plan(&ctx("refs/tags/v3.0.1"), existing).unwrap();
    assert!(has_latest(&newer));
    assert!(!has_latest(&s.plan(&ctx("refs/heads/main"), []).unwrap()));
    // metadata-action's ref tag: latest for a stable, highest version, never for a pre-release.
    let r = strategy(r#"{"tags":["type=ref,event=tag"]}"#);
    assert!(has_latest(&r.plan(&ctx("refs/tags/v1.0.0"), []).unwrap()));
    assert!(!has_latest(&r.plan(&ctx("refs/tags/v1.0.0-rc.1"), []).unwrap()));
    assert!(!has_latest(&r.plan(&ctx("refs/tags/v1.0.0"), ["v1.1.0"]).unwrap()));
    assert!(has_latest(&r.plan(&ctx("refs/tags/nightly-build"), []).unwrap()));
    // {{raw}} keeps the pre-release text as written.
    let raw = strategy(r#"{"tags":["type=semver,pattern={{raw}}"]}"#);
    assert_eq!(
        raw.plan(&ctx("refs/tags/v2.0.0-rc.1"), []).unwrap().tags[0].value,
        "v2.0.0-rc.1"
    );
}

#[test]
fn labels_and_annotations() {
    let s =
        strategy(r#"{"tags":["type=semver,pattern={{version}}"],"labels":{"org.opencontainers.image.vendor":"ACME"}}"#);
    let mut c = ctx("refs/tags/v1.2.3");
    c.source = Some("https://example.com/acme/shop".into());
    c.title = Some("shop".into());
    let p = s.plan(&c, []).unwrap();
    assert_eq!(p.labels["org.opencontainers.image.revision"], SHA);
    assert_eq!(p.labels["org.opencontainers.image.version"], "1.2.3");
    assert_eq!(p.labels["org.opencontainers.image.created"], "2026-03-04T05:06:07Z");
    assert_eq!(
        p.labels["org.opencontainers.image.source"],
        "https://example.com/acme/shop"
    );
    assert_eq!(p.labels["org.opencontainers.image.vendor"], "ACME");
    let ann = p.annotations(&["manifest", "index"]);
    assert_eq!(ann["index:org.opencontainers.image.revision"], SHA);
    // Annotations carry the OCI keys; the strategy's `labels` (the vendor) are labels only, as in metadata-action.
    assert_eq!(ann.len(), 2 * (p.labels.len() - 1));
    assert!(!ann.contains_key("manifest:org.opencontainers.image.vendor"));
}

#[test]
fn duplicates_are_dropped_and_reported_when_kinds_differ() {
    let s = strategy(
        r#"{"tags":["type=raw,value=main","type=ref,event=branch","type=raw,value=x,kind=immutable","type=raw,value=x"]}"#,
    );
    let p = s.plan(&ctx("refs/heads/main"), []).unwrap();
    assert_eq!(tags(&p), [("main", R), ("x", I)]);
    assert_eq!(p.warnings.len(), 1);
    assert_eq!(p.warnings[0].code, codes::DUPLICATE_TAG);
}

// ---------------------------------------------------------------- policy

fn report(
    s: &TagStrategy,
    c: &BuildContext,
    policy: &TagPolicy,
    repo: &RepositoryState,
    d: Option<&str>,
) -> PlanReport {
    evaluate(s, c, policy, repo, d).unwrap()
}

fn codes_of(v: &[Violation]) -> Vec<&str> {
    v.iter().map(|v| v.code.as_str()).collect()
}

#[test]
fn policy_forbidden_rolling_reserved_and_cap() {
    let s = strategy(r#"{"tags":["type=ref,event=branch","type=raw,value=sha256-{{sha}}","type=sha"]}"#);
    let policy = TagPolicy {
        forbid_rolling_tags: true,
        forbidden_tags: vec!["ma*".into()],
        ..TagPolicy::default()
    };
    let r = report(&s, &ctx("refs/heads/main"), &policy, &RepositoryState::default(), None);
    assert_eq!(
        codes_of(&r.violations),
        [codes::ROLLING_TAG_FORBIDDEN, codes::TAG_FORBIDDEN]
    );

    let hex = "a".repeat(64);
    let reserved = strategy(&format!(r#"{{"tags":["type=raw,value=sha256-{hex}.sig"]}}"#));
    let r = report(
        &reserved,
        &ctx("refs/heads/main"),
        &TagPolicy::default(),
        &RepositoryState::default(),
        None,
    );
    assert_eq!(codes_of(&r.violations), [codes::RESERVED_TAG]);

    // 999 tags already on the digest + 2 planned = 1001 > ECR's 1000.
    let d = digest(1);
    let repo = RepositoryState {
        images: Some(vec![ImageDetail {
            image_digest: d.clone(),
            image_tags: (0..999).map(|i| format!("old-{i}")).collect(),
            ..Default::default()
        }]),
        ..Default::default()
    };
    let two = strategy(r#"{"tags":["type=ref,event=branch","type=sha"]}"#);
    let r = report(&two, &ctx("refs/heads/main"), &TagPolicy::default(), &repo, Some(&d));
    assert_eq!(codes_of(&r.violations), [codes::TOO_MANY_TAGS]);
    let r = report(
        &two,
        &ctx("refs/heads/main"),
        &TagPolicy::default(),
        &repo,
        Some(&digest(2)),
    );
    assert!(r.is_ok(), "another digest's tags do not count");
    let small = TagPolicy {
        max_tags_per_image: 1,
        ..TagPolicy::default()
    };
    let r = report(&two, &ctx("refs/heads/main"), &small, &RepositoryState::default(), None);
    assert_eq!(codes_of(&r.violations), [codes::TOO_MANY_TAGS]);
}

#[test]
fn every_mutability_setting_with_and_without_exclusions() {
    let s = strategy(r#"{"tags":["type=semver,pattern={{version}}","type=ref,event=branch","type=sha"]}"#);
    let c = ctx("refs/tags/v1.0.0");
    let state = |m: TagMutability, f: &[&str]| RepositoryState {
        mutability: Some(m),
        exclusion_filters: f.iter().map(|s| s.to_string()).collect(),
        images: None,
    };
    let check = |repo: RepositoryState| {
        let r = report(&s, &c, &TagPolicy::default(), &repo, None);
        let v: Vec<(String, Option<String>)> = r.violations.iter().map(|v| (v.code.clone(), v.tag.clone())).collect();
        let w: Vec<(String, Option<String>)> = r.warnings.iter().map(|v| (v.code.clone(), v.tag.clone())).collect();
        (v, w)
    };
    let t = |c: &str, tag: &str| (c.to_owned(), Some(tag.to_owned()));
    // Tags: 1.0.0 (immutable), sha-4f2a9c1 (immutable), latest (rolling).
    let (v, w) = check(state(TagMutability::Mutable, &[]));
    assert!(v.is_empty());
    assert_eq!(
        w,
        [
            t(codes::IMMUTABLE_TAG_UNPROTECTED, "1.0.0"),
            t(codes::IMMUTABLE_TAG_UNPROTECTED, "sha-4f2a9c1")
        ]
    );
    let (v, w) = check(state(TagMutability::Immutable, &[]));
    assert_eq!(v, [t(codes::ROLLING_TAG_IMMUTABLE, "latest")]);
    assert!(w.is_empty());
    let (v, w) = check(state(TagMutability::ImmutableWithExclusion, &["lat*"]));
    assert!(v.is_empty());
    assert!(w.is_empty());
    let (v, w) = check(state(TagMutability::ImmutableWithExclusion, &["sha-*"]));
    assert_eq!(v, [t(codes::ROLLING_TAG_IMMUTABLE, "latest")]);
    assert_eq!(w, [t(codes::IMMUTABLE_TAG_UNPROTECTED, "sha-4f2a9c1")]);
    let (v, w) = check(state(TagMutability::MutableWithExclusion, &["*.*.*", "sha-*"]));
    assert!(v.is_empty());
    assert!(w.is_empty());
    let (v, w) = check(state(TagMutability::MutableWithExclusion, &["latest"]));
    assert_eq!(v, [t(codes::ROLLING_TAG_IMMUTABLE, "latest")]);
    assert_eq!(w.len(), 2);
}

// ---------------------------------------------------------------- ECR (mocked)

fn sdk_image(d: &str, tags: &[&str]) -> SdkImageDetail {
    let mut b = SdkImageDetail::builder().image_digest(d).repository_name("team/app");
    for t in tags {
        b = b.image_tags(*t);
    }
    b.build()
}

fn repo_rule(m: ImageTagMutability, filters: &[&str]) -> aws_smithy_mocks::Rule {
    let filters: Vec<String> = filters.iter().map(|s| s.to_string()).collect();
    mock!(aws_sdk_ecr::Client::describe_repositories)
        .match_requests(|r| r.repository_names() == ["team/app"])
        .then_output(move || {
            let mut repo = SdkRepository::builder()
                .repository_name("team/app")
                .repository_arn("arn:aws:ecr:us-east-1:123456789012:repository/team/app")
                .registry_id("123456789012")
                .repository_uri("123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app")
                .image_tag_mutability(m.clone());
            for f in &filters {
                repo = repo.image_tag_mutability_exclusion_filters(
                    ImageTagMutabilityExclusionFilter::builder()
                        .filter_type(ImageTagMutabilityExclusionFilterType::Wildcard)
                        .filter(f)
                        .build()
                        .unwrap(),
                );
            }
            DescribeRepositoriesOutput::builder().repositories(repo.build()).build()
        })
}

fn image_pages(d1: String, d2: String) -> [aws_smithy_mocks::Rule; 2] {
    let filtered = |r: &aws_sdk_ecr::operation::describe_images::DescribeImagesInput| {
        r.filter().is_some_and(|f| {
            f.tag_status() == Some(&TagStatus::Tagged) && f.image_status() == Some(&ImageStatusFilter::Any)
        })
    };
    let first = mock!(aws_sdk_ecr::Client::describe_images)
        .match_requests(move |r| filtered(r) && r.next_token().is_none())
        .then_output(move || {
            DescribeImagesOutput::builder()
                .image_details(sdk_image(&d1, &["1.0.0", "1.0"]))
                .next_token("page-2")
                .build()
        });
    let second = mock!(aws_sdk_ecr::Client::describe_images)
        .match_requests(move |r| filtered(r) && r.next_token() == Some("page-2"))
        .then_output(move || {
            DescribeImagesOutput::builder()
                .image_details(sdk_image(&d2, &["1.1.0", "latest"]))
                .build()
        });
    [first, second]
}

#[tokio::test]
async fn repository_tag_state_reads_filters_and_every_page() {
    let repo = repo_rule(ImageTagMutability::ImmutableWithExclusion, &["latest", "1.*"]);
    let [p1, p2] = image_pages(digest(1), digest(2));
    let client = EcrClient::from_sdk_client(
        mock_client!(aws_sdk_ecr, RuleMode::MatchAny, [&repo, &p1, &p2]),
        SdkConfig::builder().build(),
    );
    let state = client.repository_tag_state("team/app").await.unwrap();
    assert_eq!(state.mutability, Some(TagMutability::ImmutableWithExclusion));
    assert_eq!(state.exclusion_filters, ["latest", "1.*"]);
    let tags: Vec<&str> = state.existing_tags().collect();
    assert_eq!(tags, ["1.0.0", "1.0", "1.1.0", "latest"]);
    assert_eq!(p1.num_calls(), 1);
    assert_eq!(p2.num_calls(), 1, "the second page was read");
}

#[tokio::test]
async fn check_tag_plan_against_the_repository() {
    let repo = repo_rule(ImageTagMutability::ImmutableWithExclusion, &["latest"]);
    let [p1, p2] = image_pages(digest(1), digest(2));
    let client = EcrClient::from_sdk_client(
        mock_client!(aws_sdk_ecr, RuleMode::MatchAny, [&repo, &p1, &p2]),
        SdkConfig::builder().build(),
    );
    let s = strategy(r#"{"tags":["type=semver,pattern={{version}}","type=semver,pattern={{major}}.{{minor}}"]}"#);
    // Rebuilding 1.0.0 on a new digest: 1.0.0 is a retag. 1.0 may roll (1.0.0 is the highest on its line)
    // but is immutable in this repository and already names another digest; latest is withheld (1.1.0).
    let r = client
        .check_tag_plan(
            "team/app",
            &s,
            &ctx("refs/tags/v1.0.0"),
            &TagPolicy::default(),
            Some(&digest(3)),
        )
        .await
        .unwrap();
    let tag_values: Vec<&str> = r.tags.iter().map(|t| t.value.as_str()).collect();
    assert_eq!(tag_values, ["1.0.0", "1.0"]);
    let v: Vec<(&str, Option<&str>)> = r
        .violations
        .iter()
        .map(|v| (v.code.as_str(), v.tag.as_deref()))
        .collect();
    assert_eq!(
        v,
        [
            (codes::ROLLING_TAG_IMMUTABLE, Some("1.0")),
            (codes::RETAG_IMMUTABLE, Some("1.0.0")),
            (codes::RETAG_IMMUTABLE, Some("1.0")),
        ]
    );
    assert!(
        r.warnings
            .iter()
            .any(|w| w.code == codes::ROLLING_TAG_WITHHELD && w.tag.as_deref() == Some("latest"))
    );
}

#[tokio::test]
async fn missing_repository_and_bad_names_are_typed_errors() {
    let missing = mock!(aws_sdk_ecr::Client::describe_repositories).then_error(|| {
        DescribeRepositoriesError::RepositoryNotFoundException(
            aws_sdk_ecr::types::error::RepositoryNotFoundException::builder()
                .message("The repository with name 'team/app' does not exist in the registry with id '123456789012'")
                .build(),
        )
    });
    let client = EcrClient::from_sdk_client(mock_client!(aws_sdk_ecr, [&missing]), SdkConfig::builder().build());
    assert_eq!(
        client.repository_tag_state("team/app").await.unwrap_err().code(),
        "RepositoryNotFound"
    );
    assert_eq!(
        client.repository_tag_state("Team/App").await.unwrap_err().code(),
        "InvalidReference"
    );
    assert_eq!(missing.num_calls(), 1, "a bad name never reaches ECR");
}
