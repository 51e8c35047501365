//! One verification report: a result per check, each check required, warned or skipped.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// How much a check matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CheckLevel {
    /// A failure fails the report.
    Required,
    /// A failure is reported as a warning; the report still passes.
    Warn,
    /// The check is not run.
    Skip,
}

impl CheckLevel {
    /// The lowercase spelling (`required`, `warn`, `skip`).
    pub fn as_str(&self) -> &'static str {
        match self {
            CheckLevel::Required => "required",
            CheckLevel::Warn => "warn",
            CheckLevel::Skip => "skip",
        }
    }
}

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    /// The check ran and found nothing wrong.
    Passed,
    /// A required check found a problem (or could not be evaluated: checks fail closed).
    Failed,
    /// A check at level [`CheckLevel::Warn`] found a problem.
    Warned,
    /// The check was not run.
    Skipped,
}

/// The checks of a push verification, by their stable names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord, schemars::JsonSchema)]
#[schemars(rename = "CheckName")]
pub enum Check {
    /// Every expected tag resolves to the expected digest.
    #[serde(rename = "tags")]
    Tags,
    /// Every digest equals the sha256 of the exact manifest bytes ECR returned.
    #[serde(rename = "integrity")]
    Integrity,
    /// The image's platforms are exactly the expected ones.
    #[serde(rename = "platforms")]
    Platforms,
    /// The image config's user is not root.
    #[serde(rename = "non-root")]
    NonRoot,
    /// The OCI labels `revision`, `source` and `created` are present.
    #[serde(rename = "labels")]
    Labels,
    /// No environment variable looks like a secret.
    #[serde(rename = "no-secrets")]
    NoSecrets,
    /// The image config declares a healthcheck.
    #[serde(rename = "healthcheck")]
    Healthcheck,
    /// Replication to every destination is complete.
    #[serde(rename = "replication")]
    Replication,
    /// A signature or SBOM referrer is attached to the digest.
    #[serde(rename = "referrers")]
    Referrers,
}

impl Check {
    /// Every check, in report order.
    pub const ALL: [Check; 9] = [
        Check::Tags,
        Check::Integrity,
        Check::Platforms,
        Check::NonRoot,
        Check::Labels,
        Check::NoSecrets,
        Check::Healthcheck,
        Check::Replication,
        Check::Referrers,
    ];

    /// The stable name (`tags`, `non-root`, ...).
    pub fn as_str(&self) -> &'static str {
        match self {
            Check::Tags => "tags",
            Check::Integrity => "integrity",
            Check::Platforms => "platforms",
            Check::NonRoot => "non-root",
            Check::Labels => "labels",
            Check::NoSecrets => "no-secrets",
            Check::Healthcheck => "healthcheck",
            Check::Replication => "replication",
            Check::Referrers => "referrers",
        }
    }

    /// The level a check has unless configured otherwise: the image-identity and config safety checks are
    /// required, the healthcheck warns, replication and referrers (which need setup) are skipped.
    pub fn default_level(&self) -> CheckLevel {
        match self {
            Check::Healthcheck => CheckLevel::Warn,
            Check::Replication | Check::Referrers => CheckLevel::Skip,
            _ => CheckLevel::Required,
        }
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Check {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Check::ALL.into_iter().find(|c| c.as_str() == s.trim()).ok_or_else(|| {
            let names: Vec<_> = Check::ALL.iter().map(Check::as_str).collect();
            Error::invalid(
                "check name",
                format!("unknown check {s:?}; known: {}", names.join(", ")),
            )
        })
    }
}

/// The level of every check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CheckPolicy {
    levels: BTreeMap<Check, CheckLevel>,
}

impl Default for CheckPolicy {
    fn default() -> Self {
        Self {
            levels: Check::ALL.iter().map(|c| (*c, c.default_level())).collect(),
        }
    }
}

impl CheckPolicy {
    /// The level of `check`.
    pub fn level(&self, check: Check) -> CheckLevel {
        self.levels
            .get(&check)
            .copied()
            .unwrap_or_else(|| check.default_level())
    }

