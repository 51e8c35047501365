//! `scan_gate`: decide pass/fail for an ECR image scan from a policy, and report it.
//!
//! File mode: `scan_gate --findings FILE --policy FILE [--now RFC3339] [--format json|sarif|markdown] [--full]
//! [--output FILE]`, where
//! FILE is one DescribeImageScanFindings response (API or `aws ecr describe-image-scan-findings` output) or a
//! JSON array of such pages.
//! Live mode: `scan_gate --policy FILE --repository NAME (--tag T | --digest D) [--timeout SECS]` against ECR
//! (standard AWS environment, `AWS_ENDPOINT_URL` honoured): waits for the scan of the image (every platform of
//! an index), reads every page, and gates.
//! The report is written straight from the decision to stdout (or `--output`): JSON is compact unless
//! `--full` (the whole decision with every raw finding and the policy); SARIF and Markdown are the same
//! either way. Exit status: 0 pass, 1 fail, 2 bad input or error (one line on stderr naming the input).

use std::io::BufWriter;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use clap::Parser;
use ecr_core::scan::report::{self, Detail, Format};
use ecr_core::scan::{GateImage, GateOptions, ScanPolicy, ScanType, WaitOptions, evaluate, parse_findings_owned};
use ecr_core::types::ImageId;
use ecr_core_examples::{Input as _, Verdict, args, finish, read_text};

#[derive(Parser, Debug)]
#[command(
    name = "scan_gate",
    version,
    about = "Gate an ECR image scan on a policy (exit 0 pass, 1 fail, 2 error)",
    after_help = "Examples:\n  scan_gate --findings findings.json --policy policy.json --format sarif --output scan.sarif\n  \
                  scan_gate --policy policy.toml --repository team/app --tag v1.2.3 --format markdown"
)]
struct Args {
    /// Policy file (JSON, or TOML when it ends in .toml).
    #[arg(long)]
    policy: String,
    /// DescribeImageScanFindings response(s) to gate (file mode).
    #[arg(long, conflicts_with_all = ["repository", "tag", "digest"])]
    findings: Option<String>,
    /// Repository to gate live.
    #[arg(long, requires = "image")]
    repository: Option<String>,
    /// Image tag (live mode).
    #[arg(long, group = "image", conflicts_with = "digest")]
    tag: Option<String>,
    /// Image digest (live mode).
    #[arg(long, group = "image")]
    digest: Option<String>,
    /// Overall wait timeout in seconds (live mode).
    #[arg(long, default_value_t = 600)]
    timeout: u64,
    /// First poll interval in seconds (live mode).
    #[arg(long, default_value_t = 5.0)]
    poll_interval: f64,
    /// Identical polls required before a done scan is final (default: 1 basic, 2 enhanced).
    #[arg(long)]
    consistency_polls: Option<u32>,
    /// Start a basic scan if none exists (needs ecr:StartImageScan).
    #[arg(long)]
    start_scan: bool,
    /// Only these platforms of a multi-platform image (repeatable), e.g. linux/amd64.
    #[arg(long = "platform")]
    platforms: Vec<String>,
    /// Scan type, instead of asking the registry: basic or enhanced.
    #[arg(long)]
    scan_type: Option<String>,
    /// The instant ignore expiry is judged against (RFC 3339; default now).
    #[arg(long)]
    now: Option<String>,
    /// Report format: json, sarif or markdown.
    #[arg(long, default_value = "json")]
    format: String,
    /// JSON: the full report (every finding with its raw JSON, and the policy) instead of the compact one.
    #[arg(long)]
    full: bool,
    /// Write the report to this file instead of stdout.
    #[arg(long)]
    output: Option<String>,
    /// Print each poll to stderr (live mode).
    #[arg(long)]
    progress: bool,
}

fn main() -> ExitCode {
    finish("scan_gate", run(args()))
}

fn run(args: Args) -> anyhow::Result<Verdict> {
    let format = Format::parse(&args.format).input("--format")?;
    let detail = if args.full { Detail::Full } else { Detail::Compact };
    let policy = ScanPolicy::load(&args.policy).input(&args.policy)?;
    let now = match &args.now {
        Some(t) => ecr_core::time::parse_str(t).ok_or_else(|| anyhow::anyhow!("--now: not an RFC 3339 time: {t:?}"))?,
        None => chrono::Utc::now(),
    };
    let decision = if let Some(path) = &args.findings {
        let scan = parse_findings_owned(read_text(path)?).input(path)?;
        evaluate(&policy, [GateImage::new(scan)], now)
    } else if let Some(repository) = &args.repository {
        let image = match (&args.tag, &args.digest) {
            (Some(t), None) => ImageId::tag(t),
            (None, Some(d)) => ImageId::digest(d),
            _ => anyhow::bail!("live mode needs exactly one of --tag or --digest"),
        };
        let scan_type = match args.scan_type.as_deref() {
            None => None,
            Some(s) if s.eq_ignore_ascii_case("basic") => Some(ScanType::Basic),
            Some(s) if s.eq_ignore_ascii_case("enhanced") => Some(ScanType::Enhanced),
            Some(s) => anyhow::bail!("--scan-type: expected basic or enhanced, got {s:?}"),
        };
        if !(args.poll_interval.is_finite() && args.poll_interval > 0.0) {
            anyhow::bail!("--poll-interval must be a positive number of seconds");
        }
        let mut wait = WaitOptions {
            timeout: Duration::from_secs(args.timeout),
            poll_interval: Duration::from_secs_f64(args.poll_interval),
            consistency_polls: args.consistency_polls,
            start_basic_scan: args.start_scan,
            ..WaitOptions::default()
        };
        if args.progress {
            wait = wait.on_progress(|p| {
                eprintln!(
                    "scan_gate: {} {} after {:.1}s (poll {}, {} findings, stable {})",
                    p.image,
                    p.status,
                    p.elapsed.as_secs_f64(),
                    p.polls,
                    p.findings,
                    p.stable_polls
                )
            });
        }
        let opts = GateOptions {
            wait,
            platforms: args.platforms.clone(),
            scan_type,
        };
        let rt = tokio::runtime::Runtime::new().context("starting the runtime")?;
        rt.block_on(async {
            let client = ecr_core::EcrClient::from_env().await?;
            client.gate_image(repository, &image, &policy, &opts, now).await
        })
        .input(format!("{repository}:{}", image_label(&image)))?
    } else {
        anyhow::bail!("give --findings FILE, or --repository NAME with --tag or --digest");
    };
    match &args.output {
        Some(path) => {
            let file = std::fs::File::create(path).input(path)?;
            write_report(&decision, format, detail, BufWriter::new(file)).input(path)?;
        }
        None => write_report(&decision, format, detail, BufWriter::new(std::io::stdout().lock())).input("stdout")?,
    }
    Ok(Verdict::from_passed(decision.passed))
}

fn write_report(
    decision: &ecr_core::scan::GateDecision,
    format: Format,
    detail: Detail,
    mut out: impl std::io::Write,
) -> std::io::Result<()> {
    report::write(decision, format, detail, &mut out)?;
    out.flush()
}

/// `TAG` or `@DIGEST`, for error messages.
fn image_label(image: &ImageId) -> String {
    match (&image.image_tag, &image.image_digest) {
        (Some(t), _) => t.clone(),
        (None, Some(d)) => format!("@{d}"),
        (None, None) => String::new(),
    }
}
