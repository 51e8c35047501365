//! [`TagPolicy`] (per environment) and the checks of a [`TagPlan`] against it and against the repository:
//! tag mutability with exclusion filters, existing tags and digests (retagging a rebuilt image), and
//! ECR's 1000-tags-per-image cap.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::plan::TagPlan;
use super::sanitize::{is_reserved_tag, validate_tag};
use super::strategy::TagKind;
use super::violation::{Violation, codes};
use crate::error::{Error, FieldError, Result};
use crate::types::{ImageDetail, TagMutability};

/// ECR's limit of tags on one image.
pub const ECR_MAX_TAGS_PER_IMAGE: usize = 1000;

/// ECR's limit of exclusion filters per repository.
pub const ECR_MAX_EXCLUSION_FILTERS: usize = 5;

/// Rules for one environment.
///
/// JSON: `{"name": "production", "forbidLatest": true, "requireImmutableTag": true, "forbidRollingTags": false,
/// "forbiddenTags": ["dev-*"], "maxTagsPerImage": 1000}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TagPolicy {
    /// The environment's name.
    #[serde(default)]
    pub name: String,
    /// `latest` is not allowed.
    #[serde(default)]
    pub forbid_latest: bool,
    /// The plan must contain at least one immutable tag (version, commit or build id).
    #[serde(default)]
    pub require_immutable_tag: bool,
    /// No rolling tag at all.
    #[serde(default)]
    pub forbid_rolling_tags: bool,
    /// Wildcard patterns (`*` = any run of characters) no tag may match.
    #[serde(default)]
    pub forbidden_tags: Vec<String>,
    /// At most this many tags on one image (at most ECR's 1000).
    #[serde(default = "default_max")]
    pub max_tags_per_image: usize,
}

fn default_max() -> usize {
    ECR_MAX_TAGS_PER_IMAGE
}

impl Default for TagPolicy {
    fn default() -> Self {
        Self {
            name: "default".to_owned(),
            forbid_latest: false,
            require_immutable_tag: false,
            forbid_rolling_tags: false,
            forbidden_tags: Vec::new(),
            max_tags_per_image: ECR_MAX_TAGS_PER_IMAGE,
        }
    }
}

impl TagPolicy {
    /// Production: no `latest`, and at least one immutable tag.
    pub fn production() -> Self {
        Self {
            name: "production".to_owned(),
            forbid_latest: true,
            require_immutable_tag: true,
            ..Self::default()
        }
    }

    /// A built-in policy by name (`production`, `default`).
    pub fn named(name: &str) -> Option<Self> {
        match name {
            "production" => Some(Self::production()),
            "default" => Some(Self::default()),
            _ => None,
        }
    }

    /// Parses and validates a policy document.
    pub fn from_json(text: &str) -> Result<Self> {
        let p: TagPolicy = serde_json::from_str(text).map_err(|e| Error::invalid("tag policy", e.to_string()))?;
        p.validate()?;
        Ok(p)
    }

    /// Checks the limits and patterns.
    pub fn validate(&self) -> Result<()> {
        let mut errors = Vec::new();
        if self.max_tags_per_image == 0 || self.max_tags_per_image > ECR_MAX_TAGS_PER_IMAGE {
            errors.push(FieldError::new("maxTagsPerImage", "must be from 1 to 1000 (ECR's cap)"));
        }
        for (i, p) in self.forbidden_tags.iter().enumerate() {
            if p.is_empty() {
                errors.push(FieldError::new(format!("forbiddenTags[{i}]"), "must not be empty"));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Error::PolicyValidation {
                what: "tag policy".to_owned(),
                errors,
            })
        }
    }
}

/// What is known about the target repository. Unknown parts are not checked.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "RepositoryTagState")]
pub struct RepositoryState {
    /// The tag mutability setting, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mutability: Option<TagMutability>,
    /// The exclusion filters (wildcards) of the `*_WITH_EXCLUSION` settings.
    #[serde(default)]
    pub exclusion_filters: Vec<String>,
    /// The images already in the repository (every page of DescribeImages), when known.
    #[serde(default, rename = "imageDetails", skip_serializing_if = "Option::is_none")]
    pub images: Option<Vec<ImageDetail>>,
}

