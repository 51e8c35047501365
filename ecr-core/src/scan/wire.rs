//! `DescribeImageScanFindings` wire shapes and their conversion into [`Finding`]s.
//!
//! Findings are deserialized straight into borrowing structs (strings borrow from the input unless they carry
//! escapes) and converted once: severity, score, CVSS and fix availability are computed here and never again.
//! Fields no report needs are skipped, not kept; timestamps that are not kept are still checked, so a page is
//! accepted or rejected exactly as a strict reading would.
//!
//! Two readers share these shapes:
//! - [`fast_document`] walks the page structure itself, hands page metadata and basic findings to serde, and
//!   reads enhanced findings byte by byte into the same wire structs (strings are found eight bytes at a time;
//!   skipped values are checked as serde_json's `IgnoredAny` checks them; serde_json still converts strings
//!   with escapes and numbers it cannot convert exactly itself). Each byte of the input is read once, and
//!   each finding's strings and raw JSON are ranges of the input text itself ([`SharedStr`]): no copy per
//!   string or per finding.
//!   An array of pages of 1 MiB or more is read on two threads when the machine has two: the second starts at
//!   a likely page start past the middle, and its pages are used only if the first thread, reading page after
//!   page, arrives exactly there.
//!   It declines (returns `None`) on anything unusual: duplicate keys, a key with escapes, a non-object where
//!   an object is expected, bad JSON, a wrong type, deep nesting in a skipped value.
//! - The strict reader in [`super::finding`] deserializes the same shapes with serde alone and names the path
//!   of the first error; it runs whenever the fast one declines, so results and error messages never depend
//!   on which reader ran.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::finding::{
    AffectedPackage, Cvss, Finding, FindingStatus, FixAvailable, RawJson, ScanFindings, ScanStatus, ScanType, Severity,
};
use super::shared::SharedStr;
use crate::time::{self, Timestamp};
use crate::types::ImageId;

// ---------------------------------------------------------------- field helpers

/// An optional string, borrowed from the input when it has no escapes. Same acceptance and messages as
/// `Option<String>`.
fn opt_str<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Cow<'de, str>>, D::Error> {
    struct OptVisitor;
    struct StrVisitor;
    impl<'de> Visitor<'de> for StrVisitor {
        type Value = Cow<'de, str>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
            Ok(Cow::Borrowed(v))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Cow::Owned(v.to_owned()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Cow::Owned(v))
        }
        fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
            match std::str::from_utf8(v) {
                Ok(s) => Ok(Cow::Owned(s.to_owned())),
                Err(_) => Err(E::invalid_value(de::Unexpected::Bytes(v), &self)),
            }
        }
    }
    impl<'de> Visitor<'de> for OptVisitor {
        type Value = Option<Cow<'de, str>>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("option")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_string(StrVisitor).map(Some)
        }
    }
    d.deserialize_option(OptVisitor)
}

/// An optional timestamp: epoch seconds, an RFC 3339 string, or `null`. Same acceptance and messages as
/// [`time::flexible_opt`], without building a `serde_json::Value` for every timestamp.
fn opt_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
    struct TimeVisitor;
    fn not_a_timestamp<E: de::Error>(v: impl fmt::Display) -> E {
        E::custom(format!("not a timestamp (epoch seconds or RFC 3339): {v}"))
    }
    fn number<E: de::Error>(secs: f64, v: serde_json::Value) -> Result<Option<Timestamp>, E> {
        time::from_epoch_seconds(secs)
            .map(Some)
            .ok_or_else(|| not_a_timestamp(v))
    }
    impl<'de> Visitor<'de> for TimeVisitor {
        type Value = Option<Timestamp>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any valid JSON value")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(self)
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            number(v, serde_json::Value::from(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            number(v as f64, serde_json::Value::from(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            number(v as f64, serde_json::Value::from(v))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            time::parse_str(v)
                .map(Some)
                .ok_or_else(|| not_a_timestamp(serde_json::Value::from(v)))
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Err(not_a_timestamp(v))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            let v = serde_json::Value::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
            Err(not_a_timestamp(v))
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            let v = serde_json::Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
            Err(not_a_timestamp(v))
        }
    }
    d.deserialize_option(TimeVisitor)
}

/// `null` or absent reads as the default.
fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

// ---------------------------------------------------------------- wire shapes (tolerant of nulls)

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WirePage<'a> {
    #[serde(default)]
    pub(crate) registry_id: Option<String>,
    #[serde(default)]
    pub(crate) repository_name: Option<String>,
    #[serde(default)]
    pub(crate) image_id: Option<ImageId>,
    #[serde(default)]
    pub(crate) image_scan_status: Option<WireStatus>,
    #[serde(default, borrow)]
    pub(crate) image_scan_findings: Option<WireFindings<'a>>,
    #[serde(default)]
    pub(crate) next_token: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct WireStatus {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireFindings<'a> {
    #[serde(default, deserialize_with = "opt_time")]
    image_scan_completed_at: Option<Timestamp>,
    #[serde(default, deserialize_with = "opt_time")]
    vulnerability_source_updated_at: Option<Timestamp>,
    #[serde(default)]
    finding_severity_counts: Option<BTreeMap<String, u64>>,
    #[serde(default, borrow)]
    pub(crate) findings: Option<Vec<&'a serde_json::value::RawValue>>,
    #[serde(default, borrow)]
    pub(crate) enhanced_findings: Option<Vec<&'a serde_json::value::RawValue>>,
}

#[derive(Deserialize)]
pub(crate) struct WireBasic<'a> {
    #[serde(default, borrow, deserialize_with = "opt_str")]
    name: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_str")]
    description: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_str")]
    uri: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_str")]
    severity: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "null_as_default")]
    attributes: Vec<WireAttribute<'a>>,
}

#[derive(Deserialize)]
struct WireAttribute<'a> {
    #[serde(borrow, deserialize_with = "req_str")]
    key: Cow<'a, str>,
    #[serde(default, borrow, deserialize_with = "opt_str")]
    value: Option<Cow<'a, str>>,
}

