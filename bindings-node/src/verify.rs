//! The verify capability on `EcrClient`: `verifyPush` (the `verify_push` program's report, plus what a
//! build record needs), `auditRepository` / `auditAllRepositories` / `ensureRepository` (the
//! `audit_repository` program), `imageReplicationStatus`; and the pure `buildRecord` (in-toto Statement
//! v1) and `defaultLifecyclePolicy`.

use ecr_core::Error as CoreError;
use ecr_core::verify::{
    BuildRecord, BuildRecordInput, Check, CheckPolicy, EnsureOptions, FetchedImage, ParsedManifest, PlatformDigest,
    Referrer, RegistryAuth, ReplicationStatus, ReplicationWait, VerifyPushRequest, VerifyPushSpec,
};
use napi::Env;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;

use crate::auth::{RegistryCredentials, timestamp_arg};
use crate::client::EcrClient;
use crate::conversions::{image_ids, json, platforms_arg, typed_arg};
use crate::errors::guard;
use crate::registry::ImageConfig;
use crate::tasks::{self, Hook};
use ecr_core::time::seconds;

type CoreResult<T> = std::result::Result<T, CoreError>;

/// Options of `EcrClient.verifyPush` (the `verify_push` program's flags).
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct VerifyPushOptions {
    /// Further tags that must point at the digest.
    pub tags: Option<Vec<String>>,
    /// The digest the build produced (optional when the image carries `@sha256:...`).
    pub digest: Option<String>,
    /// Expected platforms, `os/arch[/variant]` (none: no expectation).
    pub platforms: Option<Vec<String>>,
    /// Where to speak the registry protocol instead of `https://HOST` (e.g. `http://127.0.0.1:5000`).
    pub registry_url: Option<String>,
    /// Checks that must pass (comma list: tags,integrity,platforms,non-root,labels,no-secrets,healthcheck,
    /// replication,referrers).
    pub require: Option<String>,
    /// Checks that only warn (comma list).
    pub warn: Option<String>,
    /// Checks not to run (comma list).
    pub skip: Option<String>,
    /// A check policy table (`checkPolicy()`, `{ labels: "warn", ... }`), applied before the lists.
    #[napi(ts_type = "Partial<CheckPolicyTable> | null")]
    pub checks: Option<std::collections::HashMap<String, String>>,
    /// Regions replication must reach (implies `require: "replication"`).
    pub replication_regions: Option<Vec<String>>,
    /// Seconds to wait for replication (default 300).
    pub replication_timeout: Option<f64>,
    /// Accepted referrer artifact types (default: any signature or SBOM).
    pub referrer_types: Option<Vec<String>>,
}

/// The request of `verifyPush(image, options)` (see [`VerifyPushSpec`]).
fn push_request(image: String, o: VerifyPushOptions) -> CoreResult<VerifyPushRequest> {
    let checks = o
        .checks
        .map(|table| serde_json::to_value(table).map_err(|e| CoreError::invalid("checks", e.to_string())))
        .transpose()?;
    VerifyPushSpec {
        image,
        tags: o.tags.unwrap_or_default(),
        digest: o.digest,
        platforms: o.platforms.unwrap_or_default(),
        registry_url: o.registry_url,
        checks,
        require: o.require,
        warn: o.warn,
        skip: o.skip,
        replication_regions: o.replication_regions.unwrap_or_default(),
        replication_timeout: o.replication_timeout,
        referrer_types: o.referrer_types.unwrap_or_default(),
    }
    .into_request()
}

/// `EnsureOptions` from an optional object (`settings`, `lifecyclePolicy`, `apply`); missing keys keep
/// the defaults (recommended settings, the default lifecycle policy, no apply).
fn ensure_options(given: Option<Value>) -> CoreResult<EnsureOptions> {
    match given {
        None | Some(Value::Null) => Ok(EnsureOptions::default()),
        Some(given @ Value::Object(_)) => ecr_core::types::from_json(given, "options"),
        Some(_) => Err(CoreError::invalid("options", "expected an object")),
    }
}

