//! Property tests of the lifecycle evaluator over generated valid policies and repositories: no image gets two
//! actions, a protected digest never gets one, the result does not depend on the order of the images, no image a
//! present manifest list references is acted on, count rules always keep `countNumber` images of their pool, age
//! rules only act on images past their age, and the whole result (collateral tags included) equals a deliberately
//! naive model of the documented algorithm (module docs of `ecr_core::lifecycle`).
//!
//! Case counts: 11,000 in total (see each block's `ProptestConfig`); small repositories (< 40 images) per case
//! keep the debug-mode run to a few seconds.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, TimeZone, Utc};
use ecr_core::lifecycle::{
    ActionType, CountType, EvaluationContext, LifecyclePolicy, Preview, Rule, StorageClass, TagStatus,
};
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
    #![proptest_config(ProptestConfig::with_cases(2_000))]

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
            prop_assert!(seen.insert(r.image_digest.to_string()), "two actions for {}", r.image_digest);
            prop_assert!(!protected.contains(&*r.image_digest), "protected {} got {:?}", r.image_digest, r.action);
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

/// A repository with restored images and manifest lists: the images, plus `(list digest, children)` pairs whose
/// digests may or may not be in the repository (indices past the images' count are absent), one entry per list.
fn repository() -> impl Strategy<Value = (Vec<ImageDetail>, Vec<(String, Vec<String>)>)> {
    (
        images(),
        proptest::collection::vec(proptest::option::of(0i64..(5 * 86_400)), 40),
        proptest::collection::vec((0usize..45, proptest::collection::vec(0usize..45, 1..4)), 0..4),
    )
        .prop_map(|(mut images, restored, lists)| {
            for (img, after) in images.iter_mut().zip(restored) {
                // Restored (or being restored) images carry lastActivatedAt, after their push.
                if let (Some(after), ImageStatus::Active | ImageStatus::Activating) = (after, img.image_status) {
                    let pushed = img.image_pushed_at.unwrap();
                    img.last_activated_at = Some((pushed + Duration::seconds(after)).min(now()));
                }
            }
            let digest = |i: usize| format!("sha256:{i:04}");
            // One entry per list digest (a list's children are all the digests it references).
            let mut by_list: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for (list, children) in lists {
                by_list
                    .entry(digest(list))
                    .or_default()
                    .extend(children.into_iter().map(digest));
            }
            (images, by_list.into_iter().collect())
        })
}

fn context(images: &[ImageDetail], lists: &[(String, Vec<String>)], protect_every: usize) -> EvaluationContext {
    let protected = images.iter().step_by(protect_every).map(|i| i.image_digest.clone());
    let mut ctx = EvaluationContext::new(now()).protect(protected);
    for (list, children) in lists {
        ctx = ctx.manifest_list(list.clone(), children.clone());
    }
    ctx
}

/// Anchored `*` glob, written as plain backtracking (independent of the library's greedy matcher).
fn glob(pattern: &[u8], tag: &[u8]) -> bool {
    match pattern.split_first() {
        None => tag.is_empty(),
        Some((b'*', rest)) => (0..=tag.len()).any(|k| glob(rest, &tag[k..])),
        Some((c, rest)) => tag.first() == Some(c) && glob(rest, &tag[1..]),
    }
}

fn storage_class(img: &ImageDetail) -> Option<StorageClass> {
    match img.image_status {
        ImageStatus::Active => Some(StorageClass::Standard),
        ImageStatus::Archived => Some(StorageClass::Archive),
        ImageStatus::Activating => None,
    }
}

/// Whether `rule` looks at `img` at all: same storage class and tag selection satisfied (every list entry matches
/// at least one tag).
fn in_pool(rule: &Rule, img: &ImageDetail) -> bool {
    let sel = &rule.selection;
    if storage_class(img) != Some(sel.effective_storage_class()) {
        return false;
    }
    match sel.tag_status {
        TagStatus::Any => true,
        TagStatus::Untagged => img.image_tags.is_empty(),
        TagStatus::Tagged => {
            let entry_matches = |m: &dyn Fn(&str) -> bool| img.image_tags.iter().any(|t| m(t));
            match (&sel.tag_prefix_list, &sel.tag_pattern_list) {
                (Some(prefixes), _) => prefixes
                    .iter()
                    .all(|p| entry_matches(&|t: &str| t.starts_with(p.as_str()))),
                (None, Some(patterns)) => patterns
                    .iter()
                    .all(|p| entry_matches(&|t: &str| glob(p.as_bytes(), t.as_bytes()))),
                (None, None) => false,
            }
        }
    }
}

/// Whether `tag` matches an entry of a tagged rule's list.
fn listed(rule: &Rule, tag: &str) -> bool {
    let sel = &rule.selection;
    match (&sel.tag_prefix_list, &sel.tag_pattern_list) {
        (Some(prefixes), _) => prefixes.iter().any(|p| tag.starts_with(p.as_str())),
        (None, Some(patterns)) => patterns.iter().any(|p| glob(p.as_bytes(), tag.as_bytes())),
        (None, None) => false,
    }
}

