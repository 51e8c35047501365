//! Reports of a [`GateDecision`]: JSON with a versioned schema name, SARIF 2.1.0 for GitHub code scanning,
//! and Markdown for a CI job summary. All pure; the same functions back the `scan_gate` program and the
//! bindings.
//!
//! JSON comes in two levels of [`Detail`]: the full report ([`JSON_SCHEMA`]: the whole decision, every
//! finding with its raw JSON, the policy) and the compact one ([`COMPACT_JSON_SCHEMA`]: the decision, the
//! counts, and one row per counted and per not-counted finding with the fields a reviewer reads).
//! [`write()`] serialises straight from the decision into a writer (no JSON tree in memory); [`json`],
//! [`sarif`] and [`render`] build a [`Value`] or a `String` for callers that want one (the bindings).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io;

use serde::Serialize;
use serde::ser::{SerializeSeq, Serializer};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::finding::{FixAvailable, Severity, SeverityCounts};
use super::gate::{Countedness, EvaluatedFinding, GateDecision, IgnoreUse, ImageDecision, Reason, Warning};
use crate::error::{Error, Result};
use crate::time::{self, Timestamp};

/// The schema name of the full JSON report ([`json()`], [`Detail::Full`]). Bumped on any incompatible change.
pub const JSON_SCHEMA: &str = "ecr-core/scan-gate-report/v1";

/// The schema name of the compact JSON report ([`Detail::Compact`]). Bumped on any incompatible change.
pub const COMPACT_JSON_SCHEMA: &str = "ecr-core/scan-gate-summary/v1";

/// SARIF version written by [`sarif`].
pub const SARIF_VERSION: &str = "2.1.0";

const SARIF_SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const TOOL_NAME: &str = "ecr-core scan gate";
const INFORMATION_URI: &str = "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html";

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// [`json()`].
    Json,
    /// [`sarif`].
    Sarif,
    /// [`markdown`].
    Markdown,
}

impl Format {
    /// Parses `json`, `sarif` or `markdown` (`md`).
    pub fn parse(s: &str) -> Result<Format> {
        match s.to_ascii_lowercase().as_str() {
            "json" => Ok(Format::Json),
            "sarif" => Ok(Format::Sarif),
            "markdown" | "md" => Ok(Format::Markdown),
            other => Err(Error::invalid(
                "report format",
                format!("{other:?}: expected json, sarif or markdown"),
            )),
        }
    }
}

/// How much of the decision a JSON report carries (SARIF and Markdown are the same at both levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Detail {
    /// [`COMPACT_JSON_SCHEMA`]: the decision, the counts, and a reviewer's row per finding.
    #[default]
    Compact,
    /// [`JSON_SCHEMA`]: the whole decision, every finding with its raw JSON, and the policy.
    Full,
}

/// Writes the report to `out`, serialising straight from the decision: JSON pretty-printed, SARIF on one line
/// (it is read by tools, and it is the largest report), each ending in a newline. `out` should be buffered.
pub fn write(decision: &GateDecision, format: Format, detail: Detail, out: impl io::Write) -> io::Result<()> {
    write_as(decision, format, detail, false, out)
}

/// [`write`], with SARIF pretty-printed or not.
fn write_as(
    decision: &GateDecision,
    format: Format,
    detail: Detail,
    pretty_sarif: bool,
    mut out: impl io::Write,
) -> io::Result<()> {
    match (format, detail) {
        (Format::Json, Detail::Full) => serde_json::to_writer_pretty(&mut out, &FullReport::new(decision))?,
        (Format::Json, Detail::Compact) => serde_json::to_writer_pretty(&mut out, &CompactReport::new(decision))?,
        (Format::Sarif, _) if pretty_sarif => serde_json::to_writer_pretty(&mut out, &SarifLog::new(decision))?,
        (Format::Sarif, _) => serde_json::to_writer(&mut out, &SarifLog::new(decision))?,
        (Format::Markdown, _) => {
            // The Markdown text already ends in a blank line; the newline keeps all formats alike.
            out.write_all(markdown(decision).as_bytes())?;
        }
    }
    out.write_all(b"\n")
}

