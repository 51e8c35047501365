//! `inventory`: every image in use (ECS, Lambda, AWS Batch, App Runner, Kubernetes snapshots, files of image
//! URIs), across accounts and regions, as one versioned JSON document; and every repository's lifecycle
//! policy against it.
//!
//! ```text
//! inventory discover [--role-arn ARN]... [--region R]... [--service ecs|lambda|batch|app-runner]...
//!                    [--kubernetes FILE]... [--uris FILE]... [--revisions N] [--concurrency N]
//!                    [--no-referrers-api] [--oci-referrers [--registry-url URL]] [--no-service-deployments]
//!                    [--output FILE]
//! inventory files [--kubernetes FILE]... [--uris FILE]... [--output FILE]      # offline, tags unresolved
//! inventory report --inventory FILE [--now RFC3339] [--concurrency N]
//! ```
//! `discover` reads live with the standard AWS environment (`AWS_ENDPOINT_URL` honoured) and prints (or
//! writes) the inventory: exit 0 when complete, 1 when a source could not be read (listed in `sources`).
//! `report` prints, per repository, the in-use images its lifecycle policy would have expired: exit 0 when
//! none, 1 otherwise. Bad input or an error: exit 2 with `{"error": {"code", "message"}}` on stderr.

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use ecr_core::inventory::{DiscoverOptions, Inventory, InventoryFile, SourceKind, inventory_from_texts};
use ecr_core::{EcrClient, Error};
use serde_json::json;

#[derive(Parser, Debug)]
#[command(version, about = "The inventory of images in use, and lifecycle policies against it")]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
enum Service {
    Ecs,
    Lambda,
    Batch,
    AppRunner,
}

#[derive(clap::Args, Debug)]
struct FileArgs {
    /// A `kubectl get pods,deployments,replicasets,statefulsets,daemonsets,jobs,cronjobs -A -o json` snapshot
    /// (repeatable).
    #[arg(long)]
    kubernetes: Vec<String>,
    /// A JSON array of image URIs (repeatable).
    #[arg(long)]
    uris: Vec<String>,
    /// Write the inventory here instead of stdout.
    #[arg(long)]
    output: Option<String>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Read the services live (and the files), resolve tags and close over children and referrers.
    Discover {
        /// An IAM role to assume, one per account (repeatable; default: the current credentials).
        #[arg(long = "role-arn")]
        role_arns: Vec<String>,
        /// A region to read in every account (repeatable; default: the current region).
        #[arg(long = "region")]
        regions: Vec<String>,
        /// A service to read (repeatable; default: all).
        #[arg(long = "service", value_enum)]
        services: Vec<Service>,
        /// Newest revisions of each task definition family kept as rollback targets.
        #[arg(long, default_value_t = 5)]
        revisions: usize,
        /// Most reads at once.
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
        /// Find referrers by their tags only (for registries without ListImageReferrers).
        #[arg(long)]
        no_referrers_api: bool,
        /// Also ask the registry's OCI referrers API (or its `sha256-<hex>` tag index) for referrers.
        #[arg(long)]
        oci_referrers: bool,
        /// The registry endpoint for --oci-referrers instead of each image's host (`http(s)://host[:port]`).
        #[arg(long, requires = "oci_referrers")]
        registry_url: Option<String>,
        /// Skip the revisions of earlier ECS service deployments (for emulators without
        /// ListServiceDeployments).
        #[arg(long)]
        no_service_deployments: bool,
        #[command(flatten)]
        files: FileArgs,
    },
    /// Read the files only, offline (references by tag stay unresolved: the inventory is incomplete).
    Files {
        #[command(flatten)]
        files: FileArgs,
    },
    /// Every repository's lifecycle policy against an inventory.
    Report {
        /// The inventory document.
        #[arg(long)]
        inventory: String,
        /// The evaluation instant (RFC 3339; default now).
        #[arg(long)]
        now: Option<String>,
        /// Most repositories read at once.
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
    },
}

fn read(path: &str) -> Result<String, Error> {
    std::fs::read_to_string(path).map_err(|e| Error::io(path, e))
}

fn file_list(files: &FileArgs) -> Vec<InventoryFile> {
    let k = files.kubernetes.iter().map(|p| InventoryFile {
        kind: SourceKind::Kubernetes,
        path: p.clone(),
    });
    let u = files.uris.iter().map(|p| InventoryFile {
        kind: SourceKind::File,
        path: p.clone(),
    });
    k.chain(u).collect()
}

fn emit(inventory: &Inventory, output: Option<&str>) -> Result<u8, Error> {
    let text = inventory.to_json_pretty();
    match output {
        Some(path) => std::fs::write(path, text + "\n").map_err(|e| Error::io(path, e))?,
        None => println!("{text}"),
    }
    Ok(if inventory.complete { 0 } else { 1 })
}

async fn run(args: Args) -> Result<u8, Error> {
    match args.command {
        Command::Discover {
            role_arns,
            regions,
            services,
            revisions,
            concurrency,
            no_referrers_api,
            oci_referrers,
            registry_url,
            no_service_deployments,
            files,
        } => {
            let mut options = DiscoverOptions {
                role_arns,
                regions,
                task_definition_revisions: revisions,
                concurrency,
                referrers_api: !no_referrers_api,
                service_deployments: !no_service_deployments,
                oci_referrers,
                registry_url,
                files: file_list(&files),
                ..DiscoverOptions::default()
            };
            if !services.is_empty() {
                options.services = services
                    .iter()
                    .map(|s| match s {
                        Service::Ecs => SourceKind::Ecs,
                        Service::Lambda => SourceKind::Lambda,
                        Service::Batch => SourceKind::Batch,
                        Service::AppRunner => SourceKind::AppRunner,
                    })
                    .collect();
            }
            let client = EcrClient::from_env().await?;
            let inventory = client.discover_inventory(&options).await?;
            emit(&inventory, files.output.as_deref())
        }
        Command::Files { files } => {
            let mut texts = Vec::new();
            for f in file_list(&files) {
                texts.push((f.kind, f.path.clone(), read(&f.path)?));
            }
            let refs: Vec<(SourceKind, &str, &str)> =
                texts.iter().map(|(k, p, t)| (*k, p.as_str(), t.as_str())).collect();
            emit(&inventory_from_texts(&refs), files.output.as_deref())
        }
        Command::Report {
            inventory,
            now,
            concurrency,
        } => {
            let inventory = Inventory::from_json(&read(&inventory)?)?;
            let now = match now {
                Some(s) => ecr_core::time::parse_str(&s)
                    .ok_or_else(|| Error::invalid("--now", format!("{s:?} is not RFC 3339")))?,
                None => chrono::Utc::now(),
            };
            let client = EcrClient::from_env().await?;
            let report = client.registry_in_use_report(&inventory, now, concurrency).await?;
            println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
            Ok(if report.in_use_hits == 0 { 0 } else { 1 })
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("{}", json!({"error": {"code": e.code(), "message": e.to_string()}}));
            ExitCode::from(2)
        }
    }
}
