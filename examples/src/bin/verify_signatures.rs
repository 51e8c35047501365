//! Verifies the signatures and attestations of a pinned image digest against a policy, offline from any
//! Sigstore service: cosign (legacy `.sig` tags and Sigstore bundles; a PEM key or a keyless certificate
//! chained to a trusted root file), Notation / AWS Signer JWS envelopes, DSSE in-toto attestations.
//! Prints the decision as JSON, SARIF or Markdown; exit 0 pass, 1 fail, 2 bad input or error.
//!
//! cargo run -q -p ecr-core-examples --bin verify_signatures -- --image HOST/REPO@sha256:... \
//!     --policy policy.json [--key NAME=cosign.pub]... [--trusted-root trusted_root.json|roots.pem] \
//!     [--registry-url URL] [--no-ecr] [--signing-status] [--format json|sarif|markdown] [--output FILE]

use std::process::ExitCode;

use clap::Parser;
use ecr_core::scan::report::Format;
use ecr_core::verify::RegistryAuth;
use ecr_core::verify::signatures::report;
use ecr_core::{EcrClient, Secret};
use ecr_core_examples::{Input as _, Verdict, args, finish, signature_spec};

#[derive(Parser, Debug)]
#[command(
    name = "verify_signatures",
    version,
    about = "Verify an image's signatures and attestations against a policy (exit 0 pass, 1 fail, 2 error)",
    after_help = "Example:\n  verify_signatures --image 123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app@sha256:... \\\n    \
                  --policy signatures.json --trusted-root trusted_root.json --key release=cosign.pub --format markdown"
)]
struct Args {
    /// The image: HOST/REPO@sha256:... (or HOST/REPO with --digest).
    #[arg(long)]
    image: String,
    /// The pinned digest, when --image has none.
    #[arg(long)]
    digest: Option<String>,
    /// The signature policy (JSON).
    #[arg(long)]
    policy: String,
    /// A trusted public key, NAME=PEM-FILE (the policy names it); repeatable.
    #[arg(long = "key")]
    keys: Vec<String>,
    /// Sigstore trusted_root.json, or a PEM file of CA certificates (keyless cosign, Notation).
    #[arg(long)]
    trusted_root: Option<String>,
    /// Where to speak the registry protocol instead of https://HOST.
    #[arg(long)]
    registry_url: Option<String>,
    /// Do not ask ECR (ListImageReferrers): a registry that is not ECR.
    #[arg(long)]
    no_ecr: bool,
    /// Also report ECR's DescribeImageSigningStatus (a pre-check, never proof).
    #[arg(long)]
    signing_status: bool,
    /// Report format: json, sarif or markdown.
    #[arg(long, default_value = "json")]
    format: String,
    /// Write the report to this file instead of stdout.
    #[arg(long)]
    output: Option<String>,
}

#[tokio::main]
async fn main() -> ExitCode {
    finish("verify_signatures", run(args()).await)
}

async fn run(args: Args) -> anyhow::Result<Verdict> {
    let format = Format::parse(&args.format).input("--format")?;
    let mut spec = signature_spec(&args.image, &args.policy, &args.keys, args.trusted_root.as_deref())?;
    spec.digest = args.digest.clone();
    spec.registry_url = args.registry_url.clone();
    spec.ecr_referrers = !args.no_ecr;
    spec.signing_status = args.signing_status;
    let needs_ecr = !args.no_ecr || args.signing_status;
    let client = if needs_ecr {
        Some(EcrClient::from_env().await?)
    } else {
        None
    };
    let auth = match (
        std::env::var("REGISTRY_USERNAME"),
        std::env::var("REGISTRY_PASSWORD"),
        &client,
    ) {
        (Ok(username), Ok(password), _) => RegistryAuth::Basic {
            username,
            password: Secret::new(password),
        },
        (_, _, Some(c)) => c.registry_auth().await?,
        _ => RegistryAuth::Anonymous,
    };
    let request = spec.into_request(auth).input("--image")?;
    let decision = ecr_core::verify::signatures::verify_signatures_with(client.as_ref(), &request).await?;
    let text = report::render(&decision, format);
    match &args.output {
        Some(path) => std::fs::write(path, text).map_err(|e| anyhow::anyhow!("{path}: {e}"))?,
        None => println!("{text}"),
    }
    Ok(Verdict::from_passed(decision.passed))
}