/// A required string, borrowed when it can be (same acceptance and messages as `String`).
fn req_str<'de, D: Deserializer<'de>>(d: D) -> Result<Cow<'de, str>, D::Error> {
    struct StrVisitor;
    impl<'de> Visitor<'de> for StrVisitor {
        type Value = Cow<'de, str>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
            Ok(Cow::Borrowed(v))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Cow::Owned(v.to_owned()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Cow::Owned(v))
        }
        fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
            match std::str::from_utf8(v) {
                Ok(s) => Ok(Cow::Owned(s.to_owned())),
                Err(_) => Err(E::invalid_value(de::Unexpected::Bytes(v), &self)),
            }
        }
    }
    d.deserialize_string(StrVisitor)
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireEnhanced<'a> {
    #[serde(default, borrow, deserialize_with = "opt_str")]
    description: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_str")]
    finding_arn: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_str")]
    title: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_str")]
    severity: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_str")]
    status: Option<Cow<'a, str>>,
    #[serde(default)]
    score: Option<f64>,
    #[serde(default, borrow, deserialize_with = "opt_str")]
    fix_available: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_str")]
    exploit_available: Option<Cow<'a, str>>,
    #[serde(default, deserialize_with = "opt_time")]
    first_observed_at: Option<Timestamp>,
    // Checked (a malformed value is an error) but not kept.
    #[serde(default, deserialize_with = "opt_time")]
    #[allow(dead_code)]
    last_observed_at: Option<Timestamp>,
    #[serde(default, deserialize_with = "opt_time")]
    #[allow(dead_code)]
    updated_at: Option<Timestamp>,
    #[serde(default, borrow)]
    package_vulnerability_details: Option<WirePackageVulnerability<'a>>,
    #[serde(default, borrow)]
    score_details: Option<WireScoreDetails<'a>>,
    #[serde(default)]
    #[allow(dead_code)]
    remediation: Option<IgnoredAny>,
    #[serde(default)]
    #[allow(dead_code)]
    resources: Option<IgnoredAny>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct WirePackageVulnerability<'a> {
    #[serde(default, borrow, deserialize_with = "opt_str")]
    vulnerability_id: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_str")]
    source_url: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_str")]
    vendor_severity: Option<Cow<'a, str>>,
    #[serde(default, deserialize_with = "opt_time")]
    #[allow(dead_code)]
    vendor_created_at: Option<Timestamp>,
    #[serde(default, deserialize_with = "opt_time")]
    #[allow(dead_code)]
    vendor_updated_at: Option<Timestamp>,
    /// The best CVSS entry, chosen while reading the array (v3, then v4, then v2; the highest score within
    /// a version).
    #[serde(default, borrow, deserialize_with = "best_cvss")]
    cvss: Option<ChosenCvss<'a>>,
    #[serde(default, borrow, deserialize_with = "affected_packages")]
    vulnerable_packages: Vec<WireAffected<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct WireCvss<'a> {
    #[serde(default)]
    base_score: Option<f64>,
    #[serde(default, borrow, deserialize_with = "opt_str")]
    scoring_vector: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_str")]
    source: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_str")]
    version: Option<Cow<'a, str>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct WirePackage<'a> {
    #[serde(default, borrow, deserialize_with = "opt_str")]
    name: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_str")]
    version: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_str")]
    release: Option<Cow<'a, str>>,
    #[serde(default)]
    epoch: Option<i64>,
    #[serde(default, borrow, deserialize_with = "opt_str")]
    fixed_in_version: Option<Cow<'a, str>>,
}

#[derive(Deserialize, Default)]
struct WireScoreDetails<'a> {
    #[serde(default, borrow)]
    cvss: Option<WireScoreCvss<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct WireScoreCvss<'a> {
    #[serde(default)]
    score: Option<f64>,
    #[serde(default, borrow, deserialize_with = "opt_str")]
    score_source: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_str")]
    scoring_vector: Option<Cow<'a, str>>,
    #[serde(default, borrow, deserialize_with = "opt_str")]
    version: Option<Cow<'a, str>>,
}

/// Reads a `null`-tolerant array element by element, folding each into an accumulator (no intermediate Vec).
fn fold_seq<'de, D, T, A>(d: D, init: A, mut step: impl FnMut(&mut A, T)) -> Result<A, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct Fold<'f, T, A, F> {
        acc: A,
        step: &'f mut F,
        _t: std::marker::PhantomData<T>,
    }
    struct SeqOnly<'f, T, A, F>(Fold<'f, T, A, F>);
    impl<'de, T: Deserialize<'de>, A, F: FnMut(&mut A, T)> Visitor<'de> for SeqOnly<'_, T, A, F> {
        type Value = A;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a sequence")
        }
        fn visit_seq<S: SeqAccess<'de>>(mut self, mut seq: S) -> Result<A, S::Error> {
            while let Some(item) = seq.next_element::<T>()? {
                (self.0.step)(&mut self.0.acc, item);
            }
            Ok(self.0.acc)
        }
    }
    impl<'de, T: Deserialize<'de>, A, F: FnMut(&mut A, T)> Visitor<'de> for Fold<'_, T, A, F> {
        type Value = A;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("option")
        }
        fn visit_none<E: de::Error>(self) -> Result<A, E> {
            Ok(self.acc)
        }
        fn visit_unit<E: de::Error>(self) -> Result<A, E> {
            Ok(self.acc)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<A, D2::Error> {
            d.deserialize_seq(SeqOnly(self))
        }
    }
    d.deserialize_option(Fold {
        acc: init,
        step: &mut step,
        _t: std::marker::PhantomData,
    })
}

/// The chosen CVSS entry of `packageVulnerabilityDetails.cvss`, still borrowed (only the one that ends up
/// in the finding is copied).
struct ChosenCvss<'a> {
    score: f64,
    version: Option<Cow<'a, str>>,
    vector: Option<Cow<'a, str>>,
    source: Option<Cow<'a, str>>,
}

fn best_cvss<'de, D: Deserializer<'de>>(d: D) -> Result<Option<ChosenCvss<'de>>, D::Error> {
    fold_seq(d, None, cvss_step)
}

/// Keeps `c` when it beats the best CVSS entry so far.
fn cvss_step<'a>(best: &mut Option<ChosenCvss<'a>>, c: WireCvss<'a>) {
    let Some(score) = c.base_score.and_then(valid_score) else {
        return;
    };
    let better = match best {
        None => true,
        Some(b) => {
            let (rc, rb) = (cvss_rank(c.version.as_deref()), cvss_rank(b.version.as_deref()));
            rc < rb || (rc == rb && score > b.score)
        }
    };
    if better {
        *best = Some(ChosenCvss {
            score,
            version: c.version,
            vector: c.scoring_vector,
            source: c.source,
        });
    }
}

/// An affected package as read, still borrowed where it can be.
struct WireAffected<'a> {
    name: Cow<'a, str>,
    version: Option<Cow<'a, str>>,
    fixed_in_version: Option<Cow<'a, str>>,
}

fn affected_packages<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<WireAffected<'de>>, D::Error> {
    fold_seq(d, Vec::new(), package_step)
}

