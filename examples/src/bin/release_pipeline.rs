//! The release pipeline against ECR as one program: every step through ecr-core's public API.
//!
//! ```text
//! release_pipeline --repository team/service --tag-strategy strategy.json --scan-policy scan.json \
//!     (--manifest FILE | --digest sha256:...) [--ci-context FILE] [--registry-url URL] \
//!     [--platform linux/amd64]... [--record build-record.json] [--json]
//! ```
//!
//! Steps, in order: `repository` (ensure + audit) → `credentials` (registry token + docker config) →
//! `tag plan` (CI context from the environment, or `--ci-context`) → `push` (puts the manifest under every
//! planned tag) → `verify` (tags, digest, platforms, non-root, labels; the config read over the registry
//! protocol) → `signatures` (signatures and attestations verified against `--signature-policy`; a warning
//! when none is given) → `scan` (wait for the scan, gate on the policy) → `lifecycle` (preview of the repository's
//! policy, the pushed digest protected) → `record` (the in-toto build record written to a file).
//!
//! It uses the standard AWS environment (region, credentials, `AWS_ENDPOINT_URL[_ECR]`), so it runs unchanged
//! against real AWS or a local emulator. On a terminal each step shows a spinner while it runs; otherwise one
//! line per step; `--json` prints one machine-readable summary. Exit 0 when every required step passed, 1
//! naming the failed step (later steps are reported as skipped), 2 on bad arguments.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use clap::{Args as ClapArgs, Parser};
use ecr_core::auth::{Authenticator, ManualClock, RegistryCredentials, write_docker_config};
use ecr_core::lifecycle::LifecyclePreviewOptions;
use ecr_core::scan::{GateDecision, GateOptions, ScanPolicy, WaitOptions};
use ecr_core::tagging::{BuildContext, PlanReport, TagPolicy, TagStrategy};
use ecr_core::types::{ImageId, Repository, RepositorySettings, TagMutability};
use ecr_core::verify::signatures::{Status as SignatureStatus, report as signature_report};
use ecr_core::verify::{
    BuildRecord, BuildRecordInput, CheckStatus, EnsureOptions, RegistryAccess, RegistryAuth, RegistryClient,
    Verification, VerifyPushSpec,
};
use ecr_core::{EcrClient, Error};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};

/// The steps, in the order they run.
const STEPS: [&str; 9] = [
    "repository",
    "credentials",
    "tag plan",
    "push",
    "verify",
    "signatures",
    "scan",
    "lifecycle",
    "record",
];

#[derive(Parser, Debug)]
#[command(
    name = "release_pipeline",
    version,
    about = "Run the ECR release pipeline: repository, credentials, tags, push, verify, signatures, scan, lifecycle, record",
    after_help = "Example:\n  release_pipeline --repository team/service --tag-strategy strategy.json --scan-policy scan.json \\\n    \
                  --manifest manifest.json --platform linux/amd64 --record build-record.json --json"
)]
struct Args {
    #[command(flatten)]
    repo: RepoOptions,
    #[command(flatten)]
    image: ImageOptions,
    #[command(flatten)]
    tags: TagOptions,
    #[command(flatten)]
    verify: VerifyOptions,
    #[command(flatten)]
    signatures: SignatureOptions,
    #[command(flatten)]
    scan: ScanOptions,
    #[command(flatten)]
    output: OutputOptions,
}

/// The repository and how it must be configured.
#[derive(ClapArgs, Debug)]
struct RepoOptions {
    /// Repository name.
    #[arg(long)]
    repository: String,
    /// A tag pattern exempt from tag immutability (repeatable; makes the repository IMMUTABLE_WITH_EXCLUSION).
    #[arg(long = "mutable-tag")]
    mutable_tags: Vec<String>,
    /// Judge registry-token expiry as of this instant (RFC 3339). Only for emulators whose tokens carry a
    /// fixed past expiry (moto's: 2015-01-01); never needed against AWS.
    #[arg(long)]
    assume_now: Option<String>,
    /// Where to write the docker config with the registry credentials.
    #[arg(long, default_value = "release-pipeline/docker/config.json")]
    docker_config: PathBuf,
}

