//! Audits one repository or all of them: tag mutability, effective scanning, encryption, lifecycle
//! policy, repository policy (no push/delete outside the account, no wildcard principal). With
//! `--ensure`, first creates the repository with the safe defaults or reports its drift (`--apply`
//! fixes it). Prints JSON; exit 0 all pass, 1 a check failed, 2 bad input or error.
//!
//! cargo run -q -p ecr-core-examples --bin audit_repository -- --repository NAME [--ensure [--apply]]
//! cargo run -q -p ecr-core-examples --bin audit_repository -- --all

use std::process::ExitCode;

use clap::Parser;
use ecr_core::verify::EnsureOptions;
use ecr_core::{EcrClient, Error};
use ecr_core_examples::{Verdict, args, finish};

#[derive(Parser, Debug)]
#[command(
    name = "audit_repository",
    version,
    about = "Audit ECR repositories and print the audit as JSON",
    after_help = "Examples:\n  audit_repository --repository team/app\n  audit_repository --repository team/app --ensure --apply\n  \
                  audit_repository --all"
)]
struct Args {
    /// The repository to audit.
    #[arg(long, conflicts_with = "all", required_unless_present = "all")]
    repository: Option<String>,
    /// Audit every repository of the registry.
    #[arg(long)]
    all: bool,
    /// Create the repository with the safe defaults, or report drift from them.
    #[arg(long, requires = "repository")]
    ensure: bool,
    /// With --ensure: fix the drift.
    #[arg(long, requires = "ensure")]
    apply: bool,
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<serde_json::Value, Error> {
    serde_json::to_value(v).map_err(|e| Error::invalid("output", e.to_string()))
}

async fn run(args: Args) -> Result<i32, Error> {
    let client = EcrClient::from_env().await?;
    let (out, code) = match &args.repository {
        Some(name) => {
            let ensured = if args.ensure {
                let options = EnsureOptions {
                    apply: args.apply,
                    ..Default::default()
                };
                Some(client.ensure_repository(name, &options).await?)
            } else {
                None
            };
            let report = client.audit_repository(name).await?;
            let code = report.exit_code();
            let mut out = to_json(&report)?;
            if let (Some(e), Some(obj)) = (ensured, out.as_object_mut()) {
                obj.insert("ensure".into(), to_json(&e)?);
            }
            (out, code)
        }
        None => {
            let audit = client.audit_all_repositories().await?;
            (to_json(&audit)?, audit.exit_code())
        }
    };
    println!(
        "{}",
        serde_json::to_string_pretty(&out).map_err(|e| Error::invalid("output", e.to_string()))?
    );
    Ok(code)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Args = args();
    let what = args.repository.clone().unwrap_or_else(|| "--all".to_owned());
    let result = run(args)
        .await
        .map(Verdict::from_code)
        .map_err(|e| anyhow::Error::from(e).context(what));
    finish("audit_repository", result)
}
