//! The gate: filter first, count after. A finding that is closed, suppressed (by default), ignored by a
//! rule in force, or (under `fixableOnly`) known to have no fix is never counted, so it can never trip a
//! threshold; every exclusion is kept with its reason. Thresholds apply per image (per platform); the
//! gate fails when any image fails or a policy-level rule (stale ignores set to `error`) trips.

use serde::Serialize;

use super::finding::{
    Finding, FindingStatus, FixAvailable, ScanFindings, ScanStatus, ScanType, Severity, SeverityCounts, StatusClass,
};
use super::policy::{IgnoreRule, OnScanError, ScanPolicy, StaleIgnores, SuppressedFindings};
use super::shared::SharedStr;
use crate::time::{self, Timestamp};

/// One image to gate: its findings and where it sits (repository, digest, platform) for scoped ignores.
#[derive(Debug, Clone)]
pub struct GateImage {
    /// Repository name (defaults to the response's `repositoryName`).
    pub repository: Option<String>,
    /// Image digest (defaults to the response's `imageId.imageDigest`).
    pub digest: Option<String>,
    /// Platform (`linux/amd64`) for images that are children of an index.
    pub platform: Option<String>,
    /// The scan's findings and status.
    pub scan: ScanFindings,
}

impl GateImage {
    /// An image named by its own scan response.
    pub fn new(scan: ScanFindings) -> Self {
        Self {
            repository: scan.repository_name.clone(),
            digest: scan.image_id.as_ref().and_then(|i| i.image_digest.clone()),
            platform: None,
            scan,
        }
    }

    /// Sets the platform.
    pub fn with_platform(mut self, platform: impl Into<String>) -> Self {
        self.platform = Some(platform.into());
        self
    }

    /// Sets the repository and digest (overriding what the response says).
    pub fn with_location(mut self, repository: Option<String>, digest: Option<String>) -> Self {
        self.repository = repository.or(self.repository);
        self.digest = digest.or(self.digest);
        self
    }
}

/// Why a finding is, or is not, counted.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Countedness {
    /// Counted against the thresholds.
    Counted,
    /// Inspector closed it; closed findings never count.
    Closed,
    /// Inspector suppressed it and the policy ignores suppressed findings.
    Suppressed,
    /// An ignore rule in force matched it.
    Ignored {
        /// Index of the rule in `ignore[]`.
        rule: usize,
        /// The rule's id.
        id: String,
        /// The rule's reason, when given.
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// `fixableOnly` is set and no fix is available.
    NotFixable {
        /// The finding's fix availability.
        fix_available: FixAvailable,
    },
}

/// A finding with the gate's verdict on it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EvaluatedFinding {
    /// Platform of the image it was found in, for index children.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// Whether it counts, and if not why.
    pub verdict: Countedness,
    /// Notes, e.g. an ignore rule that matched but has expired or was lifted because a fix exists.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The finding.
    pub finding: Finding,
}

impl EvaluatedFinding {
    /// Whether the finding counts against the thresholds.
    pub fn counted(&self) -> bool {
        self.verdict == Countedness::Counted
    }
}

/// A reason the gate failed.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "ScanReason")]
pub struct Reason {
    /// Stable code: `severityThreshold`, `minScore`, `exploitAvailable`, `scanError`, `unsupportedImage`,
    /// `unknownStatus`, `scanNotFinished`, `missingStatus`, `staleIgnore`.
    pub code: String,
    /// What happened, for people.
    pub message: String,
    /// The image's platform, when it concerns one child of an index.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// The severity of a `severityThreshold`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    /// The count that exceeded the limit (or the number of findings concerned).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// The limit that was exceeded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<f64>,
    /// The findings concerned (vulnerability ids), where the reason is about findings.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub finding_ids: Vec<SharedStr>,
}

impl Reason {
    fn new(code: &str, message: String, platform: Option<&String>) -> Self {
        Self {
            code: code.to_owned(),
            message,
            platform: platform.cloned(),
            severity: None,
            count: None,
            limit: None,
            finding_ids: Vec::new(),
        }
    }
}

