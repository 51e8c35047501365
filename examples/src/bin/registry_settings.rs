//! `registry_settings`: the settings a repository really gets from the registry-wide configuration
//! (creation templates, pull-through cache, replication, scanning and signing rules, account settings),
//! and an audit of that configuration.
//!
//! ```text
//! registry_settings snapshot > registry.json                       # read it live, save it
//! registry_settings effective --repository team/app [--snapshot registry.json]
//! registry_settings audit [--snapshot registry.json --repositories repos.json] [--rolling-tag latest]...
//! ```
//! Without `--snapshot` the configuration is read live with the standard AWS environment. `effective`
//! prints the settings with what decided each (exit 0); `audit` prints the audit (exit 0 passed, 1 a check
//! failed). Bad input or an error: exit 2 with `{"error": {"code", "message"}}` on stderr.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use ecr_core::settings::{RegistrySnapshot, audit_registry, effective_settings};
use ecr_core::types::Repository;
use ecr_core::{EcrClient, Error};
use serde_json::json;

#[derive(Parser, Debug)]
#[command(
    version,
    about = "Effective repository settings and the registry configuration audit"
)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Read the registry configuration live and print it as a snapshot.
    Snapshot,
    /// The settings of one repository name, existing or not yet created.
    Effective {
        /// The repository name.
        #[arg(long)]
        repository: String,
        /// A saved snapshot (default: read live; the repository is then looked up too).
        #[arg(long)]
        snapshot: Option<String>,
    },
    /// Audit the registry configuration.
    Audit {
        /// A saved snapshot (default: read live).
        #[arg(long, requires = "repositories")]
        snapshot: Option<String>,
        /// The repositories (`aws ecr describe-repositories` output), with `--snapshot`.
        #[arg(long, requires = "snapshot")]
        repositories: Option<String>,
        /// A tag the builds push again and again (repeatable): templates must not make it immutable.
        #[arg(long = "rolling-tag")]
        rolling_tags: Vec<String>,
    },
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct DescribeRepositoriesOutput {
    repositories: Vec<Repository>,
}

fn read(path: &str) -> ecr_core::Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::io(path, e))
}

fn to_json<T: serde::Serialize>(value: &T) -> ecr_core::Result<String> {
    serde_json::to_string_pretty(value).map_err(|e| Error::invalid("output", e.to_string()))
}

async fn run(args: Args) -> ecr_core::Result<(String, u8)> {
    match args.command {
        Command::Snapshot => {
            let client = EcrClient::from_env().await?;
            Ok((to_json(&client.registry_snapshot().await?)?, 0))
        }
        Command::Effective { repository, snapshot } => {
            let settings = match snapshot {
                Some(path) => effective_settings(&RegistrySnapshot::from_json(&read(&path)?)?, &repository, None),
                None => EcrClient::from_env().await?.effective_settings(&repository).await?,
            };
            Ok((to_json(&settings)?, 0))
        }
        Command::Audit {
            snapshot,
            repositories,
            rolling_tags,
        } => {
            let report = match (snapshot, repositories) {
                (Some(snapshot), Some(repositories)) => {
                    let snapshot = RegistrySnapshot::from_json(&read(&snapshot)?)?;
                    let text = read(&repositories)?;
                    let repositories = serde_json::from_str::<DescribeRepositoriesOutput>(&text)
                        .map(|o| o.repositories)
                        .or_else(|_| serde_json::from_str::<Vec<Repository>>(&text))
                        .map_err(|e| Error::invalid("--repositories", e.to_string()))?;
                    audit_registry(&snapshot, &repositories, &rolling_tags)
                }
                _ => EcrClient::from_env().await?.audit_registry(&rolling_tags).await?,
            };
            let code = u8::from(!report.passed);
            Ok((to_json(&report)?, code))
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(args).await {
        Ok((out, code)) => {
            println!("{out}");
            ExitCode::from(code)
        }
        Err(e) => {
            eprintln!("{}", json!({"error": {"code": e.code(), "message": e.to_string()}}));
            ExitCode::from(2)
        }
    }
}
