//! The release pipeline against ECR, step by step: the main job of `scripts/demo`.
//!
//! ```text
//! cargo run -q -p ecr-core-examples --bin release_pipeline -- --repository team/service \
//!     [--manifest FILE] [--tag v1.2.3] [--json]
//! ```
//!
//! It uses the standard AWS environment (region, credentials, `AWS_ENDPOINT_URL[_ECR]`), so it runs
//! unchanged against real AWS or the local emulator. Each step prints its outcome and timing; `--json`
//! prints one machine-readable summary instead. Exit code 0 when every step passed, 1 naming the failed
//! step otherwise.

use std::time::Instant;

use anyhow::{Context, bail};
use clap::Parser;
use ecr_core::types::{ImageId, RepositorySettings};
use ecr_core::{EcrClient, Error};
use serde_json::{Value, json};

#[derive(Parser, Debug)]
#[command(about = "Run the ECR release pipeline: repository, push, read back, reference.")]
struct Args {
    /// Repository name.
    #[arg(long, default_value = "ecr-core-demo/service")]
    repository: String,
    /// An image manifest to put (its digest is the sha256 of these exact bytes). Default: a minimal OCI manifest.
    #[arg(long)]
    manifest: Option<std::path::PathBuf>,
    /// The tag to put the manifest under.
    #[arg(long, default_value = "v1.0.0")]
    tag: String,
    /// Print one JSON summary instead of step lines.
    #[arg(long)]
    json: bool,
}

/// One step's outcome.
struct Step {
    name: &'static str,
    ok: bool,
    millis: u128,
    detail: Value,
}

/// Runs steps in order, printing each as it finishes, stopping at the first failure.
struct Pipeline {
    json: bool,
    steps: Vec<Step>,
}

impl Pipeline {
    async fn run<F, T>(&mut self, name: &'static str, fut: F) -> Option<T>
    where
        F: std::future::Future<Output = anyhow::Result<(T, Value)>>,
    {
        let start = Instant::now();
        let result = fut.await;
        let millis = start.elapsed().as_millis();
        let (ok, detail, value) = match result {
            Ok((value, detail)) => (true, detail, Some(value)),
            Err(e) => (false, json!({"error": format!("{e:#}"), "code": code_of(&e)}), None),
        };
        if !self.json {
            let mark = if ok { "ok" } else { "FAILED" };
            println!(
                "[{:>2}] {name:<12} {mark:<6} {millis:>6} ms  {}",
                self.steps.len() + 1,
                summary(&detail)
            );
        }
        self.steps.push(Step {
            name,
            ok,
            millis,
            detail,
        });
        value
    }

    fn failed(&self) -> Option<&'static str> {
        self.steps.iter().find(|s| !s.ok).map(|s| s.name)
    }

    fn to_json(&self) -> Value {
        json!({
            "passed": self.failed().is_none(),
            "failedStep": self.failed(),
            "steps": self.steps.iter().map(|s| json!({
                "name": s.name, "ok": s.ok, "millis": s.millis, "detail": s.detail
            })).collect::<Vec<_>>(),
        })
    }
}

/// The ecr-core error code behind an error chain, if any.
fn code_of(e: &anyhow::Error) -> Option<&'static str> {
    e.chain().find_map(|c| c.downcast_ref::<Error>()).map(Error::code)
}

/// A one-line rendering of a step's detail object.
fn summary(detail: &Value) -> String {
    match detail {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => format!("{k}={s}"),
                other => format!("{k}={other}"),
            })
            .collect::<Vec<_>>()
            .join("  "),
        other => other.to_string(),
    }
}

/// A minimal OCI image manifest (an empty config, no layers).
fn minimal_manifest() -> String {
    json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {
            "mediaType": "application/vnd.oci.image.config.v1+json",
            "digest": "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
            "size": 2
        },
        "layers": []
    })
    .to_string()
}

