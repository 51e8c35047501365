//! Offline evaluation of a policy against a repository's images, reproducing ECR's documented evaluation
//! rules (see the module docs for the algorithm and every decision on undocumented points).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::time::Timestamp;
use crate::types::{ImageDetail, ImageStatus};

use super::lint::matchers;
use super::model::{ActionType, CountType, LifecyclePolicy, Rule, StorageClass, TagStatus};
use super::pattern::{RuleFilter, TagMatcher, list_matches};
use super::preview::{
    CollateralTags, FollowingSubject, Preview, PreviewAction, PreviewResult, SkipReason, SkippedImage,
    TransitioningCount,
};

/// What an evaluation needs besides the policy and the images.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluationContext {
    /// The instant ages are measured from.
    pub now: Timestamp,
    /// Digests no rule may act on (images in use by ECS, EKS, Lambda, ..., supplied by the caller).
    pub protected: BTreeSet<String>,
    /// Manifest lists (image indexes) of the repository and the digests they reference. Referenced images
    /// are not expired or archived while their list is in the repository.
    /// [`crate::EcrClient::lifecycle_preview`] fills this from the index manifests.
    pub manifest_list_children: BTreeMap<String, Vec<String>>,
}

impl EvaluationContext {
    /// A context at `now`, nothing protected, no manifest lists known.
    pub fn new(now: Timestamp) -> Self {
        Self {
            now,
            protected: BTreeSet::new(),
            manifest_list_children: BTreeMap::new(),
        }
    }

    /// Adds protected digests.
    pub fn protect<I, S>(mut self, digests: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.protected.extend(digests.into_iter().map(Into::into));
        self
    }

    /// Records that the manifest list `list_digest` references `children`.
    pub fn manifest_list(mut self, list_digest: impl Into<String>, children: Vec<String>) -> Self {
        self.manifest_list_children.insert(list_digest.into(), children);
        self
    }
}

const MICROS_PER_DAY: i64 = 86_400_000_000;
const NONE: u32 = u32::MAX;

/// Per-image facts computed once.
#[derive(Clone, Copy)]
struct Facts {
    /// `None` for images being restored (ACTIVATING): no rule selects them.
    class: Option<StorageClass>,
    /// The ordering instant for count rules (push, or restore for restored images; archive time in archive).
    order_key: i64,
    /// Push instant (`now` when unknown).
    pushed: i64,
    /// The pull clock of `sinceImagePulled`.
    pull_clock: i64,
    /// When the image was archived.
    archived: Option<i64>,
}

fn micros(t: &Timestamp) -> i64 {
    t.timestamp_micros()
}

fn facts(img: &ImageDetail, now: i64) -> Facts {
    let pushed = img.image_pushed_at.as_ref().map(micros).unwrap_or(now);
    let activated = img.last_activated_at.as_ref().map(micros);
    let archived = img.last_archived_at.as_ref().map(micros);
    let class = match img.image_status {
        ImageStatus::Active => Some(StorageClass::Standard),
        ImageStatus::Archived => Some(StorageClass::Archive),
        ImageStatus::Activating => None,
    };
    // Restored images order by their restore time (rule 9); archived ones by their archive time.
    let order_key = match class {
        Some(StorageClass::Archive) => archived.unwrap_or(pushed),
        _ => activated.map_or(pushed, |a| a.max(pushed)),
    };
    // Pull clock (rule 17): the last pull, or the restore if it is later (restored and not pulled since), or the
    // push when never pulled.
    let pulled = img.last_recorded_pull_time.as_ref().map(micros);
    let pull_clock = match (pulled, activated) {
        (Some(p), Some(a)) => p.max(a),
        (Some(p), None) => p,
        (None, Some(a)) => a.max(pushed),
        (None, None) => pushed,
    };
    Facts {
        class,
        order_key,
        pushed,
        pull_clock,
        archived,
    }
}

fn selects_tags(rule: &Rule, list: &[TagMatcher], tags: &[String]) -> bool {
    match rule.selection.tag_status {
        TagStatus::Any => true,
        TagStatus::Untagged => tags.is_empty(),
        TagStatus::Tagged => list_matches(list, tags),
    }
}

