//! Lint warnings: policies ECR accepts but that probably do not do what their author meant.

use serde::Serialize;

use super::model::{ActionType, CountType, LifecyclePolicy, Rule, StorageClass, TagStatus};
use super::pattern::TagMatcher;

/// Rules per policy above which a third-party rule pack reports an error (unverified; ECR documents no limit).
pub const UNVERIFIED_MAX_RULES: usize = 50;

/// Which mistake a [`Warning`] is about (serialised in camelCase, e.g. `andSemantics`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "LifecyclePolicyWarningKind")]
pub enum WarningKind {
    /// A multi-entry prefix/pattern list selects images matching ALL entries, not any.
    AndSemantics,
    /// A rule can never act: an earlier rule's tag selection covers everything it selects.
    ShadowedRule,
    /// A `sinceImagePulled` transition without an archive-expiry rule: archived images stay (and cost) forever.
    PulledWithoutArchiveExpiry,
    /// Rules are not written in `rulePriority` order (ECR returns them sorted: perpetual IaC diffs).
    OutOfPriorityOrder,
    /// More rules than a third party says ECR accepts (unverified).
    ManyRules,
    /// An empty prefix (matches every tag) or an empty pattern (matches no tag).
    EmptyTagEntry,
}

/// A lint warning with where it applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[schemars(rename = "LifecyclePolicyWarning")]
pub struct Warning {
    /// The kind of mistake.
    pub kind: WarningKind,
    /// JSON path of the rule or field concerned.
    pub path: String,
    /// What happens and what to do.
    pub message: String,
}

impl Warning {
    fn new(kind: WarningKind, path: String, message: String) -> Self {
        Self { kind, path, message }
    }
}

/// The tag matchers of a tagged rule (empty for untagged / any).
pub(crate) fn matchers(rule: &Rule) -> Vec<TagMatcher> {
    let sel = &rule.selection;
    if let Some(list) = &sel.tag_pattern_list {
        list.iter().map(|p| TagMatcher::pattern(p)).collect()
    } else if let Some(list) = &sel.tag_prefix_list {
        list.iter().map(|p| TagMatcher::prefix(p)).collect()
    } else {
        Vec::new()
    }
}

/// Lints a valid policy.
pub(crate) fn lint(policy: &LifecyclePolicy) -> Vec<Warning> {
    let mut out = Vec::new();
    let rules = &policy.rules;
    if rules.len() > UNVERIFIED_MAX_RULES {
        out.push(Warning::new(
            WarningKind::ManyRules,
            "rules".to_owned(),
            format!(
                "the policy has {} rules; ECR documents no limit, but a third-party rule set reports at most \
                 {UNVERIFIED_MAX_RULES}",
                rules.len()
            ),
        ));
    }
    if let Some(i) = (1..rules.len()).find(|&i| rules[i].rule_priority < rules[i - 1].rule_priority) {
        out.push(Warning::new(
            WarningKind::OutOfPriorityOrder,
            format!("rules[{i}].rulePriority"),
            format!(
                "rules are not written in rulePriority order (rulePriority {} follows {}); ECR applies and returns \
                 them sorted by priority, so infrastructure-as-code tools show a perpetual diff",
                rules[i].rule_priority,
                rules[i - 1].rule_priority
            ),
        ));
    }
    for (i, rule) in rules.iter().enumerate() {
        let sel = &rule.selection;
        let (key, list) = match (&sel.tag_pattern_list, &sel.tag_prefix_list) {
            (Some(l), _) => ("tagPatternList", l),
            (None, Some(l)) => ("tagPrefixList", l),
            _ => continue,
        };
        if list.len() > 1 {
            out.push(Warning::new(
                WarningKind::AndSemantics,
                format!("rules[{i}].selection.{key}"),
                format!(
                    "{key} has {} entries: ECR selects only images that have a tag matching EVERY entry (AND), not \
                     images matching any of them (OR); for OR, write one rule per entry",
                    list.len()
                ),
            ));
        }
        for (j, entry) in list.iter().enumerate() {
            if entry.is_empty() {
                let what = if key == "tagPrefixList" {
                    "an empty prefix matches every tag"
                } else {
                    "an empty pattern matches no tag (tags have at least one character)"
                };
                out.push(Warning::new(
                    WarningKind::EmptyTagEntry,
                    format!("rules[{i}].selection.{key}[{j}]"),
                    what.to_owned(),
                ));
            }
        }
    }
    // Shadowing: an earlier (lower rulePriority) tagged rule of the same storage class whose selection covers
    // every image a later tagged rule selects shields all of them; the later rule can never act.
    let by_priority = policy.rules_by_priority();
    for (b, later) in by_priority.iter().enumerate() {
        if later.selection.tag_status != TagStatus::Tagged {
            continue;
        }
        let later_m = matchers(later);
        let class = later.selection.effective_storage_class();
        if let Some(earlier) = by_priority[..b].iter().find(|e| {
            e.selection.tag_status == TagStatus::Tagged
                && e.selection.effective_storage_class() == class
                && matchers(e).iter().all(|em| later_m.iter().any(|lm| em.covers(lm)))
        }) {
            let idx = index_of(rules, later);
            out.push(Warning::new(
                WarningKind::ShadowedRule,
                format!("rules[{idx}]"),
                format!(
                    "rule {} can never act: every image it selects also matches the tag selection of rule {}, which \
                     shields those images from lower-priority rules in storage class {}",
                    later.rule_priority,
                    earlier.rule_priority,
                    class_name(class)
                ),
            ));
        }
    }
    let archive_expiry = rules.iter().any(|r| {
        r.selection.count_type == CountType::SinceImageTransitioned && r.action.action_type == ActionType::Expire
    });
    if !archive_expiry {
        for (i, rule) in rules.iter().enumerate() {
            if rule.selection.count_type == CountType::SinceImagePulled {
                out.push(Warning::new(
                    WarningKind::PulledWithoutArchiveExpiry,
                    format!("rules[{i}].selection.countType"),
                    format!(
                        "rule {} archives images not pulled for {} days, but no rule (storageClass archive, \
                         sinceImageTransitioned, expire) ever deletes archived images: they stay in archive storage, \
                         and are billed, forever",
                        rule.rule_priority, rule.selection.count_number
                    ),
                ));
            }
        }
    }
    out
}

fn index_of(rules: &[Rule], rule: &Rule) -> usize {
    rules.iter().position(|r| std::ptr::eq(r, rule)).unwrap_or_default()
}

fn class_name(c: StorageClass) -> &'static str {
    match c {
        StorageClass::Standard => "standard",
        StorageClass::Archive => "archive",
    }
}
