//! One typed model for basic and enhanced findings, parsed from `DescribeImageScanFindings` responses.
//!
//! Input is what the API returns (epoch-second timestamps) or what `aws ecr describe-image-scan-findings`
//! prints (ISO strings): one response object, or a JSON array of such pages. Absent and `null` optional
//! fields are tolerated; a field of the wrong type is an error naming its path. Every finding keeps its raw
//! JSON ([`Finding::raw`]).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

use super::shared::SharedStr;
use super::wire::{self, WirePage};
use crate::error::{Error, Result};
use crate::time::{self, Timestamp};
use crate::types::ImageId;

/// A finding's severity. Basic findings use `INFORMATIONAL..CRITICAL|UNDEFINED`; enhanced (Inspector)
/// findings add `UNTRIAGED`. Ordered from most to least severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Severity {
    /// CRITICAL.
    Critical,
    /// HIGH.
    High,
    /// MEDIUM.
    Medium,
    /// LOW.
    Low,
    /// INFORMATIONAL.
    Informational,
    /// UNTRIAGED: the vendor has not assigned a severity yet (enhanced).
    Untriaged,
    /// UNDEFINED: no priority, or one ECR did not recognise (basic). Unrecognised strings map here too.
    Undefined,
}

impl Severity {
    /// Every severity, most severe first.
    pub const ALL: [Severity; 7] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Informational,
        Severity::Untriaged,
        Severity::Undefined,
    ];

    /// The ECR spelling (`CRITICAL`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "CRITICAL",
            Severity::High => "HIGH",
            Severity::Medium => "MEDIUM",
            Severity::Low => "LOW",
            Severity::Informational => "INFORMATIONAL",
            Severity::Untriaged => "UNTRIAGED",
            Severity::Undefined => "UNDEFINED",
        }
    }

    /// Parses a known severity name (case-insensitive); `None` for anything else.
    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
    }

    /// Parses a finding's severity: unknown or absent values are [`Severity::Undefined`].
    pub fn from_finding(s: Option<&str>) -> Severity {
        s.and_then(Severity::parse).unwrap_or(Severity::Undefined)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Counts per severity (only non-zero entries are kept).
pub type SeverityCounts = BTreeMap<Severity, u64>;

/// Whether a fixed version exists for a finding (enhanced `fixAvailable`, or derived from fixed-in versions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default, schemars::JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FixAvailable {
    /// Every affected package has a fixed version.
    Yes,
    /// No affected package has a fixed version.
    No,
    /// Some, not all, affected packages have a fixed version.
    Partial,
    /// Nothing says.
    #[default]
    Unknown,
}

/// Inspector's finding status. Basic findings are always [`FindingStatus::Active`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default, schemars::JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FindingStatus {
    /// Open.
    #[default]
    Active,
    /// Hidden by an Inspector suppression rule (still open).
    Suppressed,
    /// Remediated or no longer applicable.
    Closed,
}

/// Basic (ECR's own engine) or enhanced (Amazon Inspector) scanning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ScanType {
    /// Basic scanning: `findings[]`, finishes at `COMPLETE`.
    Basic,
    /// Enhanced scanning: `enhancedFindings[]`, continuous scans report `ACTIVE`.
    Enhanced,
}

impl ScanType {
    /// `BASIC` or `ENHANCED`.
    pub fn as_str(self) -> &'static str {
        match self {
            ScanType::Basic => "BASIC",
            ScanType::Enhanced => "ENHANCED",
        }
    }
}

/// `imageScanStatus.status`: the ten documented values and any future one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ScanStatus {
    /// A basic scan is running.
    InProgress,
    /// The scan completed (basic; also seen with enhanced, whose findings may still be arriving).
    Complete,
    /// The scan failed.
    Failed,
    /// The image cannot be scanned (unsupported OS or media type, scratch, Windows).
    UnsupportedImage,
    /// Continuous (enhanced) scanning is on for the image.
    Active,
    /// The scan has not started yet.
    Pending,
    /// Continuous scanning stopped: the rescan duration ran out; findings are stale.
    ScanEligibilityExpired,
    /// Findings cannot be provided.
    FindingsUnavailable,
    /// The scan quota was reached.
    LimitExceeded,
    /// The image is archived and cannot be scanned until restored.
    ImageArchived,
    /// A value this version does not know.
    Unknown(String),
}