impl LifecyclePolicy {
    /// Evaluates the policy against `images` as ECR would at `context.now`, never acting on protected digests or
    /// on images a manifest list still references. The result does not depend on the order of `images`.
    /// The preview borrows the images' tags and digests; [`Preview::into_owned`] detaches it.
    pub fn evaluate<'a>(&self, images: &'a [ImageDetail], context: &EvaluationContext) -> Preview<'a> {
        let now = micros(&context.now);
        let rules = self.rules_by_priority();
        let rule_matchers: Vec<Vec<TagMatcher>> = rules.iter().map(|r| matchers(r)).collect();
        let classes: Vec<StorageClass> = rules.iter().map(|r| r.selection.effective_storage_class()).collect();
        let is_count: Vec<bool> = rules
            .iter()
            .map(|r| r.selection.count_type == CountType::ImageCountMoreThan)
            .collect();
        let filter = RuleFilter::new(
            rules
                .iter()
                .zip(&rule_matchers)
                .map(|(rule, list)| (rule.selection.tag_status == TagStatus::Tagged).then_some(list.as_slice())),
        );

        // Shielding means only the first rule (by priority) whose selection an image matches can act on it, so one
        // pass over the images in memory order decides every age rule on the spot. Count rules also need their
        // whole pool (every image they select, shielded or not) to rank it: members are collected here and ranked
        // below. Tags are matched against later rules only when those are count rules.
        let count_rules: Vec<usize> = (0..rules.len()).filter(|&r| is_count[r]).collect();
        let mut first_rule = vec![NONE; images.len()];
        let mut pools: Vec<Vec<(i64, u32)>> = vec![Vec::new(); rules.len()];
        let mut qualified: Vec<(u32, u32)> = Vec::with_capacity(images.len());
        let mut any_referrer = false;
        for (i, img) in images.iter().enumerate() {
            any_referrer |= img.subject_manifest_digest.is_some();
            let f = facts(img, now);
            let Some(class) = f.class else {
                continue;
            };
            let candidates = filter.candidates(&img.image_tags);
            let selects = |r: usize| {
                RuleFilter::may_select(candidates, r)
                    && class == classes[r]
                    && selects_tags(rules[r], &rule_matchers[r], &img.image_tags)
            };
            let Some(first) = (0..rules.len()).find(|&r| selects(r)) else {
                continue;
            };
            first_rule[i] = first as u32;
            if age_qualifies(rules[first], &f, now) {
                qualified.push((first as u32, i as u32));
            }
            // Count rules from the first on (earlier ones did not select the image).
            let later = count_rules.partition_point(|&r| r < first);
            for &r in &count_rules[later..] {
                if r == first || selects(r) {
                    pools[r].push((f.order_key, i as u32));
                }
            }
        }

        // Count rules: a pool ranked newest first (ties: the greater digest counts as the newer) acts on the
        // members past `countNumber` whose first matching rule it is. Only the boundary needs finding, not a
        // full order.
        for (r, pool) in pools.iter_mut().enumerate() {
            let keep = rules[r].selection.count_number as usize;
            if pool.len() <= keep {
                continue;
            }
            let newest_first = |a: &(i64, u32), b: &(i64, u32)| {
                b.0.cmp(&a.0).then_with(|| {
                    images[b.1 as usize]
                        .image_digest
                        .cmp(&images[a.1 as usize].image_digest)
                })
            };
            if keep > 0 {
                pool.select_nth_unstable_by(keep - 1, newest_first);
            }
            for &(_, i) in &pool[keep..] {
                if first_rule[i as usize] == r as u32 {
                    qualified.push((r as u32, i));
                }
            }
        }
        drop(pools);

        // Children of manifest lists present in the repository.
        let mut parents_of: HashMap<&str, Vec<&str>> = HashMap::new();
        if !context.manifest_list_children.is_empty() {
            let present: HashSet<&str> = images.iter().map(|i| i.image_digest.as_str()).collect();
            for (list, children) in &context.manifest_list_children {
                if present.contains(list.as_str()) {
                    for child in children {
                        parents_of.entry(child.as_str()).or_default().push(list.as_str());
                    }
                }
            }
        }
        // What would qualify is acted on unless the caller protects it or a manifest list references it.
        let mut acted_by = vec![NONE; images.len()];
        let mut skipped: Vec<(u32, SkipReason, u32)> = Vec::new();
        let guarded = !context.protected.is_empty() || !parents_of.is_empty();
        for (r, i) in qualified {
            let digest = &images[i as usize].image_digest;
            let reason = if !guarded {
                None
            } else if context.protected.contains(digest) {
                Some(SkipReason::Protected)
            } else if parents_of.contains_key(digest.as_str()) {
                Some(SkipReason::ReferencedByManifestList)
            } else {
                None
            };
            match reason {
                Some(reason) => skipped.push((r, reason, i)),
                None => acted_by[i as usize] = r,
            }
        }
        let mut preview = build_preview(images, &rules, &rule_matchers, &acted_by);
        skipped.sort_unstable_by(|&(ra, _, a), &(rb, _, b)| {
            (ra, &images[a as usize].image_digest).cmp(&(rb, &images[b as usize].image_digest))
        });
        for &(r, reason, i) in &skipped {
            let skip = skipped_image(&images[i as usize], rules[r as usize], reason, &parents_of);
            match reason {
                SkipReason::Protected => preview.protected_images.push(skip),
                SkipReason::ReferencedByManifestList => preview.blocked_images.push(skip),
            }
        }
        if any_referrer {
            preview.following_subject = following_subject(images, &rules, &acted_by, &skipped, &context.protected);
        }
        preview
    }
}

