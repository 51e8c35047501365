//! [`TagStrategy`]: docker/metadata-action's tag rules and flavor as a JSON document whose field names mirror
//! the action's inputs in camelCase, validated once into a compiled form.
//!
//! ```json
//! {
//!   "tags": [
//!     {"type": "semver", "pattern": "{{version}}"},
//!     {"type": "semver", "pattern": "{{major}}.{{minor}}"},
//!     "type=sha,format=long",
//!     {"type": "ref", "event": "branch"},
//!     {"type": "raw", "value": "stable", "enable": "{{is_default_branch}}"}
//!   ],
//!   "flavor": {"latest": "auto", "prefix": "", "suffix": "", "prefixOnLatest": false, "suffixOnLatest": false},
//!   "labels": {"org.opencontainers.image.vendor": "ACME"},
//!   "shortShaLength": 7,
//!   "buildMetadata": "underscore"
//! }
//! ```
//! A tag entry is an object or metadata-action's own one-line form (`type=semver,pattern={{version}}`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::sanitize::BuildMetadata;
use super::template::{Expr, Scope, Template};
use crate::error::{Error, FieldError, Result};

/// The tag types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TagType {
    /// `schedule`: on scheduled builds, `pattern` (default `nightly`).
    Schedule,
    /// `semver`: from the git tag or `value`, rendered with `pattern`.
    Semver,
    /// `ref`: the branch, tag or pull-request number (`event`).
    Ref,
    /// `raw`: `value` as given.
    Raw,
    /// `edge`: the literal `edge` on pushes to `branch` (default: the default branch).
    Edge,
    /// `sha`: the commit id, `format` short (default) or long.
    Sha,
}

impl TagType {
    /// The default priority (higher first), as docker/metadata-action.
    pub fn default_priority(self) -> i64 {
        match self {
            TagType::Schedule => 1000,
            TagType::Semver => 900,
            TagType::Edge => 700,
            TagType::Ref => 600,
            TagType::Raw => 200,
            TagType::Sha => 100,
        }
    }

    fn name(self) -> &'static str {
        match self {
            TagType::Schedule => "schedule",
            TagType::Semver => "semver",
            TagType::Ref => "ref",
            TagType::Raw => "raw",
            TagType::Edge => "edge",
            TagType::Sha => "sha",
        }
    }
}

/// The `event` of a `ref` entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RefEvent {
    /// The branch name, on branch pushes.
    Branch,
    /// The tag name, on tag builds.
    Tag,
    /// `pr-<number>`, on pull-request builds.
    Pr,
}

/// The `format` of a `sha` entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ShaFormat {
    /// The first `shortShaLength` characters (default 7).
    #[default]
    Short,
    /// The full commit id.
    Long,
}

/// Whether a tag names one build forever or moves from build to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TagKind {
    /// Names exactly one build (a full version, a commit id, a build number): must never move.
    Immutable,
    /// Moves to newer builds (`latest`, a branch, `1.2`, `edge`, `nightly`).
    Rolling,
}

/// `enable`: a boolean or an expression that renders to `true`/`false` (e.g. `{{is_default_branch}}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Enable {
    /// A constant.
    Bool(bool),
    /// A template rendering to `true` or `false`.
    Expr(String),
}

/// One tag entry, as in metadata-action's `tags` input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TagSpec {
    /// The tag type.
    #[serde(rename = "type")]
    pub tag_type: TagType,
    /// Whether the entry is used (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable: Option<Enable>,
    /// Order of the tags (higher first); the first tag is the `version` label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i64>,
    /// Replaces the flavor prefix for this entry (`sha` defaults to `sha-`, `ref` pr to `pr-`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// Replaces the flavor suffix for this entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suffix: Option<String>,
    /// `semver` and `schedule`: the pattern.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// `raw`: the tag; `semver`: the version to use instead of the git tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// `ref`: which ref.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<RefEvent>,
    /// `sha`: short or long.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<ShaFormat>,
    /// `edge`: the branch (default: the default branch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// Overrides the kind ecr-core infers (e.g. a `raw` tag holding a build id is immutable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<TagKind>,
}

