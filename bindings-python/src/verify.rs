//! The verify capability on both clients: `verify_push` (the `verify_push` program's report, plus what a
//! build record needs), `audit_repository` / `audit_all_repositories` / `ensure_repository` (the
//! `audit_repository` program), `image_replication_status`; and the pure `build_record` (in-toto Statement
//! v1) and `default_lifecycle_policy`.

use ecr_core::Error;
use ecr_core::verify::{
    BuildRecord, BuildRecordInput, Check, CheckPolicy, EnsureOptions, FetchedImage, ParsedManifest, PlatformDigest,
    Referrer, RegistryAuth, ReplicationStatus, ReplicationWait, VerifyPushRequest, VerifyPushSpec,
};
use pyo3::prelude::*;
use serde_json::Value;

use crate::auth::{PyRegistryCredentials, timestamp_arg};
use crate::conversions::{Json, bytes_arg, from_py, image_ids_arg, platforms_arg, typed_arg};
use crate::errors::{Failure, guard};
use crate::registry::PyImageConfig;
use crate::tasks::{Op, client_methods};

/// The request of `verify_push`, built as the `verify_push` program builds it: the image reference gives
/// host, repository, its tag and digest (`digest` must agree); further tags are added once each.
struct PushArgs {
    request: VerifyPushRequest,
    /// Registry credentials given by the caller; `None`: one GetAuthorizationToken call.
    auth: Option<RegistryAuth>,
}

/// `EnsureOptions` from an optional dict (`settings`, `lifecyclePolicy`, `apply`); missing keys keep the
/// defaults (recommended settings, the default lifecycle policy, no apply).
fn ensure_options(given: Option<Value>) -> Result<EnsureOptions, Error> {
    match given {
        None | Some(Value::Null) => Ok(EnsureOptions::default()),
        Some(given @ Value::Object(_)) => ecr_core::types::from_json(given, "options"),
        Some(_) => Err(Error::invalid("options", "expected a dict")),
    }
}

mod ops {
    use ecr_core::EcrClient;
    use ecr_core::verify::EnsureOptions;

    use super::PushArgs;
    use crate::conversions::Json;
    use crate::errors::Failure;

    pub(super) async fn verify_push(client: EcrClient, a: PushArgs) -> Result<Json, Failure> {
        let mut req = a.request;
        let auth = match a.auth {
            Some(auth) => auth,
            None => client.registry_auth().await?,
        };
        if let Some(access) = req.registry.as_mut() {
            access.auth = auth;
        }
        Ok(Json::of(client.verify_push(&req).await?))
    }

    pub(super) async fn audit_repository(client: EcrClient, name: String) -> Result<Json, Failure> {
        Ok(Json::of(client.audit_repository(&name).await?))
    }

    pub(super) async fn audit_all_repositories(client: EcrClient) -> Result<Json, Failure> {
        Ok(Json::of(client.audit_all_repositories().await?))
    }

    pub(super) async fn ensure_repository(
        client: EcrClient,
        name: String,
        options: EnsureOptions,
    ) -> Result<Json, Failure> {
        Ok(Json::of(client.ensure_repository(&name, &options).await?))
    }

    pub(super) async fn image_replication_status(
        client: EcrClient,
        repository: String,
        digest: String,
    ) -> Result<Json, Failure> {
        Ok(Json::of(client.image_replication_status(&repository, &digest).await?))
    }
}

/// Builds the `verify_push` arguments (shared by both clients).
#[allow(clippy::too_many_arguments)]
fn push_args(
    image: &str,
    tags: Vec<String>,
    digest: Option<String>,
    platforms: Vec<String>,
    registry_url: Option<String>,
    registry_credentials: Option<&PyRegistryCredentials>,
    require: Option<String>,
    warn: Option<String>,
    skip: Option<String>,
    checks: Option<&Bound<'_, PyAny>>,
    replication_regions: Vec<String>,
    replication_timeout: f64,
    referrer_types: Vec<String>,
) -> Result<PushArgs, Error> {
    let checks = checks
        .filter(|c| !c.is_none())
        .map(|c| from_py(c, "checks"))
        .transpose()?;
    let request = VerifyPushSpec {
        image: image.to_owned(),
        tags,
        digest,
        platforms,
        registry_url,
        require,
        warn,
        skip,
        checks,
        replication_regions,
        replication_timeout: Some(replication_timeout),
        referrer_types,
    }
    .into_request()?;
    Ok(PushArgs {
        request,
        auth: registry_credentials.map(|c| RegistryAuth::from(&c.inner)),
    })
}