/// Adds a named package to the list.
fn package_step<'a>(out: &mut Vec<WireAffected<'a>>, p: WirePackage<'a>) {
    let Some(name) = p.name else { return };
    let version = match (p.version, p.release) {
        (Some(v), Some(r)) if !r.is_empty() => Some(Cow::Owned(format!("{v}-{r}"))),
        (v, _) => v,
    };
    let version = match (p.epoch, version) {
        (Some(e), Some(v)) if e > 0 => Some(Cow::Owned(format!("{e}:{v}"))),
        (_, v) => v,
    };
    out.push(WireAffected {
        name,
        version,
        fixed_in_version: fixed_version(p.fixed_in_version),
    });
}

// ---------------------------------------------------------------- conversion (computed once)

/// The sentinel ECR writes when no fixed version exists.
const NOT_AVAILABLE: &str = "NotAvailable";

fn fixed_version(v: Option<Cow<'_, str>>) -> Option<Cow<'_, str>> {
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

fn cvss_rank(version: Option<&str>) -> u8 {
    match version.map(str::trim) {
        Some(v) if v.starts_with('3') => 0,
        Some(v) if v.starts_with('4') => 1,
        Some(v) if v.starts_with('2') => 2,
        _ => 3,
    }
}

/// A string read from `text` as a range of it (a copy when it had escapes).
fn share(text: &Arc<String>, s: Cow<'_, str>) -> SharedStr {
    match s {
        Cow::Borrowed(b) => SharedStr::within(text, b),
        Cow::Owned(o) => SharedStr::from(o),
    }
}

fn shared(text: &Arc<String>, s: Option<Cow<'_, str>>) -> Option<SharedStr> {
    s.map(|s| share(text, s))
}

/// A basic finding; its strings become ranges of `text`, which they were read from.
pub(crate) fn basic_finding(w: WireBasic<'_>, text: &Arc<String>, raw: RawJson) -> Finding {
    let mut package: Option<Cow<'_, str>> = None;
    let mut version: Option<Cow<'_, str>> = None;
    let mut fixed = None;
    // (score, vector) per CVSS version: 3, 4, 2.
    let mut cvss: [(Option<f64>, Option<Cow<'_, str>>); 3] = [(None, None), (None, None), (None, None)];
    for a in w.attributes {
        let Some(value) = a.value else { continue };
        match a.key.as_ref() {
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
            version: Some(SharedStr::from(v)),
            vector: shared(text, vector),
            source: None,
        })
    });
    let package = shared(text, package);
    let version = shared(text, version);
    let fixed = shared(text, fixed);
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
    Finding {
        id: shared(text, w.name).unwrap_or_default(),
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
        uri: shared(text, w.uri),
        description: shared(text, w.description),
        first_observed_at: None,
        vendor_severity: None,
        raw,
    }
}

/// An enhanced (Inspector) finding; its strings become ranges of `text`, which they were read from.
pub(crate) fn enhanced_finding(w: WireEnhanced<'_>, text: &Arc<String>, raw: RawJson) -> Finding {
    let mut packages = Vec::new();
    let mut best_cvss: Option<ChosenCvss<'_>> = None;
    let mut id = None;
    let mut uri = None;
    let mut vendor_severity = None;
    if let Some(d) = w.package_vulnerability_details {
        id = d.vulnerability_id;
        uri = d.source_url;
        vendor_severity = d.vendor_severity;
        packages = d
            .vulnerable_packages
            .into_iter()
            .map(|p| AffectedPackage {
                name: share(text, p.name),
                version: shared(text, p.version),
                fixed_in_version: shared(text, p.fixed_in_version),
            })
            .collect();
        best_cvss = d.cvss;
    }
    let detail_cvss = w.score_details.and_then(|s| s.cvss).and_then(|c| {
        c.score.and_then(valid_score).map(|score| Cvss {
            score,
            version: shared(text, c.version),
            vector: shared(text, c.scoring_vector),
            source: shared(text, c.score_source),
        })
    });
    let cvss = detail_cvss.or_else(|| {
        best_cvss.map(|c| Cvss {
            score: c.score,
            version: shared(text, c.version),
            vector: shared(text, c.vector),
            source: shared(text, c.source),
        })
    });
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
    let title = shared(text, w.title);
    let id = shared(text, id.filter(|s| !s.is_empty()))
        .or_else(|| {
            title
                .as_deref()
                .and_then(|t| t.split(" - ").next())
                .map(|s| SharedStr::within(text, s.trim()))
        })
        .or_else(|| shared(text, w.finding_arn))
        .unwrap_or_default();
    let first = packages.first();
    Finding {
        id,
        scan_type: ScanType::Enhanced,
        severity: Severity::from_finding(w.severity.as_deref()),
        package: first.map(|p| p.name.clone()),
        package_version: first.and_then(|p| p.version.clone()),
        fixed_in_version: packages.iter().find_map(|p| p.fixed_in_version.clone()),
        packages,
        fix_available,
        score,
        cvss,
        exploit_available: yes_no(w.exploit_available.as_deref()),
        status,
        title,
        uri: shared(text, uri),
        description: shared(text, w.description),
        first_observed_at: w.first_observed_at,
        vendor_severity: shared(text, vendor_severity),
        raw,
    }
}

/// Page metadata (everything but the findings) from a wire page.
pub(crate) fn page_meta(
    registry_id: Option<String>,
    repository_name: Option<String>,
    image_id: Option<ImageId>,
    status: Option<WireStatus>,
) -> ScanFindings {
    let (status, status_description) = match status {
        Some(s) => (s.status.as_deref().map(ScanStatus::parse), s.description),
        None => (None, None),
    };
    ScanFindings {
        registry_id,
        repository_name,
        image_id,
        status,
        status_description,
        scan_type: None,
        completed_at: None,
        vulnerability_source_updated_at: None,
        reported_counts: None,
        findings: Vec::new(),
        pages: 1,
    }
}

/// Copies `imageScanFindings`' own fields (not the arrays) into the page.
pub(crate) fn findings_meta(out: &mut ScanFindings, f: &mut WireFindings<'_>) {
    out.completed_at = f.image_scan_completed_at;
    out.vulnerability_source_updated_at = f.vulnerability_source_updated_at;
    out.reported_counts = f.finding_severity_counts.take();
}

// ---------------------------------------------------------------- the single-pass reader

/// One page as the fast reader saw it; its findings went into the shared list.
pub(crate) struct FastPage {
    pub(crate) meta: ScanFindings,
    pub(crate) next_token: Option<String>,
    pub(crate) has_basic: bool,
    pub(crate) has_enhanced: bool,
}

/// The fast reader's result: pages in order and every finding of every page, in order.
pub(crate) struct FastDocument {
    pub(crate) pages: Vec<FastPage>,
    pub(crate) findings: Vec<Finding>,
}

/// Reads one JSON object field by field into a wire struct (see [`Cursor::enhanced`]): each listed key is read
/// by its block, with the cursor bound to `$c`, at most once (a repeated key declines, as serde's duplicate-field
/// error does); any other key is skipped, checked as `IgnoredAny` checks it.
macro_rules! read_fields {
    ($cursor:expr, $c:ident, { $($key:literal => $read:block)* }) => {{
        let mut seen = 0u32;
        $cursor.object(|$c, key| {
            let mut bit = 1u32;
            $(
                if key == $key {
                    once(&mut seen, bit)?;
                    $read
                    return Some(());
                }
                bit <<= 1;
            )*
            let _ = bit;
            $c.skip(0)?;
            Some(())
        })
    }};
}

struct Cursor<'a> {
    /// The input text that every finding's strings and raw JSON are ranges of.
    doc: &'a Arc<String>,
    /// `doc` as a `str`, kept so the byte loops do not go through the `Arc` on every read.
    text: &'a str,
    pos: usize,
    /// Where this cursor started reading (a second thread starts mid-document): sizes the findings list.
    from: usize,
}

/// How deep [`Cursor::skip`] follows nesting before it declines (well inside serde_json's limit of 128,
/// counting the levels above a finding).
const SKIP_DEPTH: u32 = 64;

/// JSON's whitespace (not `u8::is_ascii_whitespace`, which also takes form feed).
fn is_ws(b: &u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\t' | b'\r')
}

/// Eight copies of a byte.
const fn splat(b: u8) -> u64 {
    0x0101_0101_0101_0101 * b as u64
}

/// A mask whose lowest set bit marks the first of eight bytes (little-endian) that ends a run of plain
/// string content: `"`, `\` or a control character. Zero when there is none.
fn string_stop(x: u64) -> u64 {
    const LO: u64 = splat(1);
    let quote = x ^ splat(b'"');
    let backslash = x ^ splat(b'\\');
    let m = (quote.wrapping_sub(LO) & !quote)
        | (backslash.wrapping_sub(LO) & !backslash)
        | (x.wrapping_sub(splat(0x20)) & !x);
    m & splat(0x80)
}

/// Exact powers of ten for the short-number fast path of [`Cursor::number`].
const POW10: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

impl<'a> Cursor<'a> {
    fn skip_ws(&mut self) {
        let bytes = self.text.as_bytes();
        while bytes.get(self.pos).is_some_and(is_ws) {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.text.as_bytes().get(self.pos).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Reads one complete JSON value with serde from the current position.
    fn value<T: Deserialize<'a>>(&mut self) -> Option<T> {
        self.skip_ws();
        let rest = self.text.get(self.pos..)?;
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<T>();
        let v = stream.next()?.ok()?;
        self.pos += stream.byte_offset();
        Some(v)
    }

    /// A literal `null` (then a structural character must follow, which the caller checks).
    fn null(&mut self) -> bool {
        self.literal(b"null")
    }

    /// A literal (`null`, `true`, `false`); the caller checks what follows.
    fn literal(&mut self, word: &[u8]) -> bool {
        self.skip_ws();
        if self.text.as_bytes().get(self.pos..self.pos + word.len()) == Some(word) {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    /// Scans the string starting at the current position (its opening quote) to just past its closing quote,
    /// checking it as serde_json does: no control characters, only valid escapes. Returns whether it has
    /// escapes.
    fn scan_str(&mut self) -> Option<bool> {
        let bytes = self.text.as_bytes();
        if bytes.get(self.pos) != Some(&b'"') {
            return None;
        }
        let mut i = self.pos + 1;
        let mut escaped = false;
        loop {
            while let Some(chunk) = bytes.get(i..i + 8) {
                let x = u64::from_le_bytes(chunk.try_into().ok()?);
                let stop = string_stop(x);
                if stop != 0 {
                    i += (stop.trailing_zeros() / 8) as usize;
                    break;
                }
                i += 8;
            }
            match *bytes.get(i)? {
                b'"' => {
                    self.pos = i + 1;
                    return Some(escaped);
                }
                b'\\' => {
                    escaped = true;
                    i += match *bytes.get(i + 1)? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => 2,
                        b'u' => {
                            if !bytes.get(i + 2..i + 6)?.iter().all(u8::is_ascii_hexdigit) {
                                return None;
                            }
                            6
                        }
                        _ => return None,
                    };
                }
                0..=0x1f => return None,
                _ => i += 1,
            }
        }
    }

    /// A string value: borrowed when it has no escapes, else decoded by serde_json.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        self.skip_ws();
        let start = self.pos;
        let escaped = self.scan_str()?;
        if escaped {
            serde_json::from_str::<String>(self.text.get(start..self.pos)?)
                .ok()
                .map(Cow::Owned)
        } else {
            self.text.get(start + 1..self.pos - 1).map(Cow::Borrowed)
        }
    }

    /// An object key without escapes (a key with escapes, or a control character, declines).
    fn key(&mut self) -> Option<&'a str> {
        let bytes = self.text.as_bytes();
        if bytes.get(self.pos) != Some(&b'"') {
            return None;
        }
        let start = self.pos + 1;
        let mut i = start;
        while let Some(chunk) = bytes.get(i..i + 8) {
            let stop = string_stop(u64::from_le_bytes(chunk.try_into().ok()?));
            if stop != 0 {
                i += (stop.trailing_zeros() / 8) as usize;
                break;
            }
            i += 8;
        }
        while bytes.get(i).is_some_and(|&b| b != b'"' && b != b'\\' && b >= 0x20) {
            i += 1;
        }
        if bytes.get(i) != Some(&b'"') {
            return None;
        }
        self.pos = i + 1;
        self.text.get(start..i)
    }

    /// `null` or a string (as `Option<String>` reads).
    fn opt_str(&mut self) -> Option<Option<Cow<'a, str>>> {
        match self.peek()? {
            b'"' => self.string().map(Some),
            _ => self.null().then_some(None),
        }
    }

    /// Scans a number (JSON's grammar) and returns its text and, when it is non-negative, has no exponent and
    /// at most 15 digits, its value: the digits as an exact integer divided by an exact power of ten, which is
    /// how serde_json converts it (one correctly rounded operation, so the same with or without serde_json's
    /// `float_roundtrip`).
    fn number(&mut self) -> Option<(&'a str, Option<f64>)> {
        self.skip_ws();
        let bytes = self.text.as_bytes();
        let start = self.pos;
        let mut i = start;
        let mut significand: u64 = 0;
        let mut count = 0usize;
        let mut digits = |i: &mut usize| {
            let from = *i;
            while let Some(&b @ b'0'..=b'9') = bytes.get(*i) {
                significand = significand.wrapping_mul(10).wrapping_add(u64::from(b - b'0'));
                *i += 1;
            }
            count += *i - from;
            *i - from
        };
        let mut zero = 0;
        let negative = bytes.get(i) == Some(&b'-');
        if negative {
            i += 1;
        }
        match bytes.get(i)? {
            b'0' => {
                i += 1;
                zero = 1;
            }
            b'1'..=b'9' => {
                digits(&mut i);
            }
            _ => return None,
        }
        let mut fraction = 0;
        if bytes.get(i) == Some(&b'.') {
            i += 1;
            fraction = digits(&mut i);
            if fraction == 0 {
                return None;
            }
        }
        let mut exponent = false;
        if let Some(b'e' | b'E') = bytes.get(i) {
            exponent = true;
            i += 1;
            if let Some(b'+' | b'-') = bytes.get(i) {
                i += 1;
            }
            if digits(&mut i) == 0 {
                return None;
            }
        }
        self.pos = i;
        let text = self.text.get(start..i)?;
        if negative || exponent || count + zero > 15 {
            return Some((text, None));
        }
        #[allow(clippy::cast_precision_loss)] // at most 15 digits: exact
        let value = significand as f64;
        Some((text, POW10.get(fraction).map(|p| value / p)))
    }

    /// A number read as `f64`, exactly as serde_json reads it.
    fn f64(&mut self) -> Option<f64> {
        let (text, value) = self.number()?;
        value.or_else(|| serde_json::from_str::<f64>(text).ok())
    }

    /// `null` or a number (as `Option<f64>` reads).
    fn opt_f64(&mut self) -> Option<Option<f64>> {
        match self.peek()? {
            b'-' | b'0'..=b'9' => self.f64().map(Some),
            _ => self.null().then_some(None),
        }
    }

    /// `null` or an integer (as `Option<i64>` reads).
    fn opt_i64(&mut self) -> Option<Option<i64>> {
        match self.peek()? {
            b'-' | b'0'..=b'9' => {
                let (s, _) = self.number()?;
                if s.len() <= 18 && s.bytes().all(|b| b.is_ascii_digit()) {
                    s.parse().ok().map(Some)
                } else {
                    serde_json::from_str::<i64>(s).ok().map(Some)
                }
            }
            _ => self.null().then_some(None),
        }
    }

    /// A timestamp field (as [`opt_time`] reads it): `null`, epoch seconds or an RFC 3339 string.
    fn opt_time(&mut self) -> Option<Option<Timestamp>> {
        match self.peek()? {
            b'"' => self.string().and_then(|s| time::parse_str(&s)).map(Some),
            b'-' | b'0'..=b'9' => self.f64().and_then(time::from_epoch_seconds).map(Some),
            _ => self.null().then_some(None),
        }
    }

    /// Skips any JSON value, checking it as serde_json's `IgnoredAny` does.
    fn skip(&mut self, depth: u32) -> Option<()> {
        if depth > SKIP_DEPTH {
            return None;
        }
        match self.peek()? {
            b'"' => self.scan_str().map(drop),
            b'{' => {
                self.pos += 1;
                if self.eat(b'}') {
                    return Some(());
                }
                loop {
                    if self.peek()? != b'"' {
                        return None;
                    }
                    self.scan_str()?;
                    if !self.eat(b':') {
                        return None;
                    }
                    self.skip(depth + 1)?;
                    if self.eat(b',') {
                        continue;
                    }
                    return self.eat(b'}').then_some(());
                }
            }
            b'[' => {
                self.pos += 1;
                if self.eat(b']') {
                    return Some(());
                }
                loop {
                    self.skip(depth + 1)?;
                    if self.eat(b',') {
                        continue;
                    }
                    return self.eat(b']').then_some(());
                }
            }
            b't' => self.literal(b"true").then_some(()),
            b'f' => self.literal(b"false").then_some(()),
            b'n' => self.null().then_some(()),
            _ => self.number().map(drop),
        }
    }

    /// Walks an object's members, calling `member` with each key; `member` reads the value.
    fn object(&mut self, mut member: impl FnMut(&mut Self, &'a str) -> Option<()>) -> Option<()> {
        if !self.eat(b'{') {
            return None;
        }
        if self.eat(b'}') {
            return Some(());
        }
        loop {
            if self.peek() != Some(b'"') {
                return None;
            }
            let key = self.key()?;
            if !self.eat(b':') {
                return None;
            }
            member(self, key)?;
            if self.eat(b',') {
                continue;
            }
            return self.eat(b'}').then_some(());
        }
    }

    /// `null` (`None`) or an object read by `read`. A struct written as an array declines.
    fn opt_object<T>(&mut self, read: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        match self.peek()? {
            b'{' => read(self).map(Some),
            _ => self.null().then_some(None),
        }
    }

    /// `null` or an array whose elements `each` reads.
    fn opt_array(&mut self, mut each: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        if self.null() {
            return Some(());
        }
        if !self.eat(b'[') {
            return None;
        }
        if self.eat(b']') {
            return Some(());
        }
        loop {
            each(self)?;
            if self.eat(b',') {
                continue;
            }
            return self.eat(b']').then_some(());
        }
    }

    /// An enhanced finding, read field by field (same acceptance as deserializing [`WireEnhanced`]).
    fn enhanced(&mut self) -> Option<WireEnhanced<'a>> {
        let mut w = WireEnhanced::default();
        read_fields!(self, c, {
            "description" => {
                w.description = c.opt_str()?;
            }
            "findingArn" => {
                w.finding_arn = c.opt_str()?;
            }
            "title" => {
                w.title = c.opt_str()?;
            }
            "severity" => {
                w.severity = c.opt_str()?;
            }
            "status" => {
                w.status = c.opt_str()?;
            }
            "score" => {
                w.score = c.opt_f64()?;
            }
            "fixAvailable" => {
                w.fix_available = c.opt_str()?;
            }
            "exploitAvailable" => {
                w.exploit_available = c.opt_str()?;
            }
            "firstObservedAt" => {
                w.first_observed_at = c.opt_time()?;
            }
            "lastObservedAt" => {
                w.last_observed_at = c.opt_time()?;
            }
            "updatedAt" => {
                w.updated_at = c.opt_time()?;
            }
            "packageVulnerabilityDetails" => {
                w.package_vulnerability_details = c.opt_object(Self::package_vulnerability)?;
            }
            "scoreDetails" => {
                w.score_details = c.opt_object(Self::score_details)?;
            }
            // Kept as `IgnoredAny`: checked, not read.
            "remediation" => {
                c.skip(0)?;
            }
            "resources" => {
                c.skip(0)?;
            }
        })?;
        Some(w)
    }

    fn package_vulnerability(&mut self) -> Option<WirePackageVulnerability<'a>> {
        let mut w = WirePackageVulnerability::default();
        read_fields!(self, c, {
            "vulnerabilityId" => {
                w.vulnerability_id = c.opt_str()?;
            }
            "sourceUrl" => {
                w.source_url = c.opt_str()?;
            }
            "vendorSeverity" => {
                w.vendor_severity = c.opt_str()?;
            }
            "vendorCreatedAt" => {
                w.vendor_created_at = c.opt_time()?;
            }
            "vendorUpdatedAt" => {
                w.vendor_updated_at = c.opt_time()?;
            }
            "cvss" => {
                let mut best = None;
                c.opt_array(|c| {
                    let entry = c.opt_object(Self::cvss)??;
                    cvss_step(&mut best, entry);
                    Some(())
                })?;
                w.cvss = best;
            }
            "vulnerablePackages" => {
                let mut packages = Vec::new();
                c.opt_array(|c| {
                    let package = c.opt_object(Self::package)??;
                    package_step(&mut packages, package);
                    Some(())
                })?;
                w.vulnerable_packages = packages;
            }
        })?;
        Some(w)
    }

    fn cvss(&mut self) -> Option<WireCvss<'a>> {
        let mut w = WireCvss::default();
        read_fields!(self, c, {
            "baseScore" => {
                w.base_score = c.opt_f64()?;
            }
            "scoringVector" => {
                w.scoring_vector = c.opt_str()?;
            }
            "source" => {
                w.source = c.opt_str()?;
            }
            "version" => {
                w.version = c.opt_str()?;
            }
        })?;
        Some(w)
    }

    fn package(&mut self) -> Option<WirePackage<'a>> {
        let mut w = WirePackage::default();
        read_fields!(self, c, {
            "name" => {
                w.name = c.opt_str()?;
            }
            "version" => {
                w.version = c.opt_str()?;
            }
            "release" => {
                w.release = c.opt_str()?;
            }
            "epoch" => {
                w.epoch = c.opt_i64()?;
            }
            "fixedInVersion" => {
                w.fixed_in_version = c.opt_str()?;
            }
        })?;
        Some(w)
    }

    fn score_details(&mut self) -> Option<WireScoreDetails<'a>> {
        let mut w = WireScoreDetails::default();
        read_fields!(self, c, {
            "cvss" => {
                w.cvss = c.opt_object(Self::score_cvss)?;
            }
        })?;
        Some(w)
    }

    fn score_cvss(&mut self) -> Option<WireScoreCvss<'a>> {
        let mut w = WireScoreCvss::default();
        read_fields!(self, c, {
            "score" => {
                w.score = c.opt_f64()?;
            }
            "scoreSource" => {
                w.score_source = c.opt_str()?;
            }
            "scoringVector" => {
                w.scoring_vector = c.opt_str()?;
            }
            "version" => {
                w.version = c.opt_str()?;
            }
        })?;
        Some(w)
    }

    /// Reads a findings array (or `null`), converting each element (read by `read`, given where the
    /// element starts) as it is read.
    fn findings(&mut self, out: &mut Vec<Finding>, read: fn(&mut Self, usize) -> Option<Finding>) -> Option<bool> {
        if self.null() {
            return Some(false);
        }
        if !self.eat(b'[') {
            return None;
        }
        if self.eat(b']') {
            return Some(true);
        }
        loop {
            self.skip_ws();
            let start = self.pos;
            let finding = read(self, start)?;
            if out.len() == out.capacity() {
                // Size the list from what has been read so far, so it is moved once or twice, not ~14 times
                // (bounded: at most one more finding per 256 bytes left).
                let left = self.text.len().saturating_sub(self.pos);
                let read = self.pos.saturating_sub(self.from).max(1);
                let ahead = self.text.len().saturating_sub(self.from);
                let estimate = (out.len().max(1) * ahead / read).min(out.len() + left / 256);
                out.reserve(estimate.saturating_sub(out.len()).max(16));
            }
            out.push(finding);
            if self.eat(b',') {
                continue;
            }
            return self.eat(b']').then_some(true);
        }
    }

    /// The raw JSON of the value read from `start` to here.
    fn raw_from(&self, start: usize) -> RawJson {
        RawJson::shared(self.doc, start, self.pos)
    }

    /// Reads the pages of an array up to and including its `]`: `Some(false)`. Stops before the page starting at
    /// `arrive_at`, if it gets there: `Some(true)`; declines when `stop` is set.
    fn pages(
        &mut self,
        pages: &mut Vec<FastPage>,
        findings: &mut Vec<Finding>,
        arrive_at: Option<usize>,
        stop: Option<&AtomicBool>,
    ) -> Option<bool> {
        loop {
            self.skip_ws();
            if arrive_at == Some(self.pos) {
                return Some(true);
            }
            if stop.is_some_and(|s| s.load(Ordering::Relaxed)) {
                return None;
            }
            pages.push(self.page(findings)?);
            if self.eat(b',') {
                continue;
            }
            return self.eat(b']').then_some(false);
        }
    }

    fn page(&mut self, findings: &mut Vec<Finding>) -> Option<FastPage> {
        let mut registry_id = None;
        let mut repository_name = None;
        let mut image_id = None;
        let mut status = None;
        let mut next_token = None;
        let mut scan_findings: Option<(WireFindings<'a>, bool, bool)> = None;
        let mut seen = 0u8;
        let mut first = |bit: u8| {
            let fresh = seen & bit == 0;
            seen |= bit;
            fresh.then_some(())
        };
        self.object(|c, key| {
            match key {
                "registryId" => {
                    first(1)?;
                    registry_id = c.value::<Option<String>>()?;
                }
                "repositoryName" => {
                    first(2)?;
                    repository_name = c.value::<Option<String>>()?;
                }
                "imageId" => {
                    first(4)?;
                    image_id = c.value::<Option<ImageId>>()?;
                }
                "imageScanStatus" => {
                    first(8)?;
                    status = c.value::<Option<WireStatus>>()?;
                }
                "nextToken" => {
                    first(16)?;
                    next_token = c.value::<Option<String>>()?;
                }
                "imageScanFindings" => {
                    first(32)?;
                    scan_findings = c.scan_findings(findings)?;
                }
                _ => {
                    c.value::<IgnoredAny>()?;
                }
            }
            Some(())
        })?;
        let mut meta = page_meta(registry_id, repository_name, image_id, status);
        let (mut has_basic, mut has_enhanced) = (false, false);
        if let Some((mut f, basic, enhanced)) = scan_findings {
            findings_meta(&mut meta, &mut f);
            (has_basic, has_enhanced) = (basic, enhanced);
        }
        Some(FastPage {
            meta,
            next_token: next_token.filter(|t| !t.is_empty()),
            has_basic,
            has_enhanced,
        })
    }

    /// `imageScanFindings`: `null`, or an object whose arrays are converted in place. Basic findings come
    /// before enhanced ones whatever the key order, as in the strict reader.
    fn scan_findings(&mut self, out: &mut Vec<Finding>) -> Option<Option<(WireFindings<'a>, bool, bool)>> {
        if self.null() {
            return Some(None);
        }
        let mut meta = WireFindings {
            image_scan_completed_at: None,
            vulnerability_source_updated_at: None,
            finding_severity_counts: None,
            findings: None,
            enhanced_findings: None,
        };
        let (mut has_basic, mut has_enhanced) = (false, false);
        let mut enhanced_at: Option<usize> = None;
        let mut seen = 0u8;
        let mut first = |bit: u8| {
            let fresh = seen & bit == 0;
            seen |= bit;
            fresh.then_some(())
        };
        self.object(|c, key| {
            match key {
                "imageScanCompletedAt" => {
                    first(1)?;
                    meta.image_scan_completed_at = c.value::<TimeField>()?.0;
                }
                "vulnerabilitySourceUpdatedAt" => {
                    first(2)?;
                    meta.vulnerability_source_updated_at = c.value::<TimeField>()?.0;
                }
                "findingSeverityCounts" => {
                    first(4)?;
                    meta.finding_severity_counts = c.value::<Option<BTreeMap<String, u64>>>()?;
                }
                "findings" => {
                    first(8)?;
                    let at = out.len();
                    has_basic = c.findings(out, |c, start| {
                        let w = c.value::<WireBasic<'a>>()?;
                        Some(basic_finding(w, c.doc, c.raw_from(start)))
                    })?;
                    // Basic findings go first: move them before any enhanced ones already read.
                    if let Some(e) = enhanced_at {
                        out[e..].rotate_left(at - e);
                    }
                }
                "enhancedFindings" => {
                    first(16)?;
                    enhanced_at = Some(out.len());
                    has_enhanced = c.findings(out, |c, start| {
                        let w = c.enhanced()?;
                        Some(enhanced_finding(w, c.doc, c.raw_from(start)))
                    })?;
                }
                _ => {
                    c.value::<IgnoredAny>()?;
                }
            }
            Some(())
        })?;
        Some(Some((meta, has_basic, has_enhanced)))
    }
}

