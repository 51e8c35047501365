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
        let facts: Vec<Facts> = images.iter().map(|i| facts(i, now)).collect();

        // Newest first; ties broken by digest (the greater digest counts as the newer). The per-rule passes
        // then run over positions in this order with compact, contiguous state (cache-friendly).
        let mut keyed: Vec<(i64, u32)> = facts.iter().enumerate().map(|(i, f)| (f.order_key, i as u32)).collect();
        keyed.sort_unstable_by(|a, b| {
            b.0.cmp(&a.0).then_with(|| {
                images[b.1 as usize]
                    .image_digest
                    .cmp(&images[a.1 as usize].image_digest)
            })
        });
        let order: Vec<u32> = keyed.into_iter().map(|(_, i)| i).collect();
        let mut rank = vec![0u32; n_images];
        for (pos, &i) in order.iter().enumerate() {
            rank[i as usize] = pos as u32;
        }
        let sorted: Vec<Facts> = order.iter().map(|&i| facts[i as usize]).collect();

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
            for (i, img) in images.iter().enumerate() {
                let digest = img.image_digest.as_str();
                guard[rank[i] as usize] = if context.protected.contains(digest) {
                    Some(SkipReason::Protected)
                } else if parents_of.contains_key(digest) {
                    Some(SkipReason::ReferencedByManifestList)
                } else {
                    None
                };
            }
        }

        let rules = self.rules_by_priority();
        let mut claimed = vec![NONE; n_images];
        let mut skipped: Vec<(u32, SkipReason)> = vec![(NONE, SkipReason::Protected); n_images];
        let mut shielded = vec![false; n_images];
        let rule_matchers: Vec<Vec<TagMatcher>> = rules.iter().map(|r| matchers(r)).collect();
        let classes: Vec<StorageClass> = rules.iter().map(|r| r.selection.effective_storage_class()).collect();

        // Every rule's tag selection for every image, in one sequential pass over the images (each image's tags
        // are read once), as bit sets stored by position.
        let words = rules.len().div_ceil(64).max(1);
        let mut selected = vec![0u64; n_images * words];
        for (i, img) in images.iter().enumerate() {
            let base = rank[i] as usize * words;
            for (r, rule) in rules.iter().enumerate() {
                if facts[i].class == Some(classes[r]) && selects_tags(rule, &rule_matchers[r], &img.image_tags) {
                    selected[base + r / 64] |= 1 << (r % 64);
                }
            }
        }

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
        // Back to memory order.
        let claimed: Vec<u32> = rank.iter().map(|&p| claimed[p as usize]).collect();
        let skipped: Vec<(u32, SkipReason)> = rank.iter().map(|&p| skipped[p as usize]).collect();

        build_preview(
            images,
            &rules,
            &rule_matchers,
            &claimed,
            &skipped,
            &parents_of,
            &context.protected,
        )
    }
}

fn build_preview(
    images: &[ImageDetail],
    rules: &[&Rule],
    rule_matchers: &[Vec<TagMatcher>],
    claimed: &[u32],
    skipped: &[(u32, SkipReason)],
    parents_of: &HashMap<&str, Vec<&str>>,
    protected: &BTreeSet<String>,
) -> Preview {
    let mut preview = Preview::default();
    let mut transitioning = 0u64;
    // Built in memory order (sequential reads of the images), then ordered by rule, push time (absent first)
    // and digest.
    let acted: Vec<(u32, usize)> = claimed
        .iter()
        .enumerate()
        .filter(|(_, r)| **r != NONE)
        .map(|(i, &r)| (r, i))
        .collect();
    let mut unsorted: Vec<PreviewResult> = Vec::with_capacity(acted.len());
    let mut keys: Vec<(u32, i64, u32)> = Vec::with_capacity(acted.len());
    let mut collateral: Vec<((u32, i64), CollateralTags)> = Vec::new();
    for &(r, i) in &acted {
        let rule = rules[r as usize];
        let img = &images[i];
        let pushed = img.image_pushed_at.as_ref().map_or(i64::MIN, micros);
        let size = u64::try_from(img.image_size_in_bytes.unwrap_or(0)).unwrap_or(0);
        match rule.action.action_type {
            ActionType::Expire => {
                preview.summary.expiring_image_total_count += 1;
                preview.reclaimed_bytes.expire += size;
                if rule.selection.tag_status == TagStatus::Tagged {
                    let list = &rule_matchers[r as usize];
                    let (matched, lost): (Vec<String>, Vec<String>) = img
                        .image_tags
                        .iter()
                        .cloned()
                        .partition(|t| list.iter().any(|m| m.matches(t)));
                    if !lost.is_empty() {
                        collateral.push((
                            (r, pushed),
                            CollateralTags {
                                image_digest: img.image_digest.clone(),
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
        keys.push((r, pushed, unsorted.len() as u32));
        unsorted.push(PreviewResult {
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
    keys.sort_unstable_by(|a, b| {
        (a.0, a.1).cmp(&(b.0, b.1)).then_with(|| {
            unsorted[a.2 as usize]
                .image_digest
                .cmp(&unsorted[b.2 as usize].image_digest)
        })
    });
    let mut slots: Vec<Option<PreviewResult>> = unsorted.into_iter().map(Some).collect();
    preview.preview_results = keys.iter().filter_map(|k| slots[k.2 as usize].take()).collect();
    collateral.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.image_digest.cmp(&b.1.image_digest)));
    preview.collateral_tags = collateral.into_iter().map(|(_, c)| c).collect();
    if transitioning > 0 {
        preview
            .summary
            .transitioning_image_total_counts
            .push(TransitioningCount {
                target_storage_class: StorageClass::Archive,
                image_total_count: transitioning,
            });
    }

    let mut skips: Vec<(u32, usize)> = skipped
        .iter()
        .enumerate()
        .filter(|(_, (r, _))| *r != NONE)
        .map(|(i, (r, _))| (*r, i))
        .collect();
    skips.sort_unstable_by(|&(ra, a), &(rb, b)| (ra, &images[a].image_digest).cmp(&(rb, &images[b].image_digest)));
    for (r, i) in skips {
        let rule = rules[r as usize];
        let img = &images[i];
        let reason = skipped[i].1;
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
            .map(|&(r, i)| (images[i].image_digest.as_str(), r))
            .collect();
        let mut follow: Vec<FollowingSubject> = Vec::new();
        for (i, img) in images.iter().enumerate() {
            let Some(subject) = img.subject_manifest_digest.as_deref() else {
                continue;
            };
            if claimed[i] != NONE || skipped[i].0 != NONE || protected.contains(&img.image_digest) {
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
