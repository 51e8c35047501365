//! Reports of a [`SignatureDecision`]: JSON with a versioned schema name, SARIF 2.1.0 (one result per
//! requirement not met) and Markdown for a CI job summary, in the formats the scan gate writes
//! ([`crate::scan::report::Format`]).

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::decision::{SignatureDecision, Status};
use crate::scan::report::{Format, SARIF_VERSION};

/// The schema name of the JSON report. Bumped on any incompatible change.
pub const JSON_SCHEMA: &str = "ecr-core/signature-decision/v1";

/// The JSON report: the schema name and the whole decision.
#[derive(serde::Serialize, schemars::JsonSchema)]
#[schemars(rename = "SignatureReport")]
pub(crate) struct Document<'a> {
    /// The report's schema name (`ecr-core/signature-decision/v1`).
    schema: &'static str,
    #[serde(flatten)]
    decision: &'a SignatureDecision,
}

/// The JSON report: the schema name and the whole decision.
pub fn json(d: &SignatureDecision) -> Value {
    serde_json::to_value(Document {
        schema: JSON_SCHEMA,
        decision: d,
    })
    .unwrap_or(Value::Null)
}

/// SARIF 2.1.0: one rule per reason, one result per requirement failed (`error`) or warned (`warning`).
pub fn sarif(d: &SignatureDecision) -> Value {
    let unmet: Vec<_> = d.requirements.iter().filter(|r| r.status != Status::Passed).collect();
    let mut rules: Vec<&str> = unmet.iter().filter_map(|r| r.reason.map(|x| x.as_str())).collect();
    rules.sort_unstable();
    rules.dedup();
    let results: Vec<Value> = unmet
        .iter()
        .map(|r| {
            json!({
                "ruleId": r.reason.map_or("unknown", |x| x.as_str()),
                "level": if r.status == Status::Failed { "error" } else { "warning" },
                "message": {"text": format!("{} of {}{}: {}", r.requirement, r.subject,
                    r.platform.as_deref().map(|p| format!(" ({p})")).unwrap_or_default(), r.message)},
                "locations": [{"logicalLocations": [{"name": r.subject, "kind": "image"}]}],
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {"driver": {
                "name": "ecr-core signature gate",
                "informationUri": "https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-signing.html",
                "rules": rules.iter().map(|id| json!({"id": id, "shortDescription": {"text": id}})).collect::<Vec<_>>(),
            }},
            "results": results,
        }],
    })
}

/// Markdown: the verdict and one table row per requirement.
pub fn markdown(d: &SignatureDecision) -> String {
    let mut out = format!(
        "## Signatures: {} for `{}`\n\n| manifest | requirement | status | reason | detail |\n|---|---|---|---|---|\n",
        if d.passed { "passed" } else { "FAILED" },
        d.digest
    );
    for r in &d.requirements {
        let _ = writeln!(
            out,
            "| `{}`{} | {} | {:?} | {} | {} |",
            r.subject,
            r.platform.as_deref().map(|p| format!(" {p}")).unwrap_or_default(),
            r.requirement,
            r.status,
            r.reason.map_or("", |x| x.as_str()),
            r.message.replace('|', "\\|")
        );
    }
    for s in &d.signing_status {
        let _ = writeln!(
            out,
            "\nECR managed signing ({}): {}{} (a pre-check, not proof)",
            s.signing_profile_arn.as_deref().unwrap_or("profile unknown"),
            s.status,
            s.failure_code.as_deref().map(|c| format!(", {c}")).unwrap_or_default()
        );
    }
    out
}

/// The report in `format`, as text.
pub fn render(d: &SignatureDecision, format: Format) -> String {
    match format {
        Format::Json => serde_json::to_string_pretty(&json(d)).unwrap_or_default(),
        Format::Sarif => serde_json::to_string_pretty(&sarif(d)).unwrap_or_default(),
        Format::Markdown => markdown(d),
    }
}
