//! [`TagPlan`]: the tags a build carries, each with its kind and the rule that produced it, and the OCI
//! labels/annotations that make the image traceable.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::context::{BuildContext, BuildEvent, GitRef};
use super::sanitize::{BuildMetadata, apply_build_metadata, fit_tag};
use super::semver::{Line, ReleasedVersions, is_prerelease, parse_version};
use super::strategy::{LatestMode, Rule, ShaFormat, Source, TagKind, TagStrategy, VersionScheme};
use super::template::{Expr, SemverValues, Template, Values};
use super::violation::{Violation, codes};
use crate::error::{Error, FieldError, Result};

/// One planned tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PlannedTag {
    /// The tag (valid OCI grammar, at most 128 characters).
    pub value: String,
    /// Immutable (names one build) or rolling (moves).
    pub kind: TagKind,
    /// The strategy entry that produced it, in metadata-action's one-line form (`flavor.latest=auto` for `latest`).
    pub rule: String,
}

/// The result of planning: tags, labels, and what planning itself found.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TagPlan {
    /// The tags, highest priority first, without duplicates; `latest` last.
    pub tags: Vec<PlannedTag>,
    /// OCI labels, sorted by key.
    pub labels: BTreeMap<String, String>,
    /// OCI annotations: the same OCI keys with the strategy's `annotations` instead of its `labels`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    /// The main version (the first tag), also the `org.opencontainers.image.version` label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Problems planning found (e.g. build metadata refused).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<Violation>,
    /// Notes (a rolling tag withheld for a backport, a value that is not semver, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Violation>,
    /// The build time the plan used (the `created` label).
    #[serde(skip)]
    pub(crate) created: Option<crate::time::Timestamp>,
}

impl TagPlan {
    /// The tag values.
    pub fn tag_values(&self) -> impl Iterator<Item = &str> {
        self.tags.iter().map(|t| t.value.as_str())
    }

    /// Whether the plan has a tag that names this build only.
    pub fn has_immutable_tag(&self) -> bool {
        self.tags.iter().any(|t| t.kind == TagKind::Immutable)
    }

    /// The annotations for the given levels (`manifest`, `index`, ...), e.g. `manifest:org.opencontainers.image.revision`.
    pub fn annotations(&self, levels: &[&str]) -> BTreeMap<String, String> {
        levels
            .iter()
            .flat_map(|l| {
                self.annotations
                    .iter()
                    .map(move |(k, v)| (format!("{l}:{k}"), v.clone()))
            })
            .collect()
    }
}

/// The `rule` of the `latest` tag.
fn latest_rule(mode: LatestMode) -> String {
    match mode {
        LatestMode::Auto => "flavor.latest=auto",
        LatestMode::True => "flavor.latest=true",
        LatestMode::False => "flavor.latest=false",
    }
    .to_owned()
}

struct Planner<'a> {
    strategy: &'a TagStrategy,
    ctx: &'a BuildContext,
    values: Values<'a>,
    released: ReleasedVersions,
    plan: TagPlan,
    latest_auto: bool,
}

impl TagStrategy {
    /// Plans the tags of a build. `existing_tags` are the tags already in the repository (all of them,
    /// e.g. from [`RepositoryState`](super::RepositoryState)); with them, `latest`, `{{major}}` and
    /// `{{major}}.{{minor}}` never move to a version lower than one already released on their line.
    pub fn plan<'a>(&self, ctx: &BuildContext, existing_tags: impl IntoIterator<Item = &'a str>) -> Result<TagPlan> {
        ctx.validate()?;
        let short_sha = ctx.short_sha(self.spec().short_sha_length);
        let now = ctx.created.unwrap_or_else(chrono::Utc::now);
        let base_ref = ctx.base_ref.as_deref();
        let values = Values {
            branch: ctx.branch(),
            tag: ctx.tag(),
            short_sha: short_sha.as_deref(),
            base_ref,
            is_default_branch: ctx.is_default_branch(),
            build_number: ctx.build_number.as_deref(),
            now: Some(now),
            commit_date: ctx.commit_date,
            semver: None,
        };
        let flavor = &self.spec().flavor;
        let released = ReleasedVersions::from_tags(existing_tags, &flavor.prefix, &flavor.suffix);
        let mut p = Planner {
            strategy: self,
            ctx,
            values,
            released,
            plan: TagPlan::default(),
            latest_auto: false,
        };
        for rule in &self.rules {
            p.apply(rule)?;
        }
        p.finish_latest()?;
        p.plan.version = p
            .plan
            .tags
            .iter()
            .find(|t| !t.rule.starts_with("flavor.latest"))
            .map(|t| t.value.clone());
        p.plan.created = Some(now);
        let oci = p.oci_labels(now);
        p.plan.labels = p.with_custom(&oci, &self.labels, "labels")?;
        p.plan.annotations = p.with_custom(&oci, &self.annotations, "annotations")?;
        Ok(p.plan)
    }
}

