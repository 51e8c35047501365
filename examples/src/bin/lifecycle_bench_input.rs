//! `lifecycle_bench_input`: writes the lifecycle benchmark's input (100k images × 10 rules, the same
//! deterministic repository and policy as `benches/benches/lifecycle.rs`) for the Python and Node benchmarks,
//! and times the native evaluation of that same input (best of N), so all three measure one input.
//!
//! ```text
//! lifecycle_bench_input --out DIR [--images 100000] [--repeat 10]
//! ```
//! Writes `DIR/images.json` (describe-images JSON: an array of ImageDetail), `DIR/policy.json` and
//! `DIR/meta.json` (`now`, image count, expected expiring count); prints one JSON line with the native figure.

use std::path::PathBuf;
use std::time::Instant;

use chrono::{DateTime, Duration, TimeZone, Utc};
use clap::Parser;
use ecr_core::lifecycle::{EvaluationContext, LifecyclePolicy};
use ecr_core::types::{ImageDetail, ImageStatus};

/// The policy of `benches/benches/lifecycle.rs`.
const POLICY: &str = r#"{"rules":[
 {"rulePriority":1,"selection":{"tagStatus":"tagged","tagPrefixList":["release"],"countType":"imageCountMoreThan","countNumber":500},"action":{"type":"expire"}},
 {"rulePriority":2,"selection":{"tagStatus":"tagged","tagPatternList":["prod-*"],"countType":"imageCountMoreThan","countNumber":200},"action":{"type":"expire"}},
 {"rulePriority":3,"selection":{"tagStatus":"tagged","tagPatternList":["*-rc*"],"countType":"sinceImagePushed","countUnit":"days","countNumber":30},"action":{"type":"expire"}},
 {"rulePriority":4,"selection":{"tagStatus":"tagged","tagPrefixList":["dev"],"countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}},
 {"rulePriority":5,"selection":{"tagStatus":"tagged","tagPatternList":["feature-*-*"],"countType":"sinceImagePushed","countUnit":"days","countNumber":7},"action":{"type":"expire"}},
 {"rulePriority":6,"selection":{"tagStatus":"tagged","tagPrefixList":["pr-"],"countType":"imageCountMoreThan","countNumber":100},"action":{"type":"expire"}},
 {"rulePriority":7,"selection":{"tagStatus":"tagged","tagPatternList":["nightly-*"],"countType":"sinceImagePulled","countUnit":"days","countNumber":30},"action":{"type":"transition","targetStorageClass":"archive"}},
 {"rulePriority":8,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":1},"action":{"type":"expire"}},
 {"rulePriority":9,"selection":{"tagStatus":"any","countType":"sinceImagePushed","countUnit":"days","countNumber":365},"action":{"type":"transition","targetStorageClass":"archive"}},
 {"rulePriority":10,"selection":{"tagStatus":"any","storageClass":"archive","countType":"sinceImageTransitioned","countUnit":"days","countNumber":180},"action":{"type":"expire"}}]}"#;

#[derive(Parser, Debug)]
#[command(about = "Write the lifecycle benchmark input and time the native evaluation of it")]
struct Args {
    /// Directory to write images.json, policy.json and meta.json into.
    #[arg(long)]
    out: PathBuf,
    /// Number of images.
    #[arg(long, default_value_t = 100_000)]
    images: usize,
    /// Timed evaluations (the best is reported).
    #[arg(long, default_value_t = 10)]
    repeat: usize,
}

fn now() -> anyhow::Result<DateTime<Utc>> {
    Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0)
        .single()
        .ok_or_else(|| anyhow::anyhow!("bad benchmark instant"))
}

/// The repository of `benches/benches/lifecycle.rs`: mixed tag families, 10% untagged, 10% archived, two
/// years of pushes (the same xorshift sequence, so the same images).
fn repository(count: usize, now: DateTime<Utc>) -> Vec<ImageDetail> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..count)
        .map(|i| {
            let r = next();
            let family = r % 10;
            let tags = match family {
                0 => vec![format!("release-{i}"), format!("v1.{i}")],
                1 => vec![format!("prod-{i}")],
                2 => vec![format!("v2-rc{i}")],
                3 => vec![format!("dev-{i}")],
                4 => vec![format!("feature-x-{i}")],
                5 => vec![format!("pr-{i}")],
                6 => vec![format!("nightly-{i}")],
                7 => vec![],
                _ => vec![format!("git-{i:x}")],
            };
            let pushed = now - Duration::seconds((next() % (730 * 86_400)) as i64);
            let archived = next() % 10 == 0;
            ImageDetail {
                image_digest: format!("sha256:{:016x}{:016x}{:016x}{:016x}", next(), next(), next(), i),
                image_tags: tags,
                image_size_in_bytes: Some((next() % 500_000_000) as i64),
                image_pushed_at: Some(pushed),
                last_recorded_pull_time: (next() % 3 != 0).then(|| pushed + Duration::days((next() % 30) as i64)),
                image_status: if archived {
                    ImageStatus::Archived
                } else {
                    ImageStatus::Active
                },
                last_archived_at: archived.then(|| pushed + Duration::days(((next() % 400) as i64).min(700))),
                ..ImageDetail::default()
            }
        })
        .collect()
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let now = now()?;
    let images = repository(args.images, now);
    let policy = LifecyclePolicy::parse(POLICY)?.policy;
    std::fs::create_dir_all(&args.out)?;
    std::fs::write(args.out.join("images.json"), serde_json::to_string(&images)?)?;
    std::fs::write(args.out.join("policy.json"), POLICY)?;
    let context = EvaluationContext::new(now);
    let mut best = f64::INFINITY;
    let mut expiring = 0;
    for _ in 0..args.repeat.max(1) {
        let start = Instant::now();
        let preview = policy.evaluate(std::hint::black_box(&images), &context);
        best = best.min(start.elapsed().as_secs_f64());
        expiring = preview.summary.expiring_image_total_count;
    }
    let meta = serde_json::json!({
        "now": now.to_rfc3339(),
        "images": images.len(),
        "rules": policy.rules.len(),
        "expiringImageTotalCount": expiring,
    });
    std::fs::write(args.out.join("meta.json"), serde_json::to_string_pretty(&meta)?)?;
    println!(
        "{}",
        serde_json::json!({"impl": "rust", "form": "native", "images": images.len(), "rules": policy.rules.len(),
            "expiring": expiring, "best_ms": best * 1e3, "repeat": args.repeat.max(1)})
    );
    Ok(())
}