/// Renders the decision in a format with the full JSON report, JSON and SARIF pretty-printed (no trailing
/// newline): what `scan_gate --full --format FORMAT` writes, SARIF indented.
pub fn render(decision: &GateDecision, format: Format) -> String {
    let mut out = Vec::new();
    // Writing to a Vec fails only if serialisation does, which the report types never do.
    let _ = write_as(decision, format, Detail::Full, true, &mut out);
    out.pop();
    String::from_utf8(out).unwrap_or_default()
}

/// The full JSON report: `{"schema": JSON_SCHEMA, "generator": {...}, ...the decision}`.
pub fn json(decision: &GateDecision) -> Value {
    serde_json::to_value(FullReport::new(decision)).unwrap_or(Value::Null)
}

/// The compact JSON report ([`COMPACT_JSON_SCHEMA`]): see [`Detail::Compact`].
pub fn compact_json(decision: &GateDecision) -> Value {
    serde_json::to_value(CompactReport::new(decision)).unwrap_or(Value::Null)
}

/// The SARIF 2.1.0 log: one rule per vulnerability id (stable `ruleId`, `security-severity` from the score),
/// one result per finding; findings that don't count carry a `suppressions` entry saying why.
pub fn sarif(decision: &GateDecision) -> Value {
    serde_json::to_value(SarifLog::new(decision)).unwrap_or(Value::Null)
}

/// Who wrote the report.
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "ReportGenerator")]
struct Generator {
    /// `ecr-core`.
    name: &'static str,
    /// The ecr-core version that wrote it.
    version: &'static str,
}

const GENERATOR: Generator = Generator {
    name: "ecr-core",
    version: env!("CARGO_PKG_VERSION"),
};

/// The full report: the schema name, the generator, then the decision's own fields.
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "ScanGateReport")]
pub(crate) struct FullReport<'a> {
    /// The report's schema name; bumped on any incompatible change.
    schema: &'static str,
    /// Who wrote the report.
    generator: Generator,
    #[serde(flatten)]
    decision: &'a GateDecision,
}

impl<'a> FullReport<'a> {
    fn new(decision: &'a GateDecision) -> Self {
        Self {
            schema: JSON_SCHEMA,
            generator: GENERATOR,
            decision,
        }
    }
}

/// The compact report: the decision without the raw findings and the policy, plus one row per finding.
#[derive(Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
struct CompactReport<'a> {
    schema: &'static str,
    generator: Generator,
    passed: bool,
    #[serde(with = "time::flexible")]
    #[schemars(with = "crate::schema::Rfc3339")]
    evaluated_at: Timestamp,
    reasons: &'a [Reason],
    counted: &'a SeverityCounts,
    not_counted: &'a SeverityCounts,
    images: &'a [ImageDecision],
    ignores: &'a [IgnoreUse],
    stale_ignores: &'a [usize],
    expired_ignores: &'a [usize],
    warnings: &'a [Warning],
    counted_findings: Rows<'a>,
    not_counted_findings: Rows<'a>,
}

impl<'a> CompactReport<'a> {
    fn new(d: &'a GateDecision) -> Self {
        Self {
            schema: COMPACT_JSON_SCHEMA,
            generator: GENERATOR,
            passed: d.passed,
            evaluated_at: d.evaluated_at,
            reasons: &d.reasons,
            counted: &d.counted,
            not_counted: &d.not_counted,
            images: &d.images,
            ignores: &d.ignores,
            stale_ignores: &d.stale_ignores,
            expired_ignores: &d.expired_ignores,
            warnings: &d.warnings,
            counted_findings: Rows {
                findings: &d.findings,
                counted: true,
            },
            not_counted_findings: Rows {
                findings: &d.findings,
                counted: false,
            },
        }
    }
}