/// What a status means for waiting and gating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum StatusClass {
    /// Keep waiting (`PENDING`, `IN_PROGRESS`).
    Waiting,
    /// Findings can be evaluated (`COMPLETE`, `ACTIVE`).
    Done,
    /// The scan cannot give findings: a scan error for the gate.
    Error,
    /// Not a known status: fail closed unless told otherwise.
    Unknown,
}

impl ScanStatus {
    /// The ECR spelling.
    pub fn as_str(&self) -> &str {
        match self {
            ScanStatus::InProgress => "IN_PROGRESS",
            ScanStatus::Complete => "COMPLETE",
            ScanStatus::Failed => "FAILED",
            ScanStatus::UnsupportedImage => "UNSUPPORTED_IMAGE",
            ScanStatus::Active => "ACTIVE",
            ScanStatus::Pending => "PENDING",
            ScanStatus::ScanEligibilityExpired => "SCAN_ELIGIBILITY_EXPIRED",
            ScanStatus::FindingsUnavailable => "FINDINGS_UNAVAILABLE",
            ScanStatus::LimitExceeded => "LIMIT_EXCEEDED",
            ScanStatus::ImageArchived => "IMAGE_ARCHIVED",
            ScanStatus::Unknown(s) => s,
        }
    }

    /// Parses a status string (exact, as ECR writes it); anything else is [`ScanStatus::Unknown`].
    pub fn parse(s: &str) -> ScanStatus {
        match s {
            "IN_PROGRESS" => ScanStatus::InProgress,
            "COMPLETE" => ScanStatus::Complete,
            "FAILED" => ScanStatus::Failed,
            "UNSUPPORTED_IMAGE" => ScanStatus::UnsupportedImage,
            "ACTIVE" => ScanStatus::Active,
            "PENDING" => ScanStatus::Pending,
            "SCAN_ELIGIBILITY_EXPIRED" => ScanStatus::ScanEligibilityExpired,
            "FINDINGS_UNAVAILABLE" => ScanStatus::FindingsUnavailable,
            "LIMIT_EXCEEDED" => ScanStatus::LimitExceeded,
            "IMAGE_ARCHIVED" => ScanStatus::ImageArchived,
            other => ScanStatus::Unknown(other.to_owned()),
        }
    }

    /// How the waiter and the gate treat this status.
    pub fn class(&self) -> StatusClass {
        match self {
            ScanStatus::Pending | ScanStatus::InProgress => StatusClass::Waiting,
            ScanStatus::Complete | ScanStatus::Active => StatusClass::Done,
            ScanStatus::Failed
            | ScanStatus::UnsupportedImage
            | ScanStatus::ScanEligibilityExpired
            | ScanStatus::FindingsUnavailable
            | ScanStatus::LimitExceeded
            | ScanStatus::ImageArchived => StatusClass::Error,
            ScanStatus::Unknown(_) => StatusClass::Unknown,
        }
    }
}

impl fmt::Display for ScanStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ScanStatus {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ScanStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Ok(ScanStatus::parse(&String::deserialize(d)?))
    }
}

/// A CVSS score with where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Cvss {
    /// The base score (0.0–10.0).
    pub score: f64,
    /// CVSS version (`2`, `3.1`, `4.0`, ...) where known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<SharedStr>,
    /// The vector string, where given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vector: Option<SharedStr>,
    /// Who scored it (e.g. `NVD`), where given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<SharedStr>,
}

