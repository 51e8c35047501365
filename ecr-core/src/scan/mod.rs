//! Scan gating: wait for an ECR image scan correctly, read every finding, decide pass/fail from a typed
//! policy and report the decision as JSON, SARIF 2.1.0 or Markdown. Fail closed.
//!
//! The pieces are pure and JSON-in/JSON-out where they can be, so the Python and Node bindings return
//! exactly what the `scan_gate` program prints:
//!
//! - [`finding`]: one typed [`Finding`] for basic and enhanced findings (raw JSON kept), parsed from
//!   `DescribeImageScanFindings` responses as the API or `aws ecr describe-image-scan-findings` prints them,
//!   one page or an array of pages ([`parse_findings`]).
//! - [`policy`]: the [`ScanPolicy`] (JSON, or TOML with the same field names); unknown fields and bad dates
//!   are load-time errors naming the field.
//! - [`gate`]: [`evaluate`] filters first (closed, suppressed, ignore rules, fixable-only) and counts after,
//!   giving a [`GateDecision`] with every reason, per platform.
//! - [`report`]: JSON (schema [`report::JSON_SCHEMA`]), SARIF 2.1.0 and Markdown renderings of a decision.
//! - [`wait`]: the scan-type-aware waiter (all ten statuses, fail closed on unknown ones, consistency
//!   polls, jittered backoff, progress callback).
//! - [`ecr`]: the live path on [`crate::EcrClient`]: tag → digest → media type, index children per platform,
//!   every findings page, the registry's scan type, and [`crate::EcrClient::gate_image`] tying it together.
//!
//! ```
//! use ecr_core::scan::{evaluate, parse_findings, GateImage, ScanPolicy};
//! let page = r#"{"imageScanStatus": {"status": "COMPLETE"},
//!   "imageScanFindings": {"findings": [{"name": "CVE-2024-1", "severity": "CRITICAL"}]}}"#;
//! let policy = ScanPolicy::from_json_str(r#"{"failOn": {"CRITICAL": 0}}"#).unwrap();
//! let scan = parse_findings(page).unwrap();
//! let decision = evaluate(&policy, [GateImage::new(scan)], chrono::Utc::now());
//! assert!(!decision.passed);
//! ```

pub mod ecr;
pub mod finding;
pub mod gate;
pub mod policy;
pub mod report;
mod shared;
pub mod wait;
mod wire;

#[cfg(test)]
mod tests;

pub use ecr::{ChildImage, GateOptions, ResolvedImage};
pub use finding::{
    AffectedPackage, Cvss, Finding, FindingStatus, FixAvailable, RawJson, ScanFindings, ScanStatus, ScanType, Severity,
    SeverityCounts, StatusClass, parse_findings, parse_findings_owned, parse_findings_strict, parse_findings_value,
};
pub use gate::{
    Countedness, EvaluatedFinding, GateDecision, GateImage, IgnoreUse, ImageDecision, Reason, Warning, evaluate,
};
pub use policy::{IgnoreRule, OnScanError, ScanPolicy, StaleIgnores, SuppressedFindings};
pub use shared::SharedStr;
pub use wait::{Progress, ProgressFn, WaitOptions, WaitOutcome};