impl RepositoryState {
    /// Checks the mutability and filters as ECR would: 1 to 5 filters, each `^[0-9a-zA-Z._*-]{1,128}$`,
    /// only with a `*_WITH_EXCLUSION` setting.
    pub fn validate(&self) -> Result<()> {
        let mut errors = Vec::new();
        let with_exclusion = matches!(
            self.mutability,
            Some(TagMutability::ImmutableWithExclusion | TagMutability::MutableWithExclusion)
        );
        if with_exclusion && self.exclusion_filters.is_empty() {
            errors.push(FieldError::new(
                "exclusionFilters",
                "a *_WITH_EXCLUSION setting needs 1 to 5 filters",
            ));
        }
        if !with_exclusion && !self.exclusion_filters.is_empty() {
            errors.push(FieldError::new(
                "exclusionFilters",
                "exclusion filters apply only to IMMUTABLE_WITH_EXCLUSION and MUTABLE_WITH_EXCLUSION",
            ));
        }
        if self.exclusion_filters.len() > ECR_MAX_EXCLUSION_FILTERS {
            errors.push(FieldError::new("exclusionFilters", "at most 5 filters"));
        }
        for (i, f) in self.exclusion_filters.iter().enumerate() {
            let ok = (1..=128).contains(&f.len())
                && f.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'*' | b'-'));
            if !ok {
                errors.push(FieldError::new(
                    format!("exclusionFilters[{i}]"),
                    format!("{f:?} does not match ^[0-9a-zA-Z._*-]{{1,128}}$"),
                ));
            }
        }
        for (i, img) in self.images.iter().flatten().enumerate() {
            if !is_digest(&img.image_digest) {
                errors.push(FieldError::new(
                    format!("imageDetails[{i}].imageDigest"),
                    format!("{:?} is not a sha256 digest", img.image_digest),
                ));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Error::PolicyValidation {
                what: "repository state".to_owned(),
                errors,
            })
        }
    }

    /// Every tag in the repository.
    pub fn existing_tags(&self) -> impl Iterator<Item = &str> {
        self.images
            .iter()
            .flatten()
            .flat_map(|i| i.image_tags.iter().map(String::as_str))
    }

    /// Whether ECR will refuse to overwrite `tag` (`None` when the mutability is unknown).
    pub fn is_tag_immutable(&self, tag: &str) -> Option<bool> {
        let matched = || self.exclusion_filters.iter().any(|f| wildcard_match(f, tag));
        Some(match self.mutability? {
            TagMutability::Mutable => false,
            TagMutability::Immutable => true,
            TagMutability::ImmutableWithExclusion => !matched(),
            TagMutability::MutableWithExclusion => matched(),
        })
    }
}

/// Whether `text` is `sha256:<64 lowercase hex>` (the rule of `reference::validate_digest`, checked
/// byte-wise because repository states hold thousands of digests).
fn is_digest(text: &str) -> bool {
    text.strip_prefix("sha256:")
        .is_some_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
}

/// ECR's `WILDCARD` exclusion filter: `*` matches any run of characters (also none), everything else
/// matches itself, case-sensitively, over the whole tag.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let p = pattern.as_bytes();
    let t = text.as_bytes();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

/// The outcome of checking a plan: violations (the plan must not be pushed) and warnings.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PlanCheck {
    /// Problems that make the plan unsafe to push.
    pub violations: Vec<Violation>,
    /// Notes: tags already present, tags not protected by the repository, withheld rolling tags.
    pub warnings: Vec<Violation>,
}

/// Checks a plan against a policy and what is known of the repository. `digest` is the digest about to
/// be pushed (`sha256:...`), when known.
pub fn check_plan(
    plan: &TagPlan,
    policy: &TagPolicy,
    repo: &RepositoryState,
    digest: Option<&str>,
) -> Result<PlanCheck> {
    validate_inputs(policy, repo, digest)?;
    Ok(check_validated(plan, policy, repo, digest))
}

/// Validates the inputs of [`check_plan`].
pub(crate) fn validate_inputs(policy: &TagPolicy, repo: &RepositoryState, digest: Option<&str>) -> Result<()> {
    policy.validate()?;
    repo.validate()?;
    if let Some(d) = digest
        && !is_digest(d)
    {
        return Err(Error::invalid(
            "digest",
            format!("{d:?} is not sha256:<64 lowercase hex>"),
        ));
    }
    Ok(())
}

