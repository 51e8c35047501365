//! Parsing registry hosts, server URLs and image references (`ecr_core::reference`).
//!
//! `cargo bench -p ecr-core-benches --bench reference -- --warm-up-time 1 --measurement-time 3`
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use ecr_core::reference::{
    ImageReference, RegistryHost, parse_input, parse_input_json, validate_repository_name, validate_tag,
};

const HOST: &str = "123456789012.dkr.ecr.us-west-2.amazonaws.com";
const HOST_DUAL_FIPS_CN: &str = "210987654321.dkr-ecr-fips.cn-northwest-1.on.amazonwebservices.com.cn";
const LOOK_ALIKE: &str = "123456789012.dkr.ecr.us-west-2.amazonaws.com.evil.example";
const SERVER_URL: &str = "https://123456789012.dkr.ecr.us-west-2.amazonaws.com:443/v2/team/app/manifests/latest";
const IMAGE_TAG: &str = "123456789012.dkr.ecr.us-west-2.amazonaws.com/team/service-api:v1.42.0-rc.1";
const IMAGE_TAG_DIGEST: &str = "123456789012.dkr.ecr.us-west-2.amazonaws.com/team/service-api:v1.42.0@sha256:\
0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn hosts(c: &mut Criterion) {
    let mut g = c.benchmark_group("reference/host");
    for (name, input) in [
        ("private", HOST),
        ("dual_stack_fips_cn", HOST_DUAL_FIPS_CN),
        ("public", "public.ecr.aws"),
        ("look_alike_rejected", LOOK_ALIKE),
    ] {
        g.throughput(Throughput::Bytes(input.len() as u64));
        g.bench_function(name, |b| b.iter(|| black_box(input).parse::<RegistryHost>()));
    }
    g.finish();
}

fn server_urls(c: &mut Criterion) {
    let mut g = c.benchmark_group("reference/server_url");
    g.throughput(Throughput::Bytes(SERVER_URL.len() as u64));
    g.bench_function("port_and_path", |b| {
        b.iter(|| RegistryHost::from_server_url(black_box(SERVER_URL)))
    });
    g.finish();
}

fn images(c: &mut Criterion) {
    let mut g = c.benchmark_group("reference/image");
    for (name, input) in [("tag", IMAGE_TAG), ("tag_and_digest", IMAGE_TAG_DIGEST)] {
        g.throughput(Throughput::Bytes(input.len() as u64));
        g.bench_function(name, |b| b.iter(|| black_box(input).parse::<ImageReference>()));
    }
    let image: ImageReference = IMAGE_TAG_DIGEST.parse().expect("valid reference");
    g.bench_function("display", |b| b.iter(|| black_box(&image).to_string()));
    g.finish();
}

fn program_path(c: &mut Criterion) {
    let mut g = c.benchmark_group("reference/input");
    g.bench_function("parse_input_image", |b| {
        b.iter(|| parse_input(black_box(IMAGE_TAG_DIGEST)))
    });
    g.bench_function("parse_input_json_image", |b| {
        b.iter(|| parse_input_json(black_box(IMAGE_TAG_DIGEST)))
    });
    g.bench_function("parse_input_json_invalid", |b| {
        b.iter(|| parse_input_json(black_box(LOOK_ALIKE)))
    });
    g.finish();
}

fn grammars(c: &mut Criterion) {
    let mut g = c.benchmark_group("reference/grammar");
    let tag = "v1.42.0-rc.1_build.7";
    let repo = "platform-team/payments/service-api";
    g.bench_function("validate_tag", |b| b.iter(|| validate_tag(black_box(tag))));
    g.bench_function("validate_repository_name", |b| {
        b.iter(|| validate_repository_name(black_box(repo)))
    });
    g.finish();
}

criterion_group!(benches, hosts, server_urls, images, program_path, grammars);
criterion_main!(benches);
