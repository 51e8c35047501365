//! Property tests of the lifecycle evaluator over generated valid policies and repositories: no image gets two
//! actions, a protected digest never gets one, and the result does not depend on the order of the images.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use chrono::{Duration, TimeZone, Utc};
use ecr_core::lifecycle::{ActionType, EvaluationContext, LifecyclePolicy};
use ecr_core::types::{ImageDetail, ImageStatus};
use proptest::prelude::*;
use serde_json::{Value, json};

const TAGS: [&str; 7] = ["a1", "ab2", "b3", "v1", "v21", "x", "prod-7"];
const PREFIXES: [&str; 5] = ["a", "ab", "v", "prod", "x"];
const PATTERNS: [&str; 5] = ["a*", "*b*", "v*1", "prod-*", "*"];

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap()
}

/// A count-or-age selection tail and a compatible action.
fn count_and_action() -> impl Strategy<Value = (Value, Value)> {
    prop_oneof![
        (1u32..5, any::<bool>()).prop_map(|(n, transition)| (
            json!({"countType": "imageCountMoreThan", "countNumber": n}),
            if transition {
                json!({"type": "transition", "targetStorageClass": "archive"})
            } else {
                json!({"type": "expire"})
            }
        )),
        (1u32..40, any::<bool>()).prop_map(|(n, transition)| (
            json!({"countType": "sinceImagePushed", "countUnit": "days", "countNumber": n}),
            if transition {
                json!({"type": "transition", "targetStorageClass": "archive"})
            } else {
                json!({"type": "expire"})
            }
        )),
        (1u32..40).prop_map(|n| (
            json!({"countType": "sinceImagePulled", "countUnit": "days", "countNumber": n}),
            json!({"type": "transition", "targetStorageClass": "archive"})
        )),
    ]
}

fn merge(mut a: Value, b: &Value) -> Value {
    for (k, v) in b.as_object().unwrap() {
        a[k] = v.clone();
    }
    a
}

/// A valid policy: tagged rules with distinct prefix sets / patterns, an optional untagged rule and an optional
/// trailing any rule in the standard class, and an optional archive-class expiry rule.
fn policy() -> impl Strategy<Value = String> {
    let tagged = proptest::collection::vec((any::<bool>(), 0usize..5, 1usize..3, count_and_action()), 0..4);
    (
        tagged,
        proptest::option::of(count_and_action()),
        proptest::option::of(count_and_action()),
        proptest::option::of((90u32..400, any::<bool>())),
        proptest::collection::vec(1u32..4, 8),
        any::<bool>(),
    )
        .prop_map(|(tagged, untagged, any_rule, archive, gaps, reverse)| {
            let mut rules = Vec::new();
            let mut prio = 0u32;
            let mut gap = gaps.into_iter().cycle();
            let mut used = BTreeSet::new();
            for (use_patterns, start, len, (sel, action)) in tagged {
                let list: Vec<&str> = if use_patterns {
                    (0..len).map(|k| PATTERNS[(start + k) % PATTERNS.len()]).collect()
                } else {
                    (0..len).map(|k| PREFIXES[(start + k) % PREFIXES.len()]).collect()
                };
                let mut key = list.clone();
                key.sort_unstable();
                if !used.insert((use_patterns, key)) {
                    continue;
                }
                prio += gap.next().unwrap();
                let list_key = if use_patterns {
                    "tagPatternList"
                } else {
                    "tagPrefixList"
                };
                rules.push(json!({"rulePriority": prio,
                    "selection": merge(json!({"tagStatus": "tagged", list_key: list}), &sel), "action": action}));
            }
            if let Some((sel, action)) = untagged {
                prio += gap.next().unwrap();
                rules.push(json!({"rulePriority": prio,
                    "selection": merge(json!({"tagStatus": "untagged"}), &sel), "action": action}));
            }
            if let Some((sel, action)) = any_rule {
                prio += gap.next().unwrap();
                rules.push(json!({"rulePriority": prio,
                    "selection": merge(json!({"tagStatus": "any"}), &sel), "action": action}));
            }
            if let Some((days, tagged)) = archive {
                prio += gap.next().unwrap();
                let head = if tagged {
                    json!({"tagStatus": "tagged", "tagPatternList": ["*1"]})
                } else {
                    json!({"tagStatus": "any"})
                };
                rules.push(
                    json!({"rulePriority": prio, "selection": merge(head, &json!({"storageClass": "archive",
                    "countType": "sinceImageTransitioned", "countUnit": "days", "countNumber": days})),
                    "action": {"type": "expire"}}),
                );
            }
            if rules.is_empty() {
                rules.push(
                    json!({"rulePriority": 1, "description": "fallback rule for an otherwise empty policy",
                    "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 2},
                    "action": {"type": "expire"}}),
                );
            }
            if reverse {
                rules.reverse();
            }
            json!({ "rules": rules }).to_string()
        })
}

