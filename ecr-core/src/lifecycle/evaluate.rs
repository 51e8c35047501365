//! Offline evaluation of a policy against a repository's images, reproducing ECR's documented evaluation
//! rules (see the module docs for the algorithm and every decision on undocumented points).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::time::Timestamp;
use crate::types::{ImageDetail, ImageStatus};

use super::lint::matchers;
use super::model::{ActionType, CountType, LifecyclePolicy, Rule, StorageClass, TagStatus};
use super::pattern::{TagMatcher, list_matches};
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
    pub fn evaluate(&self, images: &[ImageDetail], context: &EvaluationContext) -> Preview {
        let now = micros(&context.now);
        let n_images = images.len();

        // Newest first; ties broken by digest (the greater digest counts as the newer). Every later pass runs over
        // positions in this order with compact, contiguous per-position state (cache-friendly), borrowing the
        // images; owned output is built only for images that get an action.
        let mut keyed: Vec<(i64, u32)> = Vec::with_capacity(n_images);
        let mut facts_by_image: Vec<Facts> = Vec::with_capacity(n_images);
        for (i, img) in images.iter().enumerate() {
            let f = facts(img, now);
            keyed.push((f.order_key, i as u32));
            facts_by_image.push(f);
        }
        keyed.sort_unstable_by(|a, b| {
            b.0.cmp(&a.0).then_with(|| {
                images[b.1 as usize]
                    .image_digest
                    .cmp(&images[a.1 as usize].image_digest)
            })
        });
        let order: Vec<u32> = keyed.into_iter().map(|(_, i)| i).collect();
        let sorted: Vec<Facts> = order.iter().map(|&i| facts_by_image[i as usize]).collect();
        drop(facts_by_image);

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
        // Per position: why no rule may act on the image (caller protection first).
        let mut guard: Vec<Option<SkipReason>> = vec![None; n_images];
        if !context.protected.is_empty() || !parents_of.is_empty() {
            for (pos, &i) in order.iter().enumerate() {
                let digest = images[i as usize].image_digest.as_str();
                guard[pos] = if context.protected.contains(digest) {
                    Some(SkipReason::Protected)
                } else if parents_of.contains_key(digest) {
                    Some(SkipReason::ReferencedByManifestList)
                } else {
                    None
                };
            }
        }

        let rules = self.rules_by_priority();
        let rule_matchers: Vec<Vec<TagMatcher>> = rules.iter().map(|r| matchers(r)).collect();
        let classes: Vec<StorageClass> = rules.iter().map(|r| r.selection.effective_storage_class()).collect();

        // Every rule's tag selection for every image, in one pass over the images in memory order (each image's
        // tags are read once, sequentially), as bit sets stored by position. Rules that do not read tags (`any`,
        // `untagged`) and images of another storage class cost no matching.
        let words = rules.len().div_ceil(64).max(1);
        let mut rank = vec![0u32; n_images];
        for (pos, &i) in order.iter().enumerate() {
            rank[i as usize] = pos as u32;
        }
        let mut selected = vec![0u64; n_images * words];
        for (img, &pos) in images.iter().zip(&rank) {
            let base = pos as usize * words;
            let Some(class) = sorted[pos as usize].class else {
                continue;
            };
            let tags = &img.image_tags;
            for (r, rule) in rules.iter().enumerate() {
                if class == classes[r] && selects_tags(rule, &rule_matchers[r], tags) {
                    selected[base + r / 64] |= 1 << (r % 64);
                }
            }
        }
        drop(rank);

        let mut claimed = vec![NONE; n_images];
        let mut skipped: Vec<(u32, SkipReason)> = vec![(NONE, SkipReason::Protected); n_images];
        let mut shielded = vec![false; n_images];
        for (r, rule) in rules.iter().enumerate() {
            let (word, bit) = (r / 64, 1u64 << (r % 64));
            let n = rule.selection.count_number;
            let limit = i64::from(n).saturating_mul(MICROS_PER_DAY);
            let mut count: u64 = 0;
            for pos in 0..n_images {
                if selected[pos * words + word] & bit == 0 {
                    continue;
                }
                let f = &sorted[pos];
                count += 1;
                let qualifies = match rule.selection.count_type {
                    CountType::ImageCountMoreThan => count > u64::from(n),
                    CountType::SinceImagePushed => now.saturating_sub(f.pushed) > limit,
                    CountType::SinceImagePulled => now.saturating_sub(f.pull_clock) > limit,
                    CountType::SinceImageTransitioned => f.archived.is_some_and(|a| now.saturating_sub(a) > limit),
                };
                if qualifies && !shielded[pos] {
                    match guard[pos] {
                        Some(reason) => skipped[pos] = (r as u32, reason),
                        None => claimed[pos] = r as u32,
                    }
                }
                // Matching the tag selection shields the image from every later rule of its storage class.
                shielded[pos] = true;
            }
        }
        drop((selected, shielded, guard, sorted));

        build_preview(
            images,
            &order,
            &rules,
            &rule_matchers,
            &claimed,
            &skipped,
            &parents_of,
            &context.protected,
        )
    }
}

/// An image a rule acts on: the rule's index, the push instant as the result order sees it (absent first), the
/// image's index.
type Acted = (u32, i64, u32);