#[napi]
impl EcrClient {
    /// Verifies a push as the `verify_push` program does: every tag → the digest, manifest integrity,
    /// platforms, image config over the registry protocol (non-root, OCI labels, no secret-looking env,
    /// healthcheck), optionally replication and referrers. `image` is `HOST/REPO[:TAG][@sha256:...]`;
    /// `credentials` (registry credentials) default to one GetAuthorizationToken call. Resolves with
    /// `{ report, mediaType, platforms }`, `report` being the program's JSON.
    #[napi(
        ts_args_type = "image: string, options?: VerifyPushOptions | null, credentials?: auth.RegistryCredentials | null",
        ts_return_type = "Promise<PushVerification>"
    )]
    pub fn verify_push<'env>(
        &self,
        env: &'env Env,
        image: String,
        options: Option<VerifyPushOptions>,
        credentials: Option<&RegistryCredentials>,
    ) -> Result<PromiseRaw<'env, Value>> {
        let mut req = guard(env, || Ok(push_request(image, options.unwrap_or_default())?))?;
        let auth = credentials.map(|c| RegistryAuth::from(&c.inner));
        tasks::start(&self.lazy, env, Hook::default(), move |c| async move {
            let auth = match auth {
                Some(a) => a,
                None => c.registry_auth().await?,
            };
            if let Some(access) = req.registry.as_mut() {
                access.auth = auth;
            }
            json(&c.verify_push(&req).await?)
        })
    }

    /// Audits one repository (tag mutability, effective scanning, encryption, lifecycle policy, repository
    /// policy): the report the `audit_repository` program prints.
    #[napi(ts_return_type = "Promise<VerifyReport>")]
    pub fn audit_repository<'env>(&self, env: &'env Env, name: String) -> Result<PromiseRaw<'env, Value>> {
        tasks::start(&self.lazy, env, Hook::default(), move |c| async move {
            json(&c.audit_repository(&name).await?)
        })
    }

    /// Audits every repository of the registry: `{ passed, repositories: [report, ...] }`.
    #[napi(ts_return_type = "Promise<AuditReport>")]
    pub fn audit_all_repositories<'env>(&self, env: &'env Env) -> Result<PromiseRaw<'env, Value>> {
        tasks::start(&self.lazy, env, Hook::default(), |c| async move {
            json(&c.audit_all_repositories().await?)
        })
    }

    /// Creates `name` with the safe defaults, or reports its drift from them, fixing it when
    /// `options.apply`. `options`: `{ settings, lifecyclePolicy, apply }` (missing keys: recommended
    /// settings, `defaultLifecyclePolicy()`, no apply; `lifecyclePolicy: null` skips the lifecycle check).
    /// Resolves with `{ repository, created, drift: [{ setting, expected, actual, fixed }] }`.
    #[napi(
        ts_args_type = "name: string, options?: EnsureOptions | null",
        ts_return_type = "Promise<EnsureOutcome>"
    )]
    pub fn ensure_repository<'env>(
        &self,
        env: &'env Env,
        name: String,
        options: Option<Value>,
    ) -> Result<PromiseRaw<'env, Value>> {
        let options = guard(env, || Ok(ensure_options(options)?))?;
        tasks::start(&self.lazy, env, Hook::default(), move |c| async move {
            json(&c.ensure_repository(&name, &options).await?)
        })
    }

    /// The replication status of an image in each destination: `[{ region, registryId, status,
    /// failureCode }]`.
    #[napi(ts_return_type = "Promise<ReplicationStatus[]>")]
    pub fn image_replication_status<'env>(
        &self,
        env: &'env Env,
        repository: String,
        digest: String,
    ) -> Result<PromiseRaw<'env, Value>> {
        tasks::start(&self.lazy, env, Hook::default(), move |c| async move {
            json(&c.image_replication_status(&repository, &digest).await?)
        })
    }
}

/// What a build record is made from (`verifyPush`'s `mediaType`, `platforms` and `report.passed` fit).
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct BuildRecordOptions {
    /// Image name without tag or digest (`HOST/REPO`).
    pub name: String,
    /// The image's (index or manifest) digest.
    pub digest: String,
    /// Tags pushed.
    pub tags: Option<Vec<String>>,
    /// Source repository URL.
    pub source_repository: Option<String>,
    /// Source revision.
    pub revision: Option<String>,
    /// Build time (RFC 3339).
    pub build_time: Option<String>,
    /// Builder id.
    pub builder_id: Option<String>,
    /// CI run id.
    pub run_id: Option<String>,
    /// Manifest media type.
    pub media_type: Option<String>,
    /// Platform manifests (`[{ platform, digest }]`).
    #[napi(ts_type = "PlatformDigest[]")]
    pub platforms: Option<Value>,
    /// The verification verdict.
    pub verified: Option<bool>,
}

