//! `scan_gate`: decide pass/fail for an ECR image scan from a policy, and report it.
//!
//! File mode: `scan_gate --findings FILE --policy FILE [--now RFC3339] [--format json|sarif|markdown]`, where
//! FILE is one DescribeImageScanFindings response (API or `aws ecr describe-image-scan-findings` output) or a
//! JSON array of such pages.
//! Live mode: `scan_gate --policy FILE --repository NAME (--tag T | --digest D) [--timeout SECS]` against ECR
//! (standard AWS environment, `AWS_ENDPOINT_URL` honoured): waits for the scan of the image (every platform of
//! an index), reads every page, and gates.
//! Exit status: 0 pass, 1 fail, 2 bad input or error (with a message naming the problem).

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use ecr_core::scan::report::{self, Format};
use ecr_core::scan::{GateImage, GateOptions, ScanPolicy, ScanType, WaitOptions, evaluate, parse_findings_owned};
use ecr_core::types::ImageId;

#[derive(Parser, Debug)]
#[command(
    name = "scan_gate",
    about = "Gate an ECR image scan on a policy (exit 0 pass, 1 fail, 2 error)"
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
    /// Report format.
    #[arg(long, default_value = "json")]
    format: String,
    /// Print each poll to stderr (live mode).
    #[arg(long)]
    progress: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("scan_gate: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Args) -> anyhow::Result<bool> {
    let format = Format::parse(&args.format)?;
    let policy = ScanPolicy::load(&args.policy).map_err(|e| anyhow::anyhow!("policy {}: {e}", args.policy))?;
    let now = match &args.now {
        Some(t) => ecr_core::time::parse_str(t).ok_or_else(|| anyhow::anyhow!("--now: not an RFC 3339 time: {t:?}"))?,
        None => chrono::Utc::now(),
    };
    let decision = if let Some(path) = &args.findings {
        let text = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("findings {path}: {e}"))?;
        let scan = parse_findings_owned(text).map_err(|e| anyhow::anyhow!("findings {path}: {e}"))?;
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
        let rt = tokio::runtime::Runtime::new()?;
        rt.block_on(async {
            let client = ecr_core::EcrClient::from_env().await?;
            client.gate_image(repository, &image, &policy, &opts, now).await
        })?
    } else {
        anyhow::bail!("give --findings FILE, or --repository NAME with --tag or --digest");
    };
    println!("{}", report::render(&decision, format));
    Ok(decision.passed)
}
