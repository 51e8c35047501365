//! Tests of the scan capability: parsing, policy loading, the gate (shared fixture cases in
//! `fixtures/scan/`), reports (SARIF validated against the 2.1.0 schema), the waiter over replayed polls,
//! and the live path over `aws-smithy-mocks` replaying HTTP responses shaped like AWS's documented examples.
//!
//! Moto (the emulator) cannot paginate findings, cannot return a different result for the same image on
//! later polls of the same request, and has no index manifests with scans per child; those paths are covered
//! here with replayed responses instead (see `ecr-core/tests/scan_emulator.rs` for the emulator tests).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

use super::finding::*;
use super::gate::*;
use super::policy::*;
use super::report;
use super::wait::*;
use crate::error::Error;
use crate::time::parse_str;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/scan")
}

fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(fixtures().join(name)).unwrap()
}

fn fixture(name: &str) -> Value {
    serde_json::from_str(&fixture_text(name)).unwrap()
}

fn now() -> crate::time::Timestamp {
    parse_str("2026-06-01T00:00:00Z").unwrap()
}

fn counts_json(c: &SeverityCounts) -> Value {
    serde_json::to_value(c).unwrap()
}

// ------------------------------------------------------------------ parsing

#[test]
fn enhanced_page_parses_every_field() {
    let scan = parse_findings(&fixture_text("enhanced_page.json")).unwrap();
    assert_eq!(scan.status, Some(ScanStatus::Active));
    assert_eq!(scan.scan_type, Some(ScanType::Enhanced));
    assert_eq!(scan.findings.len(), 6);
    assert_eq!(scan.repository_name.as_deref(), Some("sample-repo"));
    assert_eq!(scan.completed_at.unwrap().timestamp(), 1749452920);
    let f = &scan.findings[0];
    assert_eq!(f.id, "CVE-2022-49043");
    assert_eq!(f.severity, Severity::High);
    assert_eq!(f.package.as_deref(), Some("libxml2"));
    assert_eq!(f.package_version.as_deref(), Some("2.9.14+dfsg-1.3~deb12u1"));
    assert_eq!(f.fixed_in_version, None, "NotAvailable is no fixed version");
    assert_eq!(f.fix_available, FixAvailable::No);
    assert_eq!(f.score, Some(8.1));
    let cvss = f.cvss.as_ref().unwrap();
    assert_eq!(cvss.version.as_deref(), Some("3.1"));
    assert!(cvss.vector.as_deref().unwrap().starts_with("CVSS:3.1/AV:L"));
    assert_eq!(f.exploit_available, Some(false));
    assert_eq!(f.status, FindingStatus::Active);
    assert_eq!(f.title.as_deref(), Some("CVE-2022-49043 - libxml2"));
    assert!(f.uri.as_deref().unwrap().contains("security-tracker.debian.org"));
    assert_eq!(f.first_observed_at.unwrap().timestamp(), 1748368447);
    assert_eq!(f.vendor_severity.as_deref(), Some("not yet assigned"));
    // The raw JSON is kept verbatim.
    let raw: Value = serde_json::from_str(f.raw.get()).unwrap();
    assert_eq!(
        raw["findingArn"],
        fixture("enhanced_page.json")["imageScanFindings"]["enhancedFindings"][0]["findingArn"]
    );

    let openssl = &scan.findings[1];
    assert_eq!(
        (openssl.fix_available, openssl.exploit_available),
        (FixAvailable::Yes, Some(true))
    );
    assert_eq!(openssl.fixed_in_version.as_deref(), Some("3.0.13-1~deb12u1"));
    let zlib = &scan.findings[2];
    assert_eq!(zlib.fix_available, FixAvailable::Partial);
    assert_eq!(zlib.packages.len(), 2);
    assert_eq!(zlib.packages[1].fixed_in_version, None);
    let curl = &scan.findings[3];
    assert_eq!(curl.severity, Severity::Untriaged);
    assert_eq!(curl.score, None, "score 0.0 with no CVSS is no score");
    assert_eq!(curl.exploit_available, None);
    assert_eq!(curl.fix_available, FixAvailable::No, "derived from vulnerablePackages");
    assert_eq!(curl.vendor_severity.as_deref(), Some("Moderate"));
    assert_eq!(scan.findings[4].status, FindingStatus::Suppressed);
    assert_eq!(scan.findings[5].status, FindingStatus::Closed);
    assert_eq!(scan.count_mismatch(), None);
}

#[test]
fn basic_clair_and_native_attributes() {
    let scan = parse_findings(&fixture_text("basic_page.json")).unwrap();
    assert_eq!(scan.scan_type, Some(ScanType::Basic));
    assert_eq!(scan.status, Some(ScanStatus::Complete));
    let clair = &scan.findings[0];
    assert_eq!(clair.id, "CVE-2019-5188");
    assert_eq!(clair.package.as_deref(), Some("e2fsprogs"));
    assert_eq!(clair.package_version.as_deref(), Some("1.44.1-1ubuntu1.1"));
    assert_eq!(clair.score, Some(4.6));
    assert_eq!(clair.cvss.as_ref().unwrap().version.as_deref(), Some("2"));
    assert_eq!(clair.fix_available, FixAvailable::Unknown);
    let native = &scan.findings[1];
    assert_eq!(native.severity, Severity::Critical);
    assert_eq!(native.score, Some(9.8));
    assert_eq!(native.cvss.as_ref().unwrap().version.as_deref(), Some("3"));
    assert!(native.description.is_none());
}

#[test]
fn cvss3_preferred_over_cvss2_and_fixed_attribute_read() {
    let page = json!({"imageScanStatus": {"status": "COMPLETE"}, "imageScanFindings": {"findings": [
        {"name": "CVE-1", "severity": "HIGH", "attributes": [
            {"key": "CVSS2_SCORE", "value": "5.0"}, {"key": "CVSS3_SCORE", "value": "7.2"},
            {"key": "fixed_in_versions", "value": "1.2.3"}, {"key": "package_name", "value": "p"}]}]}});
    let scan = parse_findings_value(&page).unwrap();
    assert_eq!(scan.findings[0].score, Some(7.2));
    assert_eq!(scan.findings[0].fix_available, FixAvailable::Yes);
    assert_eq!(scan.findings[0].fixed_in_version.as_deref(), Some("1.2.3"));
}

#[test]
fn cli_iso_pages_equal_wire_epoch_page() {
    let one = parse_findings(&fixture_text("enhanced_page.json")).unwrap();
    let pages = parse_findings(&fixture_text("enhanced_pages_cli.json")).unwrap();
    assert_eq!(pages.pages, 3);
    assert_eq!(one.pages, 1);
    let ids = |s: &ScanFindings| s.findings.iter().map(|f| f.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&one), ids(&pages));
    // Epoch seconds as f64 carry about 0.5 µs of noise at this magnitude; compare at ECR's millisecond precision.
    let ms = |s: &ScanFindings| s.completed_at.unwrap().timestamp_millis();
    assert_eq!(ms(&one), ms(&pages));
    assert_eq!(one.reported_counts, pages.reported_counts);
    assert_eq!(
        pages.findings[0].first_observed_at.unwrap().to_rfc3339(),
        "2025-05-27T17:54:07.765+00:00"
    );
}

#[test]
fn nulls_and_missing_fields_are_tolerated() {
    let page = json!({"registryId": null, "imageId": null, "nextToken": null,
        "imageScanStatus": {"status": "ACTIVE", "description": null},
        "imageScanFindings": {"findingSeverityCounts": null, "findings": null, "enhancedFindings": [
            {"severity": "LOW", "score": null, "packageVulnerabilityDetails": {"vulnerabilityId": "GHSA-1",
             "cvss": null, "vulnerablePackages": [{"name": "lodash", "version": null, "fixedInVersion": null}]},
             "remediation": {"recommendation": {"text": "None Provided", "url": null}}, "firstObservedAt": null},
            {"title": "CVE-2024-9 - foo"}]}});
    let scan = parse_findings_value(&page).unwrap();
    assert_eq!(scan.findings.len(), 2);
    assert_eq!(scan.findings[0].id, "GHSA-1");
    assert_eq!(scan.findings[0].fix_available, FixAvailable::No);
    assert_eq!(scan.findings[1].id, "CVE-2024-9", "id falls back to the title");
    assert_eq!(scan.findings[1].severity, Severity::Undefined);
    assert_eq!(scan.scan_type, Some(ScanType::Enhanced));
}

