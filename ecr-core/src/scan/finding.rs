//! One typed model for basic and enhanced findings, parsed from `DescribeImageScanFindings` responses.
//!
//! Input is what the API returns (epoch-second timestamps) or what `aws ecr describe-image-scan-findings`
//! prints (ISO strings): one response object, or a JSON array of such pages. Absent and `null` optional
//! fields are tolerated; a field of the wrong type is an error naming its path. Every finding keeps its raw
//! JSON ([`Finding::raw`]).

use std::collections::BTreeMap;
use std::fmt;

use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

use crate::error::{Error, Result};
use crate::time::{self, Timestamp};
use crate::types::ImageId;

/// A finding's severity. Basic findings use `INFORMATIONAL..CRITICAL|UNDEFINED`; enhanced (Inspector)
/// findings add `UNTRIAGED`. Ordered from most to least severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Cvss {
    /// The base score (0.0–10.0).
    pub score: f64,
    /// CVSS version (`2`, `3.1`, `4.0`, ...) where known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The vector string, where given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vector: Option<String>,
    /// Who scored it (e.g. `NVD`), where given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// One affected package of a finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AffectedPackage {
    /// Package name.
    pub name: String,
    /// Installed version (with release where the finding gives one, e.g. `2.9.14+dfsg-1.3~deb12u1`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The version that fixes it; `None` when none is available (ECR's `NotAvailable` sentinel included).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed_in_version: Option<String>,
}

/// One finding, basic or enhanced, in one model.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// Vulnerability id (`packageVulnerabilityDetails.vulnerabilityId`, or the basic `name`): the ignore key.
    pub id: String,
    /// Which engine produced it.
    pub scan_type: ScanType,
    /// Severity (unknown strings are [`Severity::Undefined`]).
    pub severity: Severity,
    /// The first affected package's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// The first affected package's version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package_version: Option<String>,
    /// Every affected package.
    pub packages: Vec<AffectedPackage>,
    /// The first fixed-in version of any affected package.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed_in_version: Option<String>,
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
    pub title: Option<String>,
    /// Link to details (basic `uri`, enhanced `sourceUrl`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When Inspector first observed it (enhanced).
    #[serde(skip_serializing_if = "Option::is_none", with = "time::flexible_opt")]
    pub first_observed_at: Option<Timestamp>,
    /// The vendor's free-text severity (enhanced), e.g. `Moderate`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor_severity: Option<String>,
    /// The finding exactly as received.
    pub raw: Box<RawValue>,
}

/// Every finding of one image's scan, merged from all pages.
#[derive(Debug, Clone, Serialize)]
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
    pub completed_at: Option<Timestamp>,
    /// `vulnerabilitySourceUpdatedAt`.
    #[serde(skip_serializing_if = "Option::is_none", with = "time::flexible_opt")]
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
pub fn parse_findings(text: &str) -> Result<ScanFindings> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') {
        // Fast path: one pass over the pages; on failure, re-read page by page to name where.
        if let Ok(wires) = serde_json::from_str::<Vec<WirePage>>(text) {
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
        let pages: Vec<Box<RawValue>> = serde_json::from_str(text).map_err(|e| bad("", &e.to_string()))?;
        if pages.is_empty() {
            return Err(bad(
                "",
                "empty array: expected at least one DescribeImageScanFindings page",
            ));
        }
        let mut parsed = Vec::with_capacity(pages.len());
        for (i, p) in pages.iter().enumerate() {
            parsed.push(parse_page(p.get(), &format!("[{i}]"))?);
        }
        Ok(merge(parsed))
    } else if trimmed.starts_with('{') {
        Ok(merge(vec![parse_page(text, "")?]))
    } else {
        Err(bad(
            "",
            "expected a DescribeImageScanFindings response (JSON object) or an array of them",
        ))
    }
}