fn ensure_arg(options: Option<&Bound<'_, PyAny>>) -> Result<EnsureOptions, Error> {
    ensure_options(
        options
            .filter(|o| !o.is_none())
            .map(|o| from_py(o, "options"))
            .transpose()?,
    )
}

client_methods! {
    /// Verifies a push as the `verify_push` program does: every tag → `digest`, manifest integrity,
    /// `platforms` (`os/arch[/variant]`), image config over the registry protocol (non-root, OCI labels, no
    /// secret-looking env, healthcheck), optionally replication and referrers. `image` is
    /// `HOST/REPO[:TAG][@sha256:...]`; `checks` is a check policy table (`check_policy()`, a dict of check
    /// name to `"required"`/`"warn"`/`"skip"`); `require` / `warn` / `skip` are comma lists of check names applied after it;
    /// `registry_url` redirects the registry protocol (e.g. `http://127.0.0.1:5000`);
    /// `registry_credentials` (a `RegistryCredentials`) default to one GetAuthorizationToken call.
    /// Returns `{"report": <the program's JSON>, "mediaType", "platforms"}`.
    #[pyo3(signature = (image, *, tags=Vec::new(), digest=None, platforms=Vec::new(), registry_url=None,
        registry_credentials=None, require=None, warn=None, skip=None, checks=None, replication_regions=Vec::new(),
        replication_timeout=300.0, referrer_types=Vec::new()))]
    #[allow(clippy::too_many_arguments)]
    fn verify_push(
        &self,
        py,
        image: &str,
        tags: Vec<String>,
        digest: Option<String>,
        platforms: Vec<String>,
        registry_url: Option<String>,
        registry_credentials: Option<&PyRegistryCredentials>,
        require: Option<String>,
        warn: Option<String>,
        skip: Option<String>,
        checks: Option<&Bound<'_, PyAny>>,
        replication_regions: Vec<String>,
        replication_timeout: f64,
        referrer_types: Vec<String>,
    ) -> Json {
        let args = push_args(
            image,
            tags,
            digest,
            platforms,
            registry_url,
            registry_credentials,
            require,
            warn,
            skip,
            checks,
            replication_regions,
            replication_timeout,
            referrer_types,
        )
        .map_err(Failure::from)?;
        Ok(Op::new(move |c| ops::verify_push(c, args)))
    }

    /// Audits one repository (tag mutability, effective scanning, encryption, lifecycle policy, repository
    /// policy): the report the `audit_repository` program prints.
    fn audit_repository(&self, py, name: String) -> Json {
        Ok(Op::new(move |c| ops::audit_repository(c, name)))
    }

    /// Audits every repository of the registry: `{"passed", "repositories": [report, ...]}`.
    fn audit_all_repositories(&self, py) -> Json {
        Ok(Op::new(ops::audit_all_repositories))
    }

    /// Creates `name` with the safe defaults, or reports its drift from them, fixing it when
    /// `options["apply"]` is true. `options`: `{"settings", "lifecyclePolicy", "apply"}` (missing keys:
    /// recommended settings, `default_lifecycle_policy()`, no apply; `lifecyclePolicy: None` skips the
    /// lifecycle check). Returns `{"repository", "created", "drift": [{"setting", "expected", "actual",
    /// "fixed"}]}`.
    #[pyo3(signature = (name, options=None))]
    fn ensure_repository(&self, py, name: String, options: Option<&Bound<'_, PyAny>>) -> Json {
        let options = ensure_arg(options).map_err(Failure::from)?;
        Ok(Op::new(move |c| {
            ops::ensure_repository(c, name, options)
        }))
    }

    /// The replication status of an image in each destination: `[{"region", "registryId", "status",
    /// "failureCode"}]`.
    fn image_replication_status(&self, py, repository: String, digest: String) -> Json {
        Ok(Op::new(move |c| {
            ops::image_replication_status(c, repository, digest)
        }))
    }
}