#[test]
fn wrong_types_are_errors_naming_the_path() {
    let bad = json!({"imageScanFindings": {"enhancedFindings": [{"severity": "LOW"}, {"score": "high"}]}});
    let e = parse_findings_value(&bad).unwrap_err();
    assert_eq!(e.code(), "InvalidArgument");
    let msg = e.to_string();
    assert!(msg.contains("imageScanFindings.enhancedFindings[1].score"), "{msg}");

    let pages = json!([{"imageScanFindings": {"findings": []}}, {"imageScanFindings": {"findings": {}}}]);
    let msg = parse_findings_value(&pages).unwrap_err().to_string();
    assert!(msg.contains("[1]") && msg.contains("findings"), "{msg}");

    let counts = json!({"imageScanFindings": {"findingSeverityCounts": {"HIGH": -1}}});
    let msg = parse_findings_value(&counts).unwrap_err().to_string();
    assert!(msg.contains("findingSeverityCounts"), "{msg}");

    let time = json!({"imageScanFindings": {"imageScanCompletedAt": "yesterday"}});
    assert!(
        parse_findings_value(&time)
            .unwrap_err()
            .to_string()
            .contains("imageScanCompletedAt")
    );

    for text in ["", "42", "[]", "{", "null", "\"x\""] {
        assert_eq!(parse_findings(text).unwrap_err().code(), "InvalidArgument", "{text:?}");
    }
}

#[test]
fn count_mismatch_is_reported() {
    let page = json!({"imageScanStatus": {"status": "COMPLETE"}, "imageScanFindings": {
        "findingSeverityCounts": {"HIGH": 3}, "findings": [{"name": "CVE-1", "severity": "HIGH"}]}});
    let scan = parse_findings_value(&page).unwrap();
    let m = scan.count_mismatch().unwrap();
    assert!(m.contains("HIGH: 3") && m.contains("HIGH: 1"), "{m}");
    let d = evaluate(&ScanPolicy::default(), [GateImage::new(scan)], now());
    assert!(d.warnings.iter().any(|w| w.code == "countMismatch"));
}

#[test]
fn every_status_parses_and_classifies() {
    let all = [
        ("IN_PROGRESS", StatusClass::Waiting),
        ("PENDING", StatusClass::Waiting),
        ("COMPLETE", StatusClass::Done),
        ("ACTIVE", StatusClass::Done),
        ("FAILED", StatusClass::Error),
        ("UNSUPPORTED_IMAGE", StatusClass::Error),
        ("SCAN_ELIGIBILITY_EXPIRED", StatusClass::Error),
        ("FINDINGS_UNAVAILABLE", StatusClass::Error),
        ("LIMIT_EXCEEDED", StatusClass::Error),
        ("IMAGE_ARCHIVED", StatusClass::Error),
        ("SOMETHING_NEW", StatusClass::Unknown),
    ];
    for (s, class) in all {
        let st = ScanStatus::parse(s);
        assert_eq!(st.as_str(), s);
        assert_eq!(st.class(), class, "{s}");
    }
    assert_eq!(
        ScanStatus::parse("complete").class(),
        StatusClass::Unknown,
        "statuses are exact"
    );
}

// ------------------------------------------------------------------ policy

#[test]
fn json_and_toml_policies_are_the_same() {
    let j = ScanPolicy::load(fixtures().join("policy.json")).unwrap();
    let t = ScanPolicy::load(fixtures().join("policy.toml")).unwrap();
    assert_eq!(j, t);
    assert_eq!(j.fail_on.get(&Severity::High), Some(&5));
    assert_eq!(
        j.ignore[0].expires.as_ref().unwrap().at,
        parse_str("2027-01-01T00:00:00Z").unwrap()
    );
    assert!(j.ignore[0].until_fixed);
    assert_eq!(j.ignore[1].platform.as_deref(), Some("linux/arm64"));
    // Round trip through JSON.
    assert_eq!(ScanPolicy::from_value(&j.to_json()).unwrap(), j);
}

#[test]
fn defaults_fail_closed() {
    let p = ScanPolicy::from_json_str("{}").unwrap();
    assert_eq!(p, ScanPolicy::default());
    assert_eq!(p.on_scan_error, OnScanError::Fail);
    assert_eq!(p.on_unsupported_image, OnScanError::Fail);
    assert_eq!(p.stale_ignores, StaleIgnores::Warn);
    assert_eq!(p.suppressed_findings, SuppressedFindings::Ignore);
    assert!(p.partial_fix_is_fixable);
}

#[test]
fn invalid_policies_name_the_field() {
    let cases = fixture("policies_invalid.json");
    for c in cases.as_array().unwrap() {
        let name = c["name"].as_str().unwrap();
        let err = ScanPolicy::from_value(&c["policy"]).expect_err(name);
        assert_eq!(err.code(), "PolicyValidation", "{name}");
        let paths: Vec<&str> = err.field_errors().iter().map(|e| e.path.as_str()).collect();
        let want = c["path"].as_str().unwrap();
        assert!(
            paths.iter().any(|p| p.starts_with(want)),
            "{name}: want {want}, got {paths:?} ({err})"
        );
        // The same document as text fails the same way.
        let err2 = ScanPolicy::from_json_str(&c["policy"].to_string()).unwrap_err();
        let paths2: Vec<&str> = err2.field_errors().iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths2, paths, "{name}");
    }
}

#[test]
fn toml_errors_are_policy_errors() {
    let e = ScanPolicy::from_toml_str("minScore = \n").unwrap_err();
    assert_eq!(e.code(), "PolicyValidation");
    let e = ScanPolicy::from_toml_str("[[ignore]]\nid = \"CVE-1\"\nexpires = \"soon\"\n").unwrap_err();
    assert_eq!(e.field_errors()[0].path, "ignore[0].expires");
    let e = ScanPolicy::from_toml_str("failsOn = 1\n").unwrap_err();
    assert!(e.to_string().contains("failsOn"), "{e}");
    let e = ScanPolicy::from_json_str("{} trailing").unwrap_err();
    assert_eq!(e.code(), "PolicyValidation");
}

/// Regression (fuzz target scan_policy): TOML has `nan` and `inf`, JSON has not; they used to become `null`,
/// so `minScore = nan` loaded as a policy with no score threshold at all.
#[test]
fn toml_nan_and_infinity_are_rejected_not_dropped() {
    for (text, path) in [
        ("minScore = nan\n", "minScore"),
        ("minScore = -nan\n", "minScore"),
        ("minScore = inf\n", "minScore"),
        ("[failOn]\nHIGH = inf\n", "failOn"),
    ] {
        let e = ScanPolicy::from_toml_str(text).unwrap_err();
        assert_eq!(e.code(), "PolicyValidation", "{text}");
        assert_eq!(e.field_errors()[0].path, path, "{text}: {e}");
    }
    let p = ScanPolicy::from_toml_str("minScore = 7.5\n").unwrap();
    assert_eq!(p.min_score, Some(7.5));
}

#[test]
fn expiry_semantics() {
    let d = Expiry::parse("2026-12-31").unwrap();
    assert_eq!(d.at, parse_str("2027-01-01T00:00:00Z").unwrap());
    let t = Expiry::parse("2026-12-31T12:00:00+02:00").unwrap();
    assert_eq!(t.at, parse_str("2026-12-31T10:00:00Z").unwrap());
    for bad in ["2026-13-01", "31.12.2026", "2026-12-31T12:00:00", "tomorrow", ""] {
        assert!(Expiry::parse(bad).is_none(), "{bad}");
    }
}

// ------------------------------------------------------------------ gate: shared fixture cases