/// [`parse_findings`] over an already-decoded JSON value.
pub fn parse_findings_value(value: &serde_json::Value) -> Result<ScanFindings> {
    parse_findings(&value.to_string())
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
pub(crate) fn parse_page(text: &str, prefix: &str) -> Result<Page> {
    let wire: WirePage = match serde_json::from_str(text) {
        Ok(w) => w,
        Err(_) => return Err(located::<WirePage>(text, prefix)),
    };
    page_from_wire(wire, prefix)
}

fn page_from_wire(wire: WirePage, prefix: &str) -> Result<Page> {
    let dot = if prefix.is_empty() {
        String::new()
    } else {
        format!("{prefix}.")
    };
    let mut findings = Vec::new();
    let (mut has_basic, mut has_enhanced) = (false, false);
    let mut out = ScanFindings {
        registry_id: wire.registry_id,
        repository_name: wire.repository_name,
        image_id: wire.image_id,
        status: None,
        status_description: None,
        scan_type: None,
        completed_at: None,
        vulnerability_source_updated_at: None,
        reported_counts: None,
        findings: Vec::new(),
        pages: 1,
    };
    if let Some(s) = wire.image_scan_status {
        out.status = s.status.as_deref().map(ScanStatus::parse);
        out.status_description = s.description;
    }
    if let Some(f) = wire.image_scan_findings {
        out.completed_at = f.image_scan_completed_at;
        out.vulnerability_source_updated_at = f.vulnerability_source_updated_at;
        out.reported_counts = f.finding_severity_counts;
        if let Some(basic) = f.findings {
            has_basic = true;
            findings.reserve(basic.len());
            for (i, raw) in basic.into_iter().enumerate() {
                let path = format!("{dot}imageScanFindings.findings[{i}]");
                findings.push(basic_finding(raw, &path)?);
            }
        }
        if let Some(enhanced) = f.enhanced_findings {
            has_enhanced = true;
            findings.reserve(enhanced.len());
            for (i, raw) in enhanced.into_iter().enumerate() {
                let path = format!("{dot}imageScanFindings.enhancedFindings[{i}]");
                findings.push(enhanced_finding(raw, &path)?);
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
    let n = pages.len();
    let basic_nonempty = pages
        .iter()
        .any(|p| p.findings.findings.iter().any(|f| f.scan_type == ScanType::Basic));
    let enhanced_nonempty = pages
        .iter()
        .any(|p| p.findings.findings.iter().any(|f| f.scan_type == ScanType::Enhanced));
    let has_basic = pages.iter().any(|p| p.has_basic);
    let has_enhanced = pages.iter().any(|p| p.has_enhanced);
    let mut iter = pages.into_iter();
    let Some(first) = iter.next() else {
        return ScanFindings {
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
    };
    let mut out = first.findings;
    for p in iter {
        let f = p.findings;
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
        out.findings.extend(f.findings);
    }
    out.pages = n;
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
    out
}

// ---------------------------------------------------------------- wire shapes (tolerant of nulls)

fn null_as_default<'de, D, T>(d: D) -> std::result::Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WirePage {
    #[serde(default)]
    registry_id: Option<String>,
    #[serde(default)]
    repository_name: Option<String>,
    #[serde(default)]
    image_id: Option<ImageId>,
    #[serde(default)]
    image_scan_status: Option<WireStatus>,
    #[serde(default)]
    image_scan_findings: Option<WireFindings>,
    #[serde(default)]
    next_token: Option<String>,
}

#[derive(Deserialize)]
struct WireStatus {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireFindings {
    #[serde(default, with = "time::flexible_opt")]
    image_scan_completed_at: Option<Timestamp>,
    #[serde(default, with = "time::flexible_opt")]
    vulnerability_source_updated_at: Option<Timestamp>,
    #[serde(default)]
    finding_severity_counts: Option<BTreeMap<String, u64>>,
    #[serde(default)]
    findings: Option<Vec<Box<RawValue>>>,
    #[serde(default)]
    enhanced_findings: Option<Vec<Box<RawValue>>>,
}

#[derive(Deserialize)]
struct WireBasic {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    uri: Option<String>,
    #[serde(default)]
    severity: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    attributes: Vec<WireAttribute>,
}

#[derive(Deserialize)]
struct WireAttribute {
    key: String,
    #[serde(default)]
    value: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireEnhanced {
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    finding_arn: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    score: Option<f64>,
    #[serde(default)]
    fix_available: Option<String>,
    #[serde(default)]
    exploit_available: Option<String>,
    #[serde(default, with = "time::flexible_opt")]
    first_observed_at: Option<Timestamp>,
    #[serde(default, with = "time::flexible_opt")]
    last_observed_at: Option<Timestamp>,
    #[serde(default, with = "time::flexible_opt")]
    updated_at: Option<Timestamp>,
    #[serde(default)]
    package_vulnerability_details: Option<WirePackageVulnerability>,
    #[serde(default)]
    score_details: Option<WireScoreDetails>,
    #[serde(default)]
    remediation: Option<IgnoredAny>,
    #[serde(default)]
    resources: Option<IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WirePackageVulnerability {
    #[serde(default)]
    vulnerability_id: Option<String>,
    #[serde(default)]
    source_url: Option<String>,
    #[serde(default)]
    vendor_severity: Option<String>,
    #[serde(default, with = "time::flexible_opt")]
    vendor_created_at: Option<Timestamp>,
    #[serde(default, with = "time::flexible_opt")]
    vendor_updated_at: Option<Timestamp>,
    #[serde(default, deserialize_with = "null_as_default")]
    cvss: Vec<WireCvss>,
    #[serde(default, deserialize_with = "null_as_default")]
    vulnerable_packages: Vec<WirePackage>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireCvss {
    #[serde(default)]
    base_score: Option<f64>,
    #[serde(default)]
    scoring_vector: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    version: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WirePackage {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    release: Option<String>,
    #[serde(default)]
    epoch: Option<i64>,
    #[serde(default)]
    fixed_in_version: Option<String>,
}

#[derive(Deserialize)]
struct WireScoreDetails {
    #[serde(default)]
    cvss: Option<WireScoreCvss>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireScoreCvss {
    #[serde(default)]
    score: Option<f64>,
    #[serde(default)]
    score_source: Option<String>,
    #[serde(default)]
    scoring_vector: Option<String>,
    #[serde(default)]
    version: Option<String>,
}

/// The sentinel ECR writes when no fixed version exists.
const NOT_AVAILABLE: &str = "NotAvailable";

fn fixed_version(v: Option<String>) -> Option<String> {
    v.filter(|s| {
        let t = s.trim();
        !t.is_empty() && !t.eq_ignore_ascii_case(NOT_AVAILABLE) && !t.eq_ignore_ascii_case("None")
    })
}

fn valid_score(s: f64) -> Option<f64> {
    (s.is_finite() && (0.0..=10.0).contains(&s)).then_some(s)
}

fn yes_no(s: Option<&str>) -> Option<bool> {
    match s.map(str::trim) {
        Some(v) if v.eq_ignore_ascii_case("YES") || v.eq_ignore_ascii_case("TRUE") => Some(true),
        Some(v) if v.eq_ignore_ascii_case("NO") || v.eq_ignore_ascii_case("FALSE") => Some(false),
        _ => None,
    }
}

fn fix_from_packages(packages: &[AffectedPackage]) -> FixAvailable {
    if packages.is_empty() {
        return FixAvailable::Unknown;
    }
    let fixed = packages.iter().filter(|p| p.fixed_in_version.is_some()).count();
    if fixed == packages.len() {
        FixAvailable::Yes
    } else if fixed == 0 {
        FixAvailable::No
    } else {
        FixAvailable::Partial
    }
}

fn basic_finding(raw: Box<RawValue>, path: &str) -> Result<Finding> {
    let w: WireBasic = match serde_json::from_str(raw.get()) {
        Ok(w) => w,
        Err(_) => return Err(located::<WireBasic>(raw.get(), path)),
    };
    let mut package = None;
    let mut version = None;
    let mut fixed = None;
    // (score, version, vector) per CVSS version.
    let mut cvss: [(Option<f64>, Option<String>); 3] = [(None, None), (None, None), (None, None)];
    for a in w.attributes {
        let Some(value) = a.value else { continue };
        match a.key.as_str() {
            "package_name" => package = Some(value),
            "package_version" => version = Some(value),
            "fixed_in_versions" | "fixed_in_version" | "patched_version" => fixed = fixed_version(Some(value)),
            "CVSS3_SCORE" => cvss[0].0 = value.trim().parse().ok().and_then(valid_score),
            "CVSS3_VECTOR" => cvss[0].1 = Some(value),
            "CVSS4_SCORE" => cvss[1].0 = value.trim().parse().ok().and_then(valid_score),
            "CVSS4_VECTOR" => cvss[1].1 = Some(value),
            "CVSS2_SCORE" => cvss[2].0 = value.trim().parse().ok().and_then(valid_score),
            "CVSS2_VECTOR" => cvss[2].1 = Some(value),
            _ => {}
        }
    }
    const VERSIONS: [&str; 3] = ["3", "4", "2"];
    let best = cvss.into_iter().zip(VERSIONS).find_map(|((score, vector), v)| {
        score.map(|score| Cvss {
            score,
            version: Some(v.to_owned()),
            vector,
            source: None,
        })
    });
    let packages: Vec<AffectedPackage> = package
        .clone()
        .map(|name| AffectedPackage {
            name,
            version: version.clone(),
            fixed_in_version: fixed.clone(),
        })
        .into_iter()
        .collect();
    let fix_available = if fixed.is_some() {
        FixAvailable::Yes
    } else {
        FixAvailable::Unknown
    };
    Ok(Finding {
        id: w.name.unwrap_or_default(),
        scan_type: ScanType::Basic,
        severity: Severity::from_finding(w.severity.as_deref()),
        package,
        package_version: version,
        packages,
        fixed_in_version: fixed,
        fix_available,
        score: best.as_ref().map(|c| c.score),
        cvss: best,
        exploit_available: None,
        status: FindingStatus::Active,
        title: None,
        uri: w.uri,
        description: w.description,
        first_observed_at: None,
        vendor_severity: None,
        raw,
    })
}

fn cvss_rank(version: Option<&str>) -> u8 {
    match version.map(str::trim) {
        Some(v) if v.starts_with('3') => 0,
        Some(v) if v.starts_with('4') => 1,
        Some(v) if v.starts_with('2') => 2,
        _ => 3,
    }
}

fn enhanced_finding(raw: Box<RawValue>, path: &str) -> Result<Finding> {
    let w: WireEnhanced = match serde_json::from_str(raw.get()) {
        Ok(w) => w,
        Err(_) => return Err(located::<WireEnhanced>(raw.get(), path)),
    };
    let _ = (&w.last_observed_at, &w.updated_at, &w.remediation, &w.resources);
    let details = w.package_vulnerability_details;
    let mut packages = Vec::new();
    let mut best_cvss: Option<Cvss> = None;
    let mut id = None;
    let mut uri = None;
    let mut vendor_severity = None;
    if let Some(d) = details {
        let _ = (&d.vendor_created_at, &d.vendor_updated_at);
        id = d.vulnerability_id;
        uri = d.source_url;
        vendor_severity = d.vendor_severity;
        for p in d.vulnerable_packages {
            let Some(name) = p.name else { continue };
            let version = match (p.version, p.release) {
                (Some(v), Some(r)) if !r.is_empty() => Some(format!("{v}-{r}")),
                (v, _) => v,
            };
            let version = match (p.epoch, version) {
                (Some(e), Some(v)) if e > 0 => Some(format!("{e}:{v}")),
                (_, v) => v,
            };
            packages.push(AffectedPackage {
                name,
                version,
                fixed_in_version: fixed_version(p.fixed_in_version),
            });
        }
        for c in d.cvss {
            let Some(score) = c.base_score.and_then(valid_score) else {
                continue;
            };
            let cand = Cvss {
                score,
                version: c.version,
                vector: c.scoring_vector,
                source: c.source,
            };
            let better = match &best_cvss {
                None => true,
                Some(b) => {
                    let (rc, rb) = (cvss_rank(cand.version.as_deref()), cvss_rank(b.version.as_deref()));
                    rc < rb || (rc == rb && cand.score > b.score)
                }
            };
            if better {
                best_cvss = Some(cand);
            }
        }
    }
    let detail_cvss = w.score_details.and_then(|s| s.cvss).and_then(|c| {
        c.score.and_then(valid_score).map(|score| Cvss {
            score,
            version: c.version,
            vector: c.scoring_vector,
            source: c.score_source,
        })
    });
    let cvss = detail_cvss.or(best_cvss);
    // Inspector writes score 0.0 when it has nothing; only trust a zero backed by CVSS detail.
    let score = match w.score.and_then(valid_score) {
        Some(s) if s > 0.0 || cvss.is_some() => Some(s),
        _ => cvss.as_ref().map(|c| c.score),
    };
    let fix_available = match w.fix_available.as_deref().map(str::trim) {
        Some(v) if v.eq_ignore_ascii_case("YES") => FixAvailable::Yes,
        Some(v) if v.eq_ignore_ascii_case("NO") => FixAvailable::No,
        Some(v) if v.eq_ignore_ascii_case("PARTIAL") => FixAvailable::Partial,
        _ => fix_from_packages(&packages),
    };
    let status = match w.status.as_deref().map(str::trim) {
        Some(s) if s.eq_ignore_ascii_case("SUPPRESSED") => FindingStatus::Suppressed,
        Some(s) if s.eq_ignore_ascii_case("CLOSED") => FindingStatus::Closed,
        _ => FindingStatus::Active,
    };
    let id = id
        .filter(|s| !s.is_empty())
        .or_else(|| {
            w.title
                .as_deref()
                .and_then(|t| t.split(" - ").next())
                .map(|s| s.trim().to_owned())
        })
        .or_else(|| w.finding_arn.clone())
        .unwrap_or_default();
    Ok(Finding {
        id,
        scan_type: ScanType::Enhanced,
        severity: Severity::from_finding(w.severity.as_deref()),
        package: packages.first().map(|p| p.name.clone()),
        package_version: packages.first().and_then(|p| p.version.clone()),
        fixed_in_version: packages.iter().find_map(|p| p.fixed_in_version.clone()),
        packages,
        fix_available,
        score,
        cvss,
        exploit_available: yes_no(w.exploit_available.as_deref()),
        status,
        title: w.title,
        uri,
        description: w.description,
        first_observed_at: w.first_observed_at,
        vendor_severity,
        raw,
    })
}
