//! Validates a lifecycle policy and previews, offline, what ECR would expire or archive.
//!
//! ```text
//! lifecycle_preview --policy FILE --images FILE [--now RFC3339] [--protect DIGEST]... [--validate-only]
//! lifecycle_preview --repository NAME [--policy FILE] [--now RFC3339] [--protect DIGEST]... [--text]
//!   ... [--inventory FILE | --discover]
//! ```
//! Prints one JSON object: `previewResults` (ECR's shape), `summary`, and the extras (`reclaimedBytes`,
//! `protectedImages`, `blockedImages`, `collateralTags`, `followingSubject`, `warnings`); exit 0. An invalid
//! policy prints `{"errors": [{"path", "message"}], "warnings": []}` (and the one-line error on stderr) and
//! exits 2; so does every other bad input or error.
//! `--repository` reads the policy (unless `--policy` is given) and every image from ECR (AWS environment,
//! `AWS_ENDPOINT_URL` honoured). `--text` prints one line per image instead: what goes and why.
//! `--inventory FILE` (an `inventory` document) or `--discover` (build it live) protects every image in use
//! and adds `inUse`: per rule, the in-use images it would have expired and who uses them, and
//! `inventoryComplete`.

use std::collections::BTreeSet;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Parser;
use ecr_core::inventory::{DiscoverOptions, Inventory, RuleInUse};
use ecr_core::lifecycle::{
    EvaluationContext, LifecyclePolicy, LifecyclePreviewOptions, Preview, parse_images, validation_document,
};
use ecr_core_examples::{Input as _, Verdict, args, finish, read_text};

#[derive(Parser, Debug)]
#[command(
    name = "lifecycle_preview",
    version,
    about = "Validate a lifecycle policy and preview what ECR would expire or archive",
    after_help = "Examples:\n  lifecycle_preview --policy policy.json --images images.json --now 2026-06-01T00:00:00Z\n  \
                  lifecycle_preview --repository team/app --text"
)]
struct Args {
    /// Policy JSON file.
    #[arg(long)]
    policy: Option<String>,
    /// Images: a JSON array of ImageDetail objects or `aws ecr describe-images` output.
    #[arg(long)]
    images: Option<String>,
    /// Read the policy and every image from this ECR repository instead.
    #[arg(long, conflicts_with = "images")]
    repository: Option<String>,
    /// Evaluation instant (RFC 3339; default now).
    #[arg(long)]
    now: Option<String>,
    /// A digest no rule may act on (repeatable).
    #[arg(long = "protect")]
    protect: Vec<String>,
    /// Only validate the policy.
    #[arg(long)]
    validate_only: bool,
    /// Print one human-readable line per image instead of JSON.
    #[arg(long)]
    text: bool,
    /// Protect the images of this inventory document and report the in-use images each rule would expire.
    #[arg(long, conflicts_with = "discover")]
    inventory: Option<String>,
    /// Build the inventory live (every service of the current account and region) instead.
    #[arg(long)]
    discover: bool,
}

async fn load_inventory(args: &Args) -> anyhow::Result<Option<Inventory>> {
    if let Some(path) = &args.inventory {
        return Ok(Some(Inventory::from_json(&read_text(path)?).input(path)?));
    }
    if args.discover {
        let client = ecr_core::EcrClient::from_env().await?;
        return Ok(Some(client.discover_inventory(&DiscoverOptions::default()).await?));
    }
    Ok(None)
}

fn print_json(v: &serde_json::Value) {
    println!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
}

fn print_text(policy: &LifecyclePolicy, preview: &Preview<'_>) {
    let describe = |priority: u32| {
        policy
            .rules
            .iter()
            .find(|r| r.rule_priority == priority)
            .and_then(|r| r.description.clone())
            .map(|d| format!(" ({d})"))
            .unwrap_or_default()
    };
    for r in &preview.preview_results {
        let pushed = r
            .image_pushed_at
            .map(|t| t.to_rfc3339())
            .unwrap_or_else(|| "?".to_owned());
        println!(
            "{} {} tags={:?} pushed={} storage={} by rule {}{}",
            r.action.action_type.api_name(),
            r.image_digest,
            r.image_tags,
            pushed,
            r.storage_class.api_name(),
            r.applied_rule_priority,
            describe(r.applied_rule_priority)
        );
    }
    for s in preview.protected_images.iter().chain(&preview.blocked_images) {
        println!(
            "KEEP {} tags={:?}: rule {} would {} it, but {:?}",
            s.image_digest,
            s.image_tags,
            s.rule_priority,
            s.action.action_type.api_name(),
            s.reason
        );
    }
    for c in &preview.collateral_tags {
        println!(
            "NOTE {} loses tags {:?} along with {:?}",
            c.image_digest, c.collateral_tags, c.matched_tags
        );
    }
    println!(
        "{} image(s) expire, {} transition; {} bytes deleted, {} bytes archived",
        preview.summary.expiring_image_total_count,
        preview
            .summary
            .transitioning_image_total_counts
            .iter()
            .map(|t| t.image_total_count)
            .sum::<u64>(),
        preview.reclaimed_bytes.expire,
        preview.reclaimed_bytes.transition
    );
}