/// An in-toto Statement v1 build record naming the image by digest (what `verify_push --record` writes).
#[napi(namespace = "verify", ts_return_type = "BuildRecord")]
pub fn build_record(env: Env, input: BuildRecordOptions) -> Result<Value> {
    guard(&env, || {
        let platforms: Vec<PlatformDigest> = match input.platforms {
            None | Some(Value::Null) => Vec::new(),
            Some(p) => serde_json::from_value(p).map_err(|e| CoreError::invalid("platforms", e.to_string()))?,
        };
        let record = BuildRecord::new(BuildRecordInput {
            name: input.name,
            digest: input.digest,
            tags: input.tags.unwrap_or_default(),
            source_repository: input.source_repository,
            revision: input.revision,
            build_time: input.build_time.map(|t| timestamp_arg(&t, "buildTime")).transpose()?,
            builder_id: input.builder_id,
            run_id: input.run_id,
            media_type: input.media_type,
            platforms,
            verified: input.verified,
        })?;
        json(&record)
    })
}

/// The lifecycle policy `ensureRepository` gives a new repository by default (JSON text).
#[napi(namespace = "verify")]
pub fn default_lifecycle_policy() -> String {
    ecr_core::verify::default_lifecycle_policy().to_owned()
}

/// The principals of a repository policy (JSON text) that may push or delete from outside `accountId`, or
/// are wildcards: `[{ statement, principal, actions, message }]` (what the audit's policy check flags).
#[napi(namespace = "verify", ts_return_type = "PolicyFinding[]")]
pub fn analyse_repository_policy(env: Env, text: String, account_id: String) -> Result<Value> {
    guard(&env, || {
        json(&ecr_core::verify::analyse_repository_policy(&text, &account_id)?)
    })
}

/// Checks a lifecycle policy document (JSON text) as the audit and `ensureRepository` do; throws
/// `code: "PolicyValidation"` with `errors` naming every bad field.
#[napi(namespace = "verify")]
pub fn validate_lifecycle_policy_text(env: Env, text: String) -> Result<()> {
    guard(&env, || Ok(ecr_core::verify::validate_lifecycle_policy_text(&text)?))
}

/// `sha256:<hex>` of the exact bytes (a string is taken as its UTF-8 bytes): the digest ECR gives a manifest.
#[napi(namespace = "verify", ts_args_type = "data: string | Uint8Array")]
pub fn sha256_digest(data: Either<String, Uint8Array>) -> String {
    match data {
        Either::A(s) => ecr_core::verify::sha256_digest(s.as_bytes()),
        Either::B(b) => ecr_core::verify::sha256_digest(&b),
    }
}

// --- the individual checks and the lookups behind them ---

/// The non-root check of `verifyPush` on a parsed config: `{ ok, message, details }`.
#[napi(namespace = "verify", ts_return_type = "VerifyFinding")]
pub fn check_non_root(env: Env, config: &ImageConfig) -> Result<Value> {
    guard(&env, || json(&ecr_core::verify::check_non_root(&config.inner)))
}

/// The OCI-labels check (revision, source, created present): `{ ok, message, details }`.
#[napi(namespace = "verify", ts_return_type = "VerifyFinding")]
pub fn check_labels(env: Env, config: &ImageConfig) -> Result<Value> {
    guard(&env, || json(&ecr_core::verify::check_labels(&config.inner)))
}

/// The no-secrets check (no secret-looking environment variable; names only, never values).
#[napi(namespace = "verify", ts_return_type = "VerifyFinding")]
pub fn check_secrets(env: Env, config: &ImageConfig) -> Result<Value> {
    guard(&env, || json(&ecr_core::verify::check_secrets(&config.inner)))
}