/// Something worth knowing that did not fail the gate.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "ScanWarning")]
pub struct Warning {
    /// Stable code: `countMismatch`, `staleIgnore`, `expiredIgnore`, `scanError`, `unsupportedImage`,
    /// `unknownStatus`, `scanNotFinished`, `missingStatus`, `noFixInformation`, `noThresholds`, or one added
    /// by the live path (`scanType`, ...).
    pub code: String,
    /// What happened.
    pub message: String,
    /// The platform concerned, if one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
}

impl Warning {
    /// A warning.
    pub fn new(code: &str, message: impl Into<String>, platform: Option<&String>) -> Self {
        Self {
            code: code.to_owned(),
            message: message.into(),
            platform: platform.cloned(),
        }
    }
}

/// How an ignore rule was used.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct IgnoreUse {
    /// Index in `ignore[]`.
    pub index: usize,
    /// The rule.
    pub rule: IgnoreRule,
    /// `active` (in force and matched), `stale` (in force, matched nothing), `expired`, or `lifted`
    /// (`untilFixed` and every finding it matched now has a fix).
    pub state: String,
    /// Findings it ignored.
    pub ignored: u64,
    /// Findings it matched but no longer ignores (expired, or lifted by a fix).
    pub matched_not_applied: u64,
}

/// The gate's result for one image (one platform of an index).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImageDecision {
    /// Platform, for index children.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// Repository.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// Digest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    /// Scan status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<ScanStatus>,
    /// Scan status description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_description: Option<String>,
    /// Scan type, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scan_type: Option<ScanType>,
    /// `imageScanCompletedAt`.
    #[serde(skip_serializing_if = "Option::is_none", with = "time::flexible_opt")]
    #[schemars(with = "Option<crate::schema::Rfc3339>")]
    pub completed_at: Option<Timestamp>,
    /// Whether this image passes.
    pub passed: bool,
    /// Counted findings by severity.
    pub counted: SeverityCounts,
    /// Findings not counted (any cause) by severity.
    pub not_counted: SeverityCounts,
    /// Every finding read.
    pub total_findings: usize,
    /// Why it failed.
    pub reasons: Vec<Reason>,
}

/// The gate's decision: passed or failed, with every reason, counted and not-counted findings and why,
/// ignore-rule usage (stale, expired), warnings, and a result per image / platform.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GateDecision {
    /// Whether the gate passed.
    pub passed: bool,
    /// The instant ignore expiry was judged against.
    #[serde(with = "time::flexible")]
    #[schemars(with = "crate::schema::Rfc3339")]
    pub evaluated_at: Timestamp,
    /// Every reason for failing (empty when passed).
    pub reasons: Vec<Reason>,
    /// Counted findings by severity, summed over images.
    pub counted: SeverityCounts,
    /// Findings not counted by severity, summed over images.
    pub not_counted: SeverityCounts,
    /// One entry per image / platform.
    pub images: Vec<ImageDecision>,
    /// Every ignore rule and how it was used.
    pub ignores: Vec<IgnoreUse>,
    /// Indexes of rules in force that matched nothing.
    pub stale_ignores: Vec<usize>,
    /// Indexes of rules past their expiry.
    pub expired_ignores: Vec<usize>,
    /// Warnings.
    pub warnings: Vec<Warning>,
    /// Every finding with its verdict.
    pub findings: Vec<EvaluatedFinding>,
    /// The policy applied (defaults filled in).
    pub policy: ScanPolicy,
}

impl GateDecision {
    /// Findings that count.
    pub fn counted_findings(&self) -> impl Iterator<Item = &EvaluatedFinding> {
        self.findings.iter().filter(|f| f.counted())
    }

    /// Findings that don't count.
    pub fn not_counted_findings(&self) -> impl Iterator<Item = &EvaluatedFinding> {
        self.findings.iter().filter(|f| !f.counted())
    }

    /// Adds a warning (used by the live path for things it noticed).
    pub fn warn(&mut self, w: Warning) {
        self.warnings.push(w);
    }

