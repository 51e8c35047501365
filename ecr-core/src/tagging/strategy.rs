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
//! A tag entry is an object or metadata-action's own one-line form (`type=semver,pattern={{version}}`, read as
//! CSV like the action: `type=raw,"value=a,b"`, `type=raw,foo`). `flavor` may also be the action's lines
//! (`["latest=false", "suffix=-dev,onlatest=true"]`), `labels` and `annotations` its `key=value` lines.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::sanitize::BuildMetadata;
use super::template::{Expr, Scope, Template};
use crate::error::{Error, FieldError, Result};

/// The tag types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TagType {
    /// `schedule`: on scheduled builds, `pattern` (default `nightly`).
    Schedule,
    /// `semver`: from the git tag or `value`, rendered with `pattern`.
    Semver,
    /// `pep440`: a Python (PEP 440) version from the git tag or `value`, rendered with `pattern`.
    Pep440,
    /// `match`: the `group` of the regular expression `pattern` matched against the git tag or `value`.
    Match,
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
            TagType::Semver | TagType::Pep440 => 900,
            TagType::Match => 800,
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
            TagType::Pep440 => "pep440",
            TagType::Match => "match",
            TagType::Ref => "ref",
            TagType::Raw => "raw",
            TagType::Edge => "edge",
            TagType::Sha => "sha",
        }
    }
}

/// The `event` of a `ref` entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ShaFormat {
    /// The first `shortShaLength` characters (default 7).
    #[default]
    Short,
    /// The full commit id.
    Long,
}

/// Whether a tag names one build forever or moves from build to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TagKind {
    /// Names exactly one build (a full version, a commit id, a build number): must never move.
    Immutable,
    /// Moves to newer builds (`latest`, a branch, `1.2`, `edge`, `nightly`).
    Rolling,
}

/// `enable`: a boolean or an expression that renders to `true`/`false` (e.g. `{{is_default_branch}}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Enable {
    /// A constant.
    Bool(bool),
    /// A template rendering to `true` or `false`.
    Expr(String),
}