type Collateral = Vec<(String, u32, Vec<String>, Vec<String>)>;

fn collateral(preview: &Preview<'_>) -> Collateral {
    let owned = |tags: &[std::borrow::Cow<'_, str>]| tags.iter().map(|t| t.to_string()).collect::<Vec<_>>();
    preview
        .collateral_tags
        .iter()
        .map(|c| {
            (
                c.image_digest.to_string(),
                c.applied_rule_priority,
                owned(&c.matched_tags),
                owned(&c.collateral_tags),
            )
        })
        .collect()
}

/// Collateral tags by definition: each image a tagged rule expires, in result order, with the tags its lists do
/// not match (when there are any).
fn expected_collateral(policy: &LifecyclePolicy, preview: &Preview<'_>) -> Collateral {
    let mut out = Vec::new();
    for r in &preview.preview_results {
        let rule = policy
            .rules
            .iter()
            .find(|rule| rule.rule_priority == r.applied_rule_priority)
            .unwrap();
        if r.action.action_type != ActionType::Expire || rule.selection.tag_status != TagStatus::Tagged {
            continue;
        }
        let (matched, lost): (Vec<String>, Vec<String>) = r.image_tags.iter().cloned().partition(|t| listed(rule, t));
        if !lost.is_empty() {
            out.push((r.image_digest.to_string(), r.applied_rule_priority, matched, lost));
        }
    }
    out
}

type Instant = chrono::DateTime<Utc>;

fn pushed(img: &ImageDetail) -> Instant {
    img.image_pushed_at.unwrap_or_else(now)
}

/// The instant count rules rank by: archive time in archive, else the later of push and restore.
fn order_instant(img: &ImageDetail) -> Instant {
    match storage_class(img) {
        Some(StorageClass::Archive) => img.last_archived_at.unwrap_or_else(|| pushed(img)),
        _ => img.last_activated_at.map_or(pushed(img), |a| a.max(pushed(img))),
    }
}

/// The `sinceImagePulled` clock: the later of last pull and restore; never pulled: restore, else push.
fn pull_clock(img: &ImageDetail) -> Instant {
    match (img.last_recorded_pull_time, img.last_activated_at) {
        (Some(p), Some(a)) => p.max(a),
        (Some(p), None) => p,
        (None, Some(a)) => a.max(pushed(img)),
        (None, None) => pushed(img),
    }
}

/// Whether an image of a rule's pool at rank `count` (1-based, newest first) qualifies for the rule.
fn qualifies(rule: &Rule, img: &ImageDetail, count: usize) -> bool {
    let n = rule.selection.count_number;
    let older = |t: Instant| now() - t > Duration::days(i64::from(n));
    match rule.selection.count_type {
        CountType::ImageCountMoreThan => count > n as usize,
        CountType::SinceImagePushed => older(pushed(img)),
        CountType::SinceImagePulled => older(pull_clock(img)),
        CountType::SinceImageTransitioned => img.last_archived_at.is_some_and(older),
    }
}

/// What happens to one image, by rule priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Acted(u32, ActionType),
    Protected(u32),
    Blocked(u32),
    Follows(u32),
}

/// The documented algorithm, written as naively as possible: every rule scans every image in rank order.
fn model(policy: &LifecyclePolicy, images: &[ImageDetail], ctx: &EvaluationContext) -> BTreeMap<String, Outcome> {
    let mut order: Vec<&ImageDetail> = images.iter().collect();
    // Newest first; equal instants: the greater digest is the newer.
    order.sort_by(|a, b| (order_instant(b), &b.image_digest).cmp(&(order_instant(a), &a.image_digest)));
    let present: BTreeSet<&str> = images.iter().map(|i| i.image_digest.as_str()).collect();
    let referenced: BTreeSet<&str> = ctx
        .manifest_list_children
        .iter()
        .filter(|(list, _)| present.contains(list.as_str()))
        .flat_map(|(_, children)| children.iter().map(String::as_str))
        .collect();
    let mut outcome: BTreeMap<String, Outcome> = BTreeMap::new();
    let mut matched: BTreeSet<&str> = BTreeSet::new();
    for rule in policy.rules_by_priority() {
        let mut count = 0;
        for img in order.iter().copied().filter(|img| in_pool(rule, img)) {
            count += 1;
            let digest = img.image_digest.as_str();
            if qualifies(rule, img, count) && !matched.contains(digest) {
                let prio = rule.rule_priority;
                let o = if ctx.protected.contains(digest) {
                    Outcome::Protected(prio)
                } else if referenced.contains(digest) {
                    Outcome::Blocked(prio)
                } else {
                    Outcome::Acted(prio, rule.action.action_type)
                };
                outcome.insert(digest.to_owned(), o);
            }
            matched.insert(digest);
        }
    }
    for img in images {
        let Some(subject) = &img.subject_manifest_digest else {
            continue;
        };
        if outcome.contains_key(&img.image_digest) || ctx.protected.contains(&img.image_digest) {
            continue;
        }
        if let Some(Outcome::Acted(prio, _)) = outcome.get(subject) {
            let prio = *prio;
            outcome.insert(img.image_digest.clone(), Outcome::Follows(prio));
        }
    }
    outcome
}