/// Marks a field as seen; `None` (decline) when it was seen before (serde rejects a duplicate field).
fn once(seen: &mut u32, bit: u32) -> Option<()> {
    let fresh = *seen & bit == 0;
    *seen |= bit;
    fresh.then_some(())
}

/// A timestamp field read on its own (for the fast reader).
struct TimeField(Option<Timestamp>);

impl<'de> Deserialize<'de> for TimeField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        opt_time(d).map(TimeField)
    }
}

/// Arrays of pages at least this long are read on two threads when the machine has two.
#[cfg(not(fuzzing))]
const SPLIT_MIN_BYTES: usize = 1 << 20;
/// Under the fuzzer every array is split, so the fuzz target's check that both readers agree covers the split.
#[cfg(fuzzing)]
const SPLIT_MIN_BYTES: usize = 0;

/// Keys only a page object has (DescribeImageScanFindings' response members): a `{` after a `,` followed by one
/// of them is likely where a page of an array starts.
const PAGE_KEYS: [&str; 6] = [
    "imageScanFindings",
    "registryId",
    "repositoryName",
    "imageId",
    "imageScanStatus",
    "nextToken",
];

/// Reads a whole document (one page, or an array of pages when `allow_array`) in one pass. `None` when anything is
/// unusual; the strict reader then decides (and names the error).
pub(crate) fn fast_document(doc: &Arc<String>, allow_array: bool) -> Option<FastDocument> {
    let split = doc.len() >= SPLIT_MIN_BYTES && std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
    read_document(doc, allow_array, split)
}