/// One affected package of a finding.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct AffectedPackage {
    /// Package name.
    pub name: SharedStr,
    /// Installed version (with release where the finding gives one, e.g. `2.9.14+dfsg-1.3~deb12u1`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<SharedStr>,
    /// The version that fixes it; `None` when none is available (ECR's `NotAvailable` sentinel included).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed_in_version: Option<SharedStr>,
}

/// A finding's JSON exactly as it was received: a range of the text it was read from (a [`SharedStr`], not a
/// copy per finding); it serializes as that JSON, verbatim.
#[derive(Clone)]
pub struct RawJson(pub(crate) SharedStr);

impl RawJson {
    /// A range of shared text (which must hold one complete JSON value there).
    pub(crate) fn shared(text: &Arc<String>, start: usize, end: usize) -> Self {
        Self(SharedStr::range(text, start, end))
    }

    /// The whole of a text that holds one JSON value.
    pub(crate) fn whole(text: &Arc<String>) -> Self {
        Self::shared(text, 0, text.len())
    }

    /// The JSON text.
    pub fn get(&self) -> &str {
        match self.0.as_str() {
            "" => "null",
            json => json,
        }
    }

    /// The JSON parsed into a [`serde_json::Value`].
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::from_str(self.get()).unwrap_or(serde_json::Value::Null)
    }
}

impl fmt::Debug for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RawJson").field(&format_args!("{}", self.get())).finish()
    }
}

impl fmt::Display for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.get())
    }
}

impl Serialize for RawJson {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let raw: &RawValue = serde_json::from_str(self.get()).map_err(serde::ser::Error::custom)?;
        raw.serialize(s)
    }
}

/// One finding, basic or enhanced, in one model.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "ScanFinding")]
pub struct Finding {
    /// Vulnerability id (`packageVulnerabilityDetails.vulnerabilityId`, or the basic `name`): the ignore key.
    pub id: SharedStr,
    /// Which engine produced it.
    pub scan_type: ScanType,
    /// Severity (unknown strings are [`Severity::Undefined`]).
    pub severity: Severity,
    /// The first affected package's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<SharedStr>,
    /// The first affected package's version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package_version: Option<SharedStr>,
    /// Every affected package.
    pub packages: Vec<AffectedPackage>,
    /// The first fixed-in version of any affected package.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed_in_version: Option<SharedStr>,
    /// Whether fixes exist.
    pub fix_available: FixAvailable,
    /// The score used for thresholds: the Inspector score, else the best CVSS (v3, then v4, then v2).
    /// `None` when the finding carries no number at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// The CVSS detail behind the score, where there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cvss: Option<Cvss>,
    /// Whether an exploit is known (`None` when the finding does not say).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exploit_available: Option<bool>,
    /// Finding status (basic findings are always active).
    pub status: FindingStatus,
    /// Title (enhanced), e.g. `CVE-2022-49043 - libxml2`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<SharedStr>,
    /// Link to details (basic `uri`, enhanced `sourceUrl`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<SharedStr>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<SharedStr>,
    /// When Inspector first observed it (enhanced).
    #[serde(skip_serializing_if = "Option::is_none", with = "time::flexible_opt")]
    #[schemars(with = "Option<crate::schema::Rfc3339>")]
    pub first_observed_at: Option<Timestamp>,
    /// The vendor's free-text severity (enhanced), e.g. `Moderate`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor_severity: Option<SharedStr>,
    /// The finding exactly as received.
    pub raw: RawJson,
}