/// The healthcheck check (a healthcheck is declared).
#[napi(namespace = "verify", ts_return_type = "VerifyFinding")]
pub fn check_healthcheck(env: Env, config: &ImageConfig) -> Result<Value> {
    guard(&env, || json(&ecr_core::verify::check_healthcheck(&config.inner)))
}

/// True when `user` runs as root: empty (the default), `root`, or uid `0`, with or without a group.
#[napi(namespace = "verify")]
pub fn is_root_user(user: String) -> bool {
    ecr_core::verify::is_root_user(&user)
}

/// The names of the secret-looking variables among `NAME=value` strings (never the values).
#[napi(namespace = "verify")]
pub fn secret_like_env_names(env: Vec<String>) -> Vec<String> {
    ecr_core::verify::secret_like_env_names(&env)
}

/// The integrity check: every image's digest is the sha256 of its exact `manifest` text, and
/// `expectedDigest` is among them. `images`: `batchGetImages(...).images`.
#[napi(
    namespace = "verify",
    ts_args_type = "images: FetchedImage[], expectedDigest: string",
    ts_return_type = "VerifyFinding"
)]
pub fn check_integrity(env: Env, images: Value, expected_digest: String) -> Result<Value> {
    guard(&env, || {
        let images: Vec<FetchedImage> = typed_arg(images, "images")?;
        json(&ecr_core::verify::check_integrity(&images, &expected_digest))
    })
}

/// The platforms check: `expected` and `found` are `os/arch[/variant]` (compared as runtimes select them,
/// `arm64` ≡ `arm64/v8`); `attestations` is how many attestation entries the index had (default 0).
#[napi(namespace = "verify", ts_return_type = "VerifyFinding")]
pub fn compare_platforms(
    env: Env,
    expected: Vec<String>,
    found: Vec<String>,
    attestations: Option<u32>,
) -> Result<Value> {
    guard(&env, || {
        let expected = platforms_arg(&expected)?;
        let found = platforms_arg(&found)?;
        json(&ecr_core::verify::compare_platforms(
            &expected,
            &found,
            attestations.unwrap_or(0) as usize,
        ))
    })
}

/// The replication check: every region of `regions` (empty: every reported destination) COMPLETE.
/// `statuses`: `imageReplicationStatus(...)` / `waitForReplication(...)`.
#[napi(
    namespace = "verify",
    ts_args_type = "statuses: ReplicationStatus[], regions?: string[] | null",
    ts_return_type = "VerifyFinding"
)]
pub fn check_replication(env: Env, statuses: Value, regions: Option<Vec<String>>) -> Result<Value> {
    guard(&env, || {
        let statuses: Vec<ReplicationStatus> = typed_arg(statuses, "statuses")?;
        json(&ecr_core::verify::check_replication(
            &statuses,
            &regions.unwrap_or_default(),
        ))
    })
}

/// The referrers check: a referrer whose artifact type is one of `wanted` (empty: any signature or SBOM
/// type). `referrers`: `listImageReferrers(...)`.
#[napi(
    namespace = "verify",
    ts_args_type = "referrers: Referrer[], wanted?: string[] | null",
    ts_return_type = "VerifyFinding"
)]
pub fn check_referrers(env: Env, referrers: Value, wanted: Option<Vec<String>>) -> Result<Value> {
    guard(&env, || {
        let referrers: Vec<Referrer> = typed_arg(referrers, "referrers")?;
        json(&ecr_core::verify::check_referrers(
            &referrers,
            &wanted.unwrap_or_default(),
        ))
    })
}

/// Parses manifest bytes (OCI index/manifest, Docker list/manifest): `{ kind: "index", mediaType, entries }`
/// or `{ kind: "image", mediaType, configDigest, configMediaType }`.
#[napi(
    namespace = "verify",
    ts_args_type = "data: string | Uint8Array",
    ts_return_type = "ParsedManifest"
)]
pub fn parse_manifest(env: Env, data: Either<String, Uint8Array>) -> Result<Value> {
    guard(&env, || {
        let parsed = match &data {
            Either::A(s) => ParsedManifest::parse(s.as_bytes())?,
            Either::B(b) => ParsedManifest::parse(b)?,
        };
        json(&parsed)
    })
}

