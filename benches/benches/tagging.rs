//! Planning a tag set: a release tag with the usual strategy (version, minor, major, sha, branch, pr,
//! a raw build tag, labels), against a repository with 500 existing version tags (the backport rule), and
//! the full check (policy, mutability with exclusion filters, existing digests).
#![allow(clippy::unwrap_used)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ecr_core::tagging::{BuildContext, RepositoryState, TagPolicy, TagStrategy, evaluate};
use ecr_core::types::{ImageDetail, TagMutability};

fn bench(c: &mut Criterion) {
    let strategy = TagStrategy::from_json(
        r#"{"tags":["type=semver,pattern={{version}}","type=semver,pattern={{major}}.{{minor}}",
                   "type=semver,pattern={{major}}","type=sha","type=sha,format=long","type=ref,event=branch",
                   "type=ref,event=pr","type=raw,value=build-{{build_number}}",
                   "type=schedule,pattern=nightly-{{date 'YYYYMMDD'}}"],
            "labels":{"org.opencontainers.image.vendor":"ACME"}}"#,
    )
    .unwrap();
    let ctx = BuildContext::from_json(
        r#"{"sha":"4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39","ref":"refs/tags/v3.4.5","defaultBranch":"main",
            "buildNumber":"118","created":"2026-03-04T05:06:07Z","source":"https://github.com/acme/shop","title":"shop"}"#,
    )
    .unwrap();
    let images: Vec<ImageDetail> = (0..500)
        .map(|i| ImageDetail {
            image_digest: format!("sha256:{:064x}", i),
            image_tags: vec![
                format!("{}.{}.{}", i / 100, (i / 10) % 10, i % 10),
                format!("sha-{:07x}", i),
            ],
            ..Default::default()
        })
        .collect();
    let repo = RepositoryState {
        mutability: Some(TagMutability::ImmutableWithExclusion),
        exclusion_filters: vec!["latest".into(), "*.*".into(), "3".into()],
        images: Some(images),
    };
    let empty = RepositoryState::default();
    let policy = TagPolicy::production();

    c.bench_function("tagging/plan_release_no_existing", |b| {
        b.iter(|| strategy.plan(black_box(&ctx), std::iter::empty::<&str>()).unwrap())
    });
    c.bench_function("tagging/evaluate_release_500_images", |b| {
        b.iter(|| evaluate(&strategy, black_box(&ctx), &policy, black_box(&repo), None).unwrap())
    });
    c.bench_function("tagging/evaluate_release_empty_repo", |b| {
        b.iter(|| evaluate(&strategy, black_box(&ctx), &policy, black_box(&empty), None).unwrap())
    });
    c.bench_function("tagging/parse_strategy", |b| {
        b.iter(|| {
            TagStrategy::from_json(black_box(
                r#"{"tags":["type=semver,pattern={{version}}","type=semver,pattern={{major}}.{{minor}}","type=sha"]}"#,
            ))
            .unwrap()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