/// An in-toto Statement v1 build record naming the image by digest (what `verify_push --record` writes):
/// `name` is `HOST/REPO`; `platforms` the `verify_push` result's `platforms`; `build_time` RFC 3339.
#[pyfunction]
#[pyo3(signature = (name, digest, *, tags=Vec::new(), source_repository=None, revision=None, build_time=None,
    builder_id=None, run_id=None, media_type=None, platforms=None, verified=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn build_record(
    name: String,
    digest: String,
    tags: Vec<String>,
    source_repository: Option<String>,
    revision: Option<String>,
    build_time: Option<&str>,
    builder_id: Option<String>,
    run_id: Option<String>,
    media_type: Option<String>,
    platforms: Option<&Bound<'_, PyAny>>,
    verified: Option<bool>,
) -> PyResult<Json> {
    guard(|| {
        let run = || -> Result<BuildRecord, Error> {
            let platforms: Vec<PlatformDigest> = match platforms.filter(|p| !p.is_none()) {
                Some(p) => serde_json::from_value(from_py(p, "platforms")?)
                    .map_err(|e| Error::invalid("platforms", e.to_string()))?,
                None => Vec::new(),
            };
            BuildRecord::new(BuildRecordInput {
                name,
                digest,
                tags,
                source_repository,
                revision,
                build_time: build_time.map(|t| timestamp_arg(t, "build_time")).transpose()?,
                builder_id,
                run_id,
                media_type,
                platforms,
                verified,
            })
        };
        Ok(Json::of(run().map_err(Failure::from)?))
    })
}

/// The lifecycle policy `ensure_repository` gives a new repository by default (JSON text).
#[pyfunction]
pub(crate) fn default_lifecycle_policy() -> &'static str {
    ecr_core::verify::default_lifecycle_policy()
}

/// The principals of a repository policy (JSON text) that may push or delete from outside `account_id`, or
/// are wildcards: `[{"statement", "principal", "actions", "message"}]` (what the audit's policy check flags).
#[pyfunction]
pub(crate) fn analyse_repository_policy(text: &str, account_id: &str) -> PyResult<Json> {
    guard(|| {
        let findings = ecr_core::verify::analyse_repository_policy(text, account_id).map_err(Failure::from)?;
        Ok(Json::of(findings))
    })
}

/// Checks a lifecycle policy document (JSON text) as the audit and `ensure_repository` do; raises
/// `PolicyValidationError` naming every bad field.
#[pyfunction]
pub(crate) fn validate_lifecycle_policy_text(text: &str) -> PyResult<()> {
    guard(|| Ok(ecr_core::verify::validate_lifecycle_policy_text(text).map_err(Failure::from)?))
}

/// `sha256:<hex>` of the exact bytes (a `str` is taken as its UTF-8 bytes): the digest ECR gives a manifest.
#[pyfunction]
pub(crate) fn sha256_digest(data: &Bound<'_, PyAny>) -> PyResult<String> {
    guard(|| {
        let bytes: Vec<u8> = match data.extract::<String>() {
            Ok(s) => s.into_bytes(),
            Err(_) => data.extract::<Vec<u8>>()?,
        };
        Ok(ecr_core::verify::sha256_digest(&bytes))
    })
}

// --- the individual checks and the lookups behind them ---

/// The non-root check of `verify_push` on a parsed config: `{"ok", "message", "details"}`.
#[pyfunction]
pub(crate) fn check_non_root(config: &PyImageConfig) -> PyResult<Json> {
    guard(|| Ok(Json::of(ecr_core::verify::check_non_root(&config.inner))))
}

/// The OCI-labels check (revision, source, created present): `{"ok", "message", "details"}`.
#[pyfunction]
pub(crate) fn check_labels(config: &PyImageConfig) -> PyResult<Json> {
    guard(|| Ok(Json::of(ecr_core::verify::check_labels(&config.inner))))
}