/// Options of `EcrClient.waitForReplication`.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct WaitForReplicationOptions {
    /// Regions that must be COMPLETE (none: every destination ECR reports).
    pub regions: Option<Vec<String>>,
    /// Seconds to wait at most (default 300).
    pub timeout: Option<f64>,
    /// Seconds between polls (default 10).
    pub interval: Option<f64>,
}

fn replication_wait(o: WaitForReplicationOptions) -> CoreResult<ReplicationWait> {
    Ok(ReplicationWait {
        regions: o.regions.unwrap_or_default(),
        timeout: seconds("timeout", o.timeout.unwrap_or(300.0))?,
        interval: seconds("interval", o.interval.unwrap_or(10.0))?,
    })
}

#[napi]
impl EcrClient {
    /// Polls the replication status of an image until no required destination is `IN_PROGRESS` or the
    /// timeout has passed; resolves with the last statuses seen (judge them with `checkReplication`).
    #[napi(
        ts_args_type = "repository: string, digest: string, options?: WaitForReplicationOptions | null",
        ts_return_type = "Promise<ReplicationStatus[]>"
    )]
    pub fn wait_for_replication<'env>(
        &self,
        env: &'env Env,
        repository: String,
        digest: String,
        options: Option<WaitForReplicationOptions>,
    ) -> Result<PromiseRaw<'env, Value>> {
        let wait = guard(env, || Ok(replication_wait(options.unwrap_or_default())?))?;
        tasks::start(&self.lazy, env, Hook::default(), move |c| async move {
            json(&c.wait_for_replication(&repository, &digest, &wait).await?)
        })
    }

    /// Every referrer (signature, SBOM, ...) ECR stores for `digest`: `[{ digest, mediaType, artifactType,
    /// size, annotations, artifactStatus }]`.
    #[napi(ts_return_type = "Promise<Referrer[]>")]
    pub fn list_image_referrers<'env>(
        &self,
        env: &'env Env,
        repository: String,
        digest: String,
    ) -> Result<PromiseRaw<'env, Value>> {
        tasks::start(&self.lazy, env, Hook::default(), move |c| async move {
            json(&c.list_image_referrers(&repository, &digest).await?)
        })
    }

    /// BatchGetImage for `imageIds` (tags or digests, strings or `{ imageTag }` / `{ imageDigest }`), every
    /// manifest and index media type accepted: `{ images: [{ imageId, digest, manifest, mediaType }],
    /// failures: [{ imageId, code, reason }] }`.
    #[napi(
        ts_args_type = "repository: string, imageIds: Array<ImageId | string>",
        ts_return_type = "Promise<ImageLookup>"
    )]
    pub fn batch_get_images<'env>(
        &self,
        env: &'env Env,
        repository: String,
        ids: Value,
    ) -> Result<PromiseRaw<'env, Value>> {
        let ids = guard(env, || Ok(image_ids(Some(ids))?))?;
        tasks::start(&self.lazy, env, Hook::default(), move |c| async move {
            json(&c.batch_get_images(&repository, &ids).await?)
        })
    }

    /// Resolves every tag and `digest` in one BatchGetImage: `{ lookup, resolution: { ok, problems },
    /// finding }` (`finding` is the tags check of `verifyPush`).
    #[napi(ts_return_type = "Promise<ResolvedTags>")]
    pub fn resolve_tags<'env>(
        &self,
        env: &'env Env,
        repository: String,
        tags: Vec<String>,
        digest: String,
    ) -> Result<PromiseRaw<'env, Value>> {
        tasks::start(&self.lazy, env, Hook::default(), move |c| async move {
            json(&c.resolve_tags(&repository, &tags, &digest).await?)
        })
    }
}

/// The platform children of an index manifest (JSON text): `[{ digest, platform, mediaType }]`,
/// attestations and unknown platforms left out (what the scan gate reads an index with).
#[napi(
    namespace = "verify",
    ts_return_type = "Array<{ digest: string; platform: string; mediaType?: string }>"
)]
pub fn index_children(env: Env, manifest: String) -> Result<Value> {
    guard(&env, || json(&ecr_core::scan::ecr::index_children(&manifest)?))
}