/// The findings that count (or those that don't), serialised as [`Row`]s as they are read.
struct Rows<'a> {
    findings: &'a [EvaluatedFinding],
    counted: bool,
}

impl schemars::JsonSchema for Rows<'_> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Rows".into()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <Vec<Row<'static>>>::json_schema(g)
    }
}

impl Serialize for Rows<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        for f in self.findings.iter().filter(|f| f.counted() == self.counted) {
            seq.serialize_element(&Row::new(f))?;
        }
        seq.end()
    }
}

/// One finding as a reviewer reads it; `why` says why a finding does not count.
#[derive(Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
struct Row<'a> {
    id: &'a str,
    severity: Severity,
    #[serde(skip_serializing_if = "Option::is_none")]
    package: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fixed_in: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    exploit: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    platform: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    why: Option<&'a Countedness>,
}

impl<'a> Row<'a> {
    fn new(ef: &'a EvaluatedFinding) -> Self {
        let f = &ef.finding;
        Self {
            id: &f.id,
            severity: f.severity,
            package: f.package.as_deref(),
            version: f.package_version.as_deref(),
            fixed_in: f.fixed_in_version.as_deref(),
            score: f.score,
            exploit: f.exploit_available,
            platform: ef.platform.as_deref(),
            why: (!ef.counted()).then_some(&ef.verdict),
        }
    }
}

fn security_severity(f: &EvaluatedFinding) -> Option<String> {
    f.finding.score.map(|s| format!("{s:.1}"))
}

fn level(f: &EvaluatedFinding) -> &'static str {
    match f.finding.severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        _ => "note",
    }
}

fn fingerprint(f: &EvaluatedFinding, repo: &str) -> String {
    let mut h = Sha256::new();
    for part in [
        f.finding.id.as_str(),
        f.finding.package.as_deref().unwrap_or(""),
        repo,
        f.platform.as_deref().unwrap_or(""),
    ] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    hex::encode(&h.finalize()[..16])
}

/// The SARIF rule id of a finding.
fn rule_id(f: &EvaluatedFinding) -> &str {
    if f.finding.id.is_empty() {
        "UNKNOWN"
    } else {
        f.finding.id.as_str()
    }
}

/// The SARIF log of a decision, serialised from the decision as it is written: the rules are the first
/// finding of each id, indexed once up front.
struct SarifLog<'a> {
    decision: &'a GateDecision,
    /// The first finding of each rule id, in order of first appearance.
    rules: Vec<&'a EvaluatedFinding>,
    /// The rule index of each finding.
    rule_of: Vec<usize>,
}

impl<'a> SarifLog<'a> {
    fn new(decision: &'a GateDecision) -> Self {
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut rules = Vec::new();
        let rule_of = decision
            .findings
            .iter()
            .map(|f| {
                *index.entry(rule_id(f)).or_insert_with(|| {
                    rules.push(f);
                    rules.len() - 1
                })
            })
            .collect();
        Self {
            decision,
            rules,
            rule_of,
        }
    }

    /// The repository a finding's image belongs to.
    fn repository_of(&self, f: &EvaluatedFinding) -> &'a str {
        self.decision
            .images
            .iter()
            .find(|i| i.platform == f.platform)
            .and_then(|i| i.repository.as_deref())
            .unwrap_or("image")
    }
}

