//! Runs the conformance suite against a real ECR: scratch repositories, small generated images, and for every
//! case ecr-core's offline answer beside ECR's own.
//!
//! ```text
//! conformance --region REGION --yes [--profile NAME] [--fixtures DIR] [--json FILE]
//!             [--areas lifecycle,validation,tagging,scan,auth] [--push-gap S] [--poll-interval S] [--timeout S]
//! ```
//! Prints the cost first and refuses to run without `--yes` and `--region`. Prints the report table, writes
//! it as JSON, and deletes every repository it created, also on failure, Ctrl-C or SIGTERM. Exit status: 0
//! when every case agrees, 1 when one disagrees, 2 on bad input, a failed case, an interruption, or a
//! repository left over.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use ecr_core::conformance::{Area, Corpus, Options, cost_statement, run};

#[derive(Parser, Debug)]
#[command(
    name = "conformance",
    version,
    about = "Compare ecr-core's decisions with a real ECR's, case by case, in scratch repositories",
    after_help = "Example:\n  conformance --region eu-west-1 --yes --json conformance-report.json\n\n\
                  Exit status: 0 all agree, 1 a disagreement, 2 bad input, an error or an interruption."
)]
struct Args {
    /// The AWS region to create the scratch repositories in (required).
    #[arg(long)]
    region: Option<String>,
    /// A named AWS profile (otherwise the standard environment).
    #[arg(long)]
    profile: Option<String>,
    /// Agree to create (and then delete) the scratch repositories and images.
    #[arg(long)]
    yes: bool,
    /// The fixtures folder (holding lifecycle/evaluation.json and lifecycle/validation.json).
    #[arg(long, default_value = "fixtures")]
    fixtures: PathBuf,
    /// Where to write the report as JSON.
    #[arg(long, default_value = "conformance-report.json")]
    json: PathBuf,
    /// The areas to run, comma-separated (default all).
    #[arg(long, value_delimiter = ',')]
    areas: Vec<String>,
    /// Seconds between the pushes of one lifecycle case.
    #[arg(long, default_value_t = 1.5)]
    push_gap: f64,
    /// Seconds between polls of a lifecycle preview or the scan.
    #[arg(long, default_value_t = 5.0)]
    poll_interval: f64,
    /// Longest wait, in seconds, for one lifecycle preview or the scan.
    #[arg(long, default_value_t = 600.0)]
    timeout: f64,
}

fn seconds(flag: &str, value: f64) -> ecr_core::Result<Duration> {
    Duration::try_from_secs_f64(value)
        .map_err(|_| ecr_core::Error::invalid(flag, format!("{value} is not a non-negative number of seconds")))
}

fn options(args: &Args) -> ecr_core::Result<Options> {
    let areas = if args.areas.is_empty() {
        Area::ALL.to_vec()
    } else {
        args.areas
            .iter()
            .map(|name| {
                Area::parse(name).ok_or_else(|| {
                    ecr_core::Error::invalid(
                        "--areas",
                        format!("unknown area {name:?} (known: lifecycle, validation, tagging, scan, auth)"),
                    )
                })
            })
            .collect::<ecr_core::Result<_>>()?
    };
    Ok(Options {
        areas,
        push_gap: seconds("--push-gap", args.push_gap)?,
        poll_interval: seconds("--poll-interval", args.poll_interval)?,
        timeout: seconds("--timeout", args.timeout)?,
        probe_hosts: true,
    })
}

/// Completes on Ctrl-C, or on SIGTERM (how CI cancels a job).
async fn interrupted() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

async fn main_inner(args: Args) -> ecr_core::Result<ExitCode> {
    let region = args.region.clone().ok_or_else(|| {
        ecr_core::Error::invalid(
            "--region",
            "missing; name the region to create the scratch repositories in",
        )
    })?;
    let options = options(&args)?;
    let corpus = Corpus::load(&args.fixtures)?;
    eprintln!("{}", cost_statement(&corpus, &options, &region));
    if !args.yes {
        return Err(ecr_core::Error::Refused {
            message: "nothing was created; run again with --yes to accept this".to_owned(),
        });
    }
    let mut builder = ecr_core::EcrClient::builder().region(&region);
    if let Some(profile) = &args.profile {
        builder = builder.profile(profile);
    }
    let client = builder.build().await?;
    let report = run(&client, Arc::new(corpus), &options, interrupted()).await;
    print!("{}", report.table());
    for c in &report.cleanup {
        match &c.error {
            None => eprintln!("deleted {}", c.repository),
            Some(e) => eprintln!("NOT deleted {}: {e}", c.repository),
        }
    }
    let json = serde_json::to_string_pretty(&report).map_err(|e| ecr_core::Error::invalid("report", e.to_string()))?;
    std::fs::write(&args.json, json + "\n").map_err(|e| ecr_core::Error::io(&args.json, e))?;
    eprintln!("report written to {}", args.json.display());
    Ok(ExitCode::from(u8::try_from(report.exit_code()).unwrap_or(2)))
}

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(a) => a,
        Err(e) if e.use_stderr() => {
            let _ = e.print();
            return ExitCode::from(2);
        }
        Err(e) => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("conformance: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(main_inner(args)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("conformance: {e}");
            ExitCode::from(2)
        }
    }
}