/// [`fast_document`], reading an array's second half on a second thread when `split`. The second thread starts at
/// a likely page start past the middle ([`likely_page_start`]); its pages are used only if the first thread,
/// reading page after page, arrives exactly there: the text from a page start on reads the same whoever reads it.
/// Otherwise the first thread reads on alone and the second one's work is dropped.
fn read_document(doc: &Arc<String>, allow_array: bool, split: bool) -> Option<FastDocument> {
    let mut c = Cursor {
        doc,
        text: doc,
        pos: 0,
        from: 0,
    };
    let mut findings = Vec::new();
    let mut pages = Vec::new();
    match c.peek()? {
        b'[' if allow_array => {
            c.pos += 1;
            if c.peek()? == b']' {
                return None;
            }
            match split.then(|| likely_page_start(doc, doc.len() / 2)).flatten() {
                Some(at) => read_pages_in_two(&mut c, at, &mut pages, &mut findings)?,
                None => {
                    c.pages(&mut pages, &mut findings, None, None)?;
                }
            }
        }
        b'{' => pages.push(c.page(&mut findings)?),
        _ => return None,
    }
    (c.peek().is_none()).then_some(FastDocument { pages, findings })
}

/// The first `{` from `from` on (looking a quarter of the text further at most) that follows a `,` and opens an
/// object whose first key is a page key.
fn likely_page_start(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let until = from.saturating_add(text.len() / 4).min(text.len());
    let mut i = from;
    loop {
        i += bytes.get(i..until)?.iter().position(|&b| b == b'{')?;
        let after_comma = bytes[..i].iter().rev().find(|b| !is_ws(b)) == Some(&b',');
        let rest = &bytes[i + 1..];
        let key_at = rest.iter().position(|b| !is_ws(b)).unwrap_or(rest.len());
        let opens_page = PAGE_KEYS.iter().any(|k| {
            let quoted = rest.get(key_at..key_at + k.len() + 2);
            quoted.is_some_and(|q| q[0] == b'"' && &q[1..=k.len()] == k.as_bytes() && q[k.len() + 1] == b'"')
        });
        if after_comma && opens_page {
            return Some(i);
        }
        i += 1;
    }
}