/// A template that could not be rendered, named by its entry's path (`tags[2].value`).
fn render_err(rule: &Rule, field: &str, m: String) -> Error {
    Error::PolicyValidation {
        what: "tag strategy".to_owned(),
        errors: vec![FieldError::new(
            format!("tags[{}].{field}", rule.index),
            format!("{m} ({})", rule.description),
        )],
    }
}

impl Planner<'_> {
    fn apply(&mut self, rule: &Rule) -> Result<()> {
        if !rule.enabled {
            return Ok(());
        }
        if let Some(expr) = &rule.enable {
            let v = expr.render(&self.values).map_err(|m| render_err(rule, "enable", m))?;
            match v.trim() {
                "true" => {}
                "false" | "" => return Ok(()),
                other => {
                    return Err(render_err(
                        rule,
                        "enable",
                        format!("rendered to {other:?}, expected true or false"),
                    ));
                }
            }
        }
        let ctx = self.ctx;
        let (value, kind, semver) = match &rule.source {
            Source::Schedule(pattern) => {
                if ctx.event() != BuildEvent::Schedule {
                    return Ok(());
                }
                (
                    pattern
                        .render(&self.values)
                        .map_err(|m| render_err(rule, "pattern", m))?,
                    TagKind::Rolling,
                    None,
                )
            }
            Source::Version {
                scheme,
                pattern,
                value,
                match_,
            } => {
                let Some(raw) = self.version_input(rule, value.as_ref(), match_.as_ref())? else {
                    return Ok(());
                };
                return self.apply_version(rule, *scheme, pattern, &raw);
            }
            Source::Match { regex, group, value } => {
                let Some(text) = self.entry_input(rule, value.as_ref())? else {
                    return Ok(());
                };
                let Some(found) = regex.find(&text, *group) else {
                    self.no_match(rule, &text);
                    return Ok(());
                };
                let kind = if parse_version(found).is_some() {
                    TagKind::Immutable
                } else {
                    TagKind::Rolling
                };
                // `latest` follows the text matched in (a pre-release git tag gives none), not the match.
                (found.to_owned(), kind, Some(text.clone()))
            }
            Source::RefBranch => match &ctx.git_ref {
                Some(GitRef::Branch(b)) if ctx.event() != BuildEvent::PullRequest => {
                    (b.clone(), TagKind::Rolling, None)
                }
                _ => return Ok(()),
            },
            Source::RefTag => match &ctx.git_ref {
                Some(GitRef::Tag(t)) => {
                    let Some(v) = self.build_metadata(rule, t) else {
                        return Ok(());
                    };
                    (v, TagKind::Immutable, Some(t.clone()))
                }
                _ => return Ok(()),
            },
            Source::RefPr => match ctx.pull_request() {
                Some(n) => (n.to_string(), TagKind::Rolling, None),
                None => return Ok(()),
            },
            Source::Raw(t) => {
                let kind = if t.uses(|e| matches!(e, Expr::Sha | Expr::BuildNumber)) {
                    TagKind::Immutable
                } else {
                    TagKind::Rolling
                };
                (
                    t.render(&self.values).map_err(|m| render_err(rule, "value", m))?,
                    kind,
                    None,
                )
            }
            Source::Edge(branch) => {
                let target = branch.as_deref().or(ctx.default_branch.as_deref());
                match (&ctx.git_ref, target) {
                    (Some(GitRef::Branch(b)), Some(t)) if b == t && ctx.event() != BuildEvent::PullRequest => {
                        ("edge".to_owned(), TagKind::Rolling, None)
                    }
                    _ => return Ok(()),
                }
            }
            Source::Sha(format) => match &ctx.sha {
                Some(sha) => {
                    let v = match format {
                        ShaFormat::Long => sha.to_ascii_lowercase(),
                        ShaFormat::Short => ctx.short_sha(self.strategy.spec().short_sha_length).unwrap_or_default(),
                    };
                    (v, TagKind::Immutable, None)
                }
                None => return Ok(()),
            },
        };
        if let Some(tag) = semver {
            // `type=ref,event=tag` and `type=match`: metadata-action always adds latest; here only for the
            // highest stable version (text that is not a version keeps metadata-action's rule).
            self.decide_latest_for(&tag);
        }
        self.push(rule, &value, rule.kind.unwrap_or(kind))
    }

    /// Applies the build-metadata rule to a version-like value; `None` (with a violation) when refused.
    fn build_metadata(&mut self, rule: &Rule, text: &str) -> Option<String> {
        let r = apply_build_metadata(text, self.strategy.spec().build_metadata);
        if r.is_none() {
            self.plan.violations.push(Violation::new(
                codes::BUILD_METADATA,
                format!(
                    "{text:?} has semver build metadata (`+`), which the strategy rejects ({})",
                    rule.description
                ),
                None,
            ));
        }
        r
    }

    fn decide_latest_for(&mut self, tag: &str) {
        match parse_version(tag) {
            Some(v) if is_prerelease(&v) => {}
            Some(v) => {
                if self.released.may_roll_to(&v, Line::All) {
                    self.latest_auto = true;
                } else {
                    self.withheld("latest", &v, Line::All);
                }
            }
            // A tag that is not a version: metadata-action's rule (latest for every tag).
            None => self.latest_auto = true,
        }
    }

    fn withheld(&mut self, what: &str, v: &semver::Version, line: Line) {
        let higher = self
            .released
            .highest_on_line(v, line)
            .map(ToString::to_string)
            .unwrap_or_default();
        self.plan.warnings.push(Violation::new(
            codes::ROLLING_TAG_WITHHELD,
            format!("{what} not moved to {v}: {higher} is already released on that line (backport)"),
            Some(what.to_owned()),
        ));
    }

    /// The text a `semver`, `pep440` or `match` entry reads: its rendered `value`, else the git tag; `None`
    /// when there is neither.
    fn entry_input(&mut self, rule: &Rule, value: Option<&Template>) -> Result<Option<String>> {
        let text = match value {
            Some(t) => t.render(&self.values).map_err(|m| render_err(rule, "value", m))?,
            None => self.ctx.tag().unwrap_or_default().to_owned(),
        };
        Ok(Some(text).filter(|t| !t.trim().is_empty()))
    }

    /// A version entry's input after its `match` (group 1; the whole text when it does not match, as
    /// metadata-action does) and with `/` as `-`.
    fn version_input(
        &mut self,
        rule: &Rule,
        value: Option<&Template>,
        match_: Option<&regex::Regex>,
    ) -> Result<Option<String>> {
        let Some(mut raw) = self.entry_input(rule, value)? else {
            return Ok(None);
        };
        if let Some(re) = match_ {
            match re.captures(&raw).and_then(|c| c.get(1)) {
                Some(m) => raw = m.as_str().to_owned(),
                None => self.no_match(rule, &raw),
            }
        }
        Ok(Some(raw.replace('/', "-")))
    }

    fn no_match(&mut self, rule: &Rule, text: &str) {
        self.plan.warnings.push(Violation::new(
            codes::NO_MATCH,
            format!("{} finds nothing in {text:?}", rule.description),
            None,
        ));
    }

    fn apply_version(&mut self, rule: &Rule, scheme: VersionScheme, pattern: &Template, raw: &str) -> Result<()> {
        let bm = self.strategy.spec().build_metadata;
        let parsed = match scheme {
            VersionScheme::Semver => parse_version(raw).map(|v| semver_parts(v, bm)),
            VersionScheme::Pep440 => pep440_parts(raw, bm),
        };
        let Some(parts) = parsed else {
            let what = match scheme {
                VersionScheme::Semver => "a semver version",
                VersionScheme::Pep440 => "a PEP 440 version",
            };
            self.plan.warnings.push(Violation::new(
                codes::NOT_SEMVER,
                format!("{raw:?} is not {what}; {} yields no tag", rule.description),
                None,
            ));
            return Ok(());
        };
        let Some(raw_tag) = self.build_metadata(rule, raw.trim()) else {
            return Ok(());
        };
        let VersionParts {
            version,
            text: version_text,
            pre,
            ..
        } = parts;
        let uses_full = pattern.uses(|e| matches!(e, Expr::Version | Expr::Raw | Expr::Patch));
        let line = if uses_full || pre {
            None
        } else if pattern.uses(|e| matches!(e, Expr::Minor)) {
            Some(Line::Minor)
        } else {
            Some(Line::Major)
        };
        let mut values = self.values.clone();
        values.semver = Some(SemverValues {
            version: &version_text,
            major: version.major,
            minor: version.minor,
            patch: version.patch,
            raw: &raw_tag,
        });
        // A pre-release never moves a partial version tag: any pattern but {{raw}} becomes {{version}}
        // (docker/metadata-action's rule), so `{{major}}` on 2.0.8-beta.67 gives `2.0.8-beta.67`. A
        // pre-release with {{raw}} is the raw text (for PEP 440 without the rest of the pattern, as the action).
        let rendered = if pre && !pattern.uses(|e| matches!(e, Expr::Raw)) {
            version_text.clone()
        } else if pre && scheme == VersionScheme::Pep440 {
            raw_tag.clone()
        } else {
            pattern.render(&values).map_err(|m| render_err(rule, "pattern", m))?
        };
        let kind = if line.is_some() {
            TagKind::Rolling
        } else {
            TagKind::Immutable
        };
        if let Some(line) = line
            && !self.released.may_roll_to(&version, line)
        {
            let prefix = self.affix(rule.prefix.as_ref(), &self.strategy.flavor_prefix, rule)?;
            let suffix = self.affix(rule.suffix.as_ref(), &self.strategy.flavor_suffix, rule)?;
            let what = fit_tag(&prefix, &rendered, &suffix).unwrap_or(rendered);
            self.withheld(&what, &version, line);
            return Ok(());
        }
        if !pre {
            if self.released.may_roll_to(&version, Line::All) {
                self.latest_auto = true;
            } else if !self.plan.warnings.iter().any(|w| w.tag.as_deref() == Some("latest")) {
                self.withheld("latest", &version, Line::All);
            }
        }
        self.push(rule, &rendered, rule.kind.unwrap_or(kind))
    }

    fn affix(&self, own: Option<&Template>, flavor: &Template, rule: &Rule) -> Result<String> {
        own.unwrap_or(flavor)
            .render(&self.values)
            .map_err(|m| render_err(rule, "prefix", m))
    }

    fn push(&mut self, rule: &Rule, value: &str, kind: TagKind) -> Result<()> {
        if value.trim().is_empty() {
            return Ok(());
        }
        let prefix = self.affix(rule.prefix.as_ref(), &self.strategy.flavor_prefix, rule)?;
        let suffix = self.affix(rule.suffix.as_ref(), &self.strategy.flavor_suffix, rule)?;
        let Some(tag) = fit_tag(&prefix, value, &suffix) else {
            self.plan.warnings.push(Violation::new(
                codes::EMPTY_TAG,
                format!("{value:?} leaves no valid tag after sanitising ({})", rule.description),
                None,
            ));
            return Ok(());
        };
        self.add(tag, kind, rule.description.clone());
        Ok(())
    }

    fn add(&mut self, tag: String, kind: TagKind, rule: String) {
        if let Some(existing) = self.plan.tags.iter().find(|t| t.value == tag) {
            if existing.kind != kind {
                self.plan.warnings.push(Violation::new(
                    codes::DUPLICATE_TAG,
                    format!(
                        "{tag} is produced by {} and {rule}; the first ({}) wins",
                        existing.rule, existing.rule
                    ),
                    Some(tag),
                ));
            }
            return;
        }
        self.plan.tags.push(PlannedTag { value: tag, kind, rule });
    }

    fn finish_latest(&mut self) -> Result<()> {
        let flavor = &self.strategy.spec().flavor;
        let want = match flavor.latest {
            LatestMode::Auto => self.latest_auto,
            LatestMode::True => !self.plan.tags.is_empty(),
            LatestMode::False => false,
        };
        if !want {
            return Ok(());
        }
        let render = |t: &Template| {
            t.render(&self.values)
                .map_err(|m| Error::invalid("tag strategy", format!("flavor: {m}")))
        };
        let prefix = if flavor.prefix_on_latest {
            render(&self.strategy.flavor_prefix)?
        } else {
            String::new()
        };
        let suffix = if flavor.suffix_on_latest {
            render(&self.strategy.flavor_suffix)?
        } else {
            String::new()
        };
        if let Some(tag) = fit_tag(&prefix, "latest", &suffix) {
            self.add(tag, TagKind::Rolling, latest_rule(flavor.latest));
        }
        Ok(())
    }

    /// metadata-action's OCI keys from the context (absent facts are left out).
    fn oci_labels(&self, now: crate::time::Timestamp) -> BTreeMap<String, String> {
        const OCI: &str = "org.opencontainers.image.";
        let ctx = self.ctx;
        let mut labels = BTreeMap::new();
        labels.insert(
            format!("{OCI}created"),
            now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        );
        let facts = [
            ("revision", ctx.sha.as_ref().map(|s| s.to_ascii_lowercase())),
            ("source", ctx.source.clone()),
            ("url", ctx.source.clone()),
            ("title", ctx.title.clone()),
            ("description", ctx.description.clone()),
            ("licenses", ctx.licenses.clone()),
            ("version", self.plan.version.clone()),
        ];
        for (key, value) in facts {
            if let Some(v) = value {
                labels.insert(format!("{OCI}{key}"), v);
            }
        }
        labels
    }

    /// The OCI keys overridden and extended by the strategy's `labels` or `annotations`.
    fn with_custom(
        &self,
        oci: &BTreeMap<String, String>,
        custom: &[(String, Template)],
        field: &str,
    ) -> Result<BTreeMap<String, String>> {
        let mut out = oci.clone();
        for (k, t) in custom {
            let v = t.render(&self.values).map_err(|m| Error::PolicyValidation {
                what: "tag strategy".to_owned(),
                errors: vec![FieldError::new(format!("{field}.{k}"), m)],
            })?;
            out.insert(k.clone(), v);
        }
        Ok(out)
    }
}

