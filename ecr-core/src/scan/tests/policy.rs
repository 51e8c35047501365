//! Loading scan policies (JSON and TOML) and their errors.

use super::*;

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

/// Regression (found by the scan_policy fuzz target): TOML has `nan` and `inf`, JSON has not; a loader that
/// turns them into `null` loads `minScore = nan` as a policy with no score threshold at all.
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