impl TagSpec {
    /// An entry of the given type with every attribute at its default.
    pub fn new(tag_type: TagType) -> Self {
        Self {
            tag_type,
            enable: None,
            priority: None,
            prefix: None,
            suffix: None,
            pattern: None,
            value: None,
            event: None,
            format: None,
            branch: None,
            kind: None,
        }
    }

    /// Parses metadata-action's one-line form: `type=semver,pattern={{version}}` (a bare `foo` is
    /// `type=raw,value=foo`). Commas inside `{{...}}` do not split.
    pub fn parse_line(line: &str) -> std::result::Result<Self, String> {
        let parts = split_attrs(line);
        let mut obj = serde_json::Map::new();
        if parts.len() == 1 && !parts[0].contains('=') {
            obj.insert("type".into(), Value::from("raw"));
            obj.insert("value".into(), Value::from(parts[0].trim()));
        } else {
            for p in parts {
                let (k, v) = p.split_once('=').ok_or_else(|| format!("{p:?} is not key=value"))?;
                let (k, v) = (k.trim(), v.trim());
                let value = match k {
                    "priority" => Value::from(
                        v.parse::<i64>()
                            .map_err(|_| format!("priority {v:?} is not a number"))?,
                    ),
                    "enable" => match v {
                        "true" => Value::Bool(true),
                        "false" => Value::Bool(false),
                        _ => Value::from(v),
                    },
                    _ => Value::from(v),
                };
                if obj.insert(k.to_owned(), value).is_some() {
                    return Err(format!("attribute {k:?} given twice"));
                }
            }
        }
        serde_json::from_value(Value::Object(obj)).map_err(|e| e.to_string())
    }

    /// The entry in metadata-action's one-line form (the `rule` of planned tags).
    pub fn describe(&self) -> String {
        let mut s = format!("type={}", self.tag_type.name());
        let mut add = |k: &str, v: &str| {
            s.push(',');
            s.push_str(k);
            s.push('=');
            s.push_str(v);
        };
        if let Some(e) = self.event {
            add("event", ser_name(&e).as_str());
        }
        if let Some(p) = &self.pattern {
            add("pattern", p);
        }
        if let Some(v) = &self.value {
            add("value", v);
        }
        if let Some(f) = self.format {
            add("format", ser_name(&f).as_str());
        }
        if let Some(b) = &self.branch {
            add("branch", b);
        }
        if let Some(p) = &self.prefix {
            add("prefix", p);
        }
        if let Some(x) = &self.suffix {
            add("suffix", x);
        }
        match &self.enable {
            Some(Enable::Expr(e)) => add("enable", e),
            Some(Enable::Bool(false)) => add("enable", "false"),
            _ => {}
        }
        if let Some(p) = self.priority {
            add("priority", &p.to_string());
        }
        if let Some(k) = self.kind {
            add("kind", ser_name(&k).as_str());
        }
        s
    }
}

fn ser_name<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Splits on commas outside `{{...}}`.
fn split_attrs(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0usize;
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '{' && chars.get(i + 1) == Some(&'{') {
            depth += 1;
            cur.push_str("{{");
            i += 2;
            continue;
        }
        if c == '}' && chars.get(i + 1) == Some(&'}') && depth > 0 {
            depth -= 1;
            cur.push_str("}}");
            i += 2;
            continue;
        }
        if c == ',' && depth == 0 {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
        i += 1;
    }
    out.push(cur);
    out
}

/// `flavor.latest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LatestMode {
    /// `latest` for the highest stable release only: never a pre-release, never a backport below a released version.
    #[default]
    Auto,
    /// Always add `latest`.
    True,
    /// Never add `latest`.
    False,
}

impl Serialize for LatestMode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(match self {
            LatestMode::Auto => "auto",
            LatestMode::True => "true",
            LatestMode::False => "false",
        })
    }
}

impl<'de> Deserialize<'de> for LatestMode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::Bool(true) => Ok(LatestMode::True),
            Value::Bool(false) => Ok(LatestMode::False),
            Value::String(s) if s == "auto" => Ok(LatestMode::Auto),
            Value::String(s) if s == "true" => Ok(LatestMode::True),
            Value::String(s) if s == "false" => Ok(LatestMode::False),
            other => Err(serde::de::Error::custom(format!(
                "latest must be auto, true or false, not {other}"
            ))),
        }
    }
}