/// Every finding of one image's scan, merged from all pages.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScanFindings {
    /// Registry (account) id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registry_id: Option<String>,
    /// Repository name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository_name: Option<String>,
    /// The image as the response names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_id: Option<ImageId>,
    /// `imageScanStatus.status`; `None` when the response has none (the gate fails closed).
    pub status: Option<ScanStatus>,
    /// `imageScanStatus.description`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_description: Option<String>,
    /// Scan type from the findings array present (enhanced wins), `None` when neither says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scan_type: Option<ScanType>,
    /// `imageScanCompletedAt`.
    #[serde(skip_serializing_if = "Option::is_none", with = "time::flexible_opt")]
    #[schemars(with = "Option<crate::schema::Rfc3339>")]
    pub completed_at: Option<Timestamp>,
    /// `vulnerabilitySourceUpdatedAt`.
    #[serde(skip_serializing_if = "Option::is_none", with = "time::flexible_opt")]
    #[schemars(with = "Option<crate::schema::Rfc3339>")]
    pub vulnerability_source_updated_at: Option<Timestamp>,
    /// `findingSeverityCounts` as ECR reported it (keys kept verbatim), when present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reported_counts: Option<BTreeMap<String, u64>>,
    /// Every finding of every page.
    pub findings: Vec<Finding>,
    /// How many pages were read.
    pub pages: usize,
}

impl ScanFindings {
    /// Counts of all findings (any status) by severity, recomputed from the findings.
    pub fn computed_counts(&self) -> SeverityCounts {
        let mut counts = SeverityCounts::new();
        for f in &self.findings {
            *counts.entry(f.severity).or_default() += 1;
        }
        counts
    }

    /// The scan type the response itself proves: `ACTIVE` or any enhanced finding means enhanced, any basic
    /// finding means basic; empty arrays prove nothing (an enhanced `ACTIVE` response can carry `findings: []`).
    pub fn evident_scan_type(&self) -> Option<ScanType> {
        if self.status == Some(ScanStatus::Active) || self.findings.iter().any(|f| f.scan_type == ScanType::Enhanced) {
            Some(ScanType::Enhanced)
        } else if self.findings.iter().any(|f| f.scan_type == ScanType::Basic) {
            Some(ScanType::Basic)
        } else {
            None
        }
    }

    /// A description of how the recomputed counts differ from `findingSeverityCounts`, if they do.
    pub fn count_mismatch(&self) -> Option<String> {
        let reported = self.reported_counts.as_ref()?;
        let mut rep: BTreeMap<Severity, u64> = BTreeMap::new();
        for (k, v) in reported {
            if k.eq_ignore_ascii_case("TOTAL") {
                continue;
            }
            *rep.entry(Severity::from_finding(Some(k))).or_default() += v;
        }
        rep.retain(|_, v| *v > 0);
        let computed = self.computed_counts();
        (rep != computed).then(|| {
            format!(
                "findingSeverityCounts {} disagree with the {} findings read {}",
                counts_text(&rep),
                self.findings.len(),
                counts_text(&computed)
            )
        })
    }
}

/// `{CRITICAL: 1, HIGH: 2}` text for messages.
pub(crate) fn counts_text(c: &SeverityCounts) -> String {
    let inner: Vec<String> = c.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    format!("{{{}}}", inner.join(", "))
}

/// Parses one `DescribeImageScanFindings` response or a JSON array of them (the pages of one image).
///
/// One pass over the text: every finding is read straight into its typed form, and its strings and raw
/// JSON are ranges of one copy of the text ([`SharedStr`]). Anything unusual (bad JSON, a wrong type, a
/// duplicate key) is read again by the strict reader, which names the path of the problem.
/// [`parse_findings_owned`] takes a `String` over instead of copying it.
pub fn parse_findings(text: &str) -> Result<ScanFindings> {
    parse_findings_owned(text.to_owned())
}

/// [`parse_findings`] keeping `text` itself (no copy) as the text the findings' strings are ranges of.
pub fn parse_findings_owned(text: String) -> Result<ScanFindings> {
    let doc = Arc::new(text);
    match wire::fast_document(&doc, true) {
        Some(parsed) => Ok(merge_parts(
            parsed.pages.into_iter().map(|p| (p.meta, p.has_basic, p.has_enhanced)),
            parsed.findings,
        )),
        None => parse_findings_strict(&doc),
    }
}

