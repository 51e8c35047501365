//! Fuzzes the DescribeImageScanFindings parser (one page or an array of pages), and, for inputs it accepts,
//! the gate and all three reports. Nothing may panic; every rejection must be a typed error; the single-pass
//! reader and the strict reader must agree on every input (same findings, same error).

use ecr_core::scan::{GateImage, ScanPolicy, evaluate, parse_findings, parse_findings_strict, report};

/// Checks one input; panics when the oracle is violated.
pub fn run(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let parsed = parse_findings(text);
    let strict = parse_findings_strict(text);
    match (&parsed, &strict) {
        (Ok(a), Ok(b)) => assert_eq!(
            serde_json::to_string(a).ok(),
            serde_json::to_string(b).ok(),
            "the two readers disagree"
        ),
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "the two readers fail differently"),
        _ => panic!("one reader accepts what the other rejects: {parsed:?} / {strict:?}"),
    }
    match parsed {
        Ok(scan) => {
            let _ = scan.count_mismatch();
            let policy = ScanPolicy {
                fixable_only: true,
                min_score: Some(7.0),
                ..ScanPolicy::default()
            };
            let now = chrono::DateTime::from_timestamp(1_780_000_000, 0).unwrap_or_default();
            let d = evaluate(&policy, [GateImage::new(scan).with_platform("linux/amd64")], now);
            let _ = report::render(&d, report::Format::Json);
            let _ = report::render(&d, report::Format::Sarif);
            let _ = report::render(&d, report::Format::Markdown);
        }
        Err(e) => assert_eq!(e.code(), "InvalidArgument"),
    }
}