    /// Sets the level of `check`.
    pub fn set(mut self, check: Check, level: CheckLevel) -> Self {
        self.levels.insert(check, level);
        self
    }

    /// Applies a comma list of check names (`non-root,labels`) at `level`; an unknown name is an error.
    pub fn with_list(mut self, list: &str, level: CheckLevel) -> Result<Self> {
        for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let check: Check = name.parse()?;
            self.levels.insert(check, level);
        }
        Ok(self)
    }

    /// Applies the comma lists of checks that must pass, only warn, and are skipped, in that order.
    pub fn with_lists(self, require: Option<&str>, warn: Option<&str>, skip: Option<&str>) -> Result<Self> {
        [
            (require, CheckLevel::Required),
            (warn, CheckLevel::Warn),
            (skip, CheckLevel::Skip),
        ]
        .into_iter()
        .try_fold(self, |policy, (list, level)| match list {
            Some(list) => policy.with_list(list, level),
            None => Ok(policy),
        })
    }

    /// Applies a table of levels (`{"labels": "warn", ...}`; `null` changes nothing). An unknown check name or
    /// level is an [`Error::InvalidArgument`] naming it (the first in name order).
    pub fn with_table(mut self, table: &serde_json::Value) -> Result<Self> {
        let map = match table {
            serde_json::Value::Null => return Ok(self),
            serde_json::Value::Object(map) => map,
            _ => return Err(Error::invalid("checks", "expected an object of check name to level")),
        };
        let mut entries: Vec<_> = map.iter().collect();
        entries.sort_by(|a, b| a.0.cmp(b.0));
        for (name, level) in entries {
            let check: Check = name.parse()?;
            let level: CheckLevel = serde_json::from_value(level.clone()).map_err(|_| {
                Error::invalid(
                    "checks",
                    format!("{name}: {level}: expected \"required\", \"warn\" or \"skip\""),
                )
            })?;
            self.levels.insert(check, level);
        }
        Ok(self)
    }

    /// The level of every check, in report order (`{"tags": "required", ...}`).
    pub fn to_table(&self) -> serde_json::Value {
        serde_json::Value::Object(
            Check::ALL
                .iter()
                .map(|c| (c.as_str().to_owned(), serde_json::Value::from(self.level(*c).as_str())))
                .collect(),
        )
    }
}

/// What one check found before its level is applied (serialised as `{"ok", "message", "details"}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(rename = "VerifyFinding")]
pub struct Finding {
    /// Whether the check found nothing wrong.
    pub ok: bool,
    /// One line for a person.
    pub message: String,
    /// Structured details (JSON).
    pub details: serde_json::Value,
}

impl Finding {
    /// Nothing wrong.
    pub fn pass(message: impl Into<String>, details: serde_json::Value) -> Self {
        Self {
            ok: true,
            message: message.into(),
            details,
        }
    }

    /// A problem.
    pub fn fail(message: impl Into<String>, details: serde_json::Value) -> Self {
        Self {
            ok: false,
            message: message.into(),
            details,
        }
    }
}

/// The result of one check in a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CheckResult {
    /// The check's stable name.
    pub check: String,
    /// The level it ran at.
    pub level: CheckLevel,
    /// What came out.
    pub status: CheckStatus,
    /// One line for a person.
    pub message: String,
    /// Structured details (never secret values).
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub details: serde_json::Value,
}

/// A report: what was checked and the result of every check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(rename = "VerifyReport")]
pub struct Report {
    /// What the report is about (an image reference, a repository name).
    pub subject: String,
    /// True when no check failed.
    pub passed: bool,
    /// One result per check, in the order they ran.
    pub checks: Vec<CheckResult>,
}

impl Report {
    /// An empty (passing) report about `subject`.
    pub fn new(subject: impl Into<String>) -> Self {
        Self {
            subject: subject.into(),
            passed: true,
            checks: Vec::new(),
        }
    }