/// The image the build produced.
#[derive(ClapArgs, Debug)]
#[group(required = true, multiple = false)]
struct ImageOptions {
    /// A manifest file to put into ECR (its digest is the sha256 of these exact bytes; blobs must be pushed).
    #[arg(long)]
    manifest: Option<PathBuf>,
    /// The digest of an image already pushed (its manifest is read over the registry protocol).
    #[arg(long)]
    digest: Option<String>,
}

/// How tags are planned.
#[derive(ClapArgs, Debug)]
struct TagOptions {
    /// The build context (JSON); default: read from the CI environment (GitHub Actions, GitLab CI, ...).
    #[arg(long)]
    ci_context: Option<PathBuf>,
    /// The tag strategy (JSON).
    #[arg(long)]
    tag_strategy: PathBuf,
    /// `production`, `default`, or a tag policy JSON file.
    #[arg(long, default_value = "production")]
    tag_policy: String,
}

/// Push verification.
#[derive(ClapArgs, Debug)]
struct VerifyOptions {
    /// Speak the registry protocol here instead of https://REGISTRY (e.g. http://127.0.0.1:5000).
    #[arg(long)]
    registry_url: Option<String>,
    /// An expected platform, os/arch[/variant] (repeatable; none: no expectation).
    #[arg(long = "platform")]
    platforms: Vec<String>,
    /// Checks that only warn (comma list, e.g. healthcheck,labels).
    #[arg(long)]
    warn: Option<String>,
    /// Checks not to run (comma list).
    #[arg(long)]
    skip: Option<String>,
}

/// Signature verification.
#[derive(ClapArgs, Debug)]
struct SignatureOptions {
    /// The signature policy (JSON); without it the step only warns.
    #[arg(long)]
    signature_policy: Option<String>,
    /// A trusted public key, NAME=PEM-FILE (repeatable).
    #[arg(long = "signature-key")]
    signature_keys: Vec<String>,
    /// Sigstore trusted_root.json, or PEM CA certificates.
    #[arg(long)]
    trusted_root: Option<String>,
    /// Find signatures through the registry protocol only (no ListImageReferrers).
    #[arg(long)]
    signatures_registry_only: bool,
}

/// The scan gate.
#[derive(ClapArgs, Debug)]
struct ScanOptions {
    /// The scan gate policy (JSON, or TOML ending in .toml).
    #[arg(long)]
    scan_policy: PathBuf,
    /// Seconds to wait for the scan.
    #[arg(long, default_value_t = 600)]
    scan_timeout: u64,
    /// First poll interval in seconds.
    #[arg(long, default_value_t = 5.0)]
    poll_interval: f64,
    /// Start a basic scan when none exists (needs ecr:StartImageScan).
    #[arg(long)]
    start_scan: bool,
    /// The instant the lifecycle preview is evaluated at (RFC 3339; default now).
    #[arg(long)]
    lifecycle_at: Option<String>,
    /// A digest in use (by ECS, EKS, Lambda...) that the lifecycle preview must keep; repeatable. The pushed
    /// digest is always protected.
    #[arg(long = "protect", value_name = "DIGEST")]
    protected: Vec<String>,
}

/// Output.
#[derive(ClapArgs, Debug)]
struct OutputOptions {
    /// Where to write the build record (in-toto Statement v1).
    #[arg(long, default_value = "release-pipeline/build-record.json")]
    record: PathBuf,
    /// Print one JSON summary instead of step lines.
    #[arg(long)]
    json: bool,
}

/// What a step reports when it finishes.
struct Done<T> {
    value: T,
    warn: bool,
    summary: String,
    lines: Vec<String>,
    details: Value,
}

impl<T> Done<T> {
    fn ok(value: T, summary: impl Into<String>, details: Value) -> Self {
        Self {
            value,
            warn: false,
            summary: summary.into(),
            lines: Vec::new(),
            details,
        }
    }

    fn lines(mut self, lines: Vec<String>) -> Self {
        self.lines = lines;
        self
    }

    fn warn_if(mut self, warn: bool) -> Self {
        self.warn = warn;
        self
    }
}

/// Why a step failed: a one-line summary, indented lines, and details for `--json`.
struct Failed {
    summary: String,
    lines: Vec<String>,
    details: Value,
}

