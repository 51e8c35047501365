//! Parsing of findings pages, and the single-pass reader against the strict reader.

use super::*;

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