/// A version's values for the placeholders, whichever scheme it follows.
struct VersionParts {
    /// For the release lines (`major.minor.patch[-pre]`).
    version: semver::Version,
    /// `{{version}}`.
    text: String,
    /// No rolling tag and no `latest` (a pre-release; for PEP 440 also dev and post releases).
    pre: bool,
}

fn semver_parts(v: semver::Version, bm: BuildMetadata) -> VersionParts {
    let mut full = semver::Version::new(v.major, v.minor, v.patch);
    full.pre = v.pre.clone();
    let mut text = full.to_string();
    if !v.build.is_empty() && bm != BuildMetadata::Drop {
        text = apply_build_metadata(&format!("{text}+{}", v.build), bm).unwrap_or(text);
    }
    VersionParts {
        pre: is_prerelease(&v),
        version: full,
        text,
    }
}

/// A PEP 440 version (<https://peps.python.org/pep-0440/>): `{{version}}` is its normalised form,
/// `{{major}}.{{minor}}.{{patch}}` its first three release numbers (missing ones are 0).
fn pep440_parts(raw: &str, bm: BuildMetadata) -> Option<VersionParts> {
    let v: pep440_rs::Version = raw.trim().parse().ok()?;
    let release = v.release();
    let n = |i: usize| release.get(i).copied().unwrap_or(0);
    let normal = v.to_string();
    let text = if bm == BuildMetadata::Drop {
        normal.split('+').next().unwrap_or_default().to_owned()
    } else {
        apply_build_metadata(&normal, bm).unwrap_or_else(|| normal.clone())
    };
    Some(VersionParts {
        version: semver::Version::new(n(0), n(1), n(2)),
        text,
        pre: v.any_prerelease() || v.is_post(),
    })
}