impl Failed {
    fn new(summary: impl Into<String>, lines: Vec<String>, details: Value) -> Self {
        Self {
            summary: summary.into(),
            lines,
            details,
        }
    }
}

impl From<anyhow::Error> for Failed {
    fn from(e: anyhow::Error) -> Self {
        let code = e.chain().find_map(|c| c.downcast_ref::<Error>()).map(Error::code);
        let fields: Vec<String> = e
            .chain()
            .find_map(|c| c.downcast_ref::<Error>())
            .map(|err| err.field_errors().iter().map(|f| f.to_string()).collect())
            .unwrap_or_default();
        Failed::new(
            format!("{e:#}"),
            fields,
            json!({"error": format!("{e:#}"), "code": code}),
        )
    }
}

impl From<Error> for Failed {
    fn from(e: Error) -> Self {
        anyhow::Error::from(e).into()
    }
}

type StepResult<T> = Result<Done<T>, Failed>;

/// One finished (or skipped) step.
struct StepRecord {
    name: &'static str,
    status: &'static str,
    millis: u128,
    summary: String,
    details: Value,
}

/// Runs the steps in order and shows them: spinner on a terminal, plain lines otherwise, nothing with `--json`.
struct Pipeline {
    json: bool,
    terminal: bool,
    steps: Vec<StepRecord>,
    failed: Option<&'static str>,
}

impl Pipeline {
    fn new(json: bool) -> Self {
        Self {
            json,
            terminal: !json && std::io::stdout().is_terminal(),
            steps: Vec::new(),
            failed: None,
        }
    }

    /// Runs one step. A failed required step stops the pipeline; a failed optional one is a warning.
    async fn step<T>(
        &mut self,
        name: &'static str,
        required: bool,
        fut: impl std::future::Future<Output = StepResult<T>>,
    ) -> Option<T> {
        let label = format!("[{}/{}] {name}", self.steps.len() + 1, STEPS.len());
        let spinner = self.terminal.then(|| {
            let pb = ProgressBar::new_spinner();
            pb.set_style(
                ProgressStyle::with_template("{spinner} {msg} {elapsed}").unwrap_or(ProgressStyle::default_spinner()),
            );
            pb.set_message(label.clone());
            pb.enable_steady_tick(Duration::from_millis(100));
            pb
        });
        let start = Instant::now();
        let result = fut.await;
        let millis = start.elapsed().as_millis();
        if let Some(pb) = spinner {
            pb.finish_and_clear();
        }
        let (status, summary, lines, details, value) = match result {
            Ok(d) => (
                if d.warn { "warn" } else { "ok" },
                d.summary,
                d.lines,
                d.details,
                Some(d.value),
            ),
            Err(f) if required => ("failed", f.summary, f.lines, f.details, None),
            Err(f) => ("warn", f.summary, f.lines, f.details, None),
        };
        if status == "failed" {
            self.failed = Some(name);
        }
        if !self.json {
            println!("{label:<18} {status:<6} {millis:>6} ms  {summary}");
            for line in lines {
                println!("{:>27}{line}", "");
            }
        }
        self.steps.push(StepRecord {
            name,
            status,
            millis,
            summary,
            details,
        });
        value
    }

    /// Records every step not run yet as skipped.
    fn skip_rest(&mut self) {
        for name in STEPS.iter().skip(self.steps.len()) {
            if !self.json {
                println!(
                    "{:<18} {:<6}           not run: step '{}' failed",
                    format!("[{}/{}] {name}", self.steps.len() + 1, STEPS.len()),
                    "skip",
                    self.failed.unwrap_or("?")
                );
            }
            self.steps.push(StepRecord {
                name,
                status: "skipped",
                millis: 0,
                summary: String::new(),
                details: json!({}),
            });
        }
    }