/// Whether an age rule acts on an image with these facts (count rules are decided by rank instead).
fn age_qualifies(rule: &Rule, f: &Facts, now: i64) -> bool {
    let limit = i64::from(rule.selection.count_number).saturating_mul(MICROS_PER_DAY);
    match rule.selection.count_type {
        CountType::ImageCountMoreThan => false,
        CountType::SinceImagePushed => now.saturating_sub(f.pushed) > limit,
        CountType::SinceImagePulled => now.saturating_sub(f.pull_clock) > limit,
        CountType::SinceImageTransitioned => f.archived.is_some_and(|a| now.saturating_sub(a) > limit),
    }
}

/// ECR's results, summary, bytes reclaimed and collateral tags: `acted_by[i]` is the rule acting on image `i`
/// (or `NONE`).
fn build_preview<'a>(
    images: &'a [ImageDetail],
    rules: &[&Rule],
    rule_matchers: &[Vec<TagMatcher>],
    acted_by: &[u32],
) -> Preview<'a> {
    let mut preview = Preview::default();
    let mut transitioning = 0u64;
    // Results are built reading the images in memory order, then put in ECR's result order: by rule, then push
    // time (absent first), then digest. `order` holds their sort keys (see `order_key`).
    let acted = acted_by.iter().filter(|&&r| r != NONE).count();
    let mut results: Vec<PreviewResult<'a>> = Vec::with_capacity(acted);
    let mut order: Vec<u128> = Vec::with_capacity(acted);
    let mut collateral: Vec<(u32, CollateralTags<'a>)> = Vec::new();
    for (img, &r) in images.iter().zip(acted_by) {
        if r == NONE {
            continue;
        }
        let slot = results.len() as u32;
        let rule = rules[r as usize];
        let size = u64::try_from(img.image_size_in_bytes.unwrap_or(0)).unwrap_or(0);
        match rule.action.action_type {
            ActionType::Expire => {
                preview.summary.expiring_image_total_count += 1;
                preview.reclaimed_bytes.expire += size;
                // A tagged rule acts only on images it selects, so a lone tag matches its list: only images with
                // several tags can lose some.
                if rule.selection.tag_status == TagStatus::Tagged && img.image_tags.len() > 1 {
                    let list = &rule_matchers[r as usize];
                    let matches = |t: &Cow<'a, str>| list.iter().any(|m| m.matches(t));
                    let tags = || img.image_tags.iter().map(|t| Cow::Borrowed(t.as_str()));
                    if !tags().all(|t| matches(&t)) {
                        let (matched, lost): (Vec<_>, Vec<_>) = tags().partition(matches);
                        collateral.push((
                            slot,
                            CollateralTags {
                                image_digest: Cow::Borrowed(&img.image_digest),
                                applied_rule_priority: rule.rule_priority,
                                matched_tags: matched,
                                collateral_tags: lost,
                            },
                        ));
                    }
                }
            }
            ActionType::Transition => {
                transitioning += 1;
                preview.reclaimed_bytes.transition += size;
            }
        }
        let pushed = img.image_pushed_at.as_ref().map_or(i64::MIN, micros);
        order.push(order_key(r, pushed, slot));
        results.push(PreviewResult {
            image_tags: Cow::Borrowed(&img.image_tags),
            image_digest: Cow::Borrowed(&img.image_digest),
            image_pushed_at: img.image_pushed_at,
            action: rule.action.into(),
            applied_rule_priority: rule.rule_priority,
            storage_class: if img.image_status == ImageStatus::Archived {
                StorageClass::Archive
            } else {
                StorageClass::Standard
            },
        });
    }
    order.sort_unstable();
    let digest = |key: &u128| &results[*key as u32 as usize].image_digest;
    for run in order.chunk_by_mut(|a, b| a >> 32 == b >> 32) {
        if run.len() > 1 {
            run.sort_unstable_by(|a, b| digest(a).cmp(digest(b)));
        }
    }
    // Each result's position in that order; the results are then moved there in place, following the permutation's
    // cycles (no second copy of the results is allocated).
    let mut rank = vec![0u32; results.len()];
    for (pos, &key) in order.iter().enumerate() {
        rank[key as u32 as usize] = pos as u32;
    }
    drop(order);
    collateral.sort_unstable_by_key(|&(slot, _)| rank[slot as usize]);
    preview.collateral_tags = collateral.into_iter().map(|(_, c)| c).collect();
    permute(&mut results, &mut rank);
    preview.preview_results = results;
    if transitioning > 0 {
        preview
            .summary
            .transitioning_image_total_counts
            .push(TransitioningCount {
                target_storage_class: StorageClass::Archive,
                image_total_count: transitioning,
            });
    }

    preview
}

