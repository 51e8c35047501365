//! Reports: versioned JSON, SARIF validated against the 2.1.0 schema, Markdown.

use super::*;
use crate::scan::report;

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