    fn to_json(&self, args: &Args) -> Value {
        json!({
            "passed": self.failed.is_none(),
            "failedStep": self.failed,
            "repository": args.repo.repository,
            "steps": self.steps.iter().map(|s| json!({
                "name": s.name,
                "status": s.status,
                "durationMs": s.millis,
                "summary": s.summary,
                "details": s.details,
            })).collect::<Vec<_>>(),
        })
    }
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

fn parse_time(flag: &str, text: &str) -> anyhow::Result<ecr_core::time::Timestamp> {
    ecr_core::time::parse_str(text).ok_or_else(|| anyhow!("{flag}: {text:?} is not RFC 3339 or epoch seconds"))
}

/// The registry host of a repository URI (`<account>.dkr.ecr.<region>.amazonaws.com/name`).
fn registry_host(repo: &Repository) -> &str {
    repo.repository_uri.split('/').next().unwrap_or_default()
}

/// Step 1: create the repository with the safe defaults (or fix its drift), then audit it.
/// Audit findings (e.g. a repository policy granting push outside the account) are warnings.
async fn ensure_repository(client: &EcrClient, opts: &RepoOptions) -> StepResult<Repository> {
    let mut settings = RepositorySettings::recommended();
    if !opts.mutable_tags.is_empty() {
        settings.tag_mutability = TagMutability::ImmutableWithExclusion;
        settings.exclusion_filters = opts.mutable_tags.clone();
    }
    let ensure = EnsureOptions {
        settings,
        apply: true,
        ..EnsureOptions::default()
    };
    let outcome = client.ensure_repository(&opts.repository, &ensure).await?;
    let audit = client.audit_repository(&opts.repository).await?;
    let lines: Vec<String> = outcome
        .drift
        .iter()
        .map(|d| {
            let fix = if d.fixed { "fixed" } else { "NOT fixed" };
            format!("drift {}: {} (wanted {}), {fix}", d.setting, d.actual, d.expected)
        })
        .chain(
            audit
                .checks
                .iter()
                .filter(|c| !matches!(c.status, CheckStatus::Passed | CheckStatus::Skipped))
                .map(|c| format!("audit {}: {}", c.check, c.message)),
        )
        .collect();
    let repo = outcome.repository;
    let summary = format!(
        "{} {} ({}, scan on push {})",
        if outcome.created { "created" } else { "exists" },
        repo.repository_uri,
        repo.image_tag_mutability.as_str(),
        repo.scan_on_push
    );
    let details =
        json!({"created": outcome.created, "uri": repo.repository_uri, "drift": outcome.drift, "audit": audit});
    Ok(Done::ok(repo, summary, details)
        .warn_if(!audit.passed || outcome.drift.iter().any(|d| !d.fixed))
        .lines(lines))
}

/// Step 2: registry credentials for the repository's registry, merged into a docker config file.
async fn registry_credentials(
    client: &EcrClient,
    repo: &Repository,
    opts: &RepoOptions,
) -> StepResult<RegistryCredentials> {
    let mut builder = Authenticator::builder(client.clone());
    if let Some(now) = &opts.assume_now {
        builder = builder.clock(ManualClock::new(parse_time("--assume-now", now)?));
    }
    let creds = builder.build().credentials(registry_host(repo)).await?;
    if let Some(dir) = opts.docker_config.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let merged = write_docker_config(&opts.docker_config, &creds.host, &creds)?;
    let expires = creds.expires_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let summary = format!(
        "{}@{} until {expires}; {} in {}",
        creds.username,
        creds.host,
        if merged.replaced { "replaced" } else { "added" },
        opts.docker_config.display()
    );
    let details = json!({
        "registry": creds.host, "username": creds.username, "expiresAt": expires,
        "dockerConfig": opts.docker_config, "replaced": merged.replaced, "shadowedBy": merged.shadowed_by,
    });
    let lines = merged
        .shadowed_by
        .iter()
        .map(|by| format!("docker will use {by} instead of this entry"))
        .collect();
    Ok(Done::ok(creds, summary, details).lines(lines))
}

/// The image the build produced: the manifest file's bytes and digest, or the digest of an image already pushed.
struct BuiltImage {
    digest: String,
    manifest: Option<String>,
}

impl BuiltImage {
    fn from_args(opts: &ImageOptions) -> anyhow::Result<Self> {
        match (&opts.manifest, &opts.digest) {
            (Some(path), _) => {
                let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
                let digest = ecr_core::verify::sha256_digest(&bytes);
                let text = String::from_utf8(bytes).with_context(|| format!("{}: not UTF-8 JSON", path.display()))?;
                Ok(Self {
                    digest,
                    manifest: Some(text),
                })
            }
            (None, Some(digest)) => Ok(Self {
                digest: digest.clone(),
                manifest: None,
            }),
            (None, None) => bail!("give --manifest FILE or --digest sha256:..."),
        }
    }