/// The no-secrets check (no secret-looking environment variable; names only, never values).
#[pyfunction]
pub(crate) fn check_secrets(config: &PyImageConfig) -> PyResult<Json> {
    guard(|| Ok(Json::of(ecr_core::verify::check_secrets(&config.inner))))
}

/// The healthcheck check (a healthcheck is declared).
#[pyfunction]
pub(crate) fn check_healthcheck(config: &PyImageConfig) -> PyResult<Json> {
    guard(|| Ok(Json::of(ecr_core::verify::check_healthcheck(&config.inner))))
}

/// True when `user` runs as root: empty (the default), `root`, or uid `0`, with or without a group.
#[pyfunction]
pub(crate) fn is_root_user(user: &str) -> bool {
    ecr_core::verify::is_root_user(user)
}

/// The names of the secret-looking variables among `NAME=value` strings (never the values).
#[pyfunction]
pub(crate) fn secret_like_env_names(env: Vec<String>) -> Vec<String> {
    ecr_core::verify::secret_like_env_names(&env)
}

/// The integrity check: every image's digest is the sha256 of its exact `manifest` text, and
/// `expected_digest` is among them. `images`: `batch_get_images(...)["images"]`.
#[pyfunction]
pub(crate) fn check_integrity(images: &Bound<'_, PyAny>, expected_digest: &str) -> PyResult<Json> {
    guard(|| {
        let images: Vec<FetchedImage> = typed_arg(images, "images").map_err(Failure::from)?;
        Ok(Json::of(ecr_core::verify::check_integrity(&images, expected_digest)))
    })
}

/// The platforms check: `expected` and `found` are `os/arch[/variant]` (compared as runtimes select them,
/// `arm64` ≡ `arm64/v8`); `attestations` is how many attestation entries the index had.
#[pyfunction]
#[pyo3(signature = (expected, found, attestations=0))]
pub(crate) fn compare_platforms(expected: Vec<String>, found: Vec<String>, attestations: usize) -> PyResult<Json> {
    guard(|| {
        let expected = platforms_arg(&expected).map_err(Failure::from)?;
        let found = platforms_arg(&found).map_err(Failure::from)?;
        Ok(Json::of(ecr_core::verify::compare_platforms(
            &expected,
            &found,
            attestations,
        )))
    })
}

/// The replication check: every region of `regions` (empty: every reported destination) COMPLETE.
/// `statuses`: `image_replication_status(...)` / `wait_for_replication(...)`.
#[pyfunction]
#[pyo3(signature = (statuses, regions=Vec::new()))]
pub(crate) fn check_replication(statuses: &Bound<'_, PyAny>, regions: Vec<String>) -> PyResult<Json> {
    guard(|| {
        let statuses: Vec<ReplicationStatus> = typed_arg(statuses, "statuses").map_err(Failure::from)?;
        Ok(Json::of(ecr_core::verify::check_replication(&statuses, &regions)))
    })
}

/// The referrers check: a referrer whose artifact type is one of `wanted` (empty: any signature or SBOM
/// type). `referrers`: `list_image_referrers(...)`.
#[pyfunction]
#[pyo3(signature = (referrers, wanted=Vec::new()))]
pub(crate) fn check_referrers(referrers: &Bound<'_, PyAny>, wanted: Vec<String>) -> PyResult<Json> {
    guard(|| {
        let referrers: Vec<Referrer> = typed_arg(referrers, "referrers").map_err(Failure::from)?;
        Ok(Json::of(ecr_core::verify::check_referrers(&referrers, &wanted)))
    })
}

/// Parses manifest bytes (OCI index/manifest, Docker list/manifest): `{"kind": "index", "mediaType",
/// "entries"}` or `{"kind": "image", "mediaType", "configDigest", "configMediaType"}`.
#[pyfunction]
pub(crate) fn parse_manifest(data: &Bound<'_, PyAny>) -> PyResult<Json> {
    guard(|| {
        let bytes = bytes_arg(data)?;
        Ok(Json::of(ParsedManifest::parse(&bytes).map_err(Failure::from)?))
    })
}

