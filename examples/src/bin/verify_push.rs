//! Verifies a push: every tag → the expected digest, manifest integrity, platforms, image config
//! (non-root, OCI labels, no secret-looking env, healthcheck), optionally replication and referrers.
//! Prints the report as JSON; exit 0 when every required check passes, 1 when one fails, 2 on bad input
//! or error.
//!
//! cargo run -q -p ecr-core-examples --bin verify_push -- --image HOST/REPO:TAG [--tag T]... \
//!     --digest sha256:... [--platform os/arch[/variant]]... [--registry-url URL] \
//!     [--require non-root,labels] [--warn healthcheck] [--skip referrers] [--record FILE]

use std::process::ExitCode;

use clap::Parser;
use ecr_core::verify::{
    BuildRecord, BuildRecordInput, Check, CheckLevel, RegistryAccess, RegistryAuth, VerifyPushSpec,
};
use ecr_core::{EcrClient, Error, Secret};
use ecr_core_examples::{Verdict, args, finish};

#[derive(Parser, Debug)]
#[command(
    name = "verify_push",
    version,
    about = "Verify an ECR push and print the report as JSON",
    after_help = "Example:\n  verify_push --image 123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:v1.2.3 --tag sha-4f2a9c1 \\\n    \
                  --digest sha256:... --platform linux/amd64 --warn healthcheck --record build-record.json"
)]
struct Args {
    /// The image: an ECR reference HOST/REPO[:TAG][@sha256:...] (HOST/REPO with --tag).
    #[arg(long)]
    image: String,
    /// A further tag that must point at the digest (repeatable).
    #[arg(long = "tag")]
    tags: Vec<String>,
    /// The digest the build produced (optional when --image carries @sha256:...).
    #[arg(long)]
    digest: Option<String>,
    /// An expected platform, os/arch[/variant] (repeatable; none: no expectation).
    #[arg(long = "platform")]
    platforms: Vec<String>,
    /// Where to speak the registry protocol instead of https://HOST (e.g. http://127.0.0.1:5000).
    #[arg(long)]
    registry_url: Option<String>,
    /// Checks that must pass (comma list: tags,integrity,platforms,non-root,labels,no-secrets,healthcheck,replication,referrers).
    #[arg(long)]
    require: Option<String>,
    /// Checks that only warn.
    #[arg(long)]
    warn: Option<String>,
    /// Checks not to run.
    #[arg(long)]
    skip: Option<String>,
    /// A region replication must reach (repeatable; implies --require replication).
    #[arg(long = "replication-region")]
    replication_regions: Vec<String>,
    /// Seconds to wait for replication.
    #[arg(long, default_value_t = 300)]
    replication_timeout: u64,
    /// An accepted referrer artifact type (repeatable; default: any signature or SBOM).
    #[arg(long = "referrer-type")]
    referrer_types: Vec<String>,
    /// Write an in-toto build record (Statement v1) to this file.
    #[arg(long)]
    record: Option<String>,
    /// Source repository URL for the record.
    #[arg(long)]
    source: Option<String>,
    /// Source revision for the record.
    #[arg(long)]
    revision: Option<String>,
    /// Builder id for the record.
    #[arg(long)]
    builder_id: Option<String>,
    /// CI run id for the record.
    #[arg(long)]
    run_id: Option<String>,
    /// Build time (RFC 3339) for the record.
    #[arg(long)]
    build_time: Option<String>,
}

async fn run(args: Args) -> Result<i32, Error> {
    let mut req = VerifyPushSpec {
        image: args.image,
        tags: args.tags,
        digest: args.digest,
        platforms: args.platforms,
        registry_url: args.registry_url.clone(),
        checks: None,
        require: args.require,
        warn: args.warn,
        skip: args.skip,
        replication_regions: args.replication_regions,
        replication_timeout: Some(args.replication_timeout as f64),
        referrer_types: args.referrer_types,
    }
    .into_request()?;
    let build_time = match args.build_time.as_deref() {
        Some(t) => Some(
            ecr_core::time::parse_str(t)
                .ok_or_else(|| Error::invalid("--build-time", format!("{t:?} is not RFC 3339 or epoch seconds")))?,
        ),
        None => None,
    };
    let client = EcrClient::from_env().await?;
    // The registry protocol (and its token) is needed only by the checks that read the image config or referrers.
    let needs_registry = [
        Check::Platforms,
        Check::NonRoot,
        Check::Labels,
        Check::NoSecrets,
        Check::Healthcheck,
        Check::Referrers,
    ]
    .into_iter()
    .any(|c| req.checks.level(c) != CheckLevel::Skip);
    req.registry = if needs_registry {
        let auth = match (std::env::var("REGISTRY_USERNAME"), std::env::var("REGISTRY_PASSWORD")) {
            (Ok(username), Ok(password)) => RegistryAuth::Basic {
                username,
                password: Secret::new(password),
            },
            _ => client.registry_auth().await?,
        };
        Some(RegistryAccess {
            url: args.registry_url,
            auth,
        })
    } else {
        None
    };
    let v = client.verify_push(&req).await?;
    if let Some(path) = &args.record {
        let record = BuildRecord::new(BuildRecordInput {
            name: format!("{}/{}", req.registry_host, req.repository),
            digest: req.digest,
            tags: req.tags,
            source_repository: args.source,
            revision: args.revision,
            build_time,
            builder_id: args.builder_id,
            run_id: args.run_id,
            media_type: v.media_type.clone(),
            platforms: v.platforms.clone(),
            verified: Some(v.report.passed),
        })?;
        let text = serde_json::to_string_pretty(&record).map_err(|e| Error::invalid("record", e.to_string()))?;
        std::fs::write(path, text + "\n").map_err(|e| Error::io(path, e))?;
    }
    println!(
        "{}",
        serde_json::to_string_pretty(&v.report).map_err(|e| Error::invalid("report", e.to_string()))?
    );
    Ok(v.report.exit_code())
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = args();
    let result = run(args).await.map(Verdict::from_code).map_err(anyhow::Error::from);
    finish("verify_push", result)
}