fn image() -> impl Strategy<Value = (Vec<usize>, i64, u8, Option<i64>, Option<i64>, Option<usize>)> {
    (
        proptest::collection::vec(0usize..TAGS.len(), 0..3),
        0i64..(600 * 86_400),
        0u8..10,
        proptest::option::of(0i64..(200 * 86_400)),
        proptest::option::of(0i64..(100 * 86_400)),
        proptest::option::of(0usize..40),
    )
}

fn images() -> impl Strategy<Value = Vec<ImageDetail>> {
    proptest::collection::vec(image(), 0..40).prop_map(|raw| {
        let n = raw.len();
        raw.into_iter()
            .enumerate()
            .map(|(i, (tags, pushed, status, pulled, archived, subject))| {
                let mut tags: Vec<String> = tags.into_iter().map(|t| TAGS[t].to_owned()).collect();
                tags.sort();
                tags.dedup();
                let pushed_at = now() - Duration::seconds(pushed);
                let image_status = match status {
                    0..=6 => ImageStatus::Active,
                    7 | 8 => ImageStatus::Archived,
                    _ => ImageStatus::Activating,
                };
                ImageDetail {
                    // Some images share push instants, to exercise ties.
                    image_pushed_at: Some(if i % 5 == 0 {
                        now() - Duration::days(10)
                    } else {
                        pushed_at
                    }),
                    image_digest: format!("sha256:{i:04}"),
                    image_tags: tags,
                    image_size_in_bytes: Some(i as i64 * 10),
                    last_recorded_pull_time: pulled.map(|p| now() - Duration::seconds(p)),
                    last_archived_at: archived
                        .filter(|_| image_status != ImageStatus::Active)
                        .map(|a| now() - Duration::seconds(a)),
                    image_status,
                    subject_manifest_digest: subject.filter(|s| *s < n && *s != i).map(|s| format!("sha256:{s:04}")),
                    ..ImageDetail::default()
                }
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn generated_policies_are_valid_and_round_trip(text in policy()) {
        let parsed = LifecyclePolicy::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let again = LifecyclePolicy::parse(&parsed.policy.to_json()).unwrap();
        prop_assert_eq!(again.policy, parsed.policy);
    }

    #[test]
    fn each_image_gets_at_most_one_action_and_protected_digests_none(
        text in policy(),
        images in images(),
        protect_mask in proptest::collection::vec(any::<bool>(), 40),
    ) {
        let policy = LifecyclePolicy::parse(&text).unwrap().policy;
        let protected: BTreeSet<String> = images
            .iter()
            .zip(&protect_mask)
            .filter(|(_, p)| **p)
            .map(|(i, _)| i.image_digest.clone())
            .collect();
        let ctx = EvaluationContext::new(now()).protect(protected.iter().cloned());
        let preview = policy.evaluate(&images, &ctx);
        let mut seen = BTreeSet::new();
        for r in &preview.preview_results {
            prop_assert!(seen.insert(r.image_digest.clone()), "two actions for {}", r.image_digest);
            prop_assert!(!protected.contains(&r.image_digest), "protected {} got {:?}", r.image_digest, r.action);
        }
        for f in &preview.following_subject {
            prop_assert!(!protected.contains(&f.image_digest));
            prop_assert!(seen.insert(f.image_digest.clone()), "referrer {} also acted on", f.image_digest);
        }
        for s in &preview.protected_images {
            prop_assert!(protected.contains(&s.image_digest));
        }
        let expiring = preview.preview_results.iter().filter(|r| r.action.action_type == ActionType::Expire).count();
        prop_assert_eq!(preview.summary.expiring_image_total_count, expiring as u64);
        // Actions only ever apply to images of the rule's storage class and never to ACTIVATING ones.
        for r in &preview.preview_results {
            let img = images.iter().find(|i| i.image_digest == r.image_digest).unwrap();
            prop_assert!(img.image_status != ImageStatus::Activating);
        }
    }

    #[test]
    fn result_does_not_depend_on_image_order(
        text in policy(),
        (images, shuffled) in images().prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle())),
        protect_every in 2usize..6,
    ) {
        let policy = LifecyclePolicy::parse(&text).unwrap().policy;
        let protected = images.iter().step_by(protect_every).map(|i| i.image_digest.clone());
        let ctx = EvaluationContext::new(now()).protect(protected);
        let a = policy.evaluate(&images, &ctx);
        let b = policy.evaluate(&shuffled, &ctx);
        prop_assert_eq!(a, b);
    }
}
