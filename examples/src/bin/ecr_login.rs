//! `ecr_login`: `docker login`-style ECR credentials for scripts, and a docker `config.json` writer.
//!
//! ```text
//! ecr_login                                  # the caller's registry in the configured region
//! ecr_login --registry 123456789012.dkr.ecr.eu-west-1.amazonaws.com --docker-config ~/.docker/config.json
//! ecr_login --public                         # ECR Public (public.ecr.aws)
//! ecr_login --password-stdout | docker login --username AWS --password-stdin <registry>
//! ```
//!
//! By default it prints the registry, the user name, the expiry and the credential source; never the
//! password (only `--password-stdout` writes it, alone, to stdout).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Parser;
use ecr_core::EcrClient;
use ecr_core::auth::{Authenticator, CredentialPolicy, DiskCache, ManualClock, write_docker_config};
use ecr_core_examples::{Input as _, Verdict, args, finish};

/// ECR registry credentials from the AWS credential chain.
#[derive(Parser, Debug)]
#[command(
    name = "ecr_login",
    version,
    after_help = "Examples:\n  ecr_login --registry 123456789012.dkr.ecr.eu-west-1.amazonaws.com --docker-config ~/.docker/config.json\n  \
                  ecr_login --password-stdout | docker login --username AWS --password-stdin 123456789012.dkr.ecr.eu-west-1.amazonaws.com"
)]
struct Args {
    /// The registry host or server URL (default: the caller's own registry in the region).
    #[arg(long)]
    registry: Option<String>,
    /// ECR Public (public.ecr.aws).
    #[arg(long, conflicts_with = "registry")]
    public: bool,
    /// The AWS region (default: the AWS configuration's).
    #[arg(long)]
    region: Option<String>,
    /// The AWS profile.
    #[arg(long)]
    profile: Option<String>,
    /// Merge the credentials into this docker config.json (the `auths` entry of the registry).
    #[arg(long)]
    docker_config: Option<PathBuf>,
    /// Key the docker config entry by this host instead of the registry's (e.g. a mirror or proxy).
    #[arg(long, requires = "docker_config")]
    config_key: Option<String>,
    /// Print only the password, for `docker login --password-stdin`.
    #[arg(long)]
    password_stdout: bool,
    /// Refuse long-lived static AWS keys (CI).
    #[arg(long)]
    require_temporary_credentials: bool,
    /// Share tokens through the on-disk cache (ECR_CORE_CACHE_DIR, ...).
    #[arg(long)]
    disk_cache: bool,
    /// Judge token expiry as if it were this instant (RFC 3339). For emulators whose tokens carry a
    /// fixed past expiry (moto's: 2015-01-01); never needed against AWS.
    #[arg(long)]
    assume_now: Option<String>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args = args();
    finish("ecr_login", run(args).await)
}

async fn run(args: Args) -> anyhow::Result<Verdict> {
    let client = EcrClient::builder()
        .options(args.region.clone(), args.profile.clone(), None)
        .build()
        .await
        .input("AWS configuration")?;
    let mut builder = Authenticator::builder(client);
    if args.require_temporary_credentials {
        builder = builder.credential_policy(CredentialPolicy::RequireTemporary);
    }
    if args.disk_cache {
        builder = builder.disk_cache(DiskCache::from_env());
    }
    if let Some(now) = &args.assume_now {
        let now = ecr_core::time::parse_str(now).with_context(|| format!("--assume-now: {now:?} is not a time"))?;
        builder = builder.clock(ManualClock::new(now));
    }
    let auth = builder.build();
    let creds = if args.public {
        auth.public_credentials().await.input("public.ecr.aws")?
    } else if let Some(registry) = &args.registry {
        auth.credentials(registry).await.input(registry)?
    } else {
        let region = args.region.as_deref().unwrap_or("the configured region");
        auth.credentials_for_region(args.region.as_deref())
            .await
            .input(format!("the registry in {region}"))?
    };
    if args.password_stdout {
        println!("{}", creds.password.expose());
        return Ok(Verdict::Pass);
    }
    let identity = auth.aws_identity().await?;
    println!("Registry: {}", creds.host);
    println!("Username: {}", creds.username);
    println!(
        "Expires:  {}",
        creds.expires_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    println!("AWS credentials: {}", identity.source);
    if let Some(path) = &args.docker_config {
        let key = args.config_key.as_deref().unwrap_or(&creds.host);
        let outcome = write_docker_config(path, key, &creds).input(path.display())?;
        println!(
            "Docker config: {} auths[{}] in {}",
            if outcome.replaced { "replaced" } else { "added" },
            outcome.key,
            path.display()
        );
        if let Some(by) = outcome.shadowed_by {
            eprintln!("warning: docker will use {by} instead of this auths entry");
        }
    }
    Ok(Verdict::Pass)
}