/// The strict reader behind [`parse_findings`]: serde alone, a finding at a time, naming the path of the
/// first problem. Gives the same result as [`parse_findings`] for every input (the fuzz target checks this).
#[doc(hidden)]
pub fn parse_findings_strict(text: &str) -> Result<ScanFindings> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') {
        // One pass over the pages; on failure, re-read page by page to name where.
        if let Ok(wires) = serde_json::from_str::<Vec<WirePage<'_>>>(text) {
            if wires.is_empty() {
                return Err(bad(
                    "",
                    "empty array: expected at least one DescribeImageScanFindings page",
                ));
            }
            let mut parsed = Vec::with_capacity(wires.len());
            for (i, w) in wires.into_iter().enumerate() {
                parsed.push(page_from_wire(w, &format!("[{i}]"))?);
            }
            return Ok(merge(parsed));
        }
        let pages: Vec<&RawValue> = serde_json::from_str(text).map_err(|e| bad("", &e.to_string()))?;
        if pages.is_empty() {
            return Err(bad(
                "",
                "empty array: expected at least one DescribeImageScanFindings page",
            ));
        }
        let mut parsed = Vec::with_capacity(pages.len());
        for (i, p) in pages.iter().enumerate() {
            parsed.push(parse_page_strict(p.get(), &format!("[{i}]"))?);
        }
        Ok(merge(parsed))
    } else if trimmed.starts_with('{') {
        Ok(merge(vec![parse_page_strict(text, "")?]))
    } else {
        Err(bad(
            "",
            "expected a DescribeImageScanFindings response (JSON object) or an array of them",
        ))
    }
}

/// [`parse_findings`] over an already-decoded JSON value.
pub fn parse_findings_value(value: &serde_json::Value) -> Result<ScanFindings> {
    parse_findings_owned(value.to_string())
}

/// One parsed page.
#[derive(Debug)]
pub(crate) struct Page {
    pub(crate) findings: ScanFindings,
    pub(crate) next_token: Option<String>,
    has_basic: bool,
    has_enhanced: bool,
}

fn bad(path: &str, message: &str) -> Error {
    let at = if path.is_empty() {
        String::new()
    } else {
        format!("{path}: ")
    };
    Error::invalid("scan findings", format!("{at}{message}"))
}

/// Re-parses with path tracking to name where a document failed.
fn located<'a, T: Deserialize<'a>>(text: &'a str, prefix: &str) -> Error {
    let mut de = serde_json::Deserializer::from_str(text);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(_) => bad(prefix, "not valid"),
        Err(e) => {
            let inner = e.path().to_string();
            let path = match (prefix.is_empty(), inner == ".") {
                (_, true) => prefix.to_owned(),
                (true, false) => inner,
                (false, false) => format!("{prefix}.{inner}"),
            };
            bad(&path, &e.into_inner().to_string())
        }
    }
}

/// Parses one page; `prefix` names it in errors (e.g. `[2]`).
pub(crate) fn parse_page(text: String, prefix: &str) -> Result<Page> {
    let text = Arc::new(text);
    if let Some(doc) = wire::fast_document(&text, false)
        && let Some(p) = doc.pages.into_iter().next()
    {
        let mut findings = p.meta;
        findings.findings = doc.findings;
        return Ok(Page {
            findings,
            next_token: p.next_token,
            has_basic: p.has_basic,
            has_enhanced: p.has_enhanced,
        });
    }
    parse_page_strict(&text, prefix)
}

fn parse_page_strict(text: &str, prefix: &str) -> Result<Page> {
    let wire: WirePage<'_> = match serde_json::from_str(text) {
        Ok(w) => w,
        Err(_) => return Err(located::<WirePage<'_>>(text, prefix)),
    };
    page_from_wire(wire, prefix)
}

