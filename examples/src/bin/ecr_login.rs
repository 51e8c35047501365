//! `ecr_login`: `docker login`-style ECR credentials for scripts, and a docker `config.json` writer.
//!
//! ```text
//! ecr_login                                  # the caller's registry in the configured region
//! ecr_login --registry 123456789012.dkr.ecr.eu-west-1.amazonaws.com --docker-config ~/.docker/config.json
//! ecr_login --public                         # ECR Public (public.ecr.aws)
//! ecr_login --password-stdout | docker login --username AWS --password-stdin <registry>
//! ecr_login --account 123456789012 --account 210987654321 --registry-region us-east-1 \
//!     --registry-region eu-west-1 --dual-stack --public --docker-config ~/.docker/config.json
//! ```
//!
//! Several registries (repeated `--registry`, or `--account` × `--registry-region` in the IPv4 form, plus
//! `--dual-stack` / `--fips` forms and `--public`) are logged in to in one call: one token request per
//! region, all entries written into the docker config in one write.
//!
//! By default it prints the registry, the user name, the expiry and the credential source; never the
//! password (only `--password-stdout` writes it, alone, to stdout).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Parser;
use ecr_core::EcrClient;
use ecr_core::auth::{
    Authenticator, CredentialPolicy, DiskCache, HostForms, ManualClock, registry_hosts, write_docker_config,
};
use ecr_core::reference::RegistryHost;
use ecr_core_examples::{Input as _, Verdict, args, finish};

/// ECR registry credentials from the AWS credential chain.
#[derive(Parser, Debug)]
#[command(
    name = "ecr_login",
    version,
    after_help = "Examples:\n  ecr_login --registry 123456789012.dkr.ecr.eu-west-1.amazonaws.com --docker-config ~/.docker/config.json\n  \
                  ecr_login --password-stdout | docker login --username AWS --password-stdin 123456789012.dkr.ecr.eu-west-1.amazonaws.com\n  \
                  ecr_login --account 123456789012 --registry-region us-east-1 --registry-region eu-west-1 --dual-stack --docker-config ~/.docker/config.json"
)]
struct Args {
    /// A registry host or server URL (repeatable; default: the caller's own registry in the region).
    #[arg(long)]
    registry: Vec<String>,
    /// ECR Public (public.ecr.aws), alone or beside the other registries.
    #[arg(long)]
    public: bool,
    /// An account whose registries to log in to, in every `--registry-region` (repeatable).
    #[arg(long)]
    account: Vec<String>,
    /// A region of the `--account` registries (repeatable; default: the AWS configuration's region).
    #[arg(long, requires = "account")]
    registry_region: Vec<String>,
    /// Also the dual-stack hosts of the `--account` registries (`<account>.dkr-ecr.<region>.on.aws`).
    #[arg(long, requires = "account")]
    dual_stack: bool,
    /// Also the FIPS hosts of the `--account` registries (`<account>.dkr.ecr-fips.<region>.amazonaws.com`).
    #[arg(long, requires = "account")]
    fips: bool,
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
    let many = args.registry.len() > 1 || !args.account.is_empty() || (args.public && !args.registry.is_empty());
    if many {
        return login_many(&auth, &args).await;
    }
    let creds = if args.public {
        auth.public_credentials().await.input("public.ecr.aws")?
    } else if let Some(registry) = args.registry.first() {
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

/// Several registries in one call: every credential first, then one docker config write.
async fn login_many(auth: &Authenticator, args: &Args) -> anyhow::Result<Verdict> {
    let Some(path) = &args.docker_config else {
        anyhow::bail!("--docker-config: several registries are logged in to by writing them into a docker config");
    };
    anyhow::ensure!(
        !args.password_stdout,
        "--password-stdout: it prints the password of one registry only"
    );
    anyhow::ensure!(
        args.config_key.is_none(),
        "--config-key: it names the entry of one registry only"
    );
    let mut hosts: Vec<RegistryHost> = Vec::new();
    for r in &args.registry {
        hosts.push(RegistryHost::from_server_url(r).input(r)?);
    }
    if !args.account.is_empty() {
        let regions = if args.registry_region.is_empty() {
            vec![
                auth.home_region()
                    .context("--registry-region: no region configured")?
                    .to_owned(),
            ]
        } else {
            args.registry_region.clone()
        };
        let forms = HostForms {
            ipv4: true,
            dual_stack: args.dual_stack,
            fips: args.fips,
        };
        hosts.extend(registry_hosts(&args.account, &regions, forms).input("--account/--registry-region")?);
    }
    if args.public {
        hosts.push(RegistryHost::public());
    }
    let logins = auth.login_all(&hosts, path).await.input(path.display())?;
    for login in &logins {
        println!(
            "Registry: {} until {}{}",
            login.host,
            login
                .credentials
                .expires_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            if login.entry.replaced { " (replaced)" } else { "" }
        );
        if let Some(by) = &login.entry.shadowed_by {
            eprintln!(
                "warning: docker will use {by} instead of the auths entry of {}",
                login.host
            );
        }
    }
    println!("Docker config: {} registries in {}", logins.len(), path.display());
    Ok(Verdict::Pass)
}
