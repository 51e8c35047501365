//! The tagging checks against the local ECR emulator (moto's server): images are put with explicit digests
//! under tags, then a plan is checked against what ECR reports (mutability, exclusion filters, tags, digests).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use ecr_core::tagging::{BuildContext, TagPolicy, TagStrategy, codes};
use ecr_core::types::{RepositorySettings, TagMutability};
use sha2::{Digest, Sha256};

const MEDIA: &str = "application/vnd.oci.image.manifest.v1+json";

/// A distinct minimal OCI manifest per `seed`, and its digest.
fn manifest(seed: &str) -> (String, String) {
    let config = format!("{{\"seed\":\"{seed}\"}}");
    let body = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": MEDIA,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": config.len(),
                   "digest": format!("sha256:{}", hex::encode(Sha256::digest(config.as_bytes())))},
        "layers": []
    })
    .to_string();
    let digest = format!("sha256:{}", hex::encode(Sha256::digest(body.as_bytes())));
    (body, digest)
}

fn context(tag: &str) -> BuildContext {
    BuildContext::from_json(&format!(
        r#"{{"sha":"4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39","ref":"refs/tags/{tag}","created":"2026-03-04T05:06:07Z"}}"#
    ))
    .unwrap()
}

#[tokio::test]
async fn retag_checks_against_the_emulator() {
    let emu = support::emulator();
    let client = emu.client().await;
    let name = support::unique("tagging/retag");
    let settings = RepositorySettings {
        tag_mutability: TagMutability::Mutable,
        ..RepositorySettings::recommended()
    };
    client.create_repository(&name, &settings).await.unwrap();

    let (old_body, old_digest) = manifest("1.0.0");
    let (older_body, older_digest) = manifest("0.9.0");
    let (_, rebuilt_digest) = manifest("1.0.0-rebuilt");
    for (body, digest, tag) in [
        (&older_body, &older_digest, "0.9.0"),
        (&old_body, &old_digest, "1.0.0"),
        (&old_body, &old_digest, "latest"),
    ] {
        client
            .put_image(&name, body, Some(MEDIA), Some(tag), Some(digest))
            .await
            .unwrap();
    }

    let state = client.repository_tag_state(&name).await.unwrap();
    assert_eq!(state.mutability, Some(TagMutability::Mutable));
    let mut existing: Vec<&str> = state.existing_tags().collect();
    existing.sort();
    assert_eq!(existing, ["0.9.0", "1.0.0", "latest"]);

    let strategy = TagStrategy::from_json(r#"{"tags":["type=semver,pattern={{version}}","type=sha"]}"#).unwrap();
    let policy = TagPolicy::default();

    // A rebuilt 1.0.0 (new digest) under the existing immutable tag: retagging a rebuilt image.
    let r = client
        .check_tag_plan(&name, &strategy, &context("v1.0.0"), &policy, Some(&rebuilt_digest))
        .await
        .unwrap();
    let v: Vec<(&str, Option<&str>)> = r
        .violations
        .iter()
        .map(|v| (v.code.as_str(), v.tag.as_deref()))
        .collect();
    assert_eq!(v, [(codes::RETAG_IMMUTABLE, Some("1.0.0"))]);
    assert!(r.violations[0].message.contains(&old_digest));

    // The same image again: already present, no violation; `latest` is already there too.
    let r = client
        .check_tag_plan(&name, &strategy, &context("v1.0.0"), &policy, Some(&old_digest))
        .await
        .unwrap();
    assert!(r.is_ok(), "{:?}", r.violations);
    let present: Vec<&str> = r
        .warnings
        .iter()
        .filter(|w| w.code == codes::ALREADY_PRESENT)
        .filter_map(|w| w.tag.as_deref())
        .collect();
    assert_eq!(present, ["1.0.0", "latest"]);

    // A backport 0.9.1 after 1.0.0: new tags only, latest withheld.
    let r = client
        .check_tag_plan(&name, &strategy, &context("v0.9.1"), &policy, Some(&rebuilt_digest))
        .await
        .unwrap();
    let tags: Vec<&str> = r.tags.iter().map(|t| t.value.as_str()).collect();
    assert_eq!(tags, ["0.9.1", "sha-4f2a9c1"]);
    assert!(r.is_ok());

    // Production with the backport: no latest, an immutable tag: clean. With a new release: latest refused.
    let prod = TagPolicy::production();
    let r = client
        .check_tag_plan(&name, &strategy, &context("v1.1.0"), &prod, Some(&rebuilt_digest))
        .await
        .unwrap();
    let codes_seen: Vec<&str> = r.violations.iter().map(|v| v.code.as_str()).collect();
    assert_eq!(codes_seen, [codes::LATEST_FORBIDDEN]);
}

#[tokio::test]
async fn immutable_repository_refuses_rolling_tags() {
    let emu = support::emulator();
    let client = emu.client().await;
    let name = support::unique("tagging/immutable");
    client
        .create_repository(&name, &RepositorySettings::recommended())
        .await
        .unwrap();
    let (body, digest) = manifest("immutable");
    client
        .put_image(&name, &body, Some(MEDIA), Some("2.0.0"), Some(&digest))
        .await
        .unwrap();

    let strategy =
        TagStrategy::from_json(r#"{"tags":["type=semver,pattern={{version}}","type=semver,pattern={{major}}"]}"#)
            .unwrap();
    let r = client
        .check_tag_plan(
            &name,
            &strategy,
            &context("v2.0.0"),
            &TagPolicy::default(),
            Some(&digest),
        )
        .await
        .unwrap();
    let v: Vec<(&str, Option<&str>)> = r
        .violations
        .iter()
        .map(|v| (v.code.as_str(), v.tag.as_deref()))
        .collect();
    assert_eq!(
        v,
        [
            (codes::ROLLING_TAG_IMMUTABLE, Some("2")),
            (codes::ROLLING_TAG_IMMUTABLE, Some("latest"))
        ]
    );
    let present = r.warnings.iter().find(|w| w.code == codes::ALREADY_PRESENT).unwrap();
    assert_eq!(present.tag.as_deref(), Some("2.0.0"));
    assert!(present.message.contains("ECR refuses even an identical push"));

    let err = client
        .repository_tag_state(&support::unique("tagging/missing"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "RepositoryNotFound");
}
