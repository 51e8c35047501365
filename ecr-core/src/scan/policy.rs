//! The scan gate policy: JSON (camelCase, as documented in the README), or TOML with the same field names.
//!
//! Loading is strict: an unknown field, a wrong type, an unparseable date or an out-of-range value is an
//! [`Error::PolicyValidation`] naming the field's path (e.g. `ignore[2].expires`), never a silent pass.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Duration as ChronoDuration, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::finding::Severity;
use crate::error::{Error, FieldError, Result};
use crate::time::{self, Timestamp};

const WHAT: &str = "scan policy";

/// What to do with ignore rules that matched no finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum StaleIgnores {
    /// Report them as warnings (default).
    #[default]
    Warn,
    /// Fail the gate.
    Error,
}

/// What to do with findings Inspector reports as `SUPPRESSED`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum SuppressedFindings {
    /// Don't count them (they are still reported, as suppressed) (default).
    #[default]
    Ignore,
    /// Count them like active findings.
    Count,
}

/// What a scan that gives no usable findings does to the gate (`FAILED`, `SCAN_ELIGIBILITY_EXPIRED`,
/// `FINDINGS_UNAVAILABLE`, `LIMIT_EXCEEDED`, `IMAGE_ARCHIVED`, unknown statuses, unfinished scans).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum OnScanError {
    /// Fail the gate (default: fail closed).
    #[default]
    Fail,
    /// Pass with a warning.
    Warn,
}

/// When an ignore rule stops applying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expiry {
    /// The text as written (`2026-12-31` or an RFC 3339 instant).
    pub text: String,
    /// The first instant at which the rule no longer applies. A plain date is valid through that whole
    /// day (UTC), so it expires at the following midnight UTC.
    pub at: Timestamp,
}

impl Expiry {
    /// Parses `YYYY-MM-DD` or an RFC 3339 timestamp.
    pub fn parse(text: &str) -> Option<Expiry> {
        let t = text.trim();
        let at = if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
            let next = d.checked_add_signed(ChronoDuration::days(1))?;
            Utc.from_utc_datetime(&next.and_hms_opt(0, 0, 0)?)
        } else {
            chrono::DateTime::parse_from_rfc3339(t).ok()?.with_timezone(&Utc)
        };
        Some(Expiry { text: t.to_owned(), at })
    }
}

impl Serialize for Expiry {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Expiry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Expiry::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "not a date: {s:?} (expected YYYY-MM-DD or an RFC 3339 timestamp with offset)"
            ))
        })
    }
}

/// One ignore (allow-list) entry. Every given field must match; `id` is required.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IgnoreRule {
    /// Vulnerability id (`CVE-...`, `GHSA-...`), compared case-insensitively.
    pub id: String,
    /// Only when this package is affected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// Only in this repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// Only for this image digest (`sha256:...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    /// Only for this platform (`linux/arm64`, `linux/arm/v7`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// When the rule stops applying (an expired rule is reported and no longer ignores anything).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<Expiry>,
    /// Why the finding is accepted (shown in every report).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Who accepted it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Stop ignoring as soon as a fix is available for the finding.
    #[serde(default, skip_serializing_if = "is_false")]
    pub until_fixed: bool,
}

