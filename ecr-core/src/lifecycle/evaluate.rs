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
        // pass over the images in memory order decides every age rule on the spot, and drafts the result of each
        // image an age rule acts on or a count rule may act on (see `Draft`). Count rules also need their whole
        // pool (every image they select, shielded or not) to rank it: members are collected here and ranked below.
        // Tags are matched against later rules only when those are count rules.
        let count_rules: Vec<usize> = (0..rules.len()).filter(|&r| is_count[r]).collect();
        let mut first_rule = vec![NONE; images.len()];
        let mut pools: Vec<Vec<(i64, u32)>> = vec![Vec::new(); rules.len()];
        let mut drafts = Drafts::with_capacity(images.len());
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
            if is_count[first] || age_qualifies(rules[first], &f, now) {
                drafts.push(img, i as u32, first as u32, rules[first], &rule_matchers[first]);
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
        let mut ranked_out = vec![false; if count_rules.is_empty() { 0 } else { images.len() }];
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
                    ranked_out[i as usize] = true;
                }
            }
        }
        drop(pools);
        drop(first_rule);

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
        // A draft's rule acts on its image (a count rule only if the image ranked out) unless the caller protects
        // the image or a manifest list references it.
        let mut acted_by = vec![NONE; images.len()];
        let mut skipped: Vec<(u32, SkipReason, u32)> = Vec::new();
        let guarded = !context.protected.is_empty() || !parents_of.is_empty();
        drafts.keep_only(|d| {
            if is_count[d.rule as usize] && !ranked_out[d.image as usize] {
                return false;
            }
            let reason = if !guarded {
                None
            } else if context.protected.contains(d.digest) {
                Some(SkipReason::Protected)
            } else if parents_of.contains_key(d.digest) {
                Some(SkipReason::ReferencedByManifestList)
            } else {
                None
            };
            match reason {
                Some(reason) => skipped.push((d.rule, reason, d.image)),
                None => acted_by[d.image as usize] = d.rule,
            }
            reason.is_none()
        });
        let mut preview = drafts.into_preview(&rules);
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

/// What a result needs from its image, copied while the image is being read: the results are built from the
/// drafts in ECR's order, and reading these small records out of order is much cheaper than reading the images
/// (or moving finished results) out of order.
#[derive(Clone, Copy)]
struct Draft<'a> {
    tags: &'a [String],
    digest: &'a str,
    pushed_at: Option<Timestamp>,
    size: u64,
    image: u32,
    rule: u32,
    archived: bool,
}

/// The drafted results, and the collateral tags of those that have some (by draft index).
struct Drafts<'a> {
    drafts: Vec<Draft<'a>>,
    collateral: Vec<(u32, CollateralTags<'a>)>,
}

impl<'a> Drafts<'a> {
    /// Room for `images` drafts: one per image at most, reserved at once (growing the list as it fills would copy
    /// it several times).
    fn with_capacity(images: usize) -> Self {
        Self {
            drafts: Vec::with_capacity(images),
            collateral: Vec::new(),
        }
    }

    /// Drafts the result of `rule` (at index `r`, matching tags with `list`) acting on `img` (at index `image`).
    fn push(&mut self, img: &'a ImageDetail, image: u32, r: u32, rule: &Rule, list: &[TagMatcher]) {
        // A tagged rule acts only on images it selects, so a lone tag matches its list: only images with several
        // tags can lose some.
        if rule.action.action_type == ActionType::Expire
            && rule.selection.tag_status == TagStatus::Tagged
            && img.image_tags.len() > 1
        {
            let matches = |t: &Cow<'a, str>| list.iter().any(|m| m.matches(t));
            let tags = || img.image_tags.iter().map(|t| Cow::Borrowed(t.as_str()));
            if !tags().all(|t| matches(&t)) {
                let (matched, lost): (Vec<_>, Vec<_>) = tags().partition(matches);
                self.collateral.push((
                    self.drafts.len() as u32,
                    CollateralTags {
                        image_digest: Cow::Borrowed(&img.image_digest),
                        applied_rule_priority: rule.rule_priority,
                        matched_tags: matched,
                        collateral_tags: lost,
                    },
                ));
            }
        }
        self.drafts.push(Draft {
            tags: &img.image_tags,
            digest: &img.image_digest,
            pushed_at: img.image_pushed_at,
            size: u64::try_from(img.image_size_in_bytes.unwrap_or(0)).unwrap_or(0),
            image,
            rule: r,
            archived: img.image_status == ImageStatus::Archived,
        });
    }

    /// Drops the drafts for which `keep` is false (they stay in place, without a rule).
    fn keep_only(&mut self, mut keep: impl FnMut(&Draft<'a>) -> bool) {
        for draft in &mut self.drafts {
            if !keep(draft) {
                draft.rule = NONE;
            }
        }
    }

    /// ECR's results (in ECR's order: by rule, then push time, absent first, then digest), summary, bytes
    /// reclaimed and collateral tags.
    fn into_preview(self, rules: &[&Rule]) -> Preview<'a> {
        let Drafts { drafts, mut collateral } = self;
        let mut preview = Preview::default();
        let mut transitioning = 0u64;
        let mut order: Vec<u128> = Vec::with_capacity(drafts.len());
        for (slot, d) in drafts.iter().enumerate() {
            if d.rule == NONE {
                continue;
            }
            match rules[d.rule as usize].action.action_type {
                ActionType::Expire => {
                    preview.summary.expiring_image_total_count += 1;
                    preview.reclaimed_bytes.expire += d.size;
                }
                ActionType::Transition => {
                    transitioning += 1;
                    preview.reclaimed_bytes.transition += d.size;
                }
            }
            let pushed = d.pushed_at.as_ref().map_or(i64::MIN, micros);
            order.push(order_key(d.rule, pushed, slot as u32));
        }
        order.sort_unstable();
        let digest = |key: &u128| drafts[*key as u32 as usize].digest;
        for run in order.chunk_by_mut(|a, b| a >> 32 == b >> 32) {
            if run.len() > 1 {
                run.sort_unstable_by(|a, b| digest(a).cmp(digest(b)));
            }
        }
        collateral.retain(|&(slot, _)| drafts[slot as usize].rule != NONE);
        if !collateral.is_empty() {
            let mut rank = vec![0u32; drafts.len()];
            for (pos, &key) in order.iter().enumerate() {
                rank[key as u32 as usize] = pos as u32;
            }
            collateral.sort_unstable_by_key(|&(slot, _)| rank[slot as usize]);
            preview.collateral_tags = collateral.into_iter().map(|(_, c)| c).collect();
        }
        preview.preview_results = order
            .iter()
            .map(|&key| {
                let d = drafts[key as u32 as usize];
                let rule = rules[d.rule as usize];
                PreviewResult {
                    image_tags: Cow::Borrowed(d.tags),
                    image_digest: Cow::Borrowed(d.digest),
                    image_pushed_at: d.pushed_at,
                    action: rule.action.into(),
                    applied_rule_priority: rule.rule_priority,
                    storage_class: if d.archived {
                        StorageClass::Archive
                    } else {
                        StorageClass::Standard
                    },
                }
            })
            .collect();
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
}

/// A result's sort key: rule (top 32 bits), push instant (order-preserving, next 64) and draft index (low 32),
/// so one sort of integers puts results in ECR's order (by rule, then push time, absent first); ties on rule and
/// push time are then ordered by digest.
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