/// Reads the pages of an array from `c` (just inside `[`) to its end, the pages from `at` on on a second thread.
fn read_pages_in_two<'a>(
    c: &mut Cursor<'a>,
    at: usize,
    pages: &mut Vec<FastPage>,
    findings: &mut Vec<Finding>,
) -> Option<()> {
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let second = std::thread::Builder::new().spawn_scoped(scope, || {
            let mut c2 = Cursor {
                doc: c.doc,
                text: c.text,
                pos: at,
                from: at,
            };
            let (mut pages, mut findings) = (Vec::new(), Vec::new());
            c2.pages(&mut pages, &mut findings, None, Some(&stop))?;
            c2.peek().is_none().then_some((pages, findings))
        });
        let Ok(second) = second else {
            // The system refused a thread: read on alone.
            return c.pages(pages, findings, None, None).map(drop);
        };
        let arrived = c.pages(pages, findings, Some(at), None);
        if arrived != Some(true) {
            // Read to the end without arriving at `at` (or declined): the second thread's work is not needed.
            stop.store(true, Ordering::Relaxed);
        }
        let rest = second.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        if arrived? {
            let (more_pages, mut more_findings) = rest?;
            pages.extend(more_pages);
            findings.append(&mut more_findings);
            c.pos = c.text.len();
        }
        Some(())
    })
}