    /// The decision as JSON (see [`super::report::json`] for the versioned report).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

#[derive(Default, Clone, Copy)]
struct RuleTally {
    ignored: u64,
    not_applied: u64,
}

/// A case-insensitive hash of a trimmed id (rules are found by id without allocating per finding).
fn id_hash(id: &str) -> u64 {
    use std::hash::Hasher as _;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let mut upper = [0u8; 32];
    for chunk in id.trim().as_bytes().chunks(upper.len()) {
        let part = &mut upper[..chunk.len()];
        part.copy_from_slice(chunk);
        part.make_ascii_uppercase();
        h.write(part);
    }
    h.finish()
}

/// The ignore rules as `(id hash, rule index)`, sorted (so in rule order within one hash).
struct RuleIndex(Vec<(u64, usize)>);

impl RuleIndex {
    fn new(rules: &[IgnoreRule]) -> Self {
        let mut index: Vec<(u64, usize)> = rules.iter().enumerate().map(|(i, r)| (id_hash(&r.id), i)).collect();
        index.sort_unstable();
        Self(index)
    }

    /// Rules whose id may match (in rule order); [`rule_matches`] decides.
    fn candidates(&self, id: &str) -> impl Iterator<Item = usize> + '_ {
        let found = if self.0.is_empty() {
            &[][..]
        } else {
            let hash = id_hash(id);
            let from = self.0.partition_point(|&(h, _)| h < hash);
            let to = from + self.0[from..].partition_point(|&(h, _)| h == hash);
            &self.0[from..to]
        };
        found.iter().map(|&(_, i)| i)
    }
}

fn rule_matches(rule: &IgnoreRule, f: &Finding, img: &GateImage) -> bool {
    if !rule.id.trim().eq_ignore_ascii_case(f.id.trim()) {
        return false;
    }
    if let Some(p) = &rule.package
        && !f.packages.iter().any(|x| x.name == *p)
        && f.package.as_deref() != Some(p.as_str())
    {
        return false;
    }
    let scoped = |want: &Option<String>, have: &Option<String>| want.is_none() || want == have;
    scoped(&rule.repository, &img.repository)
        && scoped(&rule.digest, &img.digest)
        && scoped(&rule.platform, &img.platform)
}