/// metadata-action's `flavor` input.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Flavor {
    /// When to add `latest`.
    #[serde(default)]
    pub latest: LatestMode,
    /// Prefix for every tag whose entry sets none.
    #[serde(default)]
    pub prefix: String,
    /// Suffix for every tag whose entry sets none.
    #[serde(default)]
    pub suffix: String,
    /// Whether `latest` gets the prefix too (`prefix=...,onlatest=true`).
    #[serde(default)]
    pub prefix_on_latest: bool,
    /// Whether `latest` gets the suffix too.
    #[serde(default)]
    pub suffix_on_latest: bool,
}

/// The strategy document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StrategySpec {
    /// The tag entries (empty: metadata-action's default `schedule`, `ref` branch, tag and pr).
    pub tags: Vec<TagSpec>,
    /// Global prefix, suffix and `latest`.
    pub flavor: Flavor,
    /// Extra or overriding OCI labels (values may use global expressions).
    pub labels: BTreeMap<String, String>,
    /// Length of short commit ids (default 7).
    pub short_sha_length: usize,
    /// What `+` in a version becomes (default `underscore`).
    pub build_metadata: BuildMetadata,
}

impl Default for StrategySpec {
    fn default() -> Self {
        Self {
            tags: Vec::new(),
            flavor: Flavor::default(),
            labels: BTreeMap::new(),
            short_sha_length: 7,
            build_metadata: BuildMetadata::default(),
        }
    }
}

/// What a compiled rule produces.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    Schedule(Template),
    Semver { pattern: Template, value: Option<Template> },
    RefBranch,
    RefTag,
    RefPr,
    Raw(Template),
    Edge(Option<String>),
    Sha(ShaFormat),
}

/// One compiled rule.
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub(crate) source: Source,
    pub(crate) enable: Option<Template>,
    pub(crate) enabled: bool,
    pub(crate) priority: i64,
    pub(crate) prefix: Option<Template>,
    pub(crate) suffix: Option<Template>,
    pub(crate) kind: Option<TagKind>,
    pub(crate) description: String,
}

/// A validated strategy, ready to plan with [`TagStrategy::plan`].
#[derive(Debug, Clone)]
pub struct TagStrategy {
    spec: StrategySpec,
    pub(crate) rules: Vec<Rule>,
    pub(crate) flavor_prefix: Template,
    pub(crate) flavor_suffix: Template,
    pub(crate) labels: Vec<(String, Template)>,
}

const ATTRS: [&str; 11] = [
    "type", "enable", "priority", "prefix", "suffix", "pattern", "value", "event", "format", "branch", "kind",
];

impl TagStrategy {
    /// Parses and validates a strategy document; every problem is reported with its JSON path.
    pub fn from_json(text: &str) -> Result<Self> {
        let value: Value = serde_json::from_str(text).map_err(|e| Error::invalid("tag strategy", e.to_string()))?;
        Self::from_value(&value)
    }