/// Moves each result to its position `rank[slot]`, cycle by cycle, carrying one result along each cycle: where
/// each slot is read does not depend on what the previous move read, so the (random) reads overlap instead of
/// waiting for each other. Leaves `rank` as the identity.
fn permute(results: &mut [PreviewResult<'_>], rank: &mut [u32]) {
    for start in 0..results.len() {
        if rank[start] as usize == start {
            continue;
        }
        let hole = PreviewResult {
            image_tags: Cow::Borrowed(&[]),
            image_digest: Cow::Borrowed(""),
            image_pushed_at: None,
            action: PreviewAction {
                action_type: ActionType::Expire,
                target_storage_class: None,
            },
            applied_rule_priority: 0,
            storage_class: StorageClass::Standard,
        };
        let mut carried = std::mem::replace(&mut results[start], hole);
        let mut dest = rank[start] as usize;
        rank[start] = start as u32;
        while dest != start {
            carried = std::mem::replace(&mut results[dest], carried);
            let next = rank[dest] as usize;
            rank[dest] = dest as u32;
            dest = next;
        }
        results[start] = carried;
    }
}

/// A result's sort key: rule (top 32 bits), push instant (order-preserving, next 64) and result slot (low 32), so
/// one sort of integers puts results in ECR's order (by rule, then push time, absent first); ties on rule and push
/// time are then ordered by digest.
fn order_key(rule: u32, pushed: i64, slot: u32) -> u128 {
    (u128::from(rule) << 96) | (u128::from((pushed as u64) ^ (1 << 63)) << 32) | u128::from(slot)
}

/// An image `rule` would have acted on but did not, for `reason`.
fn skipped_image(
    img: &ImageDetail,
    rule: &Rule,
    reason: SkipReason,
    parents_of: &HashMap<&str, Vec<&str>>,
) -> SkippedImage {
    let mut referenced_by: Vec<String> = match reason {
        SkipReason::ReferencedByManifestList => parents_of
            .get(img.image_digest.as_str())
            .map(|p| p.iter().map(|s| (*s).to_owned()).collect())
            .unwrap_or_default(),
        SkipReason::Protected => Vec::new(),
    };
    referenced_by.sort_unstable();
    SkippedImage {
        image_digest: img.image_digest.clone(),
        image_tags: img.image_tags.clone(),
        rule_priority: rule.rule_priority,
        action: rule.action.into(),
        reason,
        referenced_by,
    }
}

/// Referrers ECR removes or archives after their subject (rule 1): those of an acted-on subject that no rule acts
/// on, would have acted on, or that the caller protects.
fn following_subject(
    images: &[ImageDetail],
    rules: &[&Rule],
    acted_by: &[u32],
    skipped: &[(u32, SkipReason, u32)],
    protected: &BTreeSet<String>,
) -> Vec<FollowingSubject> {
    let mut touched: Vec<bool> = acted_by.iter().map(|&r| r != NONE).collect();
    for &(_, _, i) in skipped {
        touched[i as usize] = true;
    }
    let acted_on: HashMap<&str, u32> = images
        .iter()
        .zip(acted_by)
        .filter(|&(_, &r)| r != NONE)
        .map(|(img, &r)| (img.image_digest.as_str(), r))
        .collect();
    let mut follow: Vec<FollowingSubject> = Vec::new();
    for (img, &touched) in images.iter().zip(&touched) {
        let Some(subject) = img.subject_manifest_digest.as_deref() else {
            continue;
        };
        if touched || protected.contains(&img.image_digest) {
            continue;
        }
        if let Some(&r) = acted_on.get(subject) {
            let rule = rules[r as usize];
            follow.push(FollowingSubject {
                image_digest: img.image_digest.clone(),
                image_tags: img.image_tags.clone(),
                subject_manifest_digest: subject.to_owned(),
                action: PreviewAction::from(rule.action),
                subject_rule_priority: rule.rule_priority,
            });
        }
    }
    follow.sort_by(|a, b| {
        (a.subject_rule_priority, &a.subject_manifest_digest, &a.image_digest).cmp(&(
            b.subject_rule_priority,
            &b.subject_manifest_digest,
            &b.image_digest,
        ))
    });
    follow
}