/// [`check_plan`] over validated inputs.
pub(crate) fn check_validated(
    plan: &TagPlan,
    policy: &TagPolicy,
    repo: &RepositoryState,
    digest: Option<&str>,
) -> PlanCheck {
    let mut out = PlanCheck {
        violations: plan.violations.clone(),
        warnings: plan.warnings.clone(),
    };
    let v = &mut out.violations;
    let w = &mut out.warnings;

    // ---- the plan itself ----
    if policy.require_immutable_tag && !plan.has_immutable_tag() {
        v.push(Violation::new(
            codes::NO_IMMUTABLE_TAG,
            format!(
                "the {} policy needs an immutable tag (version, commit or build id); the plan has only rolling tags",
                policy.name
            ),
            None,
        ));
    }
    for t in &plan.tags {
        let tag = Some(t.value.clone());
        if let Err(e) = validate_tag(&t.value) {
            v.push(Violation::new(codes::INVALID_TAG, e.to_string(), tag.clone()));
        }
        if is_reserved_tag(&t.value) {
            v.push(Violation::new(
                codes::RESERVED_TAG,
                "looks like an OCI referrers-fallback or cosign signature tag",
                tag.clone(),
            ));
        }
        if policy.forbid_latest && t.value == "latest" {
            v.push(Violation::new(
                codes::LATEST_FORBIDDEN,
                format!(
                    "`latest` is not allowed by the {} policy: deploy a version or digest",
                    policy.name
                ),
                tag.clone(),
            ));
        }
        if policy.forbid_rolling_tags && t.kind == TagKind::Rolling {
            v.push(Violation::new(
                codes::ROLLING_TAG_FORBIDDEN,
                format!(
                    "rolling tags are not allowed by the {} policy (rule {})",
                    policy.name, t.rule
                ),
                tag.clone(),
            ));
        }
        if let Some(p) = policy.forbidden_tags.iter().find(|p| wildcard_match(p, &t.value)) {
            v.push(Violation::new(
                codes::TAG_FORBIDDEN,
                format!("matches {p:?}, forbidden by the {} policy", policy.name),
                tag.clone(),
            ));
        }

        // ---- mutability ----
        match (repo.is_tag_immutable(&t.value), t.kind, repo.mutability) {
            (Some(true), TagKind::Rolling, Some(m)) => v.push(Violation::new(
                codes::ROLLING_TAG_IMMUTABLE,
                format!(
                    "rolling tag (rule {}) is immutable in this repository ({}{}); the next build's push will fail with ImageTagAlreadyExistsException",
                    t.rule,
                    m.as_str(),
                    exclusion_note(m, true)
                ),
                tag.clone(),
            )),
            (Some(false), TagKind::Immutable, Some(m)) => w.push(Violation::new(
                codes::IMMUTABLE_TAG_UNPROTECTED,
                format!(
                    "immutable tag is not protected by the repository ({}{}); nothing but this check stops it from moving",
                    m.as_str(),
                    exclusion_note(m, false)
                ),
                tag.clone(),
            )),
            _ => {}
        }
    }

    // ---- existing tags and digests ----
    if let Some(images) = &repo.images {
        // One pass over the repository's tags, looking up only the planned ones.
        let planned: HashSet<&str> = plan.tags.iter().map(|t| t.value.as_str()).collect();
        let mut owner: HashMap<&str, &str> = HashMap::with_capacity(planned.len());
        for img in images {
            for tag in img.image_tags.iter().filter(|t| planned.contains(t.as_str())) {
                owner.insert(tag.as_str(), img.image_digest.as_str());
            }
        }
        for t in &plan.tags {
            let Some(&current) = owner.get(t.value.as_str()) else {
                continue;
            };
            let tag = Some(t.value.clone());
            let repo_immutable = repo.is_tag_immutable(&t.value) == Some(true);
            match digest {
                Some(d) if d == current => w.push(Violation::new(
                    codes::ALREADY_PRESENT,
                    if repo_immutable {
                        format!("already on {d}; skip it: ECR refuses even an identical push of an immutable tag")
                    } else {
                        format!("already on {d}")
                    },
                    tag,
                )),
                Some(d) if t.kind == TagKind::Immutable || repo_immutable => v.push(Violation::new(
                    codes::RETAG_IMMUTABLE,
                    format!(
                        "already points at {current}, not at {d}: retagging a rebuilt image breaks the promise of an immutable tag"
                    ),
                    tag,
                )),
                Some(_) => {}
                None if t.kind == TagKind::Immutable || repo_immutable => v.push(Violation::new(
                    codes::IMMUTABLE_TAG_EXISTS,
                    format!("already exists on {current}; pass the digest being pushed to tell a re-push from a rebuild"),
                    tag,
                )),
                None => {}
            }
        }
    }

    // ---- ECR's tag cap ----
    let limit = policy.max_tags_per_image.min(ECR_MAX_TAGS_PER_IMAGE);
    let mut on_image: BTreeSet<&str> = plan.tags.iter().map(|t| t.value.as_str()).collect();
    if let (Some(images), Some(d)) = (&repo.images, digest) {
        for img in images.iter().filter(|i| i.image_digest == d) {
            on_image.extend(img.image_tags.iter().map(String::as_str));
        }
    }
    if on_image.len() > limit {
        v.push(Violation::new(
            codes::TOO_MANY_TAGS,
            format!(
                "the image would carry {} tags; the limit is {limit} (ECR refuses the push beyond 1000)",
                on_image.len()
            ),
            None,
        ));
    }
    out
}