/// The acted-on images in ECR's result order: by rule, then push time (absent first), then digest.
///
/// Positions run newest first by ordering instant (ties: greater digest first), so walking them backwards and
/// bucketing by rule (a stable counting sort) leaves each bucket ordered by (ordering instant, digest). The
/// ordering instant is the push time for most images, so most buckets are already in result order; the others
/// (archived or restored images, missing push times) are sorted.
fn result_order(images: &[ImageDetail], order: &[u32], claimed: &[u32], n_rules: usize) -> Vec<Acted> {
    let mut per_rule = vec![0usize; n_rules + 1];
    for &r in claimed.iter().filter(|r| **r != NONE) {
        per_rule[r as usize + 1] += 1;
    }
    for r in 1..per_rule.len() {
        per_rule[r] += per_rule[r - 1];
    }
    let total = per_rule[n_rules];
    let starts: Vec<usize> = per_rule[..n_rules].to_vec();
    let mut next = starts.clone();
    let mut acted: Vec<Acted> = vec![(NONE, 0, 0); total];
    for (pos, &r) in claimed.iter().enumerate().rev() {
        if r == NONE {
            continue;
        }
        let i = order[pos];
        let pushed = images[i as usize].image_pushed_at.as_ref().map_or(i64::MIN, micros);
        acted[next[r as usize]] = (r, pushed, i);
        next[r as usize] += 1;
    }
    let by_result_order = |a: &Acted, b: &Acted| {
        (a.1).cmp(&b.1).then_with(|| {
            images[a.2 as usize]
                .image_digest
                .cmp(&images[b.2 as usize].image_digest)
        })
    };
    for (&start, &end) in starts.iter().zip(&per_rule[1..]) {
        let bucket = &mut acted[start..end];
        if !bucket.is_sorted_by(|a, b| by_result_order(a, b).is_le()) {
            bucket.sort_unstable_by(by_result_order);
        }
    }
    acted
}

#[allow(clippy::too_many_arguments)]
fn build_preview(
    images: &[ImageDetail],
    order: &[u32],
    rules: &[&Rule],
    rule_matchers: &[Vec<TagMatcher>],
    claimed: &[u32],
    skipped: &[(u32, SkipReason)],
    parents_of: &HashMap<&str, Vec<&str>>,
    protected: &BTreeSet<String>,
) -> Preview {
    let mut preview = Preview::default();
    let mut transitioning = 0u64;
    let acted = result_order(images, order, claimed, rules.len());
    // Owned results are built in their final order, so their allocations are laid out (and later freed) in that
    // order too. Collateral tags share the result order.
    preview.preview_results.reserve_exact(acted.len());
    for &(r, _, i) in &acted {
        let rule = rules[r as usize];
        let img = &images[i as usize];
        let size = u64::try_from(img.image_size_in_bytes.unwrap_or(0)).unwrap_or(0);
        match rule.action.action_type {
            ActionType::Expire => {
                preview.summary.expiring_image_total_count += 1;
                preview.reclaimed_bytes.expire += size;
                if rule.selection.tag_status == TagStatus::Tagged {
                    let list = &rule_matchers[r as usize];
                    let matches = |t: &String| list.iter().any(|m| m.matches(t));
                    if !img.image_tags.iter().all(matches) {
                        let (matched, lost): (Vec<String>, Vec<String>) =
                            img.image_tags.iter().cloned().partition(matches);
                        preview.collateral_tags.push(CollateralTags {
                            image_digest: img.image_digest.clone(),
                            applied_rule_priority: rule.rule_priority,
                            matched_tags: matched,
                            collateral_tags: lost,
                        });
                    }
                }
            }
            ActionType::Transition => {
                transitioning += 1;
                preview.reclaimed_bytes.transition += size;
            }
        }
        preview.preview_results.push(PreviewResult {
            image_tags: img.image_tags.clone(),
            image_digest: img.image_digest.clone(),
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
    if transitioning > 0 {
        preview
            .summary
            .transitioning_image_total_counts
            .push(TransitioningCount {
                target_storage_class: StorageClass::Archive,
                image_total_count: transitioning,
            });
    }

    let mut skips: Vec<(u32, SkipReason, usize)> = skipped
        .iter()
        .zip(order)
        .filter(|((r, _), _)| *r != NONE)
        .map(|(&(r, reason), &i)| (r, reason, i as usize))
        .collect();
    skips
        .sort_unstable_by(|&(ra, _, a), &(rb, _, b)| (ra, &images[a].image_digest).cmp(&(rb, &images[b].image_digest)));
    for (r, reason, i) in skips {
        let rule = rules[r as usize];
        let img = &images[i];
        let mut referenced_by: Vec<String> = match reason {
            SkipReason::ReferencedByManifestList => parents_of
                .get(img.image_digest.as_str())
                .map(|p| p.iter().map(|s| (*s).to_owned()).collect())
                .unwrap_or_default(),
            SkipReason::Protected => Vec::new(),
        };
        referenced_by.sort_unstable();
        let skip = SkippedImage {
            image_digest: img.image_digest.clone(),
            image_tags: img.image_tags.clone(),
            rule_priority: rule.rule_priority,
            action: rule.action.into(),
            reason,
            referenced_by,
        };
        match reason {
            SkipReason::Protected => preview.protected_images.push(skip),
            SkipReason::ReferencedByManifestList => preview.blocked_images.push(skip),
        }
    }

    // Referrers follow their subject (rule 1).
    if images.iter().any(|i| i.subject_manifest_digest.is_some()) {
        let acted_on: HashMap<&str, u32> = acted
            .iter()
            .map(|&(r, _, i)| (images[i as usize].image_digest.as_str(), r))
            .collect();
        // Images some rule acted on or would have (skipped), by image index.
        let mut touched = vec![false; images.len()];
        for ((&c, &(s, _)), &i) in claimed.iter().zip(skipped).zip(order) {
            touched[i as usize] = c != NONE || s != NONE;
        }
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
        preview.following_subject = follow;
    }
    preview
}
