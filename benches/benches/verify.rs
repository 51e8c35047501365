//! The CPU paths of push verification: hashing and parsing a manifest, comparing platforms, the image
//! config checks, and repository-policy analysis (inputs from `fixtures/verify/`).
use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use ecr_core::verify::{
    ImageConfig, ParsedManifest, Platform, analyse_repository_policy, check_labels, check_non_root, check_secrets,
    compare_platforms, sha256_digest,
};

fn fixture(rel: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/verify")
        .join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn bench(c: &mut Criterion) {
    let index = fixture("manifests/oci-index-multiarch.json");
    c.bench_function("verify/manifest_digest_and_parse", |b| {
        b.iter(|| {
            let d = sha256_digest(black_box(&index));
            let m = ParsedManifest::parse(black_box(&index)).ok();
            (d, m)
        })
    });

    let expected: Vec<Platform> = ["linux/amd64", "linux/arm64"]
        .iter()
        .filter_map(|p| p.parse().ok())
        .collect();
    let found: Vec<Platform> = ["linux/arm64/v8", "linux/amd64"]
        .iter()
        .filter_map(|p| p.parse().ok())
        .collect();
    c.bench_function("verify/compare_platforms", |b| {
        b.iter(|| compare_platforms(black_box(&expected), black_box(&found), 1))
    });

    let cases: serde_json::Value = serde_json::from_slice(&fixture("config_cases.json")).unwrap_or_default();
    let configs: Vec<ImageConfig> = cases["cases"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| ImageConfig::parse(c["config"].to_string().as_bytes()).ok())
        .collect();
    c.bench_function("verify/config_checks_4_configs", |b| {
        b.iter(|| {
            for cfg in &configs {
                black_box((check_non_root(cfg), check_labels(cfg), check_secrets(cfg)));
            }
        })
    });

    let policies: serde_json::Value = serde_json::from_slice(&fixture("policy_cases.json")).unwrap_or_default();
    let texts: Vec<String> = policies["cases"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| c["policy"].to_string())
        .collect();
    c.bench_function("verify/repository_policy_8_policies", |b| {
        b.iter(|| {
            for t in &texts {
                black_box(analyse_repository_policy(t, "123456789012").ok());
            }
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