/// How long `wait_for_replication` waits.
fn replication_wait(regions: Vec<String>, timeout: f64, interval: f64) -> Result<ReplicationWait, Error> {
    Ok(ReplicationWait {
        regions,
        timeout: ecr_core::time::seconds("timeout", timeout)?,
        interval: ecr_core::time::seconds("interval", interval)?,
    })
}

mod lookups {
    use ecr_core::EcrClient;
    use ecr_core::types::ImageId;
    use ecr_core::verify::ReplicationWait;

    use crate::conversions::Json;
    use crate::errors::Failure;

    pub(super) async fn wait_for_replication(
        client: EcrClient,
        repository: String,
        digest: String,
        wait: ReplicationWait,
    ) -> Result<Json, Failure> {
        Ok(Json::of(
            client.wait_for_replication(&repository, &digest, &wait).await?,
        ))
    }

    pub(super) async fn list_image_referrers(
        client: EcrClient,
        repository: String,
        digest: String,
    ) -> Result<Json, Failure> {
        Ok(Json::of(client.list_image_referrers(&repository, &digest).await?))
    }

    pub(super) async fn batch_get_images(
        client: EcrClient,
        repository: String,
        ids: Vec<ImageId>,
    ) -> Result<Json, Failure> {
        Ok(Json::of(client.batch_get_images(&repository, &ids).await?))
    }

    pub(super) async fn resolve_tags(
        client: EcrClient,
        repository: String,
        tags: Vec<String>,
        digest: String,
    ) -> Result<Json, Failure> {
        Ok(Json::of(client.resolve_tags(&repository, &tags, &digest).await?))
    }
}

client_methods! {
    /// Polls the replication status of an image until no required destination is `IN_PROGRESS` or
    /// `timeout` seconds have passed; returns the last statuses seen (judge them with `check_replication`).
    #[pyo3(signature = (repository, digest, *, regions=Vec::new(), timeout=300.0, interval=10.0))]
    fn wait_for_replication(
        &self,
        py,
        repository: String,
        digest: String,
        regions: Vec<String>,
        timeout: f64,
        interval: f64,
    ) -> Json {
        let wait = replication_wait(regions, timeout, interval).map_err(Failure::from)?;
        Ok(Op::new(move |c| {
            lookups::wait_for_replication(c, repository, digest, wait)
        }))
    }

    /// Every referrer (signature, SBOM, ...) ECR stores for `digest`: `[{"digest", "mediaType",
    /// "artifactType", "size", "annotations", "artifactStatus"}]`.
    fn list_image_referrers(&self, py, repository: String, digest: String) -> Json {
        Ok(Op::new(move |c| {
            lookups::list_image_referrers(c, repository, digest)
        }))
    }

    /// BatchGetImage for `image_ids` (tags or digests), every manifest and index media type accepted:
    /// `{"images": [{"imageId", "digest", "manifest", "mediaType"}], "failures": [{"imageId", "code",
    /// "reason"}]}`.
    fn batch_get_images(&self, py, repository: String, image_ids: &Bound<'_, PyAny>) -> Json {
        let ids = image_ids_arg(Some(image_ids)).map_err(Failure::from)?;
        Ok(Op::new(move |c| {
            lookups::batch_get_images(c, repository, ids)
        }))
    }

    /// Resolves every tag and `digest` in one BatchGetImage: `{"lookup", "resolution": {"ok", "problems"},
    /// "finding"}` (`finding` is the tags check of `verify_push`).
    fn resolve_tags(&self, py, repository: String, tags: Vec<String>, digest: String) -> Json {
        Ok(Op::new(move |c| {
            lookups::resolve_tags(c, repository, tags, digest)
        }))
    }
}

/// The platform children of an index manifest (JSON text): `[{"digest", "platform", "mediaType"}]`,
/// attestations and unknown platforms left out (what the scan gate reads an index with).
#[pyfunction]
pub(crate) fn index_children(manifest: &str) -> PyResult<Json> {
    guard(|| {
        Ok(Json::of(
            ecr_core::scan::ecr::index_children(manifest).map_err(Failure::from)?,
        ))
    })
}

mod audit_reads {
    use ecr_core::EcrClient;
    use serde_json::Value;