impl Serialize for SarifLog<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Log<'a> {
            #[serde(rename = "$schema")]
            schema: &'static str,
            version: &'static str,
            runs: [Run<'a>; 1],
        }
        #[derive(Serialize)]
        struct Run<'a> {
            tool: Tool<'a>,
            results: SarifResults<'a, 'a>,
            properties: RunProperties<'a>,
        }
        #[derive(Serialize)]
        struct Tool<'a> {
            driver: Driver<'a>,
        }
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Driver<'a> {
            name: &'static str,
            version: &'static str,
            information_uri: &'static str,
            rules: SarifRules<'a, 'a>,
        }
        #[derive(Serialize)]
        struct RunProperties<'a> {
            passed: bool,
            reasons: Messages<'a>,
        }
        Log {
            schema: SARIF_SCHEMA_URI,
            version: SARIF_VERSION,
            runs: [Run {
                tool: Tool {
                    driver: Driver {
                        name: TOOL_NAME,
                        version: env!("CARGO_PKG_VERSION"),
                        information_uri: INFORMATION_URI,
                        rules: SarifRules(self),
                    },
                },
                results: SarifResults(self),
                properties: RunProperties {
                    passed: self.decision.passed,
                    reasons: Messages(&self.decision.reasons),
                },
            }],
        }
        .serialize(s)
    }
}

/// The reasons' messages.
struct Messages<'a>(&'a [Reason]);

impl Serialize for Messages<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|r| r.message.as_str()))
    }
}

/// `{"text": ...}`.
#[derive(Serialize)]
struct Text<T: Serialize> {
    text: T,
}

/// Every rule of a [`SarifLog`].
struct SarifRules<'l, 'a>(&'l SarifLog<'a>);

impl Serialize for SarifRules<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Rule<'a> {
            id: &'a str,
            name: String,
            short_description: Text<String>,
            full_description: Text<&'a str>,
            help: Help,
            default_configuration: Configuration,
            properties: RuleProperties,
            #[serde(skip_serializing_if = "Option::is_none")]
            help_uri: Option<&'a str>,
        }
        #[derive(Serialize)]
        struct Help {
            text: String,
            markdown: String,
        }
        #[derive(Serialize)]
        struct Configuration {
            level: &'static str,
        }
        #[derive(Serialize)]
        struct RuleProperties {
            tags: [&'static str; 3],
            severity: &'static str,
            #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
            security_severity: Option<String>,
        }
        let mut seq = s.serialize_seq(Some(self.0.rules.len()))?;
        for ef in &self.0.rules {
            let f = &ef.finding;
            let id = rule_id(ef);
            let security_severity = security_severity(ef);
            let help = match &security_severity {
                Some(score) => format!("{id}: severity {}, score {score}.", f.severity),
                None => format!(
                    "{id}: severity {}; no CVSS or Inspector score was reported, so no security-severity is set.",
                    f.severity
                ),
            };
            seq.serialize_element(&Rule {
                id,
                name: id.replace(['-', '.'], "_"),
                short_description: Text {
                    text: f
                        .title
                        .as_ref()
                        .map_or_else(|| format!("{id} ({})", f.severity), ToString::to_string),
                },
                full_description: Text {
                    text: f.description.as_deref().unwrap_or(id),
                },
                help: Help {
                    text: help.clone(),
                    markdown: help,
                },
                default_configuration: Configuration { level: level(ef) },
                properties: RuleProperties {
                    tags: ["security", "vulnerability", f.severity.as_str()],
                    severity: f.severity.as_str(),
                    security_severity,
                },
                help_uri: f.uri.as_deref().filter(|u| u.starts_with("http")),
            })?;
        }
        seq.end()
    }
}

/// Every result of a [`SarifLog`], one per finding.
struct SarifResults<'l, 'a>(&'l SarifLog<'a>);