    /// Records `finding` for a check at `level`: at [`CheckLevel::Skip`] the check is recorded as skipped
    /// whatever it found.
    pub fn record(&mut self, check: &str, level: CheckLevel, finding: Finding) {
        let status = match (level, finding.ok) {
            (CheckLevel::Skip, _) => CheckStatus::Skipped,
            (_, true) => CheckStatus::Passed,
            (CheckLevel::Warn, false) => CheckStatus::Warned,
            (CheckLevel::Required, false) => CheckStatus::Failed,
        };
        if status == CheckStatus::Failed {
            self.passed = false;
        }
        self.checks.push(CheckResult {
            check: check.to_owned(),
            level,
            status,
            message: finding.message,
            details: finding.details,
        });
    }

    /// Records a check that was not run, with the reason.
    pub fn skip(&mut self, check: &str, level: CheckLevel, reason: impl Into<String>) {
        self.checks.push(CheckResult {
            check: check.to_owned(),
            level,
            status: CheckStatus::Skipped,
            message: reason.into(),
            details: serde_json::Value::Null,
        });
    }

    /// The result of the check named `check`, when it was recorded.
    pub fn get(&self, check: &str) -> Option<&CheckResult> {
        self.checks.iter().find(|c| c.check == check)
    }

    /// The status of the check named `check`, when it was recorded.
    pub fn status(&self, check: &str) -> Option<CheckStatus> {
        self.get(check).map(|c| c.status)
    }

    /// The process exit code for programs: 0 when every required check passed, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        if self.passed { 0 } else { 1 }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn levels_decide_the_status_and_only_required_failures_fail() {
        let mut r = Report::new("x");
        r.record("a", CheckLevel::Required, Finding::pass("ok", json!(null)));
        r.record("b", CheckLevel::Warn, Finding::fail("no healthcheck", json!(null)));
        r.record("c", CheckLevel::Skip, Finding::fail("ignored", json!(null)));
        assert!(r.passed);
        assert_eq!(r.status("b"), Some(CheckStatus::Warned));
        assert_eq!(r.status("c"), Some(CheckStatus::Skipped));
        r.record(
            "d",
            CheckLevel::Required,
            Finding::fail("root", json!({"user": "root"})),
        );
        assert!(!r.passed);
        assert_eq!(r.exit_code(), 1);
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["checks"][3]["status"], "failed");
        assert_eq!(v["checks"][3]["details"]["user"], "root");
    }

    #[test]
    fn check_lists_parse_and_reject_unknown_names() {
        let p = CheckPolicy::default()
            .with_list("healthcheck, referrers", CheckLevel::Required)
            .unwrap();
        assert_eq!(p.level(Check::Healthcheck), CheckLevel::Required);
        assert_eq!(p.level(Check::Referrers), CheckLevel::Required);
        assert_eq!(p.level(Check::Replication), CheckLevel::Skip);
        let e = CheckPolicy::default()
            .with_list("non-root,nope", CheckLevel::Skip)
            .unwrap_err();
        assert_eq!(e.code(), "InvalidArgument");
        assert!(e.to_string().contains("nope"));
        for c in Check::ALL {
            assert_eq!(c.as_str().parse::<Check>().unwrap(), c);
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        }
    }

    #[test]
    fn a_policy_takes_a_table_then_lists_and_prints_as_a_table() {
        let policy = CheckPolicy::default()
            .with_table(&json!({"labels": "skip", "healthcheck": "required"}))
            .unwrap()
            .with_lists(Some("labels"), None, Some("non-root"))
            .unwrap();
        assert_eq!(policy.level(Check::Labels), CheckLevel::Required);
        assert_eq!(policy.level(Check::Healthcheck), CheckLevel::Required);
        let table = policy.to_table();
        assert_eq!(table["non-root"], "skip");
        assert_eq!(table.as_object().unwrap().len(), Check::ALL.len());
        assert_eq!(
            CheckPolicy::default().with_table(&json!(null)).unwrap(),
            CheckPolicy::default()
        );
        for bad in [
            json!({"labels": "sometimes"}),
            json!({"nope": "warn"}),
            json!(["labels"]),
        ] {
            assert_eq!(
                CheckPolicy::default().with_table(&bad).unwrap_err().code(),
                "InvalidArgument",
                "{bad}"
            );
        }
    }
}
