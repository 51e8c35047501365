//! Property test of lifecycle with the inventory over generated repositories (image indexes with children,
//! referrers by `subjectManifestDigest`, by the `sha256-<hex>` fallback tag and by cosign's legacy tags) and
//! generated policies: no digest of a complete inventory, nor any child or referrer of one (however deep), is
//! ever expired, and the library's closure equals a naive model's.
//!
//! 3,000 cases; repositories of at most 30 images keep the debug-mode run to a few seconds.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, TimeZone, Utc};
use ecr_core::inventory::{SourceKind, inventory_from_texts, repository_closure};
use ecr_core::lifecycle::{EvaluationContext, LifecyclePolicy};
use ecr_core::types::{ImageDetail, ImageStatus};
use proptest::prelude::*;
use serde_json::json;

const HOST: &str = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app";
const SUFFIXES: [&str; 4] = ["", ".sig", ".att", ".sbom"];

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap()
}

fn digest(i: usize) -> String {
    format!("sha256:{i:064x}")
}

/// How one image relates to an earlier one.
#[derive(Debug, Clone)]
enum Link {
    None,
    /// A referrer with `subjectManifestDigest`.
    Subject(usize),
    /// A referrer tagged `sha256-<hex of the subject><suffix>`.
    FallbackTag(usize, usize),
}

#[derive(Debug, Clone)]
struct Repo {
    images: Vec<ImageDetail>,
    lists: BTreeMap<String, Vec<String>>,
    in_use: BTreeSet<String>,
}

fn repo() -> impl Strategy<Value = Repo> {
    (2usize..30)
        .prop_flat_map(|n| {
            (
                proptest::collection::vec(
                    (
                        0i64..60,
                        proptest::option::of(0usize..3),
                        0usize..3,
                        0usize..n,
                        0usize..4,
                    ),
                    n,
                ),
                proptest::collection::vec((0usize..n, proptest::collection::vec(0usize..n, 1..4)), 0..4),
                proptest::collection::btree_set(0usize..n, 0..4),
            )
        })
        .prop_map(|(specs, lists, used)| {
            let tags = ["v1", "v2", "prod"];
            let mut images = Vec::new();
            // A tag names one image of a repository.
            let mut taken = BTreeSet::new();
            for (i, (age, tag, link_kind, target, suffix)) in specs.into_iter().enumerate() {
                let link = match link_kind {
                    1 if target != i => Link::Subject(target),
                    2 if target != i => Link::FallbackTag(target, suffix),
                    _ => Link::None,
                };
                let mut image_tags: Vec<String> = tag.map(|t| tags[t].to_owned()).into_iter().collect();
                let mut subject = None;
                match link {
                    Link::Subject(t) => subject = Some(digest(t)),
                    Link::FallbackTag(t, s) => {
                        image_tags.push(format!("sha256-{}{}", &digest(t)["sha256:".len()..], SUFFIXES[s]))
                    }
                    Link::None => {}
                }
                image_tags.retain(|t| taken.insert(t.clone()));
                images.push(ImageDetail {
                    registry_id: None,
                    repository_name: None,
                    image_digest: digest(i),
                    image_tags,
                    image_size_in_bytes: Some(1),
                    image_pushed_at: Some(now() - Duration::days(age)),
                    image_manifest_media_type: None,
                    artifact_media_type: None,
                    last_recorded_pull_time: None,
                    image_status: ImageStatus::Active,
                    last_archived_at: None,
                    last_activated_at: None,
                    subject_manifest_digest: subject,
                });
            }
            let mut by_list: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for (list, children) in lists {
                by_list
                    .entry(digest(list))
                    .or_default()
                    .extend(children.into_iter().map(digest));
            }
            Repo {
                images,
                lists: by_list,
                in_use: used.into_iter().map(digest).collect(),
            }
        })
}

fn policy() -> impl Strategy<Value = LifecyclePolicy> {
    prop_oneof![
        (1u32..40).prop_map(|n| json!({"tagStatus": "any", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": n})),
        (1u32..5).prop_map(|n| json!({"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": n})),
        (1u32..40).prop_map(|n| json!({"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": n})),
        (1u32..3).prop_map(|n| json!({"tagStatus": "tagged", "tagPatternList": ["*"], "countType": "imageCountMoreThan", "countNumber": n})),
    ]
    .prop_map(|selection| {
        let text = json!({"rules": [{"rulePriority": 1, "description": "generated", "selection": selection,
            "action": {"type": "expire"}}]})
        .to_string();
        LifecyclePolicy::parse(&text).unwrap().policy
    })
}

/// The naive closure: everything reachable from the in-use digests over child, subject and fallback-tag edges.
fn model_closure(repo: &Repo) -> BTreeSet<String> {
    let present: BTreeSet<&str> = repo.images.iter().map(|i| i.image_digest.as_str()).collect();
    let mut kept: BTreeSet<String> = repo
        .in_use
        .iter()
        .filter(|d| present.contains(d.as_str()))
        .cloned()
        .collect();
    loop {
        let mut grew = false;
        for image in &repo.images {
            let d = &image.image_digest;
            if kept.contains(d) {
                continue;
            }
            let by_subject = image.subject_manifest_digest.as_ref().is_some_and(|s| kept.contains(s));
            let by_tag = image.image_tags.iter().any(|t| {
                kept.iter().any(|k| {
                    SUFFIXES
                        .iter()
                        .any(|s| *t == format!("sha256-{}{s}", &k["sha256:".len()..]))
                })
            });
            let by_list = repo.lists.iter().any(|(list, children)| {
                children.contains(d)
                    && (kept.contains(list)
                        // the children of a fallback-tag index of a kept digest
                        || repo.images.iter().any(|l| {
                            l.image_digest == *list
                                && l.image_tags.iter().any(|t| {
                                    kept.iter().any(|k| SUFFIXES.iter().any(|s| *t == format!("sha256-{}{s}", &k["sha256:".len()..])))
                                })
                        }))
            });
            if by_subject || by_tag || by_list {
                kept.insert(d.clone());
                grew = true;
            }
        }
        if !grew {
            return kept;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn nothing_in_use_nor_needed_by_it_is_expired(repo in repo(), policy in policy()) {
        let uris = serde_json::to_string(&repo.in_use.iter().map(|d| format!("{HOST}@{d}")).collect::<Vec<_>>()).unwrap();
        let inventory = inventory_from_texts(&[(SourceKind::File, "in-use.json", &uris)]);
        prop_assert!(inventory.complete);
        let mut context = EvaluationContext::new(now());
        context.manifest_list_children = repo.lists.clone();
        let (context, needed) = inventory.protect_repository(context, &repo.images);
        let preview = policy.evaluate(&repo.images, &context);
        let kept = model_closure(&repo);
        for d in preview.expiring_digests() {
            prop_assert!(!kept.contains(d), "{} is in use or needed, yet expired", d);
        }
        // The library's closure is the model's, minus the in-use digests themselves.
        let library: BTreeSet<String> = needed.keys().cloned().collect();
        let model: BTreeSet<String> = kept.difference(&repo.in_use).cloned().collect();
        prop_assert_eq!(&library, &model);
        prop_assert_eq!(repository_closure(&repo.in_use, &repo.images, &repo.lists), needed);
    }
}