async fn run(args: Args) -> anyhow::Result<Verdict> {
    let now = match &args.now {
        Some(s) => ecr_core::time::parse_str(s).ok_or_else(|| anyhow::anyhow!("--now: {s:?} is not RFC 3339"))?,
        None => chrono::Utc::now(),
    };
    let policy_path = args.policy.as_deref().unwrap_or_default();
    let policy_text = args.policy.as_deref().map(read_text).transpose()?;
    if let Some(text) = &policy_text {
        let parsed = LifecyclePolicy::parse(text);
        if parsed.is_err() || args.validate_only {
            // The validation document on stdout; an invalid policy is also the one-line error on stderr.
            print_json(&validation_document(&parsed));
            parsed.input(policy_path)?;
            return Ok(Verdict::Pass);
        }
    } else if args.validate_only || args.repository.is_none() {
        anyhow::bail!("--policy FILE is required (unless --repository reads the repository's policy)");
    }

    let inventory = load_inventory(&args).await?;
    let mut in_use: Option<Vec<RuleInUse>> = None;
    let (policy, warnings, preview) = if let Some(repo) = &args.repository {
        let client = ecr_core::EcrClient::from_env().await.input("AWS configuration")?;
        let options = LifecyclePreviewOptions {
            policy_text,
            now: Some(now),
            protected: args.protect.iter().cloned().collect::<BTreeSet<_>>(),
            ..LifecyclePreviewOptions::default()
        };
        let report = match &inventory {
            Some(inventory) => client
                .lifecycle_preview_with_inventory(repo, &options, inventory)
                .await
                .map(|(report, hits)| {
                    in_use = Some(hits);
                    report
                }),
            None => client.lifecycle_preview(repo, &options).await,
        };
        let report = match report {
            Err(e @ ecr_core::Error::PolicyValidation { .. }) => {
                let invalid: ecr_core::Result<ecr_core::lifecycle::Parsed> = Err(e);
                print_json(&validation_document(&invalid));
                return invalid
                    .map(|_| Verdict::Pass)
                    .input(format!("{repo}: lifecycle policy"));
            }
            other => other.input(repo)?,
        };
        (report.policy, report.warnings, report.preview)
    } else {
        let images_path = args
            .images
            .as_deref()
            .ok_or_else(|| anyhow::anyhow!("--images FILE (or --repository NAME) is required"))?;
        let images = parse_images(&read_text(images_path)?).input(images_path)?;
        let parsed = LifecyclePolicy::parse(policy_text.as_deref().unwrap_or_default()).input(policy_path)?;
        let context = EvaluationContext::new(now).protect(args.protect.iter().cloned());
        let preview = match &inventory {
            Some(inventory) => {
                let (preview, hits) = inventory.evaluate(&parsed.policy, &images, context);
                in_use = Some(hits);
                preview.into_owned()
            }
            None => parsed.policy.evaluate(&images, &context).into_owned(),
        };
        (parsed.policy, parsed.warnings, preview)
    };
    if args.text {
        for w in &warnings {
            println!("WARNING {}: {}", w.path, w.message);
        }
        print_text(&policy, &preview);
        for rule in in_use.iter().flatten() {
            for hit in &rule.images {
                let users: Vec<&str> = hit.uses.iter().map(|u| u.name.as_str()).collect();
                println!(
                    "IN USE {}: rule {} would {} it; used by {}",
                    hit.image_digest,
                    rule.rule_priority,
                    hit.action.action_type.api_name(),
                    users.join(", ")
                );
            }
        }
    } else {
        let document = match (&inventory, &in_use) {
            (Some(inventory), Some(in_use)) => inventory.preview_document(&preview, &warnings, in_use),
            _ => preview.to_document(&warnings),
        };
        print_json(&document);
    }
    Ok(Verdict::Pass)
}

fn main() -> ExitCode {
    let args = args();
    let result = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the runtime")
        .and_then(|rt| rt.block_on(run(args)));
    finish("lifecycle_preview", result)
}