/// Applies the policy to the images. Pure: `now` decides ignore expiry.
pub fn evaluate(policy: &ScanPolicy, images: impl IntoIterator<Item = GateImage>, now: Timestamp) -> GateDecision {
    let rules = &policy.ignore;
    let expired: Vec<bool> = rules
        .iter()
        .map(|r| r.expires.as_ref().is_some_and(|e| e.at <= now))
        .collect();
    let mut tally = vec![RuleTally::default(); rules.len()];
    let index = RuleIndex::new(rules);
    let mut d = GateDecision {
        passed: true,
        evaluated_at: now,
        reasons: Vec::new(),
        counted: SeverityCounts::new(),
        not_counted: SeverityCounts::new(),
        images: Vec::new(),
        ignores: Vec::new(),
        stale_ignores: Vec::new(),
        expired_ignores: Vec::new(),
        warnings: Vec::new(),
        findings: Vec::new(),
        policy: policy.clone(),
    };
    if policy.fail_on.is_empty() && policy.min_score.is_none() && !policy.fail_on_exploit_available {
        d.warnings.push(Warning::new(
            "noThresholds",
            "the policy sets no threshold (failOn, minScore, failOnExploitAvailable): only scan errors can fail the gate",
            None,
        ));
    }
    let mut no_fix_info = 0u64;
    for mut img in images {
        let platform = img.platform.clone();
        let mut image = ImageDecision {
            platform: platform.clone(),
            repository: img.repository.clone(),
            digest: img.digest.clone(),
            status: img.scan.status.clone(),
            status_description: img.scan.status_description.clone(),
            scan_type: img.scan.scan_type,
            completed_at: img.scan.completed_at,
            passed: true,
            counted: SeverityCounts::new(),
            not_counted: SeverityCounts::new(),
            total_findings: img.scan.findings.len(),
            reasons: Vec::new(),
        };
        status_check(
            policy,
            &img.scan,
            platform.as_ref(),
            &mut image.reasons,
            &mut d.warnings,
        );
        if let Some(m) = img.scan.count_mismatch() {
            d.warnings.push(Warning::new("countMismatch", m, platform.as_ref()));
        }
        let mut counted_findings: Vec<usize> = Vec::new();
        let findings = std::mem::take(&mut img.scan.findings);
        d.findings.reserve(findings.len());
        for f in findings {
            let mut notes = Vec::new();
            let verdict = judge(
                policy,
                &index,
                &f,
                &img,
                &expired,
                &mut tally,
                &mut notes,
                &mut no_fix_info,
            );
            if verdict == Countedness::Counted {
                *image.counted.entry(f.severity).or_default() += 1;
                counted_findings.push(d.findings.len());
            } else {
                *image.not_counted.entry(f.severity).or_default() += 1;
            }
            d.findings.push(EvaluatedFinding {
                platform: platform.clone(),
                verdict,
                notes,
                finding: f,
            });
        }
        thresholds(
            policy,
            &image.counted,
            &counted_findings,
            &d.findings,
            platform.as_ref(),
            &mut image.reasons,
        );
        image.passed = image.reasons.is_empty();
        for (k, v) in &image.counted {
            *d.counted.entry(*k).or_default() += v;
        }
        for (k, v) in &image.not_counted {
            *d.not_counted.entry(*k).or_default() += v;
        }
        d.reasons.extend(image.reasons.iter().cloned());
        d.images.push(image);
    }
    if no_fix_info > 0 {
        d.warnings.push(Warning::new(
            "noFixInformation",
            format!("fixableOnly: {no_fix_info} finding(s) carry no fix information and are counted"),
            None,
        ));
    }
    for (i, rule) in rules.iter().enumerate() {
        let t = tally[i];
        let state = if expired[i] {
            d.expired_ignores.push(i);
            let e = rule.expires.as_ref().map(|e| e.text.as_str()).unwrap_or_default();
            d.warnings.push(Warning::new(
                "expiredIgnore",
                format!(
                    "ignore[{i}] ({}) expired {e}; it no longer applies ({} finding(s) it matched are counted again)",
                    rule.id, t.not_applied
                ),
                None,
            ));
            "expired"
        } else if t.ignored > 0 {
            "active"
        } else if t.not_applied > 0 {
            "lifted"
        } else {
            d.stale_ignores.push(i);
            let msg = format!(
                "ignore[{i}] ({}) matched no finding; remove it or fix its scope",
                rule.id
            );
            match policy.stale_ignores {
                StaleIgnores::Warn => d.warnings.push(Warning::new("staleIgnore", msg, None)),
                StaleIgnores::Error => {
                    let mut r = Reason::new("staleIgnore", msg, None);
                    r.finding_ids.push(SharedStr::from(rule.id.as_str()));
                    d.reasons.push(r);
                }
            }
            "stale"
        };
        d.ignores.push(IgnoreUse {
            index: i,
            rule: rule.clone(),
            state: state.to_owned(),
            ignored: t.ignored,
            matched_not_applied: t.not_applied,
        });
    }
    d.passed = d.reasons.is_empty();
    d
}

#[allow(clippy::too_many_arguments)]
fn judge(
    policy: &ScanPolicy,
    index: &RuleIndex,
    f: &Finding,
    img: &GateImage,
    expired: &[bool],
    tally: &mut [RuleTally],
    notes: &mut Vec<String>,
    no_fix_info: &mut u64,
) -> Countedness {
    if f.status == FindingStatus::Closed {
        return Countedness::Closed;
    }
    let fixable = policy.is_fixable(f.fix_available);
    let mut verdict = None;
    for i in index.candidates(&f.id) {
        let Some(rule) = policy.ignore.get(i) else { continue };
        if !rule_matches(rule, f, img) {
            continue;
        }
        if expired[i] {
            tally[i].not_applied += 1;
            let e = rule.expires.as_ref().map(|e| e.text.as_str()).unwrap_or_default();
            notes.push(format!("ignore[{i}] matched but expired {e}"));
            continue;
        }
        if rule.until_fixed && fixable == Some(true) {
            tally[i].not_applied += 1;
            notes.push(format!(
                "ignore[{i}] matched but is lifted: a fix is available (untilFixed)"
            ));
            continue;
        }
        tally[i].ignored += 1;
        if verdict.is_none() {
            verdict = Some(Countedness::Ignored {
                rule: i,
                id: rule.id.clone(),
                reason: rule.reason.clone(),
            });
        }
    }
    if f.status == FindingStatus::Suppressed && policy.suppressed_findings == SuppressedFindings::Ignore {
        return Countedness::Suppressed;
    }
    if let Some(v) = verdict {
        return v;
    }
    if policy.fixable_only {
        match fixable {
            Some(false) => {
                return Countedness::NotFixable {
                    fix_available: f.fix_available,
                };
            }
            None => *no_fix_info += 1,
            Some(true) => {}
        }
    }
    Countedness::Counted
}