impl Serialize for SarifResults<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct SarifResult<'a> {
            rule_id: &'a str,
            rule_index: usize,
            level: &'static str,
            message: Text<String>,
            locations: [Location; 1],
            partial_fingerprints: Fingerprints,
            properties: ResultProperties<'a>,
            #[serde(skip_serializing_if = "Option::is_none")]
            suppressions: Option<[Suppression; 1]>,
        }
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Location {
            physical_location: PhysicalLocation,
        }
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct PhysicalLocation {
            artifact_location: ArtifactLocation,
        }
        #[derive(Serialize)]
        struct ArtifactLocation {
            uri: String,
        }
        #[derive(Serialize)]
        struct Fingerprints {
            #[serde(rename = "ecrFinding/v1")]
            ecr_finding: String,
        }
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct ResultProperties<'a> {
            counted: bool,
            severity: &'static str,
            fix_available: FixAvailable,
            platform: Option<&'a str>,
        }
        #[derive(Serialize)]
        struct Suppression {
            kind: &'static str,
            justification: String,
        }
        let log = self.0;
        let mut seq = s.serialize_seq(Some(log.decision.findings.len()))?;
        for (ef, &rule_index) in log.decision.findings.iter().zip(&log.rule_of) {
            let f = &ef.finding;
            let id = rule_id(ef);
            let repo = log.repository_of(ef);
            let pkg = match (&f.package, &f.package_version) {
                (Some(p), Some(v)) => format!("{p} {v}"),
                (Some(p), None) => p.to_string(),
                _ => "an unnamed package".to_owned(),
            };
            let fixed = f
                .fixed_in_version
                .as_deref()
                .map(|v| format!(", fixed in {v}"))
                .unwrap_or_default();
            let plat = ef.platform.as_deref().map(|p| format!(" ({p})")).unwrap_or_default();
            let suppressions = (!ef.counted()).then(|| {
                [Suppression {
                    kind: "external",
                    justification: not_counted_why(&ef.verdict, true),
                }]
            });
            seq.serialize_element(&SarifResult {
                rule_id: id,
                rule_index,
                level: level(ef),
                message: Text {
                    text: format!("{id} ({}) in {pkg}{fixed} in {repo}{plat}", f.severity),
                },
                locations: [Location {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation {
                            uri: pseudo_path_for(ef, repo),
                        },
                    },
                }],
                partial_fingerprints: Fingerprints {
                    ecr_finding: fingerprint(ef, repo),
                },
                properties: ResultProperties {
                    counted: ef.counted(),
                    severity: f.severity.as_str(),
                    fix_available: f.fix_available,
                    platform: ef.platform.as_deref(),
                },
                suppressions,
            })?;
        }
        seq.end()
    }
}

/// Why a finding does not count, in words: the SARIF justification (`sarif`) or the Markdown cell.
fn not_counted_why(verdict: &Countedness, sarif: bool) -> String {
    match verdict {
        Countedness::Ignored { rule, id, reason } => {
            let reason = reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default();
            if sarif {
                format!("ignore[{rule}] ({id}){reason}")
            } else {
                format!("ignore[{rule}]{reason}")
            }
        }
        Countedness::Suppressed if sarif => "suppressed in Amazon Inspector".to_owned(),
        Countedness::Suppressed => "suppressed in Inspector".to_owned(),
        Countedness::Closed if sarif => "closed in Amazon Inspector".to_owned(),
        Countedness::Closed => "closed in Inspector".to_owned(),
        Countedness::NotFixable { .. } if sarif => "fixableOnly: no fix available".to_owned(),
        Countedness::NotFixable { fix_available } => format!("no fix ({fix_available:?})"),
        Countedness::Counted => String::new(),
    }
}