#[cfg(test)]
mod split_tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use serde_json::{Value, json};

    /// Four pages of the enhanced fixture, each finding with its own id; `extra` is added to page 3.
    fn pages(extra: Option<Value>) -> Vec<String> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/scan/enhanced_page.json");
        let page: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        (0..4)
            .map(|n| {
                let mut p = page.clone();
                let template = p["imageScanFindings"]["enhancedFindings"][0].clone();
                let findings: Vec<Value> = (0..5)
                    .map(|i| {
                        let mut f = template.clone();
                        f["packageVulnerabilityDetails"]["vulnerabilityId"] = json!(format!("CVE-2025-{n}{i}"));
                        f
                    })
                    .collect();
                p["imageScanFindings"]["enhancedFindings"] = json!(findings);
                p["nextToken"] = json!(format!("token-{n}"));
                if let (2, Some(extra)) = (n, &extra) {
                    p["extra"] = extra.clone();
                }
                serde_json::to_string_pretty(&p).unwrap()
            })
            .collect()
    }

    fn ids(doc: &FastDocument) -> Vec<String> {
        doc.findings.iter().map(|f| f.id.to_string()).collect()
    }

    /// Reads `text` on one thread and on two; both must give the same pages and findings (or both decline).
    fn same_either_way(text: String) -> Option<FastDocument> {
        let doc = Arc::new(text);
        let one = read_document(&doc, true, false);
        let two = read_document(&doc, true, true);
        match (&one, &two) {
            (Some(a), Some(b)) => {
                assert_eq!(format!("{:?}", a.findings), format!("{:?}", b.findings));
                assert_eq!(a.pages.len(), b.pages.len());
                for (x, y) in a.pages.iter().zip(&b.pages) {
                    assert_eq!(x.next_token, y.next_token);
                    assert_eq!((x.has_basic, x.has_enhanced), (y.has_basic, y.has_enhanced));
                    assert_eq!(format!("{:?}", x.meta), format!("{:?}", y.meta));
                }
            }
            (None, None) => {}
            _ => panic!("one thread: {}, two: {}", one.is_some(), two.is_some()),
        }
        two
    }

    #[test]
    fn the_second_half_read_on_its_own_thread_joins_the_first_in_order() {
        let pages = pages(None);
        let text = format!("[\n{}\n]", pages.join(",\n"));
        // The split point found past the middle is where page 3 starts, and the result is every finding in
        // document order.
        let at = likely_page_start(&text, text.len() / 2).unwrap();
        assert_eq!(at, text.find(&pages[2]).unwrap());
        let doc = same_either_way(text).unwrap();
        assert_eq!(doc.pages.len(), 4);
        let expected: Vec<String> = (0..4)
            .flat_map(|n| (0..5).map(move |i| format!("CVE-2025-{n}{i}")))
            .collect();
        assert_eq!(ids(&doc), expected);
        let tokens: Vec<_> = doc.pages.iter().map(|p| p.next_token.clone().unwrap()).collect();
        assert_eq!(tokens, ["token-0", "token-1", "token-2", "token-3"]);
    }

    #[test]
    fn a_split_point_that_is_not_a_page_start_is_not_used() {
        // An ignored member of page 3 holds objects that look like page starts: the second thread starts inside
        // it, and the first thread never arrives there, so it reads on alone.
        let decoy = json!([1, {"registryId": "x", "imageScanFindings": null}, {"nextToken": "y"}]);
        let pages = pages(Some(decoy));
        let compact: Vec<String> = pages
            .iter()
            .map(|p| serde_json::to_string(&serde_json::from_str::<Value>(p).unwrap()).unwrap())
            .collect();
        let text = format!("[{}]", compact.join(","));
        let at = likely_page_start(&text, text.find(r#""extra""#).unwrap()).unwrap();
        assert!(text[at..].starts_with(r#"{"registryId":"x""#), "{}", &text[at..at + 30]);
        // Reading from the middle finds the decoy or a real page start: either way the result is the same.
        for from in [text.len() / 2, text.find(r#""extra""#).unwrap()] {
            let doc = Arc::new(text.clone());
            let mut c = Cursor {
                doc: &doc,
                text: &doc,
                pos: text.find('{').unwrap(),
                from: 0,
            };
            let (mut p, mut f) = (Vec::new(), Vec::new());
            assert_eq!(
                read_pages_in_two(&mut c, likely_page_start(&text, from).unwrap(), &mut p, &mut f),
                Some(())
            );
            assert_eq!(p.len(), 4, "from {from}");
            assert_eq!(f.len(), 20);
            assert_eq!(c.peek(), None);
        }
        assert_eq!(same_either_way(text).unwrap().findings.len(), 20);
    }

    #[test]
    fn bad_json_in_either_half_declines_as_one_thread_does() {
        let pages = pages(None);
        let good = format!("[{}]", pages.join(","));
        // In the second half (page 4), in the first half (page 1), and after the array.
        let bad_late = good.replacen(r#""token-3""#, "token-3", 1);
        let bad_early = good.replacen(r#""token-0""#, "token-0", 1);
        let trailing = format!("{good} x");
        for text in [bad_late, bad_early, trailing] {
            assert!(same_either_way(text).is_none());
        }
    }
}
