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
//! failed). Bad input or an error: exit 2 with one line on stderr naming the input (docs/programs.md).

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use ecr_core::EcrClient;
use ecr_core::settings::{RegistrySnapshot, audit_registry, effective_settings};
use ecr_core::types::Repository;
use ecr_core_examples::{Input, Verdict, args, finish, read_text};

#[derive(Parser, Debug)]
#[command(
    name = "registry_settings",
    version,
    about = "Effective repository settings and the registry configuration audit",
    after_help = "Examples:\n  registry_settings snapshot > registry.json\n  \
                  registry_settings effective --repository team/app --snapshot registry.json\n  \
                  registry_settings audit --rolling-tag latest --rolling-tag stable"
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

fn snapshot_file(path: &str) -> anyhow::Result<RegistrySnapshot> {
    RegistrySnapshot::from_json(&read_text(path)?).input(format!("snapshot {path}"))
}

fn print<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

async fn run(args: Args) -> anyhow::Result<Verdict> {
    match args.command {
        Command::Snapshot => {
            let client = EcrClient::from_env().await.input("AWS configuration")?;
            print(&client.registry_snapshot().await.input("registry configuration")?)?;
            Ok(Verdict::Pass)
        }
        Command::Effective { repository, snapshot } => {
            let settings = match snapshot {
                Some(path) => effective_settings(&snapshot_file(&path)?, &repository, None),
                None => EcrClient::from_env()
                    .await
                    .input("AWS configuration")?
                    .effective_settings(&repository)
                    .await
                    .input(format!("repository {repository}"))?,
            };
            print(&settings)?;
            Ok(Verdict::Pass)
        }
        Command::Audit {
            snapshot,
            repositories,
            rolling_tags,
        } => {
            let report = match (snapshot, repositories) {
                (Some(snapshot), Some(path)) => {
                    let snapshot = snapshot_file(&snapshot)?;
                    let text = read_text(&path)?;
                    let repositories = serde_json::from_str::<DescribeRepositoriesOutput>(&text)
                        .map(|o| o.repositories)
                        .or_else(|_| serde_json::from_str::<Vec<Repository>>(&text))
                        .input(format!("repositories {path}"))?;
                    audit_registry(&snapshot, &repositories, &rolling_tags)
                }
                _ => EcrClient::from_env()
                    .await
                    .input("AWS configuration")?
                    .audit_registry(&rolling_tags)
                    .await
                    .input("registry configuration")?,
            };
            print(&report)?;
            Ok(Verdict::from_passed(report.passed))
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Args = args();
    finish("registry_settings", run(args).await)
}
