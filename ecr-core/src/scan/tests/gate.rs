//! The gate: the shared fixture cases in `fixtures/scan/`, and the fail-closed paths.

use super::*;

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