/// Why a tag is (`immutable` true) or is not immutable under a `*_WITH_EXCLUSION` setting.
fn exclusion_note(m: TagMutability, immutable: bool) -> &'static str {
    match (m, immutable) {
        (TagMutability::ImmutableWithExclusion, true) => " and no exclusion filter matches it",
        (TagMutability::ImmutableWithExclusion, false) => " and an exclusion filter matches it",
        (TagMutability::MutableWithExclusion, true) => " and an exclusion filter matches it",
        (TagMutability::MutableWithExclusion, false) => " and no exclusion filter matches it",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_are_anchored_and_case_sensitive() {
        assert!(wildcard_match("dev-*", "dev-123"));
        assert!(wildcard_match("dev-*", "dev-"));
        assert!(!wildcard_match("dev-*", "xdev-1"));
        assert!(wildcard_match("*-rc*", "1.2.3-rc.1"));
        assert!(wildcard_match("latest", "latest"));
        assert!(!wildcard_match("latest", "latest2"));
        assert!(!wildcard_match("Latest", "latest"));
        assert!(wildcard_match("*", ""));
        assert!(wildcard_match("a*b*c", "aXbYbZc"));
        assert!(!wildcard_match("a*b*c", "aXbYbZ"));
    }

    #[test]
    fn mutability_per_setting() {
        let mut r = RepositoryState {
            mutability: Some(TagMutability::Immutable),
            ..Default::default()
        };
        assert_eq!(r.is_tag_immutable("x"), Some(true));
        r.mutability = Some(TagMutability::Mutable);
        assert_eq!(r.is_tag_immutable("x"), Some(false));
        r.mutability = Some(TagMutability::ImmutableWithExclusion);
        r.exclusion_filters = vec!["latest".into(), "dev-*".into()];
        assert_eq!(r.is_tag_immutable("latest"), Some(false));
        assert_eq!(r.is_tag_immutable("dev-9"), Some(false));
        assert_eq!(r.is_tag_immutable("1.2.3"), Some(true));
        r.mutability = Some(TagMutability::MutableWithExclusion);
        assert_eq!(r.is_tag_immutable("latest"), Some(true));
        assert_eq!(r.is_tag_immutable("1.2.3"), Some(false));
        r.mutability = None;
        assert_eq!(r.is_tag_immutable("1.2.3"), None);
    }

    #[test]
    fn repository_state_is_validated_like_ecr() {
        let ok = RepositoryState {
            mutability: Some(TagMutability::ImmutableWithExclusion),
            exclusion_filters: vec!["dev-*".into()],
            images: None,
        };
        assert!(ok.validate().is_ok());
        let none = RepositoryState {
            exclusion_filters: vec![],
            ..ok.clone()
        };
        assert_eq!(none.validate().unwrap_err().field_errors()[0].path, "exclusionFilters");
        let bad = RepositoryState {
            exclusion_filters: vec![
                "a/b".into(),
                "ok".into(),
                "x".into(),
                "y".into(),
                "z".into(),
                "w".into(),
            ],
            ..ok.clone()
        };
        let paths: Vec<String> = bad
            .validate()
            .unwrap_err()
            .field_errors()
            .iter()
            .map(|e| e.path.clone())
            .collect();
        assert_eq!(paths, ["exclusionFilters", "exclusionFilters[0]"]);
        let stray = RepositoryState {
            mutability: Some(TagMutability::Immutable),
            ..ok
        };
        assert!(stray.validate().is_err());
        assert!(is_digest(&format!("sha256:{}", "a".repeat(64))));
        assert!(!is_digest(&format!("sha256:{}", "A".repeat(64))));
        assert!(TagPolicy::from_json(r#"{"maxTagsPerImage":1001}"#).is_err());
        assert!(TagPolicy::from_json(r#"{"forbidLatest":true,"oops":1}"#).is_err());
    }
}
