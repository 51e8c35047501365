//! Fuzzes the scan policy loaders (`ScanPolicy::from_json_str` and `from_toml_str`, both tried on every
//! input): any text gives a valid policy or a `PolicyValidation` error with at least one field error, never a
//! panic. An accepted policy validates, survives `to_json` -> `from_value` unchanged, and gates a fixed scan
//! (the shared enhanced-findings fixture) and renders all three reports without panicking; a failing
//! decision always says why.

use std::sync::LazyLock;

use ecr_core::scan::{GateImage, ScanFindings, ScanPolicy, evaluate, parse_findings, report};

static SCAN: LazyLock<ScanFindings> = LazyLock::new(|| {
    parse_findings(include_str!("../../../fixtures/scan/enhanced_page.json")).expect("the fixture parses")
});

fn check(policy: &ScanPolicy) {
    assert!(policy.validate().is_ok());
    let again = ScanPolicy::from_value(&policy.to_json()).expect("to_json output must load");
    assert_eq!(&again, policy);
    let now = chrono::DateTime::from_timestamp(1_780_000_000, 0).unwrap_or_default();
    let images = [
        GateImage::new(SCAN.clone()).with_platform("linux/amd64"),
        GateImage::new(SCAN.clone()).with_platform("linux/arm64"),
    ];
    let decision = evaluate(policy, images, now);
    assert_eq!(decision.passed, decision.reasons.is_empty(), "{:?}", decision.reasons);
    assert_eq!(decision.ignores.len(), policy.ignore.len());
    for format in [report::Format::Json, report::Format::Sarif, report::Format::Markdown] {
        assert!(!report::render(&decision, format).is_empty());
    }
}

fn check_error(e: &ecr_core::Error) {
    assert_eq!(e.code(), "PolicyValidation", "{e:?}");
    assert!(!e.field_errors().is_empty());
}

/// Checks one input; panics when the oracle is violated.
pub fn run(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match ScanPolicy::from_json_str(text) {
        Ok(policy) => check(&policy),
        Err(e) => check_error(&e),
    }
    match ScanPolicy::from_toml_str(text) {
        Ok(policy) => check(&policy),
        Err(e) => check_error(&e),
    }
}