/// One tag entry, as in metadata-action's `tags` input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
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
    /// `semver`, `pep440` and `schedule`: the pattern; `match`: the regular expression (`re` or `/re/flags`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// `raw`: the tag; `semver`, `pep440`, `match`: the text to use instead of the git tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// `semver`, `pep440`: a regular expression whose first group is the version (`v(\d.\d.\d)$`).
    #[serde(default, rename = "match", skip_serializing_if = "Option::is_none")]
    pub match_: Option<String>,
    /// `match`: which group of `pattern` is the tag (default 0, the whole match).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<u32>,
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
            match_: None,
            group: None,
            event: None,
            format: None,
            branch: None,
            kind: None,
        }
    }

    /// Parses metadata-action's one-line form: `type=semver,pattern={{version}}`. Fields are CSV as the action
    /// reads them (`type=raw,"value=a,b"`); a field without `=` is the entry's value (`type=raw,foo`, or
    /// a bare `foo` for `type=raw,value=foo`); keys are case-insensitive. Commas inside `{{...}}` do not split.
    pub fn parse_line(line: &str) -> std::result::Result<Self, String> {
        let mut obj = serde_json::Map::new();
        for field in csv_fields(line)? {
            let (k, v) = match split_field(&field) {
                Some((k, v)) => (k.to_ascii_lowercase(), v),
                None => ("value".to_owned(), field.trim()),
            };
            let value = match k.as_str() {
                "priority" | "group" => Value::from(
                    v.parse::<i64>()
                        .map_err(|_| format!("{k} {v:?} is not a whole number"))?,
                ),
                "enable" => match v {
                    "true" => Value::Bool(true),
                    "false" => Value::Bool(false),
                    _ => Value::from(v),
                },
                _ => Value::from(v),
            };
            if obj.insert(k.clone(), value).is_some() {
                return Err(format!("attribute {k:?} given twice"));
            }
        }
        obj.entry("type").or_insert_with(|| Value::from("raw"));
        serde_json::from_value(Value::Object(obj)).map_err(|e| e.to_string())
    }

    /// The entry in metadata-action's one-line form (the `rule` of planned tags).
    pub fn describe(&self) -> String {
        let mut s = format!("type={}", self.tag_type.name());
        let mut add = |k: &str, v: &str| {
            let field = format!("{k}={v}");
            s.push(',');
            if field.contains([',', '"']) {
                s.push_str(&format!("\"{}\"", field.replace('"', "\"\"")));
            } else {
                s.push_str(&field);
            }
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
        if let Some(m) = &self.match_ {
            add("match", m);
        }
        if let Some(g) = self.group {
            add("group", &g.to_string());
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

/// The fields of one CSV line as metadata-action's `csv-parse` reads it (`"` quotes a field, `""` is a quote
/// inside one), with fields split inside `{{...}}` joined again.
pub(crate) fn csv_fields(line: &str) -> std::result::Result<Vec<String>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(line.as_bytes());
    let mut record = csv::StringRecord::new();
    match reader.read_record(&mut record) {
        Ok(true) => {}
        Ok(false) => return Err("empty entry".to_owned()),
        Err(e) => return Err(format!("not a CSV line: {e}")),
    }
    if reader.read_record(&mut csv::StringRecord::new()).unwrap_or(false) {
        return Err("one entry per line (found a line break)".to_owned());
    }
    let mut out: Vec<String> = Vec::new();
    let mut open = false;
    for field in record.iter() {
        match out.last_mut() {
            Some(last) if open => {
                last.push(',');
                last.push_str(field);
            }
            _ => out.push(field.to_owned()),
        }
        let last = out.last().map(String::as_str).unwrap_or_default();
        open = last.matches("{{").count() > last.matches("}}").count();
    }
    Ok(out)
}

/// `key=value` split at the first `=` and trimmed, as metadata-action does; `None` for a field without a key.
pub(crate) fn split_field(field: &str) -> Option<(&str, &str)> {
    match field.split_once('=') {
        Some((k, v)) if !k.is_empty() => Some((k.trim(), v.trim())),
        _ => None,
    }
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
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
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

impl Flavor {
    /// metadata-action's `flavor` lines: `latest=auto|true|false`, `prefix=<text>[,onlatest=true|false]`,
    /// `suffix=<text>[,onlatest=true|false]`; a problem is reported as `flavor[<line>]`.
    pub fn from_lines(lines: &[Value]) -> std::result::Result<Self, FieldError> {
        let mut flavor = Flavor::default();
        for (i, line) in lines.iter().enumerate() {
            let err = |m: String| FieldError::new(format!("flavor[{i}]"), m);
            let line = line
                .as_str()
                .ok_or_else(|| err("must be a string like \"latest=false\"".to_owned()))?;
            let mut onlatest_for = None;
            for field in csv_fields(line).map_err(err)? {
                let (k, v) = split_field(&field).ok_or_else(|| {
                    err(format!(
                        "{field:?} is not key=value (latest=, prefix=, suffix=, onlatest=)"
                    ))
                })?;
                match k.to_ascii_lowercase().as_str() {
                    "latest" => {
                        flavor.latest = match v {
                            "auto" => LatestMode::Auto,
                            "true" => LatestMode::True,
                            "false" => LatestMode::False,
                            _ => return Err(err(format!("latest must be auto, true or false, not {v:?}"))),
                        }
                    }
                    "prefix" => {
                        flavor.prefix = v.to_owned();
                        onlatest_for = Some(true);
                    }
                    "suffix" => {
                        flavor.suffix = v.to_owned();
                        onlatest_for = Some(false);
                    }
                    "onlatest" => {
                        let on = match v {
                            "true" => true,
                            "false" => false,
                            _ => return Err(err(format!("onlatest must be true or false, not {v:?}"))),
                        };
                        match onlatest_for {
                            Some(true) => flavor.prefix_on_latest = on,
                            Some(false) => flavor.suffix_on_latest = on,
                            None => return Err(err("onlatest= follows prefix= or suffix= on its line".to_owned())),
                        }
                    }
                    other => {
                        return Err(err(format!(
                            "unknown flavor {other:?} (expected latest, prefix, suffix, onlatest)"
                        )));
                    }
                }
            }
        }
        Ok(flavor)
    }
}

/// Labels or annotations: an object of strings, or metadata-action's `key=value` lines (a later key wins).
fn key_values(v: &Value, field: &str, errors: &mut Vec<FieldError>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    match v {
        Value::Array(lines) => {
            for (i, line) in lines.iter().enumerate() {
                match line.as_str().and_then(|l| l.split_once('=')) {
                    Some((k, v)) if !k.trim().is_empty() => {
                        out.insert(k.trim().to_owned(), v.to_owned());
                    }
                    _ => errors.push(FieldError::new(
                        format!("{field}[{i}]"),
                        format!("{line} is not a key=value line"),
                    )),
                }
            }
        }
        _ => match serde_json::from_value(v.clone()) {
            Ok(map) => out = map,
            Err(e) => errors.push(FieldError::new(
                field,
                format!("must map strings to strings or be key=value lines: {e}"),
            )),
        },
    }
    out
}

/// The strategy document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StrategySpec {
    /// The tag entries (empty: metadata-action's default `schedule`, `ref` branch, tag and pr).
    pub tags: Vec<TagSpec>,
    /// Global prefix, suffix and `latest`.
    pub flavor: Flavor,
    /// Extra or overriding OCI labels (values may use global expressions); as a document, an object or
    /// metadata-action's `key=value` lines.
    pub labels: BTreeMap<String, String>,
    /// Extra or overriding OCI annotations, like `labels` (without them the annotations are the OCI labels).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
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
            annotations: BTreeMap::new(),
            short_sha_length: 7,
            build_metadata: BuildMetadata::default(),
        }
    }
}