    /// Like [`TagStrategy::from_json`] from a parsed JSON value.
    pub fn from_value(value: &Value) -> Result<Self> {
        let mut errors = Vec::new();
        let Some(obj) = value.as_object() else {
            return Err(invalid(vec![FieldError::new("", "a strategy is a JSON object")]));
        };
        let mut spec = StrategySpec::default();
        let mut indexed = Vec::new();
        for (k, v) in obj {
            match k.as_str() {
                "tags" => match v.as_array() {
                    Some(items) => {
                        for (i, item) in items.iter().enumerate() {
                            let parsed = match item {
                                Value::String(line) => TagSpec::parse_line(line),
                                other => serde_json::from_value::<TagSpec>(other.clone()).map_err(|e| e.to_string()),
                            };
                            match parsed {
                                Ok(t) => indexed.push((i, t)),
                                Err(m) => errors.push(FieldError::new(format!("tags[{i}]"), m)),
                            }
                        }
                    }
                    None => errors.push(FieldError::new("tags", "must be an array")),
                },
                "flavor" => match serde_json::from_value(v.clone()) {
                    Ok(f) => spec.flavor = f,
                    Err(e) => errors.push(FieldError::new("flavor", e.to_string())),
                },
                "labels" => match serde_json::from_value(v.clone()) {
                    Ok(l) => spec.labels = l,
                    Err(e) => errors.push(FieldError::new("labels", format!("must map strings to strings: {e}"))),
                },
                "shortShaLength" => match v.as_u64() {
                    Some(n @ 4..=64) => spec.short_sha_length = n as usize,
                    _ => errors.push(FieldError::new("shortShaLength", "must be a number from 4 to 64")),
                },
                "buildMetadata" => match serde_json::from_value(v.clone()) {
                    Ok(b) => spec.build_metadata = b,
                    Err(_) => errors.push(FieldError::new(
                        "buildMetadata",
                        "must be underscore, hyphen, drop or reject",
                    )),
                },
                other => errors.push(FieldError::new(
                    other,
                    "unknown field (expected tags, flavor, labels, shortShaLength, buildMetadata)",
                )),
            }
        }
        if !errors.is_empty() {
            // Report the problems of the entries that did parse too, under their own index.
            for (i, t) in &indexed {
                compile_rule(*i, t, &mut errors);
            }
            errors.sort_by(|a, b| a.path.cmp(&b.path));
            return Err(invalid(errors));
        }
        spec.tags = indexed.into_iter().map(|(_, t)| t).collect();
        Self::compile(spec)
    }

    /// Validates a strategy given in code.
    pub fn compile(spec: StrategySpec) -> Result<Self> {
        let mut errors = Vec::new();
        let mut tags = spec.tags.clone();
        if tags.is_empty() {
            tags = default_tags();
        }
        let mut rules = Vec::new();
        for (i, t) in tags.iter().enumerate() {
            if let Some(rule) = compile_rule(i, t, &mut errors) {
                rules.push(rule);
            }
        }
        // Highest priority first; entries of equal priority keep their order.
        rules.sort_by_key(|r| std::cmp::Reverse(r.priority));
        let flavor_prefix = template(&spec.flavor.prefix, "flavor.prefix", Scope::Global, &mut errors);
        let flavor_suffix = template(&spec.flavor.suffix, "flavor.suffix", Scope::Global, &mut errors);
        check_affix(&spec.flavor.prefix, "flavor.prefix", true, &mut errors);
        check_affix(&spec.flavor.suffix, "flavor.suffix", false, &mut errors);
        let mut labels = Vec::new();
        for (k, v) in &spec.labels {
            if k.trim().is_empty() {
                errors.push(FieldError::new("labels", "a label key cannot be empty"));
            }
            if let Some(t) = template(v, &format!("labels.{k}"), Scope::Global, &mut errors) {
                labels.push((k.clone(), t));
            }
        }
        if !errors.is_empty() {
            return Err(invalid(errors));
        }
        Ok(Self {
            spec,
            rules,
            flavor_prefix: flavor_prefix.unwrap_or_else(empty_template),
            flavor_suffix: flavor_suffix.unwrap_or_else(empty_template),
            labels,
        })
    }

    /// The document the strategy was built from.
    pub fn spec(&self) -> &StrategySpec {
        &self.spec
    }
}

fn empty_template() -> Template {
    Template {
        source: String::new(),
        parts: Vec::new(),
    }
}

fn invalid(errors: Vec<FieldError>) -> Error {
    Error::PolicyValidation {
        what: "tag strategy".to_owned(),
        errors,
    }
}

/// metadata-action's default `tags`.
fn default_tags() -> Vec<TagSpec> {
    let mut branch = TagSpec::new(TagType::Ref);
    branch.event = Some(RefEvent::Branch);
    let mut tag = TagSpec::new(TagType::Ref);
    tag.event = Some(RefEvent::Tag);
    let mut pr = TagSpec::new(TagType::Ref);
    pr.event = Some(RefEvent::Pr);
    vec![TagSpec::new(TagType::Schedule), branch, tag, pr]
}

fn template(text: &str, path: &str, scope: Scope, errors: &mut Vec<FieldError>) -> Option<Template> {
    match Template::parse(text, scope) {
        Ok(t) => Some(t),
        Err(m) => {
            errors.push(FieldError::new(path, m));
            None
        }
    }
}