    /// The manifest text: the file's, or the pushed image's read over the registry protocol.
    async fn manifest(&self, args: &Args, repo: &Repository, creds: &RegistryCredentials) -> anyhow::Result<String> {
        if let Some(text) = &self.manifest {
            return Ok(text.clone());
        }
        let registry = RegistryClient::new(registry_host(repo), &registry_access(args, creds))?;
        let fetched = registry.fetch_manifest(&repo.repository_name, &self.digest).await?;
        if fetched.digest != self.digest {
            bail!("the registry served {} for {}", fetched.digest, self.digest);
        }
        String::from_utf8(fetched.bytes).context("the manifest is not UTF-8 JSON")
    }
}

fn registry_access(args: &Args, creds: &RegistryCredentials) -> RegistryAccess {
    RegistryAccess {
        url: args.verify.registry_url.clone(),
        auth: RegistryAuth::from(creds),
    }
}

/// Step 3: plan the tags of the build from its CI context and check them against the policy and the
/// repository (immutability, tags already on another digest).
async fn plan_tags(client: &EcrClient, opts: &TagOptions, repository: &str, digest: &str) -> StepResult<PlanReport> {
    let context = match &opts.ci_context {
        Some(path) => BuildContext::from_json(&read(path)?)?,
        None => BuildContext::from_process_env()?,
    };
    let strategy = TagStrategy::from_json(&read(&opts.tag_strategy)?)?;
    let policy = match TagPolicy::named(&opts.tag_policy) {
        Some(p) => p,
        None => TagPolicy::from_json(&read(Path::new(&opts.tag_policy))?)?,
    };
    let report = client
        .check_tag_plan(repository, &strategy, &context, &policy, Some(digest))
        .await?;
    let tags: Vec<&str> = report.tags.iter().map(|t| t.value.as_str()).collect();
    let lines = report
        .violations
        .iter()
        .map(|v| format!("violation {}: {}", v.code, v.message))
        .chain(
            report
                .warnings
                .iter()
                .map(|v| format!("warning {}: {}", v.code, v.message)),
        )
        .collect();
    let details = json!({"ciContext": context, "plan": report});
    if !report.is_ok() {
        return Err(Failed::new(
            format!("{} violation(s): do not push", report.violations.len()),
            lines,
            details,
        ));
    }
    if tags.is_empty() {
        return Err(Failed::new("the strategy planned no tag", lines, details));
    }
    let summary = format!("{} ({} labels)", tags.join(", "), report.labels.len());
    let warn = !report.warnings.is_empty();
    Ok(Done::ok(report, summary, details).warn_if(warn).lines(lines))
}

/// Step 4: put the manifest into ECR under its digest and every planned tag it does not carry yet.
async fn push_image(
    client: &EcrClient,
    args: &Args,
    repo: &Repository,
    creds: &RegistryCredentials,
    image: &BuiltImage,
    tags: &[String],
) -> StepResult<()> {
    let (repository, digest) = (repo.repository_name.as_str(), image.digest.as_str());
    let manifest = image.manifest(args, repo, creds).await?;
    let manifest = manifest.as_str();
    let media_type = serde_json::from_str::<Value>(manifest)
        .ok()
        .and_then(|m| m.get("mediaType").and_then(Value::as_str).map(str::to_owned));
    let present: Vec<String> = match client.describe_images(repository, &[ImageId::digest(digest)]).await {
        Ok(images) => images.into_iter().flat_map(|i| i.image_tags).collect(),
        Err(Error::ImageNotFound { .. }) => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    let mut added = Vec::new();
    for tag in tags.iter().filter(|t| !present.contains(t)) {
        let id = client
            .put_image(repository, manifest, media_type.as_deref(), Some(tag), Some(digest))
            .await?;
        if id.image_digest.as_deref() != Some(digest) {
            return Err(Failed::new(
                format!("ECR stored {tag} as {:?}, expected {digest}", id.image_digest),
                Vec::new(),
                json!({}),
            ));
        }
        added.push(tag.clone());
    }
    let summary = format!(
        "{digest} tagged {} (already there: {})",
        if added.is_empty() {
            "-".to_owned()
        } else {
            added.join(", ")
        },
        if present.is_empty() {
            "-".to_owned()
        } else {
            present.join(", ")
        }
    );
    let details = json!({"digest": digest, "mediaType": media_type, "added": added, "present": present});
    Ok(Done::ok((), summary, details))
}

/// Step 5: verify the push (tags → digest in one BatchGetImage, integrity, platforms, and the image config
/// read over the registry protocol: non-root, labels, no secrets, healthcheck).
async fn verify_image(
    client: &EcrClient,
    args: &Args,
    repo: &Repository,
    creds: &RegistryCredentials,
    digest: &str,
    tags: &[String],
) -> StepResult<Verification> {
    let mut req = VerifyPushSpec {
        image: format!("{}@{digest}", repo.repository_uri),
        tags: tags.to_vec(),
        platforms: args.verify.platforms.clone(),
        warn: args.verify.warn.clone(),
        skip: args.verify.skip.clone(),
        ..Default::default()
    }
    .into_request()?;
    req.registry = Some(registry_access(args, creds));
    let v = client.verify_push(&req).await?;
    let count = |s: CheckStatus| v.report.checks.iter().filter(|c| c.status == s).count();
    let lines: Vec<String> = v
        .report
        .checks
        .iter()
        .filter(|c| c.status != CheckStatus::Skipped)
        .map(|c| {
            format!(
                "{:<11} {:<7} {}",
                c.check,
                format!("{:?}", c.status).to_lowercase(),
                c.message
            )
        })
        .collect();
    let summary = format!(
        "{} passed, {} failed, {} warned, {} skipped",
        count(CheckStatus::Passed),
        count(CheckStatus::Failed),
        count(CheckStatus::Warned),
        count(CheckStatus::Skipped)
    );
    let details = serde_json::to_value(&v.report).unwrap_or_default();
    if !v.report.passed {
        return Err(Failed::new(summary, lines, details));
    }
    let warn = count(CheckStatus::Warned) > 0;
    Ok(Done::ok(v, summary, details).warn_if(warn).lines(lines))
}

/// Step 6: the signatures and attestations of the digest, verified against the signature policy.
async fn verify_signatures(
    client: &EcrClient,
    args: &Args,
    repo: &Repository,
    creds: &RegistryCredentials,
    digest: &str,
) -> StepResult<()> {
    let opts = &args.signatures;
    let Some(path) = &opts.signature_policy else {
        return Ok(Done::ok((), "not checked: no --signature-policy", json!({"checked": false})).warn_if(true));
    };
    let mut spec = ecr_core_examples::signature_spec(
        &format!("{}@{digest}", repo.repository_uri),
        path,
        &opts.signature_keys,
        opts.trusted_root.as_deref(),
    )?;
    spec.registry_url = args.verify.registry_url.clone();
    spec.ecr_referrers = !opts.signatures_registry_only;
    let request = spec.into_request(RegistryAuth::from(creds))?;
    let decision = client.verify_signatures(&request).await?;
    let lines: Vec<String> = decision
        .requirements
        .iter()
        .map(|r| {
            let reason = r.reason.map(|x| format!(" ({})", x.as_str())).unwrap_or_default();
            format!("{} {:?}{reason}: {}", r.requirement, r.status, r.message)
        })
        .collect();
    let failed = decision
        .requirements
        .iter()
        .filter(|r| r.status == SignatureStatus::Failed)
        .count();
    let summary = format!("{} requirement(s), {failed} failed", decision.requirements.len());
    let details = signature_report::json(&decision);
    if !decision.passed {
        return Err(Failed::new(summary, lines, details));
    }
    let warn = decision
        .requirements
        .iter()
        .any(|r| r.status == SignatureStatus::Warned);
    Ok(Done::ok((), summary, details).warn_if(warn).lines(lines))
}

/// Step 7: wait for the scan of the digest (every platform of an index) and gate it on the policy.
async fn gate_scan(client: &EcrClient, opts: &ScanOptions, repository: &str, digest: &str) -> StepResult<GateDecision> {
    let policy = ScanPolicy::load(&opts.scan_policy)?;
    if !(opts.poll_interval.is_finite() && opts.poll_interval > 0.0) {
        return Err(anyhow!("--poll-interval must be a positive number of seconds").into());
    }
    let gate = GateOptions {
        wait: WaitOptions {
            timeout: Duration::from_secs(opts.scan_timeout),
            poll_interval: Duration::from_secs_f64(opts.poll_interval),
            start_basic_scan: opts.start_scan,
            ..WaitOptions::default()
        },
        ..GateOptions::default()
    };
    let decision = client
        .gate_image(repository, &ImageId::digest(digest), &policy, &gate, chrono::Utc::now())
        .await?;
    let counts = |c: &ecr_core::scan::SeverityCounts| {
        let parts: Vec<String> = c.iter().map(|(s, n)| format!("{n} {s}")).collect();
        if parts.is_empty() {
            "none".to_owned()
        } else {
            parts.join(", ")
        }
    };
    let mut lines: Vec<String> = decision
        .reasons
        .iter()
        .map(|r| format!("fail: {}", r.message))
        .collect();
    for used in decision.ignores.iter().filter(|u| u.ignored > 0) {
        let rule = &used.rule;
        lines.push(format!(
            "ignored {} ({} finding(s)): {}{}",
            rule.id,
            used.ignored,
            rule.reason.as_deref().unwrap_or("no reason given"),
            rule.expires
                .as_ref()
                .map(|e| format!(", until {}", e.text))
                .unwrap_or_default()
        ));
    }
    lines.extend(decision.warnings.iter().map(|w| format!("warning: {}", w.message)));
    let summary = format!(
        "{}: {} findings; counted {}; not counted {}",
        if decision.passed { "pass" } else { "FAIL" },
        decision.findings.len(),
        counts(&decision.counted),
        counts(&decision.not_counted)
    );
    let details = decision.to_json();
    if !decision.passed {
        return Err(Failed::new(summary, lines, details));
    }
    let warn = !decision.warnings.is_empty();
    Ok(Done::ok(decision, summary, details).warn_if(warn).lines(lines))
}

/// Step 8: preview the repository's lifecycle policy with the pushed digest protected; it is a bug if the
/// policy would still remove it.
async fn preview_lifecycle(client: &EcrClient, opts: &ScanOptions, repository: &str, digest: &str) -> StepResult<()> {
    let now = match &opts.lifecycle_at {
        Some(t) => parse_time("--lifecycle-at", t)?,
        None => chrono::Utc::now(),
    };
    let options = LifecyclePreviewOptions {
        now: Some(now),
        protected: opts.protected.iter().cloned().chain([digest.to_owned()]).collect(),
        ..LifecyclePreviewOptions::default()
    };
    let report = client.lifecycle_preview(repository, &options).await?;
    let preview = &report.preview;
    let expiring = preview.expiring_digests();
    if let Some(lost) = options.protected.iter().find(|d| expiring.contains(&d.as_str())) {
        return Err(anyhow!("the lifecycle policy would expire the protected digest {lost}").into());
    }
    let mut lines: Vec<String> = preview
        .preview_results
        .iter()
        .map(|r| {
            format!(
                "{} {} {:?} by rule {}",
                r.action.action_type.api_name(),
                r.image_digest,
                r.image_tags,
                r.applied_rule_priority
            )
        })
        .collect();
    lines.extend(preview.protected_images.iter().map(|s| {
        format!(
            "KEEP {} {:?} (protected; rule {} matched)",
            s.image_digest, s.image_tags, s.rule_priority
        )
    }));
    let summary = format!(
        "{} image(s), {} rule(s) as of {}: {} expire, {} protected, {} bytes reclaimed",
        report.images.len(),
        report.policy.rules.len(),
        now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        preview.summary.expiring_image_total_count,
        preview.protected_images.len(),
        preview.reclaimed_bytes.expire
    );
    let details = preview.to_document(&report.warnings);
    Ok(Done::ok((), summary, details)
        .warn_if(!report.warnings.is_empty())
        .lines(lines))
}

/// Step 9: the in-toto build record of the verified image, written to a file.
fn write_record(
    path: &Path,
    repo: &Repository,
    plan: &PlanReport,
    digest: &str,
    verification: &Verification,
    decision: &GateDecision,
) -> StepResult<()> {
    let label = |k: &str| plan.labels.get(k).cloned();
    let record = BuildRecord::new(BuildRecordInput {
        name: repo.repository_uri.clone(),
        digest: digest.to_owned(),
        tags: plan.tags.iter().map(|t| t.value.clone()).collect(),
        source_repository: label("org.opencontainers.image.source"),
        revision: label("org.opencontainers.image.revision"),
        build_time: label("org.opencontainers.image.created").and_then(|t| ecr_core::time::parse_str(&t)),
        builder_id: None,
        run_id: None,
        media_type: verification.media_type.clone(),
        platforms: verification.platforms.clone(),
        verified: Some(verification.report.passed && decision.passed),
    })?;
    let text = serde_json::to_string_pretty(&record).map_err(|e| anyhow!("build record: {e}"))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    std::fs::write(path, text + "\n").map_err(|e| Error::io(path, e))?;
    let summary = format!("{} ({} subject(s))", path.display(), record.subject.len());
    Ok(Done::ok((), summary, json!({"path": path, "record": record})))
}

/// Runs the steps in order; returns when one required step fails (the rest are then skipped).
async fn run(args: &Args, image: &BuiltImage, client: &EcrClient, p: &mut Pipeline) -> Option<()> {
    let repository = args.repo.repository.as_str();
    let repo = p
        .step("repository", true, ensure_repository(client, &args.repo))
        .await?;
    let creds = p
        .step("credentials", true, registry_credentials(client, &repo, &args.repo))
        .await?;
    let digest = image.digest.as_str();
    let plan = p
        .step("tag plan", true, plan_tags(client, &args.tags, repository, digest))
        .await?;
    let tags: Vec<String> = plan.tags.iter().map(|t| t.value.clone()).collect();
    p.step("push", true, push_image(client, args, &repo, &creds, image, &tags))
        .await?;
    let verification = p
        .step("verify", true, verify_image(client, args, &repo, &creds, digest, &tags))
        .await?;
    p.step(
        "signatures",
        true,
        verify_signatures(client, args, &repo, &creds, digest),
    )
    .await?;
    let decision = p
        .step("scan", true, gate_scan(client, &args.scan, repository, digest))
        .await?;
    p.step(
        "lifecycle",
        false,
        preview_lifecycle(client, &args.scan, repository, digest),
    )
    .await;
    p.step("record", true, async {
        write_record(&args.output.record, &repo, &plan, digest, &verification, &decision)
    })
    .await
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args: Args = ecr_core_examples::args();
    let mut p = Pipeline::new(args.output.json);
    let image = match BuiltImage::from_args(&args.image) {
        Ok(i) => i,
        Err(e) => return ecr_core_examples::finish("release_pipeline", Err(e)),
    };
    match EcrClient::from_env().await {
        Ok(client) => {
            if run(&args, &image, &client, &mut p).await.is_none() && p.failed.is_some() {
                p.skip_rest();
            }
        }
        Err(e) => {
            return ecr_core_examples::finish(
                "release_pipeline",
                Err(anyhow::Error::from(e).context("AWS configuration")),
            );
        }
    }
    if args.output.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&p.to_json(&args)).unwrap_or_default()
        );
    }
    let total: u128 = p.steps.iter().map(|s| s.millis).sum();
    match p.failed {
        None => {
            if !args.output.json {
                println!("pipeline passed: {} steps in {total} ms", p.steps.len());
            }
            ecr_core_examples::finish("release_pipeline", Ok(ecr_core_examples::Verdict::Pass))
        }
        Some(step) => {
            eprintln!("release_pipeline: step '{step}' failed");
            ecr_core_examples::finish("release_pipeline", Ok(ecr_core_examples::Verdict::Fail))
        }
    }
}