/// What a compiled rule produces.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    Schedule(Template),
    Version {
        scheme: VersionScheme,
        pattern: Template,
        value: Option<Template>,
        match_: Option<regex::Regex>,
    },
    Match {
        regex: MatchRegex,
        group: usize,
        value: Option<Template>,
    },
    RefBranch,
    RefTag,
    RefPr,
    Raw(Template),
    Edge(Option<String>),
    Sha(ShaFormat),
}

/// How a version entry reads its version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VersionScheme {
    Semver,
    Pep440,
}

/// A `type=match` pattern: JavaScript's `/re/flags` form or a bare expression. With the `g` flag the
/// "groups" are the successive whole matches, as JavaScript's `String.match` returns them.
#[derive(Debug, Clone)]
pub(crate) struct MatchRegex {
    pub(crate) regex: regex::Regex,
    pub(crate) global: bool,
}

impl MatchRegex {
    fn parse(text: &str) -> std::result::Result<Self, String> {
        let (body, flags) = match text.strip_prefix('/').and_then(|t| t.rsplit_once('/')) {
            Some((body, flags)) if !body.is_empty() => (body, flags),
            _ => (text, ""),
        };
        let mut inline = String::new();
        for f in flags.chars() {
            match f {
                'i' | 'm' | 's' => inline.push(f),
                'g' | 'u' | 'y' | 'd' => {}
                other => {
                    return Err(format!(
                        "unknown regular expression flag {other:?} (expected i, m, s, g, u, y, d)"
                    ));
                }
            }
        }
        let source = if inline.is_empty() {
            body.to_owned()
        } else {
            format!("(?{inline}){body}")
        };
        let regex = regex::Regex::new(&source).map_err(|e| format!("not a regular expression: {e}"))?;
        Ok(Self {
            regex,
            global: flags.contains('g'),
        })
    }

