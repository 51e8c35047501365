//! Lifecycle evaluation: 100k images x 10 rules, against the lower bound of sorting 100k timestamps (the
//! evaluator must order the images by push time at least once). Goal: evaluation within 5x of the sort. Also
//! the RFC 3339 writer every preview document uses.
//!
//! `cargo bench -p ecr-core-benches --bench lifecycle -- --warm-up-time 1 --measurement-time 3`
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Utc};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use ecr_core::lifecycle::{EvaluationContext, LifecyclePolicy};
use ecr_core::time::write_rfc3339;
use std::hint::black_box;

use ecr_core_benches::lifecycle_input::{self, POLICY, repository};

const IMAGES: usize = 100_000;

fn bench(c: &mut Criterion) {
    let now = lifecycle_input::now().unwrap();
    let images = repository(IMAGES, now);
    let policy = LifecyclePolicy::parse(POLICY).unwrap().policy;
    let context = EvaluationContext::new(now);
    let timestamps: Vec<DateTime<Utc>> = images.iter().filter_map(|i| i.image_pushed_at).collect();
    let mut group = c.benchmark_group("lifecycle_100k");
    group.sample_size(20);
    group.bench_function("sort_100k_timestamps", |b| {
        b.iter_batched(
            || timestamps.clone(),
            |mut t| {
                t.sort_unstable();
                black_box(t)
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("evaluate_100k_images_10_rules", |b| {
        b.iter_with_large_drop(|| policy.evaluate(black_box(&images), &context))
    });
    // What a caller keeping the preview beyond the images pays on top: every tag and digest copied.
    group.bench_function("evaluate_100k_images_10_rules_into_owned", |b| {
        b.iter_with_large_drop(|| policy.evaluate(black_box(&images), &context).into_owned())
    });
    // Writing push times as RFC 3339: every preview document, and the bindings' hand-over of the results.
    group.bench_function("write_100k_rfc3339_timestamps", |b| {
        let mut out = String::with_capacity(timestamps.len() * 24);
        b.iter(|| {
            out.clear();
            for t in &timestamps {
                write_rfc3339(t, &mut out);
            }
            black_box(out.len())
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