/// A location that stays the same across builds (no digest): `ecr/<repository>/<package>`.
fn pseudo_path_for(f: &EvaluatedFinding, repo: &str) -> String {
    let pkg = f.finding.package.as_deref().unwrap_or("unknown-package");
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "-._~".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    let repo_path: Vec<String> = repo.split('/').map(clean).collect();
    format!("ecr/{}/{}", repo_path.join("/"), clean(pkg))
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The Markdown job summary: verdict, reasons, counts per platform, counted findings, what was not counted
/// and why, ignore-rule problems and warnings.
pub fn markdown(d: &GateDecision) -> String {
    let mut s = String::new();
    let verdict = if d.passed {
        "✅ Scan gate passed"
    } else {
        "❌ Scan gate failed"
    };
    let _ = writeln!(s, "## {verdict}\n");
    if !d.reasons.is_empty() {
        let _ = writeln!(s, "**Why it failed**\n");
        for r in &d.reasons {
            let plat = r.platform.as_deref().map(|p| format!(" ({p})")).unwrap_or_default();
            let _ = writeln!(s, "- `{}`{plat}: {}", r.code, md_escape(&r.message));
        }
        s.push('\n');
    }
    let _ = writeln!(
        s,
        "| Image | Status | Result | {} |",
        Severity::ALL.map(|v| v.as_str()).join(" | ")
    );
    let _ = writeln!(s, "|---|---|---|{}", "---:|".repeat(Severity::ALL.len()));
    for img in &d.images {
        let name = match (&img.repository, &img.digest) {
            (Some(r), Some(dg)) => format!("{r}@{}", short(dg)),
            (Some(r), None) => r.clone(),
            (None, Some(dg)) => short(dg),
            (None, None) => "image".to_owned(),
        };
        let name = match &img.platform {
            Some(p) => format!("{name} ({p})"),
            None => name,
        };
        let status = img
            .status
            .as_ref()
            .map(|s| s.as_str().to_owned())
            .unwrap_or_else(|| "none".into());
        let cells: Vec<String> = Severity::ALL
            .iter()
            .map(|sev| {
                let c = img.counted.get(sev).copied().unwrap_or(0);
                let n = img.not_counted.get(sev).copied().unwrap_or(0);
                if n > 0 {
                    format!("{c} (+{n} not counted)")
                } else {
                    c.to_string()
                }
            })
            .collect();
        let _ = writeln!(
            s,
            "| {} | {status} | {} | {} |",
            md_escape(&name),
            if img.passed { "pass" } else { "fail" },
            cells.join(" | ")
        );
    }
    s.push('\n');
    let counted: Vec<&EvaluatedFinding> = d.counted_findings().collect();
    if !counted.is_empty() {
        const LIMIT: usize = 50;
        let mut sorted = counted.clone();
        sorted.sort_by(|a, b| {
            a.finding.severity.cmp(&b.finding.severity).then(
                b.finding
                    .score
                    .unwrap_or(0.0)
                    .total_cmp(&a.finding.score.unwrap_or(0.0)),
            )
        });
        let _ = writeln!(s, "### Counted findings ({})\n", counted.len());
        let _ = writeln!(s, "| Severity | Id | Package | Fixed in | Score | Exploit | Platform |");
        let _ = writeln!(s, "|---|---|---|---|---:|---|---|");
        for f in sorted.iter().take(LIMIT) {
            let x = &f.finding;
            let id = match &x.uri {
                Some(u) if u.starts_with("http") => format!("[{}]({u})", md_escape(&x.id)),
                _ => md_escape(&x.id),
            };
            let _ = writeln!(
                s,
                "| {} | {id} | {} | {} | {} | {} | {} |",
                x.severity,
                md_escape(&package_text(f)),
                md_escape(x.fixed_in_version.as_deref().unwrap_or("")),
                x.score.map(|v| format!("{v:.1}")).unwrap_or_default(),
                match x.exploit_available {
                    Some(true) => "yes",
                    Some(false) => "no",
                    None => "",
                },
                f.platform.as_deref().unwrap_or(""),
            );
        }
        if counted.len() > LIMIT {
            let _ = writeln!(
                s,
                "\n…and {} more (see the JSON or SARIF report).",
                counted.len() - LIMIT
            );
        }
        s.push('\n');
    }
    let not_counted: Vec<&EvaluatedFinding> = d.not_counted_findings().collect();
    if !not_counted.is_empty() {
        let _ = writeln!(s, "<details><summary>Not counted ({})</summary>\n", not_counted.len());
        let _ = writeln!(s, "| Severity | Id | Package | Why | Platform |");
        let _ = writeln!(s, "|---|---|---|---|---|");
        for f in &not_counted {
            let why = not_counted_why(&f.verdict, false);
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                f.finding.severity,
                md_escape(&f.finding.id),
                md_escape(&package_text(f)),
                md_escape(&why),
                f.platform.as_deref().unwrap_or("")
            );
        }
        s.push_str("\n</details>\n\n");
    }
    if !d.warnings.is_empty() {
        let _ = writeln!(s, "### Warnings\n");
        for w in &d.warnings {
            let plat = w.platform.as_deref().map(|p| format!(" ({p})")).unwrap_or_default();
            let _ = writeln!(s, "- `{}`{plat}: {}", w.code, md_escape(&w.message));
        }
        s.push('\n');
    }
    s
}