    /// The `group`th group of the first match (or the `group`th match with `g`); `None` when absent.
    pub(crate) fn find<'t>(&self, text: &'t str, group: usize) -> Option<&'t str> {
        if self.global {
            return self.regex.find_iter(text).nth(group).map(|m| m.as_str());
        }
        self.regex.captures(text)?.get(group).map(|m| m.as_str())
    }
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
    /// The entry's index in `tags` (error paths name it).
    pub(crate) index: usize,
}

/// A validated strategy, ready to plan with [`TagStrategy::plan`].
#[derive(Debug, Clone)]
pub struct TagStrategy {
    spec: StrategySpec,
    pub(crate) rules: Vec<Rule>,
    pub(crate) flavor_prefix: Template,
    pub(crate) flavor_suffix: Template,
    pub(crate) labels: Vec<(String, Template)>,
    pub(crate) annotations: Vec<(String, Template)>,
}

const ATTRS: [&str; 13] = [
    "type", "enable", "priority", "prefix", "suffix", "pattern", "value", "match", "group", "event", "format",
    "branch", "kind",
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
                "flavor" => match v {
                    Value::Array(lines) => match Flavor::from_lines(lines) {
                        Ok(f) => spec.flavor = f,
                        Err(e) => errors.push(e),
                    },
                    _ => match serde_json::from_value(v.clone()) {
                        Ok(f) => spec.flavor = f,
                        Err(e) => errors.push(FieldError::new(
                            "flavor",
                            format!(
                                "{e} (expected an object or lines like \"latest=false\", \"suffix=-dev,onlatest=true\")"
                            ),
                        )),
                    },
                },
                "labels" => spec.labels = key_values(v, "labels", &mut errors),
                "annotations" => spec.annotations = key_values(v, "annotations", &mut errors),
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
                    "unknown field (expected tags, flavor, labels, annotations, shortShaLength, buildMetadata)",
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
        let labels = key_templates(&spec.labels, "labels", &mut errors);
        let annotations = key_templates(&spec.annotations, "annotations", &mut errors);
        if !errors.is_empty() {
            return Err(invalid(errors));
        }
        Ok(Self {
            spec,
            rules,
            flavor_prefix: flavor_prefix.unwrap_or_else(empty_template),
            flavor_suffix: flavor_suffix.unwrap_or_else(empty_template),
            labels,
            annotations,
        })
    }

    /// The document the strategy was built from.
    pub fn spec(&self) -> &StrategySpec {
        &self.spec
    }
}