    use crate::conversions::Json;
    use crate::errors::Failure;

    pub(super) async fn repository_scanning(client: EcrClient, repository: String) -> Result<Json, Failure> {
        Ok(Json::of(client.repository_scanning(&repository).await?))
    }

    pub(super) async fn lifecycle_policy_text(client: EcrClient, repository: String) -> Result<Json, Failure> {
        Ok(Json::of(
            client
                .lifecycle_policy_text(&repository)
                .await?
                .map_or(Value::Null, Value::String),
        ))
    }

    pub(super) async fn repository_policy_text(client: EcrClient, repository: String) -> Result<Json, Failure> {
        Ok(Json::of(
            client
                .repository_policy_text(&repository)
                .await?
                .map_or(Value::Null, Value::String),
        ))
    }
}

client_methods! {
    /// The effective scanning configuration of a repository (what the audit reads): `{"scanFrequency",
    /// "scanOnPush", "appliedFilters"}`.
    fn repository_scanning(&self, py, repository: String) -> Json {
        Ok(Op::new(move |c| {
            audit_reads::repository_scanning(c, repository)
        }))
    }

    /// The repository's lifecycle policy text, `None` when it has none.
    fn lifecycle_policy_text(&self, py, repository: String) -> Json {
        Ok(Op::new(move |c| {
            audit_reads::lifecycle_policy_text(c, repository)
        }))
    }

    /// The repository policy text, `None` when it has none.
    fn repository_policy_text(&self, py, repository: String) -> Json {
        Ok(Op::new(move |c| {
            audit_reads::repository_policy_text(c, repository)
        }))
    }
}

// --- verify: the check policy table ---

/// `policy` with a table of levels (`{"labels": "warn", ...}`) and then the comma lists applied.
fn policy_with(
    policy: CheckPolicy,
    table: Option<&Value>,
    require: Option<String>,
    warn: Option<String>,
    skip: Option<String>,
) -> Result<CheckPolicy, Error> {
    policy
        .with_table(table.unwrap_or(&Value::Null))?
        .with_lists(require.as_deref(), warn.as_deref(), skip.as_deref())
}

/// The default check policy of `verify_push`, in report order: the image-identity and config safety
/// checks `required`, `healthcheck` `warn`, `replication` and `referrers` `skip`.
#[pyfunction]
pub(crate) fn default_check_policy() -> Json {
    Json::of(CheckPolicy::default().to_table())
}

/// Builds a full check policy table for `verify_push(checks=...)`: the defaults, then `levels` (a dict of
/// check name to `"required"` / `"warn"` / `"skip"`), then the comma lists `require` / `warn` / `skip`.
/// Unknown check names or levels raise `InvalidArgumentError`.
#[pyfunction]
#[pyo3(signature = (levels=None, *, require=None, warn=None, skip=None))]
pub(crate) fn check_policy(
    levels: Option<&Bound<'_, PyAny>>,
    require: Option<String>,
    warn: Option<String>,
    skip: Option<String>,
) -> PyResult<Json> {
    guard(|| {
        let table = levels
            .filter(|l| !l.is_none())
            .map(|l| from_py(l, "checks"))
            .transpose()
            .map_err(Failure::from)?;
        let policy = policy_with(CheckPolicy::default(), table.as_ref(), require, warn, skip).map_err(Failure::from)?;
        Ok(Json::of(policy.to_table()))
    })
}

/// The names of every check, in report order.
#[pyfunction]
pub(crate) fn check_names() -> Vec<&'static str> {
    Check::ALL.iter().map(|c| c.as_str()).collect()
}

/// A platform (`os/arch[/variant]`) in its comparison form: lowercase, `x86_64` → `amd64`, `aarch64` →
/// `arm64`, default variants (`arm64/v8`, `amd64/v1`) dropped. Raises `InvalidArgumentError`.
#[pyfunction]
pub(crate) fn normalize_platform(platform: &str) -> PyResult<String> {
    guard(|| {
        let p: ecr_core::verify::Platform = platform.parse().map_err(Failure::from)?;
        Ok(p.normalized().to_string())
    })
}