#[napi]
impl EcrClient {
    /// The effective scanning configuration of a repository (what the audit reads): `{ scanFrequency,
    /// scanOnPush, appliedFilters }`.
    #[napi(ts_return_type = "Promise<RepositoryScanning>")]
    pub fn repository_scanning<'env>(&self, env: &'env Env, repository: String) -> Result<PromiseRaw<'env, Value>> {
        tasks::start(&self.lazy, env, Hook::default(), move |c| async move {
            json(&c.repository_scanning(&repository).await?)
        })
    }

    /// The repository's lifecycle policy text, `null` when it has none.
    #[napi(ts_return_type = "Promise<string | null>")]
    pub fn lifecycle_policy_text<'env>(
        &self,
        env: &'env Env,
        repository: String,
    ) -> Result<PromiseRaw<'env, Option<String>>> {
        tasks::start(&self.lazy, env, Hook::default(), move |c| async move {
            Ok(c.lifecycle_policy_text(&repository).await?)
        })
    }

    /// The repository policy text, `null` when it has none.
    #[napi(ts_return_type = "Promise<string | null>")]
    pub fn repository_policy_text<'env>(
        &self,
        env: &'env Env,
        repository: String,
    ) -> Result<PromiseRaw<'env, Option<String>>> {
        tasks::start(&self.lazy, env, Hook::default(), move |c| async move {
            Ok(c.repository_policy_text(&repository).await?)
        })
    }
}

// --- verify: the check policy table ---

/// `policy` with a table of levels (`{ labels: "warn", ... }`) and then the comma lists applied.
fn policy_with(
    policy: CheckPolicy,
    table: Option<&std::collections::HashMap<String, String>>,
    require: Option<String>,
    warn: Option<String>,
    skip: Option<String>,
) -> CoreResult<CheckPolicy> {
    let table = serde_json::to_value(table).unwrap_or(Value::Null);
    policy
        .with_table(&table)?
        .with_lists(require.as_deref(), warn.as_deref(), skip.as_deref())
}

/// Options of `checkPolicy`: comma lists of check names applied after the table.
#[napi(object)]
#[derive(Debug, Clone, Default)]
pub struct CheckPolicyOptions {
    /// Checks that must pass (comma list).
    pub require: Option<String>,
    /// Checks that only warn (comma list).
    pub warn: Option<String>,
    /// Checks not to run (comma list).
    pub skip: Option<String>,
}

/// The default check policy of `verifyPush`, in report order: the image-identity and config safety checks
/// `required`, `healthcheck` `warn`, `replication` and `referrers` `skip`.
#[napi(namespace = "verify", ts_return_type = "CheckPolicyTable")]
pub fn default_check_policy() -> Value {
    CheckPolicy::default().to_table()
}

/// Builds a full check policy table for `verifyPush({ checks })`: the defaults, then `levels` (check name
/// to `"required"` / `"warn"` / `"skip"`), then the comma lists of `options`. Unknown check names or levels
/// throw `code: "InvalidArgument"`.
#[napi(
    namespace = "verify",
    ts_args_type = "levels?: Partial<CheckPolicyTable> | null, options?: CheckPolicyOptions | null",
    ts_return_type = "CheckPolicyTable"
)]
pub fn check_policy(
    env: &Env,
    levels: Option<std::collections::HashMap<String, String>>,
    options: Option<CheckPolicyOptions>,
) -> Result<Value> {
    let o = options.unwrap_or_default();
    guard(env, || {
        let policy = policy_with(CheckPolicy::default(), levels.as_ref(), o.require, o.warn, o.skip)?;
        Ok(policy.to_table())
    })
}

/// The names of every check, in report order.
#[napi(namespace = "verify", ts_return_type = "CheckName[]")]
pub fn check_names() -> Vec<&'static str> {
    Check::ALL.iter().map(|c| c.as_str()).collect()
}

/// A platform (`os/arch[/variant]`) in its comparison form: lowercase, `x86_64` → `amd64`, `aarch64` →
/// `arm64`, default variants (`arm64/v8`, `amd64/v1`) dropped. Throws `code: "InvalidArgument"`.
#[napi(namespace = "verify")]
pub fn normalize_platform(env: &Env, platform: String) -> Result<String> {
    guard(env, || {
        let p: ecr_core::verify::Platform = platform.parse()?;
        Ok(p.normalized().to_string())
    })
}