/// `sha256:<hex>` of exact bytes, as ECR computes an image digest.
fn digest_of(bytes: &[u8]) -> String {
    use sha2::Digest;
    format!("sha256:{}", hex::encode(sha2::Sha256::digest(bytes)))
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let mut p = Pipeline {
        json: args.json,
        steps: Vec::new(),
    };
    let outcome = run(&args, &mut p).await;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&p.to_json()).unwrap_or_default());
    }
    match (outcome, p.failed()) {
        (Ok(()), None) => {
            if !args.json {
                println!("pipeline passed: {} steps", p.steps.len());
            }
            std::process::ExitCode::SUCCESS
        }
        (_, Some(step)) => {
            eprintln!("release_pipeline: step '{step}' failed");
            std::process::ExitCode::from(1)
        }
        (Err(e), None) => {
            eprintln!("release_pipeline: {e:#}");
            std::process::ExitCode::from(1)
        }
    }
}

async fn run(args: &Args, p: &mut Pipeline) -> anyhow::Result<()> {
    let Some(client) = p
        .run("client", async {
            let c = EcrClient::from_env().await?;
            let detail = json!({"region": c.region(), "endpoint": c.endpoint_url().unwrap_or("default")});
            Ok((c, detail))
        })
        .await
    else {
        return Ok(());
    };

    let Some(repo) = p
        .run("repository", async {
            let repo = match client.describe_repository(&args.repository).await {
                Ok(r) => r,
                Err(Error::RepositoryNotFound { .. }) => {
                    client
                        .create_repository(&args.repository, &RepositorySettings::recommended())
                        .await?
                }
                Err(e) => return Err(e.into()),
            };
            let detail = json!({
                "uri": repo.repository_uri,
                "tagMutability": repo.image_tag_mutability.as_str(),
                "scanOnPush": repo.scan_on_push,
                "encryption": repo.encryption_type,
            });
            Ok((repo, detail))
        })
        .await
    else {
        return Ok(());
    };

    let Some(digest) = p
        .run("push", async {
            let manifest = match &args.manifest {
                Some(path) => std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?,
                None => minimal_manifest(),
            };
            let media_type = serde_json::from_str::<Value>(&manifest)
                .ok()
                .and_then(|m| m.get("mediaType").and_then(Value::as_str).map(str::to_owned));
            let digest = digest_of(manifest.as_bytes());
            let existing = client
                .describe_images(&repo.repository_name, &[ImageId::digest(&digest)])
                .await;
            let id = match existing {
                Ok(found) if found.iter().any(|i| i.image_tags.contains(&args.tag)) => ImageId::digest(&digest),
                _ => {
                    client
                        .put_image(
                            &repo.repository_name,
                            &manifest,
                            media_type.as_deref(),
                            Some(&args.tag),
                            Some(&digest),
                        )
                        .await?
                }
            };
            let got = id.image_digest.clone().unwrap_or_default();
            if got != digest {
                bail!("ECR stored digest {got}, expected {digest}");
            }
            Ok((digest.clone(), json!({"tag": args.tag, "digest": digest})))
        })
        .await
    else {
        return Ok(());
    };

    p.run("read back", async {
        let images = client
            .describe_images(&repo.repository_name, &[ImageId::tag(&args.tag)])
            .await?;
        let image = images.first().context("no image for the tag")?;
        if image.image_digest != digest {
            bail!("tag {} points at {}, expected {digest}", args.tag, image.image_digest);
        }
        let detail = json!({
            "tags": image.image_tags,
            "pushedAt": image.image_pushed_at.map(|t| t.to_rfc3339()),
            "mediaType": image.image_manifest_media_type,
        });
        Ok(((), detail))
    })
    .await;

    p.run("reference", async {
        let text = format!("{}:{}@{digest}", repo.repository_uri, args.tag);
        let image: ecr_core::reference::ImageReference = text.parse()?;
        let host = image.host();
        let detail = json!({
            "image": image.to_string(),
            "registry": host.registry_id(),
            "region": host.region(),
            "fips": host.fips(),
            "dualStack": host.dual_stack(),
        });
        Ok(((), detail))
    })
    .await;
    Ok(())
}