fn key_templates(map: &BTreeMap<String, String>, field: &str, errors: &mut Vec<FieldError>) -> Vec<(String, Template)> {
    let mut out = Vec::new();
    for (k, v) in map {
        if k.trim().is_empty() {
            errors.push(FieldError::new(field, "a key cannot be empty"));
        }
        if let Some(t) = template(v, &format!("{field}.{k}"), Scope::Global, errors) {
            out.push((k.clone(), t));
        }
    }
    out
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

fn optional_template(text: Option<&str>, path: &str, errors: &mut Vec<FieldError>) -> Option<Option<Template>> {
    match text.filter(|v| !v.is_empty()) {
        Some(v) => Some(Some(template(v, path, Scope::Global, errors)?)),
        None => Some(None),
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
        TagType::Semver | TagType::Pep440 => &["pattern", "value", "match"],
        TagType::Match => &["pattern", "value", "group"],
        TagType::Ref => &["event"],
        TagType::Raw => &["value"],
        TagType::Edge => &["branch"],
        TagType::Sha => &["format"],
    };
    let given = [
        ("pattern", t.pattern.is_some()),
        ("value", t.value.is_some()),
        ("match", t.match_.is_some()),
        ("group", t.group.is_some()),
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
        TagType::Semver | TagType::Pep440 => {
            let Some(p) = t.pattern.as_deref() else {
                errors.push(FieldError::new(
                    path("pattern"),
                    format!("type={} needs a pattern, e.g. {{{{version}}}}", t.tag_type.name()),
                ));
                return None;
            };
            let pattern = template(p, &path("pattern"), Scope::Semver, errors)?;
            if !pattern.uses(|e| matches!(e, Expr::Version | Expr::Raw | Expr::Major | Expr::Minor | Expr::Patch)) {
                errors.push(FieldError::new(
                    path("pattern"),
                    "a version pattern must use {{version}}, {{raw}}, {{major}}, {{minor}} or {{patch}}",
                ));
            }
            let value = optional_template(t.value.as_deref(), &path("value"), errors)?;
            let match_ = match t.match_.as_deref().filter(|m| !m.is_empty()) {
                Some(m) => match regex::Regex::new(m) {
                    Ok(r) if r.captures_len() > 1 => Some(r),
                    Ok(_) => {
                        errors.push(FieldError::new(path("match"), "needs a group: the version is group 1"));
                        return None;
                    }
                    Err(e) => {
                        errors.push(FieldError::new(path("match"), format!("not a regular expression: {e}")));
                        return None;
                    }
                },
                None => None,
            };
            let scheme = if t.tag_type == TagType::Pep440 {
                VersionScheme::Pep440
            } else {
                VersionScheme::Semver
            };
            Source::Version {
                scheme,
                pattern,
                value,
                match_,
            }
        }
        TagType::Match => {
            let regex = match t.pattern.as_deref().map(MatchRegex::parse) {
                Some(Ok(r)) => r,
                Some(Err(m)) => {
                    errors.push(FieldError::new(path("pattern"), m));
                    return None;
                }
                None => {
                    errors.push(FieldError::new(
                        path("pattern"),
                        "type=match needs a pattern (a regular expression, e.g. \\d+\\.\\d+)",
                    ));
                    return None;
                }
            };
            let group = t.group.unwrap_or(0) as usize;
            let value = optional_template(t.value.as_deref(), &path("value"), errors)?;
            Source::Match { regex, group, value }
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
            e if !e.contains("{{") => {
                errors.push(FieldError::new(
                    path("enable"),
                    format!("{e:?} is not true, false or an expression like {{{{is_default_branch}}}}"),
                ));
                return None;
            }
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
        index: i,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The field paths of the errors of an invalid strategy.
    fn error_paths(json: &str) -> Vec<String> {
        let err = TagStrategy::from_json(json).unwrap_err();
        err.field_errors().iter().map(|e| e.path.clone()).collect()
    }

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
    fn lines_read_as_metadata_action_reads_them() {
        // A field without `=` is the value; CSV quotes protect commas; keys are case-insensitive.
        let raw = TagSpec::parse_line("type=raw,foo").unwrap();
        assert_eq!((raw.tag_type, raw.value.as_deref()), (TagType::Raw, Some("foo")));
        let quoted = TagSpec::parse_line(r#"type=raw,"value=a,b""#).unwrap();
        assert_eq!(quoted.value.as_deref(), Some("a,b"));
        let semver = TagSpec::parse_line(r#"type=semver,"pattern={{version}}",Priority=5"#).unwrap();
        assert_eq!(
            (semver.pattern.as_deref(), semver.priority),
            (Some("{{version}}"), Some(5))
        );
        let matched = TagSpec::parse_line(r#"type=match,"pattern=v(\d.\d),x",group=1"#).unwrap();
        assert_eq!(
            (matched.pattern.as_deref(), matched.group),
            (Some(r"v(\d.\d),x"), Some(1))
        );
        let pep = TagSpec::parse_line(r#"type=pep440,pattern={{version}},"match=v(\d.\d.\d)$""#).unwrap();
        assert_eq!(pep.match_.as_deref(), Some(r"v(\d.\d.\d)$"));
        assert_eq!(pep.describe(), r"type=pep440,pattern={{version}},match=v(\d.\d.\d)$");
        assert_eq!(quoted.describe(), r#"type=raw,"value=a,b""#, "a comma is quoted back");
        // `""` is a quote inside a quoted field; a value may contain `=`.
        let q = TagSpec::parse_line(r#"type=raw,"value=say ""hi""=x""#).unwrap();
        assert_eq!(q.value.as_deref(), Some(r#"say "hi"=x"#));
        assert!(TagSpec::parse_line("type=semver,pattern=a\nb").is_err());
        let err = TagSpec::parse_line("type=nope,foo").unwrap_err();
        assert!(err.contains("nope"), "{err}");
    }

    #[test]
    fn flavor_lines_equal_the_object_form() {
        let lines = TagStrategy::from_json(
            r#"{"tags":["type=sha"],"flavor":["latest=false","prefix=app-,onlatest=true","suffix=-dev"]}"#,
        )
        .unwrap();
        let object = TagStrategy::from_json(
            r#"{"tags":["type=sha"],"flavor":{"latest":false,"prefix":"app-","prefixOnLatest":true,"suffix":"-dev"}}"#,
        )
        .unwrap();
        assert_eq!(lines.spec().flavor, object.spec().flavor);
        assert_eq!(lines.spec().flavor.latest, LatestMode::False);
        let on_suffix = Flavor::from_lines(&[Value::from("suffix=-dev,onlatest=true")]).unwrap();
        assert!(on_suffix.suffix_on_latest && !on_suffix.prefix_on_latest);
        for (bad, says) in [
            (r#"["latest=true","latest=sometimes"]"#, "flavor[1]"),
            (r#"["onlatest=true"]"#, "flavor[0]"),
            (r#"["latest"]"#, "flavor[0]"),
            (r#"["colour=red"]"#, "flavor[0]"),
            (r#"["prefix=a,onlatest=maybe"]"#, "flavor[0]"),
        ] {
            let err = TagStrategy::from_json(&format!(r#"{{"flavor":{bad}}}"#)).unwrap_err();
            assert_eq!(err.field_errors()[0].path, says, "{bad}: {err}");
        }
        let err = TagStrategy::from_json(r#"{"flavor":{"latest":"sometimes"}}"#).unwrap_err();
        assert!(err.field_errors()[0].message.contains("auto, true or false"), "{err}");
    }

    #[test]
    fn labels_and_annotations_take_lines_or_objects() {
        let s = TagStrategy::from_json(
            r#"{"labels":["maintainer=me","org.opencontainers.image.title=A=B"],"annotations":{"k":"v"}}"#,
        )
        .unwrap();
        assert_eq!(s.spec().labels["org.opencontainers.image.title"], "A=B");
        assert_eq!(s.spec().annotations["k"], "v");
        let err = TagStrategy::from_json(r#"{"labels":["ok=1","invalid"],"annotations":[5]}"#).unwrap_err();
        let paths: Vec<&str> = err.field_errors().iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["annotations[0]", "labels[1]"]);
    }

    #[test]
    fn new_types_are_validated() {
        let paths = error_paths(
            r#"{"tags":["type=match","type=match,pattern=(","type=match,pattern=/x/q","type=pep440,value=1",
                        "type=semver,pattern={{version}},match=nogroup","type=raw,x,group=1","type=match,pattern=x,group=a"]}"#,
        );
        assert_eq!(
            paths,
            [
                "tags[0].pattern",
                "tags[1].pattern",
                "tags[2].pattern",
                "tags[3].pattern",
                "tags[4].match",
                "tags[5].group",
                "tags[6]"
            ]
        );
        let re = MatchRegex::parse(r"/^V(\d)\.(\d)$/i").unwrap();
        assert_eq!(re.find("v1.2", 2), Some("2"));
        assert_eq!(re.find("v1.2", 3), None);
        let global = MatchRegex::parse(r"/\d/g").unwrap();
        assert_eq!(global.find("a1b2", 1), Some("2"), "with g the groups are the matches");
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
        let paths = error_paths(
            r#"{"tags":[{"type":"semver"},{"type":"sha","pattern":"x"},{"type":"raw","value":"{{nope}}"},
                 "type=ref",{"type":"raw","value":"x","prefix":"-bad"}]}"#,
        );
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