/// A literal prefix/suffix must use tag characters only (templates are checked when rendered).
fn check_affix(text: &str, path: &str, leading: bool, errors: &mut Vec<FieldError>) {
    if text.contains("{{") {
        return;
    }
    if let Some(c) = text
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        errors.push(FieldError::new(
            path,
            format!("{c:?} is not allowed in a tag (only A-Z a-z 0-9 . _ -)"),
        ));
    } else if leading && (text.starts_with('.') || text.starts_with('-')) {
        errors.push(FieldError::new(path, "a tag cannot start with `.` or `-`"));
    }
    if text.len() > 64 {
        errors.push(FieldError::new(path, "at most 64 characters (a tag has 128)"));
    }
}

fn compile_rule(i: usize, t: &TagSpec, errors: &mut Vec<FieldError>) -> Option<Rule> {
    let path = |f: &str| format!("tags[{i}].{f}");
    let before = errors.len();
    // Attributes that do not belong to this type.
    let allowed: &[&str] = match t.tag_type {
        TagType::Schedule => &["pattern"],
        TagType::Semver => &["pattern", "value"],
        TagType::Ref => &["event"],
        TagType::Raw => &["value"],
        TagType::Edge => &["branch"],
        TagType::Sha => &["format"],
    };
    let given = [
        ("pattern", t.pattern.is_some()),
        ("value", t.value.is_some()),
        ("event", t.event.is_some()),
        ("format", t.format.is_some()),
        ("branch", t.branch.is_some()),
    ];
    for (name, present) in given {
        if present && !allowed.contains(&name) {
            errors.push(FieldError::new(
                path(name),
                format!(
                    "not an attribute of type={} (known attributes: {})",
                    t.tag_type.name(),
                    ATTRS.join(", ")
                ),
            ));
        }
    }
    let source = match t.tag_type {
        TagType::Schedule => Source::Schedule(template(
            t.pattern.as_deref().unwrap_or("nightly"),
            &path("pattern"),
            Scope::Global,
            errors,
        )?),
        TagType::Semver => {
            let Some(p) = t.pattern.as_deref() else {
                errors.push(FieldError::new(
                    path("pattern"),
                    "type=semver needs a pattern, e.g. {{version}}",
                ));
                return None;
            };
            let pattern = template(p, &path("pattern"), Scope::Semver, errors)?;
            if !pattern.uses(|e| matches!(e, Expr::Version | Expr::Raw | Expr::Major | Expr::Minor | Expr::Patch)) {
                errors.push(FieldError::new(
                    path("pattern"),
                    "a semver pattern must use {{version}}, {{raw}}, {{major}}, {{minor}} or {{patch}}",
                ));
            }
            let value = match &t.value {
                Some(v) => Some(template(v, &path("value"), Scope::Global, errors)?),
                None => None,
            };
            Source::Semver { pattern, value }
        }
        TagType::Ref => match t.event {
            Some(RefEvent::Branch) => Source::RefBranch,
            Some(RefEvent::Tag) => Source::RefTag,
            Some(RefEvent::Pr) => Source::RefPr,
            None => {
                errors.push(FieldError::new(path("event"), "type=ref needs event=branch, tag or pr"));
                return None;
            }
        },
        TagType::Raw => match t.value.as_deref() {
            Some(v) if !v.trim().is_empty() => Source::Raw(template(v, &path("value"), Scope::Global, errors)?),
            _ => {
                errors.push(FieldError::new(path("value"), "type=raw needs a non-empty value"));
                return None;
            }
        },
        TagType::Edge => {
            if let Some(b) = &t.branch
                && b.trim().is_empty()
            {
                errors.push(FieldError::new(path("branch"), "must not be empty"));
            }
            Source::Edge(t.branch.clone())
        }
        TagType::Sha => Source::Sha(t.format.unwrap_or_default()),
    };
    let (enable, enabled) = match &t.enable {
        None | Some(Enable::Bool(true)) => (None, true),
        Some(Enable::Bool(false)) => (None, false),
        Some(Enable::Expr(e)) => match e.trim() {
            "true" => (None, true),
            "false" => (None, false),
            _ => (Some(template(e, &path("enable"), Scope::Global, errors)?), true),
        },
    };
    let default_prefix = match (&source, &t.prefix) {
        (_, Some(p)) => Some(p.as_str()),
        (Source::Sha(_), None) => Some("sha-"),
        (Source::RefPr, None) => Some("pr-"),
        _ => None,
    };
    let prefix = match default_prefix {
        Some(p) => {
            check_affix(p, &path("prefix"), true, errors);
            Some(template(p, &path("prefix"), Scope::Global, errors)?)
        }
        None => None,
    };
    let suffix = match &t.suffix {
        Some(s) => {
            check_affix(s, &path("suffix"), false, errors);
            Some(template(s, &path("suffix"), Scope::Global, errors)?)
        }
        None => None,
    };
    if errors.len() > before {
        return None;
    }
    Some(Rule {
        source,
        enable,
        enabled,
        priority: t.priority.unwrap_or_else(|| t.tag_type.default_priority()),
        prefix,
        suffix,
        kind: t.kind,
        description: t.describe(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_form_equals_object_form() {
        let line = TagSpec::parse_line("type=semver,pattern={{major}}.{{minor}},priority=950").unwrap();
        let obj: TagSpec =
            serde_json::from_str(r#"{"type":"semver","pattern":"{{major}}.{{minor}}","priority":950}"#).unwrap();
        assert_eq!(line, obj);
        let raw = TagSpec::parse_line("stable").unwrap();
        assert_eq!(raw.tag_type, TagType::Raw);
        assert_eq!(raw.value.as_deref(), Some("stable"));
        let date = TagSpec::parse_line("type=schedule,pattern={{date 'YYYY,MM'}}").unwrap();
        assert_eq!(date.pattern.as_deref(), Some("{{date 'YYYY,MM'}}"));
        assert!(TagSpec::parse_line("type=sha,format=long,format=short").is_err());
        assert_eq!(line.describe(), "type=semver,pattern={{major}}.{{minor}},priority=950");
    }

    #[test]
    fn validation_names_every_bad_field() {
        let err = TagStrategy::from_json(
            r#"{"tags":[{"type":"semver"},{"type":"sha","pattern":"x"},{"type":"raw","value":"{{nope}}"},
                 {"type":"bogus"},"type=ref"],
                "flavor":{"latest":"sometimes"},"shortShaLength":2,"extra":1}"#,
        )
        .unwrap_err();
        let paths: Vec<&str> = err.field_errors().iter().map(|e| e.path.as_str()).collect();
        assert_eq!(err.code(), "PolicyValidation");
        for p in [
            "tags[3]",
            "flavor",
            "shortShaLength",
            "extra",
            "tags[0].pattern",
            "tags[2].value",
            "tags[4].event",
        ] {
            assert!(paths.contains(&p), "{p} missing from {paths:?}");
        }
        let err = TagStrategy::from_json(
            r#"{"tags":[{"type":"semver"},{"type":"sha","pattern":"x"},{"type":"raw","value":"{{nope}}"},
                 "type=ref",{"type":"raw","value":"x","prefix":"-bad"}]}"#,
        )
        .unwrap_err();
        let paths: Vec<&str> = err.field_errors().iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "tags[0].pattern",
                "tags[1].pattern",
                "tags[2].value",
                "tags[3].event",
                "tags[4].prefix"
            ]
        );
    }

    #[test]
    fn empty_tags_use_metadata_action_defaults_and_priorities_sort() {
        let s = TagStrategy::from_json(r#"{"tags":[]}"#).unwrap();
        assert_eq!(s.rules.len(), 4);
        assert_eq!(s.rules[0].description, "type=schedule");
        let s = TagStrategy::from_json(
            r#"{"tags":["type=sha","type=raw,value=a,priority=2000","type=semver,pattern={{version}}"]}"#,
        )
        .unwrap();
        let order: Vec<&str> = s.rules.iter().map(|r| r.description.as_str()).collect();
        assert_eq!(
            order,
            [
                "type=raw,value=a,priority=2000",
                "type=semver,pattern={{version}}",
                "type=sha"
            ]
        );
    }
}