fn status_check(
    policy: &ScanPolicy,
    scan: &ScanFindings,
    platform: Option<&String>,
    reasons: &mut Vec<Reason>,
    warnings: &mut Vec<Warning>,
) {
    let desc = scan
        .status_description
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| format!(": {s}"))
        .unwrap_or_default();
    let (code, message, action) = match &scan.status {
        None => (
            "missingStatus",
            "the response has no imageScanStatus; cannot tell whether the scan finished".to_owned(),
            policy.on_scan_error,
        ),
        Some(s) => match s.class() {
            StatusClass::Done => return,
            StatusClass::Waiting => (
                "scanNotFinished",
                format!("scan not finished (status {s}{desc})"),
                policy.on_scan_error,
            ),
            StatusClass::Unknown => (
                "unknownStatus",
                format!("unknown scan status {s:?}{desc}; failing closed"),
                policy.on_scan_error,
            ),
            StatusClass::Error if *s == ScanStatus::UnsupportedImage => (
                "unsupportedImage",
                format!("image cannot be scanned (UNSUPPORTED_IMAGE{desc})"),
                policy.on_unsupported_image,
            ),
            StatusClass::Error => (
                "scanError",
                format!("scan gave no usable findings (status {s}{desc})"),
                policy.on_scan_error,
            ),
        },
    };
    match action {
        OnScanError::Fail => reasons.push(Reason::new(code, message, platform)),
        OnScanError::Warn => warnings.push(Warning::new(code, message, platform)),
    }
}

fn thresholds(
    policy: &ScanPolicy,
    counted: &SeverityCounts,
    counted_idx: &[usize],
    all: &[EvaluatedFinding],
    platform: Option<&String>,
    reasons: &mut Vec<Reason>,
) {
    let on = |sev: Severity| {
        counted_idx
            .iter()
            .map(|&i| &all[i].finding)
            .filter(move |f| f.severity == sev)
    };
    for (&sev, &limit) in &policy.fail_on {
        let count = counted.get(&sev).copied().unwrap_or(0);
        if count > limit {
            let mut r = Reason::new(
                "severityThreshold",
                format!("{count} counted {sev} finding(s), more than the {limit} allowed"),
                platform,
            );
            r.severity = Some(sev);
            r.count = Some(count);
            r.limit = Some(limit as f64);
            r.finding_ids = dedup(on(sev).map(|f| f.id.clone()));
            reasons.push(r);
        }
    }
    if let Some(min) = policy.min_score {
        let hits: Vec<&Finding> = counted_idx
            .iter()
            .map(|&i| &all[i].finding)
            .filter(|f| f.score.is_some_and(|s| s >= min))
            .collect();
        if !hits.is_empty() {
            let max = hits.iter().filter_map(|f| f.score).fold(0.0_f64, f64::max);
            let mut r = Reason::new(
                "minScore",
                format!("{} counted finding(s) score at least {min} (highest {max})", hits.len()),
                platform,
            );
            r.count = Some(hits.len() as u64);
            r.limit = Some(min);
            r.finding_ids = dedup(hits.iter().map(|f| f.id.clone()));
            reasons.push(r);
        }
    }
    if policy.fail_on_exploit_available {
        let hits: Vec<&Finding> = counted_idx
            .iter()
            .map(|&i| &all[i].finding)
            .filter(|f| f.exploit_available == Some(true))
            .collect();
        if !hits.is_empty() {
            let mut r = Reason::new(
                "exploitAvailable",
                format!("{} counted finding(s) have a known exploit", hits.len()),
                platform,
            );
            r.count = Some(hits.len() as u64);
            r.finding_ids = dedup(hits.iter().map(|f| f.id.clone()));
            reasons.push(r);
        }
    }
}

fn dedup(ids: impl Iterator<Item = SharedStr>) -> Vec<SharedStr> {
    let mut v: Vec<SharedStr> = ids.collect();
    v.sort();
    v.dedup();
    v
}