/// The preview as one outcome per digest; fails when a digest appears twice.
fn outcomes(preview: &Preview<'_>) -> Result<BTreeMap<String, Outcome>, TestCaseError> {
    let mut out = BTreeMap::new();
    let entries = preview
        .preview_results
        .iter()
        .map(|r| {
            (
                &*r.image_digest,
                Outcome::Acted(r.applied_rule_priority, r.action.action_type),
            )
        })
        .chain(
            preview
                .protected_images
                .iter()
                .map(|s| (s.image_digest.as_str(), Outcome::Protected(s.rule_priority))),
        )
        .chain(
            preview
                .blocked_images
                .iter()
                .map(|s| (s.image_digest.as_str(), Outcome::Blocked(s.rule_priority))),
        )
        .chain(
            preview
                .following_subject
                .iter()
                .map(|f| (f.image_digest.as_str(), Outcome::Follows(f.subject_rule_priority))),
        );
    for (digest, o) in entries {
        if let Some(before) = out.insert(digest.to_owned(), o) {
            return Err(TestCaseError::fail(format!("{digest}: both {before:?} and {o:?}")));
        }
    }
    Ok(out)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1_700))]

    #[test]
    fn evaluation_equals_the_naive_model(
        text in policy(),
        (images, lists) in repository(),
        protect_every in 2usize..8,
    ) {
        let policy = LifecyclePolicy::parse(&text).unwrap().policy;
        let ctx = context(&images, &lists, protect_every);
        let preview = policy.evaluate(&images, &ctx);
        prop_assert_eq!(outcomes(&preview)?, model(&policy, &images, &ctx), "policy {}", text);
        // ECR's order: rule priority, then push time, then digest.
        let keys: Vec<_> = preview
            .preview_results
            .iter()
            .map(|r| (r.applied_rule_priority, r.image_pushed_at, r.image_digest.clone()))
            .collect();
        prop_assert!(keys.windows(2).all(|w| w[0] <= w[1]), "preview results out of order");
        prop_assert_eq!(collateral(&preview), expected_collateral(&policy, &preview), "policy {}", text);
    }

    #[test]
    fn images_a_present_manifest_list_references_are_never_acted_on(
        text in policy(),
        (images, lists) in repository(),
    ) {
        let policy = LifecyclePolicy::parse(&text).unwrap().policy;
        let ctx = context(&images, &lists, usize::MAX);
        let preview = policy.evaluate(&images, &ctx);
        let present: BTreeSet<&str> = images.iter().map(|i| i.image_digest.as_str()).collect();
        let live_children: BTreeSet<&str> = lists
            .iter()
            .filter(|(list, _)| present.contains(list.as_str()))
            .flat_map(|(_, c)| c.iter().map(String::as_str))
            .collect();
        for r in &preview.preview_results {
            prop_assert!(!live_children.contains(&*r.image_digest), "{} acted on under its list", r.image_digest);
        }
        // (`followingSubject` is not a rule action: ECR removes a referrer after its subject whatever references it,
        // and the preview reports that as it is.)
        for b in &preview.blocked_images {
            prop_assert!(live_children.contains(b.image_digest.as_str()), "{} blocked without a list", b.image_digest);
            prop_assert!(!b.referenced_by.is_empty());
            for list in &b.referenced_by {
                prop_assert!(present.contains(list.as_str()), "blocked by absent list {}", list);
            }
        }
    }

    #[test]
    fn every_action_is_justified_and_count_rules_keep_their_count(
        text in policy(),
        (images, lists) in repository(),
        protect_every in 2usize..8,
    ) {
        let policy = LifecyclePolicy::parse(&text).unwrap().policy;
        let ctx = context(&images, &lists, protect_every);
        let preview = policy.evaluate(&images, &ctx);
        let by_digest: BTreeMap<&str, &ImageDetail> = images.iter().map(|i| (i.image_digest.as_str(), i)).collect();
        for rule in &policy.rules {
            let prio = rule.rule_priority;
            let acted: Vec<&ImageDetail> = preview
                .preview_results
                .iter()
                .filter(|r| r.applied_rule_priority == prio)
                .map(|r| by_digest[&*r.image_digest])
                .collect();
            let pool = images.iter().filter(|i| in_pool(rule, i)).count();
            for img in &acted {
                prop_assert!(in_pool(rule, img), "rule {} acted on {} outside its pool", prio, img.image_digest);
            }
            match rule.selection.count_type {
                CountType::ImageCountMoreThan => {
                    // The rule keeps at least countNumber images of its pool (fewer only if the pool is smaller).
                    let n = rule.selection.count_number as usize;
                    prop_assert!(
                        pool - acted.len() >= n.min(pool),
                        "rule {} keeps {} of {} images, countNumber {}", prio, pool - acted.len(), pool, n
                    );
                }
                _ => {
                    for img in &acted {
                        prop_assert!(qualifies(rule, img, 0), "rule {} acted on {} before its age", prio, img.image_digest);
                    }
                }
            }
        }
    }
}