fn package_text(f: &EvaluatedFinding) -> String {
    match (&f.finding.package, &f.finding.package_version) {
        (Some(p), Some(v)) => format!("{p} {v}"),
        (Some(p), None) => p.to_string(),
        _ => String::new(),
    }
}

fn short(digest: &str) -> String {
    match digest.strip_prefix("sha256:") {
        Some(h) if h.len() > 12 => format!("sha256:{}", h.get(..12).unwrap_or(h)),
        _ => digest.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::scan::{GateImage, ScanPolicy, evaluate, parse_findings};

    fn decision() -> GateDecision {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/scan/enhanced_page.json");
        let scan = parse_findings(&std::fs::read_to_string(path).unwrap()).unwrap();
        let policy = ScanPolicy::from_json_str(
            r#"{"failOn": {"CRITICAL": 0}, "ignore": [{"id": "CVE-2022-49043", "reason": "no fix yet"}]}"#,
        )
        .unwrap();
        evaluate(&policy, [GateImage::new(scan)], chrono::Utc::now())
    }

    fn written(d: &GateDecision, format: Format, detail: Detail) -> Value {
        let mut out = Vec::new();
        write(d, format, detail, &mut out).unwrap();
        assert_eq!(out.last(), Some(&b'\n'));
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn streamed_reports_equal_the_values_the_bindings_get() {
        let d = decision();
        assert_eq!(written(&d, Format::Json, Detail::Full), json(&d));
        assert_eq!(written(&d, Format::Json, Detail::Compact), compact_json(&d));
        assert_eq!(written(&d, Format::Sarif, Detail::Compact), sarif(&d));
        assert_eq!(written(&d, Format::Sarif, Detail::Full), sarif(&d));
        let rendered: Value = serde_json::from_str(&render(&d, Format::Json)).unwrap();
        assert_eq!(rendered, json(&d));
    }

    #[test]
    fn the_compact_report_has_a_row_per_finding_and_no_raw_json() {
        let d = decision();
        let c = compact_json(&d);
        assert_eq!(c["schema"], COMPACT_JSON_SCHEMA);
        let counted = c["countedFindings"].as_array().unwrap();
        let not_counted = c["notCountedFindings"].as_array().unwrap();
        assert_eq!(counted.len(), d.counted_findings().count());
        assert_eq!(not_counted.len(), d.not_counted_findings().count());
        assert_eq!(counted.len() + not_counted.len(), d.findings.len());
        let ignored = not_counted.iter().find(|r| r["id"] == "CVE-2022-49043").unwrap();
        assert_eq!(
            ignored["why"],
            serde_json::json!({"kind": "ignored", "rule": 0, "id": "CVE-2022-49043", "reason": "no fix yet"})
        );
        let f = &d.counted_findings().next().unwrap().finding;
        let row = &counted[0];
        assert_eq!(row["id"], f.id.as_str());
        assert_eq!(row["package"], f.package.as_deref().unwrap());
        assert_eq!(row["version"], f.package_version.as_deref().unwrap());
        assert_eq!(row["score"], f.score.unwrap());
        assert!(row.get("why").is_none());
        for key in ["findings", "policy"] {
            assert!(c.get(key).is_none(), "{key}");
        }
        let full = json(&d);
        for key in [
            "passed",
            "evaluatedAt",
            "reasons",
            "counted",
            "notCounted",
            "images",
            "ignores",
            "warnings",
        ] {
            assert_eq!(c[key], full[key], "{key}");
        }
    }
}
