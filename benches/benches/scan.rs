//! Scan gate throughput: 10,000 enhanced findings (100 pages of 100, shaped like AWS's documented example)
//! parsed and gated. Goal: ≤ 20 ms for parse + gate.
//!
//! The text is handed over as the `String` a caller has read (file or response body), so the timed parse is
//! `parse_findings_owned`; `parse_10k_enhanced_from_str` adds the copy `parse_findings(&str)` makes.
//!
//! `cargo bench -p ecr-core-benches --bench scan -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ecr_core::scan::{GateImage, ScanPolicy, evaluate, parse_findings, parse_findings_owned};
use serde_json::{Value, json};

const FINDINGS: usize = 10_000;
const PAGE: usize = 100;

fn pages_text() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/scan/enhanced_page.json");
    let page: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json");
    let template = page["imageScanFindings"]["enhancedFindings"][0].clone();
    let severities = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNTRIAGED"];
    let fixes = ["YES", "NO", "PARTIAL"];
    let findings: Vec<Value> = (0..FINDINGS)
        .map(|i| {
            let mut f = template.clone();
            f["packageVulnerabilityDetails"]["vulnerabilityId"] = json!(format!("CVE-2025-{i:05}"));
            f["title"] = json!(format!("CVE-2025-{i:05} - libxml2"));
            f["severity"] = json!(severities[i % severities.len()]);
            f["fixAvailable"] = json!(fixes[i % fixes.len()]);
            f["score"] = json!((i % 100) as f64 / 10.0);
            f
        })
        .collect();
    let pages: Vec<Value> = findings
        .chunks(PAGE)
        .enumerate()
        .map(|(n, chunk)| {
            let mut p = page.clone();
            p["imageScanFindings"]["enhancedFindings"] = json!(chunk);
            p["imageScanFindings"]
                .as_object_mut()
                .expect("object")
                .remove("findingSeverityCounts");
            if n + 1 < FINDINGS / PAGE {
                p["nextToken"] = json!(format!("token-{n}"));
            }
            p
        })
        .collect();
    serde_json::to_string(&pages).expect("serialize")
}

fn policy() -> ScanPolicy {
    let ignores: Vec<Value> = (0..50)
        .map(|i| json!({"id": format!("CVE-2025-{:05}", i * 7), "expires": "2030-01-01", "reason": "bench"}))
        .collect();
    ScanPolicy::from_value(&json!({"failOn": {"CRITICAL": 0, "HIGH": 10}, "minScore": 9.0,
        "failOnExploitAvailable": true, "fixableOnly": true, "ignore": ignores}))
    .expect("policy")
}

fn bench(c: &mut Criterion) {
    let text = pages_text();
    let policy = policy();
    let now = chrono::Utc::now();
    let scan = parse_findings(&text).expect("parse");
    assert_eq!(scan.findings.len(), FINDINGS);
    let mut g = c.benchmark_group("scan");
    g.sample_size(20);
    g.bench_function("parse_10k_enhanced", |b| {
        b.iter_batched(
            || text.clone(),
            |t| parse_findings_owned(black_box(t)).expect("parse"),
            criterion::BatchSize::PerIteration,
        )
    });
    g.bench_function("parse_10k_enhanced_from_str", |b| {
        b.iter(|| parse_findings(black_box(&text)).expect("parse"))
    });
    g.bench_function("gate_10k_enhanced", |b| {
        b.iter_batched(
            || GateImage::new(scan.clone()),
            |img| evaluate(black_box(&policy), [img], now),
            criterion::BatchSize::LargeInput,
        )
    });
    g.bench_function("parse_and_gate_10k_enhanced", |b| {
        b.iter_batched(
            || text.clone(),
            |t| {
                let scan = parse_findings_owned(black_box(t)).expect("parse");
                evaluate(&policy, [GateImage::new(scan)], now)
            },
            criterion::BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