fn check_case(c: &Value) {
    let name = c["name"].as_str().unwrap();
    let scan = parse_findings(&fixture_text(c["findings"].as_str().unwrap())).unwrap();
    let policy = ScanPolicy::from_value(&c["policy"]).unwrap();
    let now = parse_str(c["now"].as_str().unwrap()).unwrap();
    let d = evaluate(&policy, [GateImage::new(scan)], now);
    let e = &c["expect"];
    assert_eq!(d.passed, e["passed"].as_bool().unwrap(), "{name}: {:?}", d.reasons);
    let reasons: Vec<Value> = d.reasons.iter().map(|r| serde_json::to_value(r).unwrap()).collect();
    let want = e["reasons"].as_array().unwrap();
    assert_eq!(reasons.len(), want.len(), "{name}: {reasons:?}");
    for (got, want) in reasons.iter().zip(want) {
        for (k, v) in want.as_object().unwrap() {
            if let (Some(a), Some(b)) = (got[k].as_f64(), v.as_f64()) {
                assert_eq!(a, b, "{name}: reason field {k} in {got}");
                continue;
            }
            assert_eq!(&got[k], v, "{name}: reason field {k} in {got}");
        }
    }
    assert_eq!(counts_json(&d.counted), e["counted"], "{name}: counted");
    assert_eq!(counts_json(&d.not_counted), e["notCounted"], "{name}: not counted");
    assert_eq!(json!(d.stale_ignores), e["staleIgnores"], "{name}");
    assert_eq!(json!(d.expired_ignores), e["expiredIgnores"], "{name}");
    let mut codes: Vec<&str> = d.warnings.iter().map(|w| w.code.as_str()).collect();
    codes.sort();
    let mut want_codes: Vec<&str> = e["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    want_codes.sort();
    assert_eq!(codes, want_codes, "{name}: warnings {:?}", d.warnings);
    if let Some(states) = e.get("ignoreStates") {
        let got: Vec<&str> = d.ignores.iter().map(|i| i.state.as_str()).collect();
        assert_eq!(json!(got), *states, "{name}");
    }
    // Counted + not counted = every finding.
    let total: u64 = d.counted.values().chain(d.not_counted.values()).sum();
    assert_eq!(total as usize, d.findings.len(), "{name}");
}

#[test]
fn gate_fixture_cases() {
    let cases = fixture("gate_cases.json");
    assert!(cases.as_array().unwrap().len() >= 20);
    for c in cases.as_array().unwrap() {
        check_case(c);
    }
}

#[test]
fn ignored_findings_keep_their_reason() {
    let scan = parse_findings(&fixture_text("enhanced_page.json")).unwrap();
    let policy = ScanPolicy::from_value(&json!({"ignore": [
        {"id": "CVE-2024-0001", "reason": "base image update pending"},
        {"id": "CVE-2024-0004", "reason": "also suppressed"}]}))
    .unwrap();
    let d = evaluate(&policy, [GateImage::new(scan)], now());
    let by_id = |id: &str| d.findings.iter().find(|f| f.finding.id == id).unwrap();
    assert_eq!(
        by_id("CVE-2024-0001").verdict,
        Countedness::Ignored {
            rule: 0,
            id: "CVE-2024-0001".into(),
            reason: Some("base image update pending".into())
        }
    );
    assert_eq!(by_id("CVE-2024-0004").verdict, Countedness::Suppressed);
    assert_eq!(by_id("CVE-2024-0005").verdict, Countedness::Closed);
    assert_eq!(by_id("CVE-2022-49043").verdict, Countedness::Counted);
    // A rule matching only a suppressed finding is not stale.
    assert!(d.stale_ignores.is_empty());
}

#[test]
fn expired_and_lifted_rules_are_noted_on_the_finding() {
    let scan = parse_findings(&fixture_text("enhanced_page.json")).unwrap();
    let policy = ScanPolicy::from_value(&json!({"ignore": [
        {"id": "CVE-2024-0001", "expires": "2020-01-01"},
        {"id": "CVE-2024-0001", "untilFixed": true}]}))
    .unwrap();
    let d = evaluate(&policy, [GateImage::new(scan)], now());
    let f = d.findings.iter().find(|f| f.finding.id == "CVE-2024-0001").unwrap();
    assert!(f.counted());
    assert_eq!(f.notes.len(), 2, "{:?}", f.notes);
    assert!(f.notes[0].contains("expired") && f.notes[1].contains("untilFixed"));
    assert_eq!(d.ignores[0].matched_not_applied, 1);
    assert_eq!(d.ignores[1].state, "lifted");
}

#[test]
fn ignore_ids_match_trimmed_and_case_insensitively_in_rule_order_among_many_rules() {
    // An id longer than the 32-byte chunks the rule index hashes in, written three ways, among 200 other rules.
    let long = "GHSA-abcd-efgh-ijkl-mnop-qrst-uvwx-yz01-2345";
    let mut ignore: Vec<Value> = (0..200).map(|i| json!({"id": format!("CVE-2099-{i:04}")})).collect();
    ignore.insert(17, json!({"id": long.to_lowercase(), "reason": "first"}));
    ignore.insert(
        150,
        json!({"id": format!("  {}  ", long.to_uppercase()), "reason": "second"}),
    );
    ignore.push(json!({"id": format!("{long}-other")}));
    let policy = ScanPolicy::from_value(&json!({ "ignore": ignore })).unwrap();
    let page = json!({"imageScanStatus": {"status": "COMPLETE"}, "imageScanFindings": {"findings": [
        {"name": long, "severity": "HIGH"}, {"name": "CVE-2099-0003", "severity": "LOW"}]}});
    let d = evaluate(&policy, [GateImage::new(parse_findings_value(&page).unwrap())], now());
    let verdict = |id: &str| &d.findings.iter().find(|f| f.finding.id == id).unwrap().verdict;
    assert!(matches!(verdict(long), Countedness::Ignored { rule: 17, reason: Some(r), .. } if r == "first"));
    assert!(matches!(verdict("CVE-2099-0003"), Countedness::Ignored { rule: 3, .. }));
    // Both spellings of the long id matched it; its longer neighbour did not.
    assert_eq!((d.ignores[17].ignored, d.ignores[150].ignored), (1, 1));
    assert_eq!(
        (d.ignores[202].rule.id.as_str(), d.ignores[202].state.as_str()),
        (format!("{long}-other").as_str(), "stale")
    );
}

#[test]
fn statuses_fail_closed_by_default_and_warn_when_asked() {
    let cases = fixture("statuses.json");
    for c in cases.as_array().unwrap() {
        let status = c["status"].as_str().unwrap();
        let scan = parse_findings_value(&c["response"]).unwrap();
        let d = evaluate(&ScanPolicy::default(), [GateImage::new(scan.clone())], now());
        assert_eq!(d.passed, c["gate"]["passed"].as_bool().unwrap(), "{status}");
        match c["gate"]["reason"].as_str() {
            Some(code) => assert_eq!(d.reasons[0].code, code, "{status}"),
            None => assert!(d.reasons.is_empty(), "{status}"),
        }
        let lenient = ScanPolicy::from_value(&json!({"onScanError": "warn", "onUnsupportedImage": "warn"})).unwrap();
        let d = evaluate(&lenient, [GateImage::new(scan)], now());
        assert!(d.passed, "{status} with warn: {:?}", d.reasons);
        if let Some(code) = c["gate"]["reason"].as_str() {
            assert!(d.warnings.iter().any(|w| w.code == code), "{status}");
        }
    }
}

#[test]
fn unsupported_image_has_its_own_switch() {
    let scan = parse_findings_value(&json!({"imageScanStatus": {"status": "UNSUPPORTED_IMAGE"}})).unwrap();
    let p = ScanPolicy::from_value(&json!({"onUnsupportedImage": "warn"})).unwrap();
    assert!(evaluate(&p, [GateImage::new(scan.clone())], now()).passed);
    let p = ScanPolicy::from_value(&json!({"onScanError": "warn"})).unwrap();
    assert!(!evaluate(&p, [GateImage::new(scan)], now()).passed);
}

#[test]
fn missing_status_fails_closed() {
    let scan = parse_findings_value(&json!({"imageScanFindings": {"findings": []}})).unwrap();
    let d = evaluate(&ScanPolicy::default(), [GateImage::new(scan)], now());
    assert!(!d.passed);
    assert_eq!(d.reasons[0].code, "missingStatus");
}

#[test]
fn platforms_are_gated_separately_with_scoped_ignores() {
    let scan = parse_findings(&fixture_text("enhanced_page.json")).unwrap();
    let policy = ScanPolicy::from_value(&json!({"failOn": {"CRITICAL": 0},
        "ignore": [{"id": "CVE-2024-0001", "platform": "linux/arm64", "reason": "not reachable on arm64"}]}))
    .unwrap();
    let images = [
        GateImage::new(scan.clone()).with_platform("linux/amd64"),
        GateImage::new(scan).with_platform("linux/arm64"),
    ];
    let d = evaluate(&policy, images, now());
    assert!(!d.passed);
    assert_eq!(d.images.len(), 2);
    assert!(!d.images[0].passed && d.images[1].passed);
    assert_eq!(d.reasons.len(), 1);
    assert_eq!(d.reasons[0].platform.as_deref(), Some("linux/amd64"));
    assert_eq!(d.counted.get(&Severity::Critical), Some(&1));
    assert_eq!(d.findings.len(), 12);
    assert!(d.stale_ignores.is_empty());
}

#[test]
fn filter_first_count_after_is_order_independent() {
    // However findings are ordered, counts are the same (no bucket arithmetic).
    let mut scan = parse_findings(&fixture_text("enhanced_page.json")).unwrap();
    let policy = ScanPolicy::from_value(&json!({"failOn": {"CRITICAL": 0, "HIGH": 0},
        "ignore": [{"id": "CVE-2024-0001"}, {"id": "CVE-2022-49043"}]}))
    .unwrap();
    let a = evaluate(&policy, [GateImage::new(scan.clone())], now());
    scan.findings.reverse();
    let b = evaluate(&policy, [GateImage::new(scan)], now());
    assert!(a.passed && b.passed);
    assert_eq!(a.counted, b.counted);
    assert_eq!(a.not_counted, b.not_counted);
}

// ------------------------------------------------------------------ reports

fn sample_decision() -> GateDecision {
    let scan = parse_findings(&fixture_text("enhanced_page.json")).unwrap();
    let policy = ScanPolicy::from_value(&json!({"failOn": {"CRITICAL": 0},
        "ignore": [{"id": "CVE-2022-49043", "reason": "no fix yet"}, {"id": "CVE-1999-1"}]}))
    .unwrap();
    evaluate(&policy, [GateImage::new(scan)], now())
}

#[test]
fn json_report_is_versioned() {
    let d = sample_decision();
    let r = report::json(&d);
    assert_eq!(r["schema"], report::JSON_SCHEMA);
    assert_eq!(r["passed"], false);
    assert_eq!(r["reasons"][0]["code"], "severityThreshold");
    assert_eq!(r["counted"]["CRITICAL"], 1);
    assert_eq!(r["staleIgnores"], json!([1]));
    assert_eq!(r["findings"].as_array().unwrap().len(), 6);
    assert_eq!(r["findings"][0]["verdict"]["kind"], "ignored");
    assert_eq!(r["findings"][0]["finding"]["raw"]["title"], "CVE-2022-49043 - libxml2");
    assert_eq!(r["evaluatedAt"], "2026-06-01T00:00:00Z");
}

#[test]
fn sarif_validates_against_the_2_1_0_schema() {
    let schema = fixture("sarif-schema-2.1.0.json");
    let validator = jsonschema::validator_for(&schema).unwrap();
    for d in [sample_decision(), {
        let scan = parse_findings(&fixture_text("basic_page.json")).unwrap();
        evaluate(
            &ScanPolicy::default(),
            [GateImage::new(scan).with_platform("linux/arm/v7")],
            now(),
        )
    }] {
        let s = report::sarif(&d);
        let errors: Vec<String> = validator
            .iter_errors(&s)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        assert_eq!(s["version"], "2.1.0");
    }
    let s = report::sarif(&sample_decision());
    let run = &s["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 6);
    let openssl = rules.iter().find(|r| r["id"] == "CVE-2024-0001").unwrap();
    assert_eq!(openssl["properties"]["security-severity"], "9.8");
    let curl = rules.iter().find(|r| r["id"] == "CVE-2024-0003").unwrap();
    assert!(
        curl["properties"].get("security-severity").is_none(),
        "no score, no number"
    );
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 6);
    let ignored = results.iter().find(|r| r["ruleId"] == "CVE-2022-49043").unwrap();
    assert_eq!(
        ignored["suppressions"][0]["justification"],
        "ignore[0] (CVE-2022-49043): no fix yet"
    );
    let counted = results.iter().find(|r| r["ruleId"] == "CVE-2024-0001").unwrap();
    assert!(counted.get("suppressions").is_none());
    assert_eq!(counted["level"], "error");
    assert_eq!(
        counted["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "ecr/sample-repo/openssl"
    );
    // Fingerprints are stable across runs and distinct across findings.
    let again = report::sarif(&sample_decision());
    assert_eq!(s["runs"][0]["results"], again["runs"][0]["results"]);
    let fps: std::collections::HashSet<String> = results
        .iter()
        .map(|r| r["partialFingerprints"]["ecrFinding/v1"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fps.len(), 6);
}

#[test]
fn markdown_summary() {
    let md = report::markdown(&sample_decision());
    assert!(md.starts_with("## ❌ Scan gate failed"), "{md}");
    assert!(md.contains("`severityThreshold`"));
    assert!(
        md.contains(
            "| sample-repo@sha256:74b2c688c700 | ACTIVE | fail | 1 (+1 not counted) | 0 (+2 not counted) | 1 |"
        ),
        "{md}"
    );
    assert!(md.contains("CVE-2024-0001"));
    assert!(md.contains("ignore[0]: no fix yet"));
    assert!(md.contains("`staleIgnore`"));
    let pass = report::markdown(&evaluate(&ScanPolicy::default(), [], now()));
    assert!(pass.starts_with("## ✅ Scan gate passed"));
}

#[test]
fn format_parse() {
    assert_eq!(report::Format::parse("SARIF").unwrap(), report::Format::Sarif);
    assert_eq!(report::Format::parse("md").unwrap(), report::Format::Markdown);
    assert_eq!(report::Format::parse("xml").unwrap_err().code(), "InvalidArgument");
}

// ------------------------------------------------------------------ waiter over replayed polls

enum Step {
    Page(Value),
    NotFound,
    Fail(&'static str),
}

struct Replay {
    steps: Mutex<VecDeque<Step>>,
    last: Mutex<Option<Value>>,
    fetches: AtomicUsize,
    starts: AtomicUsize,
    start_error: Option<&'static str>,
}

impl Replay {
    fn new(steps: Vec<Step>) -> Self {
        Self {
            steps: Mutex::new(steps.into()),
            last: Mutex::new(None),
            fetches: AtomicUsize::new(0),
            starts: AtomicUsize::new(0),
            start_error: None,
        }
    }
}

#[async_trait::async_trait]
impl ScanSource for Replay {
    fn image(&self) -> String {
        "repo@sha256:test".into()
    }
    async fn fetch(&self, _max: Option<i32>) -> crate::Result<ScanFindings> {
        self.fetches.fetch_add(1, Ordering::SeqCst);
        let step = self.steps.lock().unwrap().pop_front();
        match step {
            Some(Step::Page(v)) => {
                *self.last.lock().unwrap() = Some(v.clone());
                parse_findings_value(&v)
            }
            Some(Step::NotFound) => Err(Error::ScanNotFound {
                message: "no scan".into(),
                request_id: None,
            }),
            Some(Step::Fail(code)) => Err(Error::from_service(code.into(), "boom".into(), None)),
            None => match self.last.lock().unwrap().clone() {
                Some(v) => parse_findings_value(&v),
                None => Err(Error::ScanNotFound {
                    message: "no scan".into(),
                    request_id: None,
                }),
            },
        }
    }
    async fn start_scan(&self) -> crate::Result<()> {
        self.starts.fetch_add(1, Ordering::SeqCst);
        match self.start_error {
            Some(code) => Err(Error::from_service(code.into(), "already scanned today".into(), None)),
            None => Ok(()),
        }
    }
}

fn status_page(status: &str, findings: Value) -> Step {
    Step::Page(json!({"imageScanStatus": {"status": status}, "imageScanFindings": findings}))
}

fn basic(ids: &[&str]) -> Value {
    json!({"findings": ids.iter().map(|i| json!({"name": i, "severity": "HIGH"})).collect::<Vec<_>>()})
}

fn enhanced(ids: &[&str]) -> Value {
    json!({"enhancedFindings": ids.iter().map(|i| json!({"severity": "HIGH",
        "packageVulnerabilityDetails": {"vulnerabilityId": i}})).collect::<Vec<_>>()})
}

fn fast() -> WaitOptions {
    WaitOptions {
        timeout: Duration::from_secs(120),
        poll_interval: Duration::from_secs(5),
        max_poll_interval: Duration::from_secs(20),
        backoff: 2.0,
        jitter: 0.0,
        ..WaitOptions::default()
    }
}

#[tokio::test(start_paused = true)]
async fn in_progress_then_complete_basic() {
    let src = Replay::new(vec![
        status_page("PENDING", json!({})),
        status_page("IN_PROGRESS", json!({})),
        status_page("COMPLETE", basic(&["CVE-1"])),
    ]);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s2 = seen.clone();
    let opts = fast().on_progress(move |p| s2.lock().unwrap().push((p.status.clone(), p.elapsed, p.findings)));
    let out = wait_for_scan(&src, Some(ScanType::Basic), &opts).await.unwrap();
    assert_eq!(out.scan.status, Some(ScanStatus::Complete));
    assert_eq!(out.polls, 3, "basic needs one done poll");
    // Backoff: 5 s then 10 s.
    assert_eq!(out.elapsed, Duration::from_secs(15));
    let seen = seen.lock().unwrap();
    let statuses: Vec<&str> = seen.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(statuses, ["PENDING", "IN_PROGRESS", "COMPLETE"]);
    assert_eq!(seen[2].2, 1);
}

#[tokio::test(start_paused = true)]
async fn active_waits_until_results_are_stable() {
    // Counts grow then settle (aws-sdk#289, check-aws-inspector's consistency delay).
    let src = Replay::new(vec![
        status_page("ACTIVE", json!({"findings": []})),
        status_page("ACTIVE", enhanced(&["CVE-1"])),
        status_page("ACTIVE", enhanced(&["CVE-1", "CVE-2", "CVE-3"])),
        status_page("ACTIVE", enhanced(&["CVE-1", "CVE-2", "CVE-3"])),
        status_page("ACTIVE", enhanced(&["CVE-1", "CVE-2", "CVE-3", "CVE-4"])),
    ]);
    let out = wait_for_scan(&src, None, &fast()).await.unwrap();
    assert_eq!(out.scan.findings.len(), 3);
    assert_eq!(out.polls, 4);
    // Three identical polls asked for: the fifth differs, so it goes on to the sixth (replayed last).
    let src = Replay::new(vec![
        status_page("COMPLETE", enhanced(&["CVE-1"])),
        status_page("COMPLETE", enhanced(&["CVE-1"])),
        status_page("COMPLETE", enhanced(&["CVE-1", "CVE-2"])),
    ]);
    let out = wait_for_scan(&src, Some(ScanType::Enhanced), &fast().consistency_polls(3))
        .await
        .unwrap();
    assert_eq!(out.scan.findings.len(), 2);
    assert_eq!(out.polls, 5);
}

#[tokio::test(start_paused = true)]
async fn final_error_statuses_return_at_once() {
    for s in [
        "FAILED",
        "UNSUPPORTED_IMAGE",
        "SCAN_ELIGIBILITY_EXPIRED",
        "FINDINGS_UNAVAILABLE",
        "LIMIT_EXCEEDED",
        "IMAGE_ARCHIVED",
        "SOMETHING_NEW",
    ] {
        let src = Replay::new(vec![status_page("IN_PROGRESS", json!({})), status_page(s, json!({}))]);
        let out = wait_for_scan(&src, None, &fast()).await.unwrap();
        assert_eq!(out.scan.status.as_ref().unwrap().as_str(), s);
        assert_eq!(out.polls, 2, "{s}");
    }
}

#[tokio::test(start_paused = true)]
async fn unknown_status_can_be_waited_on() {
    let src = Replay::new(vec![
        status_page("SOMETHING_NEW", json!({})),
        status_page("COMPLETE", basic(&[])),
    ]);
    let opts = WaitOptions {
        wait_on_unknown_status: true,
        ..fast()
    };
    let out = wait_for_scan(&src, Some(ScanType::Basic), &opts).await.unwrap();
    assert_eq!(out.scan.status, Some(ScanStatus::Complete));
}

#[tokio::test(start_paused = true)]
async fn scan_not_found_retries_then_starts_a_basic_scan() {
    let src = Replay::new(vec![
        Step::NotFound,
        Step::NotFound,
        status_page("COMPLETE", basic(&["CVE-1"])),
    ]);
    let out = wait_for_scan(&src, Some(ScanType::Basic), &fast()).await.unwrap();
    assert_eq!(src.starts.load(Ordering::SeqCst), 0, "not allowed to start");
    assert!(!out.started_scan);
    assert_eq!(out.polls, 3);

    let src = Replay::new(vec![
        Step::NotFound,
        status_page("IN_PROGRESS", json!({})),
        status_page("COMPLETE", basic(&[])),
    ]);
    let out = wait_for_scan(&src, None, &fast().start_basic_scan(true)).await.unwrap();
    assert_eq!(src.starts.load(Ordering::SeqCst), 1);
    assert!(out.started_scan);

    // LimitExceeded from StartImageScan: a scan exists; read it.
    let mut src = Replay::new(vec![
        Step::NotFound,
        Step::NotFound,
        status_page("COMPLETE", basic(&[])),
    ]);
    src.start_error = Some("LimitExceededException");
    let out = wait_for_scan(&src, Some(ScanType::Basic), &fast().start_basic_scan(true))
        .await
        .unwrap();
    assert_eq!(src.starts.load(Ordering::SeqCst), 1, "started once only");
    assert_eq!(out.scan.status, Some(ScanStatus::Complete));

    // Other StartImageScan errors are errors.
    let mut src = Replay::new(vec![Step::NotFound]);
    src.start_error = Some("UnsupportedImageTypeException");
    let e = wait_for_scan(&src, Some(ScanType::Basic), &fast().start_basic_scan(true))
        .await
        .unwrap_err();
    assert_eq!(e.code(), "ServiceError");

    // Never under enhanced scanning.
    let src = Replay::new(vec![Step::NotFound, status_page("ACTIVE", enhanced(&[]))]);
    wait_for_scan(&src, Some(ScanType::Enhanced), &fast().start_basic_scan(true))
        .await
        .unwrap();
    assert_eq!(src.starts.load(Ordering::SeqCst), 0);
}

#[tokio::test(start_paused = true)]
async fn timeout_names_the_last_status() {
    let src = Replay::new(vec![status_page("IN_PROGRESS", json!({}))]);
    let e = wait_for_scan(&src, None, &fast().timeout(Duration::from_secs(60)))
        .await
        .unwrap_err();
    match e {
        Error::ScanTimeout {
            image,
            last_status,
            elapsed,
        } => {
            assert_eq!(image, "repo@sha256:test");
            assert_eq!(last_status, "IN_PROGRESS");
            assert_eq!(elapsed, Duration::from_secs(60));
        }
        other => panic!("{other:?}"),
    }
    // 5 + 10 + 20 + 20 (capped) = 55, then 5 to the deadline: 6 polls.
    assert_eq!(src.fetches.load(Ordering::SeqCst), 6);
    let src = Replay::new(vec![Step::NotFound]);
    let e = wait_for_scan(&src, None, &fast().timeout(Duration::from_secs(30)))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("SCAN_NOT_FOUND"), "{e}");
}

#[tokio::test(start_paused = true)]
async fn other_errors_stop_the_wait() {
    let src = Replay::new(vec![Step::Fail("RepositoryNotFoundException")]);
    let e = wait_for_scan(&src, None, &fast()).await.unwrap_err();
    assert_eq!(e.code(), "RepositoryNotFound");
    assert_eq!(src.fetches.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn jitter_stays_within_bounds() {
    let src = Replay::new(vec![
        status_page("IN_PROGRESS", json!({})),
        status_page("COMPLETE", basic(&[])),
    ]);
    let opts = WaitOptions { jitter: 0.5, ..fast() };
    let out = wait_for_scan(&src, Some(ScanType::Basic), &opts).await.unwrap();
    assert!(
        out.elapsed >= Duration::from_millis(2500) && out.elapsed <= Duration::from_millis(7500),
        "{:?}",
        out.elapsed
    );
}

// ------------------------------------------------------------------ live path over replayed HTTP responses

mod live {
    use super::*;
    use crate::EcrClient;
    use crate::scan::GateOptions;
    use crate::types::ImageId;
    use aws_sdk_ecr::Client;
    use aws_smithy_mocks::{MockResponse, MockResponseInterceptor, Rule, RuleMode, create_mock_http_client, mock};
    use aws_smithy_runtime_api::http::{Response as HttpResponse, StatusCode};
    use aws_smithy_types::body::SdkBody;

    const DIGEST: &str = "sha256:74b2c688c700ec95a93e478cdb959737c148df3fbf5ea706abe0318726e885e6";

    fn client(rules: &[Rule]) -> EcrClient {
        let mut interceptor = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
        for r in rules {
            interceptor = interceptor.with_rule(r);
        }
        let conf = aws_sdk_ecr::Config::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("us-east-1"))
            .credentials_provider(aws_credential_types::Credentials::new(
                "AKID", "SECRET", None, None, "test",
            ))
            .http_client(create_mock_http_client())
            .retry_config(aws_config::retry::RetryConfig::disabled())
            .interceptor(interceptor)
            .build();
        let sdk = aws_config::SdkConfig::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("us-east-1"))
            .build();
        EcrClient::from_sdk_client(Client::from_conf(conf), sdk)
    }

    fn ok(body: &Value) -> HttpResponse {
        HttpResponse::new(StatusCode::try_from(200).unwrap(), SdkBody::from(body.to_string()))
    }

    fn aws_error(code: &str, message: &str) -> HttpResponse {
        let body = json!({"__type": code, "message": message});
        HttpResponse::new(StatusCode::try_from(400).unwrap(), SdkBody::from(body.to_string()))
    }

    /// (nextToken, maxResults) of each request.
    type Calls = Arc<Mutex<Vec<(Option<String>, Option<i32>)>>>;

    /// 250 enhanced findings as ECR pages them: 100 per page whatever maxResults says (boto3#3449).
    fn enhanced_pages() -> Vec<Value> {
        let template = fixture("enhanced_page.json")["imageScanFindings"]["enhancedFindings"][0].clone();
        let all: Vec<Value> = (0..250)
            .map(|i| {
                let mut f = template.clone();
                f["packageVulnerabilityDetails"]["vulnerabilityId"] = json!(format!("CVE-2025-{i:05}"));
                f["severity"] = json!(if i % 50 == 0 { "CRITICAL" } else { "MEDIUM" });
                f
            })
            .collect();
        all.chunks(100)
            .enumerate()
            .map(|(n, chunk)| {
                let mut page = json!({"registryId": "123456789012", "repositoryName": "sample-repo",
                    "imageId": {"imageDigest": DIGEST},
                    "imageScanStatus": {"status": "ACTIVE", "description": "Continuous scan is selected for image."},
                    "imageScanFindings": {"imageScanCompletedAt": 1749452920.144, "enhancedFindings": chunk}});
                if n == 0 {
                    page["imageScanFindings"]["findingSeverityCounts"] = json!({"CRITICAL": 5, "MEDIUM": 245});
                }
                if n < 2 {
                    page["nextToken"] = json!(format!("token-{}", n + 1));
                }
                page
            })
            .collect()
    }

    fn paged_rule(pages: Vec<Value>, calls: Calls) -> Rule {
        mock!(Client::describe_image_scan_findings).then_compute_response(move |req| {
            calls
                .lock()
                .unwrap()
                .push((req.next_token().map(str::to_owned), req.max_results()));
            let idx = match req.next_token() {
                None => 0,
                Some(t) => t.trim_start_matches("token-").parse().unwrap(),
            };
            MockResponse::Http(ok(&pages[idx]))
        })
    }

    #[tokio::test]
    async fn every_page_is_read_even_when_max_results_is_ignored() {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let c = client(&[paged_rule(enhanced_pages(), calls.clone())]);
        let scan = c
            .describe_scan_findings("sample-repo", &ImageId::digest(DIGEST), Some(1000))
            .await
            .unwrap();
        assert_eq!(scan.findings.len(), 250);
        assert_eq!(scan.pages, 3);
        assert_eq!(scan.computed_counts().get(&Severity::Critical), Some(&5));
        assert_eq!(scan.count_mismatch(), None);
        let calls = calls.lock().unwrap();
        assert_eq!(
            *calls,
            vec![
                (None, Some(1000)),
                (Some("token-1".to_owned()), Some(1000)),
                (Some("token-2".to_owned()), Some(1000))
            ]
        );
        // The raw JSON is what ECR sent.
        let raw: Value = serde_json::from_str(scan.findings[0].raw.get()).unwrap();
        assert_eq!(raw["packageVulnerabilityDetails"]["vulnerabilityId"], "CVE-2025-00000");
    }

    #[tokio::test]
    async fn documented_basic_example_through_the_sdk() {
        let page = fixture("basic_page.json");
        let c = client(&[mock!(Client::describe_image_scan_findings).then_http_response(move || ok(&page))]);
        let scan = c
            .describe_scan_findings("sample-repo", &ImageId::tag("latest"), None)
            .await
            .unwrap();
        assert_eq!(scan.scan_type, Some(ScanType::Basic));
        assert_eq!(scan.findings[1].score, Some(9.8));
    }

    #[tokio::test]
    async fn service_errors_map_to_typed_errors() {
        for (code, want) in [
            ("ScanNotFoundException", "ScanNotFound"),
            ("RepositoryNotFoundException", "RepositoryNotFound"),
            ("ImageNotFoundException", "ImageNotFound"),
            ("InvalidParameterException", "ServiceError"),
            ("ValidationException", "ServiceError"),
        ] {
            let c = client(&[mock!(Client::describe_image_scan_findings)
                .then_http_response(move || aws_error(code, "The specified image scan could not be found."))]);
            let e = c
                .describe_scan_findings("r", &ImageId::digest(DIGEST), None)
                .await
                .unwrap_err();
            assert_eq!(e.code(), want, "{code}");
        }
    }

    #[tokio::test]
    async fn repeated_next_token_is_an_error_not_a_loop() {
        let page = json!({"imageScanStatus": {"status": "COMPLETE"}, "imageScanFindings": {"findings": []},
            "nextToken": "same"});
        let c = client(&[mock!(Client::describe_image_scan_findings).then_http_response(move || ok(&page))]);
        let e = c
            .describe_scan_findings("r", &ImageId::digest(DIGEST), None)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("same nextToken"), "{e}");
    }

    #[tokio::test(start_paused = true)]
    async fn waiter_every_status_through_the_sdk() {
        for entry in fixture("statuses.json").as_array().unwrap() {
            let status = entry["status"].as_str().unwrap().to_owned();
            let resp = entry["response"].clone();
            let c = client(&[mock!(Client::describe_image_scan_findings).then_http_response(move || ok(&resp))]);
            let opts = fast().timeout(Duration::from_secs(30));
            let r = c.wait_for_scan("sample-repo", DIGEST, None, &opts).await;
            match entry["waiter"].as_str().unwrap() {
                "wait" => assert_eq!(r.unwrap_err().code(), "ScanTimeout", "{status}"),
                "done" | "final" => assert_eq!(r.unwrap().scan.status.unwrap().as_str(), status),
                other => panic!("{other}"),
            }
        }
    }

    #[tokio::test(start_paused = true)]
    async fn scan_not_found_after_push_then_limit_exceeded_start_then_findings() {
        let complete = fixture("basic_page.json");
        let describe = mock!(Client::describe_image_scan_findings)
            .sequence()
            .http_response(|| aws_error("ScanNotFoundException", "The specified image scan could not be found."))
            .http_response(|| ok(&json!({"imageScanStatus": {"status": "IN_PROGRESS"}})))
            .http_response(move || ok(&complete))
            .build();
        let starts = Arc::new(AtomicUsize::new(0));
        let s2 = starts.clone();
        let start = mock!(Client::start_image_scan).then_compute_response(move |_| {
            s2.fetch_add(1, Ordering::SeqCst);
            MockResponse::Http(aws_error(
                "LimitExceededException",
                "The scan quota per image has been exceeded. Wait and try again.",
            ))
        });
        let c = client(&[describe, start]);
        let out = c
            .wait_for_scan(
                "sample-repo",
                DIGEST,
                Some(ScanType::Basic),
                &fast().start_basic_scan(true),
            )
            .await
            .unwrap();
        assert_eq!(starts.load(Ordering::SeqCst), 1);
        assert_eq!(out.scan.findings.len(), 2);
        assert_eq!(out.polls, 3);
    }

    fn describe_images_rule(media_type: &'static str, digest: &'static str) -> Rule {
        mock!(Client::describe_images).then_http_response(move || {
            ok(
                &json!({"imageDetails": [{"registryId": "123456789012", "repositoryName": "sample-repo",
                "imageDigest": digest, "imageTags": ["v1"], "imageSizeInBytes": 1234,
                "imagePushedAt": 1749452920.0, "imageManifestMediaType": media_type}]}),
            )
        })
    }

    const INDEX: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    const AMD: &str = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const ARM: &str = "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    const ATT: &str = "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";

    fn index_manifest() -> String {
        json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": AMD, "size": 1,
             "platform": {"os": "linux", "architecture": "amd64"}},
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": ARM, "size": 1,
             "platform": {"os": "linux", "architecture": "arm64", "variant": "v8"}},
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": ATT, "size": 1,
             "platform": {"os": "unknown", "architecture": "unknown"},
             "annotations": {"vnd.docker.reference.type": "attestation-manifest", "vnd.docker.reference.digest": AMD}}]})
        .to_string()
    }

    fn index_rules(calls: Arc<Mutex<Vec<String>>>) -> Vec<Rule> {
        let manifest = index_manifest();
        let batch = mock!(Client::batch_get_image).then_http_response(move || {
            ok(
                &json!({"images": [{"registryId": "123456789012", "repositoryName": "sample-repo",
                "imageId": {"imageDigest": INDEX}, "imageManifest": manifest,
                "imageManifestMediaType": "application/vnd.oci.image.index.v1+json"}], "failures": []}),
            )
        });
        let findings = mock!(Client::describe_image_scan_findings).then_compute_response(move |req| {
            let digest = req.image_id().unwrap().image_digest().unwrap().to_owned();
            calls.lock().unwrap().push(digest.clone());
            let mut page = fixture("enhanced_page.json");
            page["imageId"] = json!({"imageDigest": digest});
            if digest == ARM {
                // The arm64 image has no openssl finding.
                page["imageScanFindings"]["enhancedFindings"]
                    .as_array_mut()
                    .unwrap()
                    .remove(1);
                page["imageScanFindings"]["findingSeverityCounts"] =
                    json!({"CRITICAL": 1, "HIGH": 2, "MEDIUM": 1, "UNTRIAGED": 1});
            }
            MockResponse::Http(ok(&page))
        });
        let config = mock!(Client::get_registry_scanning_configuration).then_http_response(|| {
            ok(&json!({"registryId": "123456789012", "scanningConfiguration": {"scanType": "ENHANCED", "rules": []}}))
        });
        vec![
            describe_images_rule("application/vnd.oci.image.index.v1+json", INDEX),
            batch,
            findings,
            config,
        ]
    }

    #[tokio::test]
    async fn index_resolves_to_platform_children() {
        let c = client(&index_rules(Arc::default()));
        let r = c.resolve_image("sample-repo", &ImageId::tag("v1")).await.unwrap();
        assert!(r.is_index());
        assert_eq!(r.digest, INDEX);
        let plats: Vec<(&str, &str)> = r
            .children
            .iter()
            .map(|c| (c.digest.as_str(), c.platform.as_str()))
            .collect();
        assert_eq!(plats, [(AMD, "linux/amd64"), (ARM, "linux/arm64/v8")]);
    }

    #[tokio::test(start_paused = true)]
    async fn gate_image_gates_every_platform() {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let c = client(&index_rules(calls.clone()));
        let policy = ScanPolicy::from_value(&json!({"failOn": {"CRITICAL": 0}})).unwrap();
        let opts = GateOptions {
            wait: fast(),
            ..Default::default()
        };
        let d = c
            .gate_image("sample-repo", &ImageId::tag("v1"), &policy, &opts, now())
            .await
            .unwrap();
        assert!(!d.passed);
        assert_eq!(d.images.len(), 2);
        assert_eq!(d.images[0].platform.as_deref(), Some("linux/amd64"));
        assert_eq!(d.images[0].digest.as_deref(), Some(AMD));
        assert!(!d.images[0].passed);
        assert!(d.images[1].passed, "{:?}", d.images[1].reasons);
        assert_eq!(d.reasons.len(), 1);
        // Enhanced (from the registry): two identical polls per child.
        let calls = calls.lock().unwrap().clone();
        assert_eq!(calls.iter().filter(|d| *d == AMD).count(), 2);
        assert_eq!(calls.iter().filter(|d| *d == ARM).count(), 2);
        assert!(!calls.contains(&ATT.to_owned()) && !calls.contains(&INDEX.to_owned()));

        // Only one platform.
        let c = client(&index_rules(Arc::default()));
        let opts = GateOptions {
            wait: fast(),
            platforms: vec!["linux/arm64/v8".into()],
            ..Default::default()
        };
        let d = c
            .gate_image("sample-repo", &ImageId::tag("v1"), &policy, &opts, now())
            .await
            .unwrap();
        assert!(d.passed);
        assert_eq!(d.images.len(), 1);
        let opts = GateOptions {
            wait: fast(),
            platforms: vec!["windows/amd64".into()],
            ..Default::default()
        };
        let e = c
            .gate_image("sample-repo", &ImageId::tag("v1"), &policy, &opts, now())
            .await
            .unwrap_err();
        assert!(e.to_string().contains("linux/amd64"), "{e}");
    }

    #[tokio::test(start_paused = true)]
    async fn gate_single_image_warns_when_scan_config_unreadable() {
        let page = fixture("basic_page.json");
        let c = client(&[
            describe_images_rule("application/vnd.oci.image.manifest.v1+json", DIGEST),
            mock!(Client::describe_image_scan_findings).then_http_response(move || ok(&page)),
            mock!(Client::get_registry_scanning_configuration).then_http_response(|| {
                aws_error(
                    "AccessDeniedException",
                    "not authorized to perform ecr:GetRegistryScanningConfiguration",
                )
            }),
        ]);
        let policy = ScanPolicy::from_value(&json!({"failOn": {"HIGH": 0}})).unwrap();
        let opts = GateOptions {
            wait: fast(),
            ..Default::default()
        };
        let d = c
            .gate_image("sample-repo", &ImageId::tag("v1"), &policy, &opts, now())
            .await
            .unwrap();
        assert!(d.passed);
        assert_eq!(d.images[0].platform, None);
        assert!(d.warnings.iter().any(|w| w.code == "scanType"), "{:?}", d.warnings);
    }

    #[test]
    fn index_parsing_errors() {
        assert!(super::super::ecr::index_children("nope").is_err());
        assert!(super::super::ecr::index_children("{}").is_err());
        assert!(super::super::ecr::index_children(r#"{"manifests":[{"platform":{}}]}"#).is_err());
        let m = super::super::ecr::index_children(r#"{"manifests":[]}"#).unwrap();
        assert!(m.is_empty());
    }
}

// ---------------------------------------------------------------- single-pass reader vs strict reader

/// The single-pass reader and the strict reader give the same findings (raw JSON included) and the same
/// errors, on the fixtures and on documents built to make the single-pass reader decline.
#[test]
fn fast_and_strict_readers_agree() {
    let mut docs: Vec<String> = ["enhanced_page.json", "basic_page.json", "enhanced_pages_cli.json"]
        .iter()
        .map(|f| fixture_text(f))
        .collect();
    docs.extend(
        [
            // key order: enhanced before basic (basic findings still come first)
            r#"{"imageScanFindings": {"enhancedFindings": [{"title": "CVE-2 - b"}], "findings": [{"name": "CVE-1"}]}}"#,
            // escapes in keys and values, whitespace everywhere
            " [ { \"imageScan\\u0053tatus\" : { \"status\" : \"COMPLETE\" } , \"imageScanFindings\" : { \"findings\" : [ { \"name\" : \"CVE-\\u00e9\" } ] } } ] \n",
            // duplicate keys, positional structs, trailing commas, trailing text, nulls
            r#"{"imageScanStatus": {"status": "COMPLETE"}, "imageScanStatus": {"status": "FAILED"}}"#,
            r#"{"imageScanFindings": {"findings": [], "findings": []}}"#,
            r#"{"imageScanFindings": [null, null, null, [], null]}"#,
            r#"{"imageScanFindings": {"enhancedFindings": [["a"]]}}"#,
            r#"{"imageScanFindings": {"findings": [{"name": "a"},]}}"#,
            r#"{"imageScanFindings": {"findings": [{"name": "a"}]},}"#,
            r#"{"imageScanFindings": {"findings": [{"name": "a"}]}} x"#,
            r#"{"imageScanFindings": {"findings": null, "enhancedFindings": null}, "nextToken": null}"#,
            r#"{"imageScanFindings": {"findings": [{"name": "a"}]}, "x": 12e}"#,
            r#"{"imageScanFindings": {"imageScanCompletedAt": {"a": [1, true]}}}"#,
            r#"[{"imageScanFindings": {"findings": [{"name": "a", "attributes": [{"value": "x"}]}]}}]"#,
            r#"[]"#,
            r#"null"#,
        ]
        .map(str::to_owned),
    );
    // Enhanced findings: the fast reader walks these field by field, so every value shape it reads itself
    // (strings, numbers, timestamps, nested objects and arrays, skipped values) is checked against serde.
    let enhanced = |finding: &str| format!(r#"{{"imageScanFindings": {{"enhancedFindings": [{finding}]}}}}"#);
    docs.extend(
        [
            // strings: escapes, unicode, control characters, bad escapes, lone surrogates
            r#"{"title": "CVE-1 - a\"b\\c\/d\b\f\n\r\t", "description": "\u00e9\ud83d\ude00 é"}"#,
            r#"{"title": "CVE-1 - \ud800"}"#,
            r#"{"x": "\ud800", "title": "CVE-1"}"#,
            r#"{"title": "a\x"}"#,
            r#"{"title": "a\u12"}"#,
            r#"{"x": "a\u12G4"}"#,
            "{\"title\": \"a\u{1}b\"}",
            "{\"x\": \"a\tb\"}",
            "{\"x\": \"a\u{7f}b\"}",
            r#"{"title": "0123456789abcdef0123456789abcdef\"0123456789abcdef"}"#,
            r#"{"title": 5}"#,
            r#"{"title": true}"#,
            r#"{"title": nul}"#,
            r#"{"title": nullx}"#,
            r#"{"title": "a"#,
            // numbers: every shape, and the ones serde_json itself must convert
            r#"{"score": 0, "packageVulnerabilityDetails": {"cvss": [{"baseScore": 9.8, "version": "3.1"}]}}"#,
            r#"{"score": 0.0}"#,
            r#"{"score": -0.0}"#,
            r#"{"score": -0}"#,
            r#"{"score": 7.123456789012345}"#,
            r#"{"score": 7.1234567890123456789}"#,
            r#"{"score": 712345678901234567890e-20}"#,
            r#"{"score": 0.00000000000000000000000001e26}"#,
            r#"{"score": 8.1e0}"#,
            r#"{"score": 81E-1}"#,
            r#"{"score": 1e999}"#,
            r#"{"score": 01}"#,
            r#"{"score": 1.}"#,
            r#"{"score": .5}"#,
            r#"{"score": -}"#,
            r#"{"score": +1}"#,
            r#"{"score": 1e}"#,
            r#"{"score": "8.1"}"#,
            r#"{"x": 1.5e+3, "y": -0, "z": [1, -2.5E-7, 0], "score": 3}"#,
            r#"{"x": 01}"#,
            r#"{"x": 1.e5}"#,
            // timestamps: epoch seconds, strings, out of range, wrong types
            r#"{"firstObservedAt": "2025-05-27T17:54:07.765Z", "lastObservedAt": 1749452920, "updatedAt": null}"#,
            r#"{"firstObservedAt": 1748368447.765123456789}"#,
            r#"{"firstObservedAt": -1}"#,
            r#"{"firstObservedAt": 1e300}"#,
            r#"{"lastObservedAt": "yesterday"}"#,
            r#"{"updatedAt": true}"#,
            r#"{"updatedAt": [1]}"#,
            r#"{"packageVulnerabilityDetails": {"vendorCreatedAt": {"a": 1}}}"#,
            r#"{"packageVulnerabilityDetails": {"vendorUpdatedAt": "2025-01-01T00:00:00+02:00"}}"#,
            // nested objects: nulls, positional structs, duplicates, wrong element types
            r#"{"packageVulnerabilityDetails": null, "scoreDetails": null, "remediation": null, "resources": null}"#,
            r#"{"packageVulnerabilityDetails": ["CVE-1"]}"#,
            r#"{"packageVulnerabilityDetails": {"cvss": null, "vulnerablePackages": null}}"#,
            r#"{"packageVulnerabilityDetails": {"cvss": [null]}}"#,
            r#"{"packageVulnerabilityDetails": {"cvss": [[8.1]]}}"#,
            r#"{"packageVulnerabilityDetails": {"cvss": {}}}"#,
            r#"{"packageVulnerabilityDetails": {"cvss": [{"baseScore": 5, "version": "2"}, {"baseScore": 7.5, "version": "4.0", "source": "x"}, {"baseScore": 6.1, "version": "3.0", "scoringVector": "v"}, {"baseScore": 11, "version": "3.1"}]}}"#,
            r#"{"packageVulnerabilityDetails": {"vulnerablePackages": [{"name": "a", "version": "1", "release": "2", "epoch": 3, "fixedInVersion": "4"}, {"version": "9"}, {"name": "b", "epoch": 0, "fixedInVersion": "NotAvailable"}]}}"#,
            r#"{"packageVulnerabilityDetails": {"vulnerablePackages": [{"name": "a", "epoch": 1.0}]}}"#,
            r#"{"packageVulnerabilityDetails": {"vulnerablePackages": [{"name": "a", "epoch": -3}]}}"#,
            r#"{"packageVulnerabilityDetails": {"vulnerablePackages": [{"name": "a", "epoch": 99999999999999999999}]}}"#,
            r#"{"packageVulnerabilityDetails": {"vulnerablePackages": [{"name": "a", "epoch": 9223372036854775807}]}}"#,
            r#"{"packageVulnerabilityDetails": {"vulnerablePackages": [null]}}"#,
            r#"{"packageVulnerabilityDetails": {"vulnerablePackages": [{"name": "a", "name": "b"}]}}"#,
            r#"{"packageVulnerabilityDetails": {"vulnerabilityId": "CVE-1", "vulnerabilityId": "CVE-2"}}"#,
            r#"{"scoreDetails": {"cvss": {"score": 9.1, "scoreSource": "NVD", "version": "3.1", "scoringVector": "v", "adjustments": [{"a": 1}]}}}"#,
            r#"{"scoreDetails": {"cvss": {"score": 9.1, "score": 9.2}}}"#,
            r#"{"scoreDetails": {"cvss": []}}"#,
            r#"{"scoreDetails": {"cvss": null}, "scoreDetails": null}"#,
            r#"{"title": "a", "title": "b"}"#,
            r#"{"remediation": 1, "remediation": 2}"#,
            r#"{"other": 1, "other": 2, "title": "CVE-9 - z"}"#,
            r#"{"ti\u0074le": "CVE-1 - escaped key"}"#,
            // skipped values: every JSON shape, bad ones, deep nesting
            r#"{"resources": [{"a": [true, false, null, {}, [], "s", -1.5e3, {"b": {"c": [[]]}}]}], "remediation": {"x": {"y": "z"}}}"#,
            r#"{"resources": [tru]}"#,
            r#"{"resources": [1,]}"#,
            r#"{"resources": {"a" 1}}"#,
            r#"{"resources": {1: 1}}"#,
            r#"{"resources": {"a": 1,}}"#,
            r#"{"resources": [1 2]}"#,
            // whitespace everywhere, empty objects and arrays
            " { \"title\" :\t\"CVE-1 - x\" ,\r\n \"score\" : 5.5 , \"packageVulnerabilityDetails\" : { \"cvss\" : [ ] , \"vulnerablePackages\" : [ { } ] } } ",
            r#"{}"#,
        ]
        .map(enhanced),
    );
    for depth in [40, 100, 200] {
        let deep = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        docs.push(enhanced(&format!(r#"{{"resources": {deep}}}"#)));
    }
    for text in &docs {
        let fast = parse_findings(text);
        let strict = crate::scan::parse_findings_strict(text);
        match (&fast, &strict) {
            (Ok(a), Ok(b)) => assert_eq!(
                serde_json::to_string(a).unwrap(),
                serde_json::to_string(b).unwrap(),
                "{text}"
            ),
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{text}"),
            _ => panic!("readers disagree on {text}: {fast:?} / {strict:?}"),
        }
    }
    // The fast reader reads the fixtures and ordinary enhanced findings itself (it does not decline them).
    for text in docs.iter().take(3) {
        assert!(
            crate::scan::wire::fast_document(&std::sync::Arc::new(text.clone()), true).is_some(),
            "{text}"
        );
    }
    let plain = enhanced(
        r#"{"title": "CVE-1 - a\nb", "score": 7.5, "firstObservedAt": 1748368447.765, "resources": [{"tags": {}}],
            "packageVulnerabilityDetails": {"cvss": [{"baseScore": 7.5, "version": "3.1"}],
            "vulnerablePackages": [{"name": "a", "epoch": 0, "filePath": null}]}}"#,
    );
    assert!(crate::scan::wire::fast_document(&std::sync::Arc::new(plain.clone()), true).is_some());
    // The raw JSON of each finding is exactly its text in the input.
    let text = r#"{"imageScanFindings": {"findings": [ {"name" : "CVE-1"} ,{"name":"CVE-2","x":[1,2]}]}}"#;
    let scan = parse_findings(text).unwrap();
    assert_eq!(scan.findings[0].raw.get(), r#"{"name" : "CVE-1"}"#);
    assert_eq!(scan.findings[1].raw.get(), r#"{"name":"CVE-2","x":[1,2]}"#);
    assert_eq!(scan.findings[1].raw.to_value()["x"], json!([1, 2]));
}

// ---------------------------------------------------------------- fail-closed paths a malformed page can reach

#[test]
fn unknown_or_misspelled_status_fails_closed_even_with_findings() {
    for status in ["SOMETHING_NEW", "complete", "", " COMPLETE"] {
        let scan = parse_findings_value(&json!({"imageScanStatus": {"status": status},
            "imageScanFindings": {"findings": []}}))
        .unwrap();
        assert_eq!(scan.status, Some(ScanStatus::Unknown(status.to_owned())), "{status:?}");
        let d = evaluate(&ScanPolicy::default(), [GateImage::new(scan)], now());
        assert!(!d.passed, "{status:?}");
        assert_eq!(d.reasons[0].code, "unknownStatus", "{status:?}");
    }
}

#[test]
fn page_without_status_or_findings_fails_closed() {
    for page in [
        json!({}),
        json!({"imageScanStatus": null, "imageScanFindings": null}),
        json!({"imageScanStatus": {"description": "no status field"}}),
        json!({"imageScanStatus": {"status": null}, "imageScanFindings": {"enhancedFindings": [{"severity": "LOW"}]}}),
    ] {
        let scan = parse_findings_value(&page).unwrap();
        assert_eq!(scan.status, None, "{page}");
        let d = evaluate(&ScanPolicy::default(), [GateImage::new(scan)], now());
        assert!(!d.passed, "{page}");
        assert_eq!(d.reasons[0].code, "missingStatus", "{page}");
    }
    // Only onScanError=warn lets it through, and then with a warning.
    let lenient = ScanPolicy::from_value(&json!({"onScanError": "warn"})).unwrap();
    let d = evaluate(&lenient, [GateImage::new(parse_findings("{}").unwrap())], now());
    assert!(d.passed);
    assert!(d.warnings.iter().any(|w| w.code == "missingStatus"));
}

#[test]
fn findings_without_severity_are_undefined_and_still_counted() {
    let page = json!({"imageScanStatus": {"status": "ACTIVE"}, "imageScanFindings": {"enhancedFindings": [
        {"packageVulnerabilityDetails": {"vulnerabilityId": "CVE-1", "cvss": [{"baseScore": 9.8, "version": "3.1"}]}},
        {"title": "CVE-2 - x", "severity": null},
        {"title": "CVE-3 - y", "severity": "SEVERE"}
    ], "findings": [{"name": "CVE-4"}]}});
    let scan = parse_findings_value(&page).unwrap();
    assert!(scan.findings.iter().all(|f| f.severity == Severity::Undefined));
    // Counted (not silently dropped) under UNDEFINED ...
    let d = evaluate(&ScanPolicy::default(), [GateImage::new(scan.clone())], now());
    assert_eq!(d.counted.get(&Severity::Undefined), Some(&4));
    // ... so a threshold on UNDEFINED trips, and a score threshold still sees the CVSS score.
    let p = ScanPolicy::from_value(&json!({"failOn": {"UNDEFINED": 0}})).unwrap();
    let d = evaluate(&p, [GateImage::new(scan.clone())], now());
    assert!(!d.passed);
    assert_eq!(d.reasons[0].code, "severityThreshold");
    assert_eq!(d.reasons[0].count, Some(4));
    let p = ScanPolicy::from_value(&json!({"minScore": 9.0})).unwrap();
    let d = evaluate(&p, [GateImage::new(scan)], now());
    assert!(!d.passed);
    assert_eq!(d.reasons[0].code, "minScore");
    assert_eq!(d.reasons[0].finding_ids, vec!["CVE-1".to_owned()]);
}

#[test]
fn malformed_pages_are_errors_not_empty_passes() {
    // A findings array of the wrong shape, or a finding that is not an object, is an error naming where;
    // it never reads as "no findings".
    for (page, path) in [
        (
            json!({"imageScanStatus": {"status": "COMPLETE"}, "imageScanFindings": {"findings": {}}}),
            "findings",
        ),
        (
            json!({"imageScanStatus": {"status": "ACTIVE"}, "imageScanFindings": {"enhancedFindings": [1]}}),
            "enhancedFindings[0]",
        ),
        (
            json!({"imageScanStatus": {"status": "ACTIVE"}, "imageScanFindings": "none"}),
            "imageScanFindings",
        ),
        (
            json!([{"imageScanStatus": {"status": "ACTIVE"}}, {"imageScanStatus": 5}]),
            "[1]",
        ),
    ] {
        let e = parse_findings_value(&page).unwrap_err();
        assert_eq!(e.code(), "InvalidArgument", "{page}");
        assert!(e.to_string().contains(path), "{page}: {e}");
    }
}