fn page_from_wire(wire: WirePage<'_>, prefix: &str) -> Result<Page> {
    let dot = if prefix.is_empty() {
        String::new()
    } else {
        format!("{prefix}.")
    };
    let mut findings = Vec::new();
    let (mut has_basic, mut has_enhanced) = (false, false);
    let mut out = wire::page_meta(
        wire.registry_id,
        wire.repository_name,
        wire.image_id,
        wire.image_scan_status,
    );
    if let Some(mut f) = wire.image_scan_findings {
        wire::findings_meta(&mut out, &mut f);
        if let Some(basic) = f.findings {
            has_basic = true;
            findings.reserve(basic.len());
            for (i, raw) in basic.into_iter().enumerate() {
                let copy = Arc::new(raw.get().to_owned());
                let w: wire::WireBasic<'_> = serde_json::from_str(&copy).map_err(|_| {
                    located::<wire::WireBasic<'_>>(raw.get(), &format!("{dot}imageScanFindings.findings[{i}]"))
                })?;
                findings.push(wire::basic_finding(w, &copy, RawJson::whole(&copy)));
            }
        }
        if let Some(enhanced) = f.enhanced_findings {
            has_enhanced = true;
            findings.reserve(enhanced.len());
            for (i, raw) in enhanced.into_iter().enumerate() {
                let copy = Arc::new(raw.get().to_owned());
                let w: wire::WireEnhanced<'_> = serde_json::from_str(&copy).map_err(|_| {
                    located::<wire::WireEnhanced<'_>>(
                        raw.get(),
                        &format!("{dot}imageScanFindings.enhancedFindings[{i}]"),
                    )
                })?;
                findings.push(wire::enhanced_finding(w, &copy, RawJson::whole(&copy)));
            }
        }
    }
    out.findings = findings;
    Ok(Page {
        findings: out,
        next_token: wire.next_token.filter(|t| !t.is_empty()),
        has_basic,
        has_enhanced,
    })
}

/// Merges pages of one image: metadata from the first page that has it, findings concatenated.
pub(crate) fn merge(pages: Vec<Page>) -> ScanFindings {
    let total = pages.iter().map(|p| p.findings.findings.len()).sum();
    let mut findings = Vec::with_capacity(total);
    let mut metas = Vec::with_capacity(pages.len());
    for mut p in pages {
        findings.append(&mut p.findings.findings);
        metas.push((p.findings, p.has_basic, p.has_enhanced));
    }
    merge_parts(metas.into_iter(), findings)
}

/// Merges page metadata (`(page, has findings array, has enhancedFindings array)`, findings already taken
/// out) with every finding of every page, in page order.
fn merge_parts(pages: impl Iterator<Item = (ScanFindings, bool, bool)>, findings: Vec<Finding>) -> ScanFindings {
    let mut out = ScanFindings {
        registry_id: None,
        repository_name: None,
        image_id: None,
        status: None,
        status_description: None,
        scan_type: None,
        completed_at: None,
        vulnerability_source_updated_at: None,
        reported_counts: None,
        findings: Vec::new(),
        pages: 0,
    };
    let (mut has_basic, mut has_enhanced) = (false, false);
    for (f, basic, enhanced) in pages {
        has_basic |= basic;
        has_enhanced |= enhanced;
        out.pages += 1;
        out.registry_id = out.registry_id.or(f.registry_id);
        out.repository_name = out.repository_name.or(f.repository_name);
        out.image_id = out.image_id.or(f.image_id);
        out.status = out.status.or(f.status);
        out.status_description = out.status_description.or(f.status_description);
        out.completed_at = out.completed_at.or(f.completed_at);
        out.vulnerability_source_updated_at = out
            .vulnerability_source_updated_at
            .or(f.vulnerability_source_updated_at);
        out.reported_counts = out.reported_counts.or(f.reported_counts);
    }
    let enhanced_nonempty = findings.iter().any(|f| f.scan_type == ScanType::Enhanced);
    let basic_nonempty = findings.iter().any(|f| f.scan_type == ScanType::Basic);
    out.scan_type = if enhanced_nonempty {
        Some(ScanType::Enhanced)
    } else if basic_nonempty {
        Some(ScanType::Basic)
    } else if has_enhanced && !has_basic {
        Some(ScanType::Enhanced)
    } else if has_basic && !has_enhanced {
        Some(ScanType::Basic)
    } else {
        None
    };
    out.findings = findings;
    out
}
