//! Reports of a [`GateDecision`]: JSON with a versioned schema name, SARIF 2.1.0 for GitHub code scanning,
//! and Markdown for a CI job summary. All pure; the same functions back the `scan_gate` program and the
//! bindings.

use std::fmt::Write as _;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::finding::Severity;
use super::gate::{Countedness, EvaluatedFinding, GateDecision};
use crate::error::{Error, Result};

/// The schema name of [`json()`] reports. Bumped on any incompatible change.
pub const JSON_SCHEMA: &str = "ecr-core/scan-gate-report/v1";

/// SARIF version written by [`sarif`].
pub const SARIF_VERSION: &str = "2.1.0";

const SARIF_SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const TOOL_NAME: &str = "ecr-core scan gate";

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

/// Renders the decision in a format (JSON and SARIF pretty-printed).
pub fn render(decision: &GateDecision, format: Format) -> String {
    match format {
        Format::Json => pretty(&json(decision)),
        Format::Sarif => pretty(&sarif(decision)),
        Format::Markdown => markdown(decision),
    }
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default()
}

/// The JSON report: `{"schema": JSON_SCHEMA, "generator": {...}, ...the decision}`.
pub fn json(decision: &GateDecision) -> Value {
    let mut out = serde_json::Map::new();
    out.insert("schema".into(), Value::from(JSON_SCHEMA));
    out.insert(
        "generator".into(),
        json!({"name": "ecr-core", "version": env!("CARGO_PKG_VERSION")}),
    );
    if let Value::Object(m) = decision.to_json() {
        out.extend(m);
    }
    Value::Object(out)
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

/// The SARIF 2.1.0 log: one rule per vulnerability id (stable `ruleId`, `security-severity` from the score),
/// one result per finding; findings that don't count carry a `suppressions` entry saying why.
pub fn sarif(decision: &GateDecision) -> Value {
    let mut rules: Vec<Value> = Vec::new();
    let mut rule_index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut results = Vec::with_capacity(decision.findings.len());
    let repo_of = |f: &EvaluatedFinding| -> String {
        decision
            .images
            .iter()
            .find(|i| i.platform == f.platform)
            .and_then(|i| i.repository.clone())
            .unwrap_or_else(|| "image".to_owned())
    };
    for ef in &decision.findings {
        let f = &ef.finding;
        let id = if f.id.is_empty() { "UNKNOWN" } else { f.id.as_str() };
        let idx = match rule_index.get(id) {
            Some(i) => *i,
            None => {
                let mut props = serde_json::Map::new();
                props.insert("tags".into(), json!(["security", "vulnerability", f.severity.as_str()]));
                props.insert("severity".into(), Value::from(f.severity.as_str()));
                let help = match security_severity(ef) {
                    Some(s) => {
                        props.insert("security-severity".into(), Value::from(s.clone()));
                        format!("{id}: severity {}, score {s}.", f.severity)
                    }
                    None => format!(
                        "{id}: severity {}; no CVSS or Inspector score was reported, so no security-severity is set.",
                        f.severity
                    ),
                };
                let mut rule = json!({
                    "id": id,
                    "name": id.replace(['-', '.'], "_"),
                    "shortDescription": {"text": f.title.as_ref().map_or_else(|| format!("{id} ({})", f.severity), ToString::to_string)},
                    "fullDescription": {"text": f.description.as_deref().unwrap_or(id)},
                    "help": {"text": help.clone(), "markdown": help},
                    "defaultConfiguration": {"level": level(ef)},
                    "properties": Value::Object(props),
                });
                if let Some(uri) = f.uri.as_deref().filter(|u| u.starts_with("http")) {
                    rule["helpUri"] = Value::from(uri);
                }
                rules.push(rule);
                rule_index.insert(id, rules.len() - 1);
                rules.len() - 1
            }
        };
        let repo = repo_of(ef);
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
        let mut result = json!({
            "ruleId": id,
            "ruleIndex": idx,
            "level": level(ef),
            "message": {"text": format!("{id} ({}) in {pkg}{fixed} in {repo}{plat}", f.severity)},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": pseudo_path_for(ef, &repo)}}}],
            "partialFingerprints": {"ecrFinding/v1": fingerprint(ef, &repo)},
            "properties": {
                "counted": ef.counted(),
                "severity": f.severity.as_str(),
                "fixAvailable": f.fix_available,
                "platform": ef.platform,
            },
        });
        if !ef.counted() {
            let justification = match &ef.verdict {
                Countedness::Ignored { rule, id, reason } => format!(
                    "ignore[{rule}] ({id}){}",
                    reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default()
                ),
                Countedness::Suppressed => "suppressed in Amazon Inspector".to_owned(),
                Countedness::Closed => "closed in Amazon Inspector".to_owned(),
                Countedness::NotFixable { .. } => "fixableOnly: no fix available".to_owned(),
                Countedness::Counted => String::new(),
            };
            result["suppressions"] = json!([{"kind": "external", "justification": justification}]);
        }
        results.push(result);
    }
    json!({
        "$schema": SARIF_SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {"driver": {
                "name": TOOL_NAME,
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html",
                "rules": rules,
            }},
            "results": results,
            "properties": {"passed": decision.passed, "reasons": decision.reasons.iter().map(|r| r.message.clone()).collect::<Vec<_>>()},
        }],
    })
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
            let why = match &f.verdict {
                Countedness::Ignored { rule, reason, .. } => format!(
                    "ignore[{rule}]{}",
                    reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default()
                ),
                Countedness::Suppressed => "suppressed in Inspector".into(),
                Countedness::Closed => "closed in Inspector".into(),
                Countedness::NotFixable { fix_available } => format!("no fix ({fix_available:?})"),
                Countedness::Counted => String::new(),
            };
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
