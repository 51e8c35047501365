//! `lifecycle_bench_input`: writes the lifecycle benchmark's input (100k images × 10 rules, the same
//! deterministic repository and policy as `benches/benches/lifecycle.rs`) for the Python and Node benchmarks,
//! and times the native evaluation of that same input (best of N), so all three measure one input.
//!
//! ```text
//! lifecycle_bench_input --out DIR [--images 100000] [--repeat 10]
//! ```
//! Writes `DIR/images.json` (describe-images JSON: an array of ImageDetail), `DIR/policy.json` and
//! `DIR/meta.json` (`now`, image count, expected expiring count); prints one JSON line per native figure: the
//! evaluation (`native`) and the evaluation plus `Preview::into_owned` (`into_owned`: a preview that outlives
//! its images, the baseline of the bindings' goal 1).

use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;
use ecr_core::lifecycle::{EvaluationContext, LifecyclePolicy, Preview};

use ecr_core_benches::lifecycle_input::{self, POLICY, repository};

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

/// The best time of `repeat` runs (each timed before its preview is dropped), and the expiring count.
fn best_of<'a>(repeat: usize, run: impl Fn() -> Preview<'a>) -> (f64, u64) {
    let mut best = f64::INFINITY;
    let mut expiring = 0;
    for _ in 0..repeat {
        let start = Instant::now();
        let preview = run();
        best = best.min(start.elapsed().as_secs_f64());
        expiring = preview.summary.expiring_image_total_count;
    }
    (best, expiring)
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let now = lifecycle_input::now().ok_or_else(|| anyhow::anyhow!("bad benchmark instant"))?;
    let images = repository(args.images, now);
    let policy = LifecyclePolicy::parse(POLICY)?.policy;
    std::fs::create_dir_all(&args.out)?;
    std::fs::write(args.out.join("images.json"), serde_json::to_string(&images)?)?;
    std::fs::write(args.out.join("policy.json"), POLICY)?;
    let context = EvaluationContext::new(now);
    let repeat = args.repeat.max(1);
    let (best, expiring) = best_of(repeat, || policy.evaluate(std::hint::black_box(&images), &context));
    // A preview that outlives its images: the preview owning its strings.
    let (owned, _) = best_of(repeat, || {
        policy.evaluate(std::hint::black_box(&images), &context).into_owned()
    });
    let meta = serde_json::json!({
        "now": now.to_rfc3339(),
        "images": images.len(),
        "rules": policy.rules.len(),
        "expiringImageTotalCount": expiring,
    });
    std::fs::write(args.out.join("meta.json"), serde_json::to_string_pretty(&meta)?)?;
    for (form, ms) in [("native", best * 1e3), ("into_owned", owned * 1e3)] {
        println!(
            "{}",
            serde_json::json!({"impl": "rust", "form": form, "images": images.len(), "rules": policy.rules.len(),
                "expiring": expiring, "best_ms": ms, "repeat": repeat})
        );
    }
    Ok(())
}