/// Reads `failOn`, naming the offending key in errors (map keys have no path of their own).
fn fail_on_map<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<BTreeMap<Severity, u64>, D::Error> {
    use serde::de::Error as _;
    let raw = BTreeMap::<String, serde_json::Value>::deserialize(d)?;
    let mut out = BTreeMap::new();
    for (k, v) in raw {
        let sev = Severity::parse(&k).filter(|s| s.as_str() == k).ok_or_else(|| {
            D::Error::custom(format!(
                "unknown severity {k:?} (expected one of {})",
                Severity::ALL.map(|s| s.as_str()).join(", ")
            ))
        })?;
        let n = v.as_u64().ok_or_else(|| {
            D::Error::custom(format!("{k}: expected a whole number of findings (0 or more), got {v}"))
        })?;
        out.insert(sev, n);
    }
    Ok(out)
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn yes() -> bool {
    true
}

/// The gate policy. Every field is optional; `{}` only fails on scan errors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(rename = "ScanPolicyDocument")]
pub struct ScanPolicy {
    /// Fail when the counted findings of a severity exceed the number (`{"CRITICAL": 0, "HIGH": 5}`).
    #[serde(default, deserialize_with = "fail_on_map")]
    pub fail_on: BTreeMap<Severity, u64>,
    /// Fail when any counted finding scores at least this (0.0–10.0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_score: Option<f64>,
    /// Fail when any counted finding has a known exploit.
    #[serde(default)]
    pub fail_on_exploit_available: bool,
    /// Count only findings that can be fixed (findings with no fix information are counted, and a
    /// warning says how many).
    #[serde(default)]
    pub fixable_only: bool,
    /// A `PARTIAL` fix counts as fixable (default true).
    #[serde(default = "yes")]
    pub partial_fix_is_fixable: bool,
    /// Accepted findings.
    #[serde(default)]
    pub ignore: Vec<IgnoreRule>,
    /// Ignore rules that matched nothing: `warn` (default) or `error`.
    #[serde(default)]
    pub stale_ignores: StaleIgnores,
    /// Inspector-`SUPPRESSED` findings: `ignore` (default) or `count`. `CLOSED` findings never count.
    #[serde(default)]
    pub suppressed_findings: SuppressedFindings,
    /// Scans that give no usable findings: `fail` (default) or `warn`.
    #[serde(default)]
    pub on_scan_error: OnScanError,
    /// `UNSUPPORTED_IMAGE` (scratch, distroless, Windows): `fail` (default) or `warn`.
    #[serde(default)]
    pub on_unsupported_image: OnScanError,
}

impl Default for ScanPolicy {
    fn default() -> Self {
        Self {
            fail_on: BTreeMap::new(),
            min_score: None,
            fail_on_exploit_available: false,
            fixable_only: false,
            partial_fix_is_fixable: true,
            ignore: Vec::new(),
            stale_ignores: StaleIgnores::Warn,
            suppressed_findings: SuppressedFindings::Ignore,
            on_scan_error: OnScanError::Fail,
            on_unsupported_image: OnScanError::Fail,
        }
    }
}

impl ScanPolicy {
    /// Parses and validates a JSON policy.
    pub fn from_json_str(text: &str) -> Result<Self> {
        let mut de = serde_json::Deserializer::from_str(text);
        let policy: ScanPolicy = serde_path_to_error::deserialize(&mut de).map_err(path_error)?;
        de.end().map_err(|e| one_error("", e.to_string()))?;
        policy.validate()?;
        Ok(policy)
    }

    /// Parses and validates a policy given as a JSON value (the bindings' entry point).
    pub fn from_value(value: &serde_json::Value) -> Result<Self> {
        let policy: ScanPolicy = serde_path_to_error::deserialize(value).map_err(path_error)?;
        policy.validate()?;
        Ok(policy)
    }

    /// Parses and validates a TOML policy (same field names; dates may be TOML dates or strings).
    pub fn from_toml_str(text: &str) -> Result<Self> {
        let table: toml::Table = toml::from_str(text).map_err(|e| {
            let message = e.message().to_owned();
            let at = e
                .span()
                .map(|s| {
                    let line = text.as_bytes()[..s.start.min(text.len())]
                        .iter()
                        .filter(|b| **b == b'\n')
                        .count()
                        + 1;
                    format!(" (line {line})")
                })
                .unwrap_or_default();
            one_error("", format!("not valid TOML: {message}{at}"))
        })?;
        Self::from_value(&toml_to_json(toml::Value::Table(table)))
    }

    /// Loads a policy file: `.toml` as TOML, anything else as JSON.
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("toml")) {
            Self::from_toml_str(&text)
        } else {
            Self::from_json_str(&text)
        }
    }

    /// The policy as JSON (defaults filled in).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// Checks the values serde cannot: every problem is listed.
    pub fn validate(&self) -> Result<()> {
        let mut errors = Vec::new();
        if let Some(s) = self.min_score
            && (!s.is_finite() || !(0.0..=10.0).contains(&s))
        {
            errors.push(FieldError::new(
                "minScore",
                format!("must be between 0.0 and 10.0, got {s}"),
            ));
        }
        for (i, r) in self.ignore.iter().enumerate() {
            if r.id.trim().is_empty() {
                errors.push(FieldError::new(format!("ignore[{i}].id"), "must not be empty"));
            }
            for (field, v) in [
                ("package", &r.package),
                ("repository", &r.repository),
                ("platform", &r.platform),
            ] {
                if v.as_deref().is_some_and(|s| s.trim().is_empty()) {
                    errors.push(FieldError::new(
                        format!("ignore[{i}].{field}"),
                        "must not be empty when given",
                    ));
                }
            }
            if let Some(d) = &r.digest
                && !is_digest(d)
            {
                errors.push(FieldError::new(
                    format!("ignore[{i}].digest"),
                    format!("not an image digest (sha256:<64 hex>): {d:?}"),
                ));
            }
            if let Some(p) = &r.platform
                && !p.trim().is_empty()
                && !(2..=3).contains(&p.split('/').count())
            {
                errors.push(FieldError::new(
                    format!("ignore[{i}].platform"),
                    format!("expected os/arch[/variant], e.g. linux/arm64, got {p:?}"),
                ));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Error::PolicyValidation {
                what: WHAT.to_owned(),
                errors,
            })
        }
    }

    /// Whether a finding with this fix availability counts as fixable under this policy.
    pub(crate) fn is_fixable(&self, fix: super::finding::FixAvailable) -> Option<bool> {
        use super::finding::FixAvailable as F;
        match fix {
            F::Yes => Some(true),
            F::Partial => Some(self.partial_fix_is_fixable),
            F::No => Some(false),
            F::Unknown => None,
        }
    }
}

fn is_digest(d: &str) -> bool {
    d.strip_prefix("sha256:")
        .is_some_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()))
}

fn one_error(path: &str, message: String) -> Error {
    Error::PolicyValidation {
        what: WHAT.to_owned(),
        errors: vec![FieldError::new(path, message)],
    }
}

fn path_error<E: std::fmt::Display>(e: serde_path_to_error::Error<E>) -> Error {
    let path = e.path().to_string();
    let path = if path == "." { String::new() } else { path };
    one_error(&path, e.into_inner().to_string())
}

/// TOML → JSON, with TOML dates and date-times written as their text.
fn toml_to_json(v: toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        toml::Value::String(s) => J::String(s),
        toml::Value::Integer(i) => J::from(i),
        // JSON has no NaN or infinity: keep them as text so loading fails on the field instead of reading
        // `null` (which would silently drop e.g. `minScore = nan`).
        toml::Value::Float(f) => serde_json::Number::from_f64(f)
            .map(J::Number)
            .unwrap_or_else(|| J::String(f.to_string())),
        toml::Value::Boolean(b) => J::Bool(b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => J::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect()),
    }
}

/// Parses an `--now` style instant (RFC 3339, or a date meaning midnight UTC).
pub fn parse_now(text: &str) -> Option<Timestamp> {
    time::parse_str(text)
}
