//! [`EcrClient::verify_push`]: every check of a push, in one report.

use serde::Deserialize;
use serde_json::json;

use super::config::{ImageConfig, check_healthcheck, check_labels, check_non_root, check_secrets};
use super::manifest::ParsedManifest;
use super::platforms::{Platform, compare_platforms};
use super::record::PlatformDigest;
use super::referrers::check_referrers;
use super::registry::{RegistryAccess, RegistryClient};
use super::replication::{ReplicationWait, check_replication};
use super::report::{Check, CheckLevel, CheckPolicy, Finding, Report};
use super::tags::{ResolvedTags, check_integrity};
use crate::client::EcrClient;
use crate::error::{Error, Result};
use crate::reference::{ImageReference, validate_digest};

/// What to verify after a push.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VerifyPushRequest {
    /// The registry host of the image (`<account>.dkr.ecr.<region>.amazonaws.com`), used for the registry
    /// protocol unless [`RegistryAccess::url`] overrides it.
    pub registry_host: String,
    /// The repository name.
    pub repository: String,
    /// Every tag that must point at [`VerifyPushRequest::digest`].
    pub tags: Vec<String>,
    /// The digest the build produced (`sha256:...`).
    pub digest: String,
    /// The platforms the image must have, exactly (empty: no expectation).
    pub platforms: Vec<Platform>,
    /// The level of each check.
    pub checks: CheckPolicy,
    /// Registry-protocol access for the config checks (and single-arch platforms); `None`: those checks
    /// cannot run, and fail when required.
    pub registry: Option<RegistryAccess>,
    /// How to wait for replication (used when the replication check is not skipped).
    pub replication: ReplicationWait,
    /// Accepted referrer artifact types (empty: any signature or SBOM type).
    pub referrer_artifact_types: Vec<String>,
}

/// A push to verify as a caller names it (the `verify_push` program's options, the bindings' arguments): the
/// image reference gives host, repository, its tag and its digest; [`VerifyPushSpec::into_request`] makes the
/// [`VerifyPushRequest`]. Deserializes from camelCase JSON; unknown keys are refused.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct VerifyPushSpec {
    /// `HOST/REPO[:TAG][@sha256:...]`.
    pub image: String,
    /// Further tags that must point at the digest (added once each after the image's tag).
    pub tags: Vec<String>,
    /// The digest the build produced; optional when the image carries one (then they must agree).
    pub digest: Option<String>,
    /// Expected platforms, `os/arch[/variant]`.
    pub platforms: Vec<String>,
    /// Where to speak the registry protocol instead of `https://HOST`.
    pub registry_url: Option<String>,
    /// A check policy table (`{"labels": "warn", ...}`), applied before the lists below.
    pub checks: Option<serde_json::Value>,
    /// Checks that must pass (a comma list of check names).
    pub require: Option<String>,
    /// Checks that only warn.
    pub warn: Option<String>,
    /// Checks not to run.
    pub skip: Option<String>,
    /// Regions replication must reach (any makes the replication check required).
    pub replication_regions: Vec<String>,
    /// Seconds to wait for replication (default 300).
    pub replication_timeout: Option<f64>,
    /// Accepted referrer artifact types (empty: any signature or SBOM type).
    pub referrer_types: Vec<String>,
}

impl VerifyPushSpec {
    /// The request: anonymous registry access at `registry_url` (set [`VerifyPushRequest::registry`] for
    /// credentials). Bad input is [`Error::InvalidArgument`] naming the field.
    pub fn into_request(self) -> Result<VerifyPushRequest> {
        let image: ImageReference = self.image.parse()?;
        let digest = image.pinned_digest(self.digest)?;
        let mut tags: Vec<String> = image.tag().map(str::to_owned).into_iter().collect();
        for t in self.tags {
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        let platforms = self.platforms.iter().map(|p| p.parse()).collect::<Result<Vec<_>>>()?;
        let mut checks = CheckPolicy::default();
        if !self.replication_regions.is_empty() {
            checks = checks.set(Check::Replication, CheckLevel::Required);
        }
        let checks = checks
            .with_table(self.checks.as_ref().unwrap_or(&serde_json::Value::Null))?
            .with_lists(self.require.as_deref(), self.warn.as_deref(), self.skip.as_deref())?;
        let timeout = crate::time::seconds("replicationTimeout", self.replication_timeout.unwrap_or(300.0))?;
        Ok(VerifyPushRequest {
            registry_host: image.host().to_string(),
            repository: image.repository().to_owned(),
            tags,
            digest,
            platforms,
            checks,
            registry: Some(RegistryAccess {
                url: self.registry_url,
                auth: super::registry::RegistryAuth::Anonymous,
            }),
            replication: ReplicationWait {
                regions: self.replication_regions,
                timeout,
                ..Default::default()
            },
            referrer_artifact_types: self.referrer_types,
        })
    }
}

/// The outcome: the report, plus what was learnt about the image (for a build record).
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "PushVerification")]
pub struct Verification {
    /// One result per check.
    pub report: Report,
    /// The manifest media type of the verified digest, when it was found.
    pub media_type: Option<String>,
    /// For an index, each platform's manifest digest.
    pub platforms: Vec<PlatformDigest>,
}

/// The config checks, in report order.
const CONFIG_CHECKS: [Check; 4] = [Check::NonRoot, Check::Labels, Check::NoSecrets, Check::Healthcheck];

fn config_finding(check: Check, config: &ImageConfig) -> Finding {
    match check {
        Check::NonRoot => check_non_root(config),
        Check::Labels => check_labels(config),
        Check::NoSecrets => check_secrets(config),
        _ => check_healthcheck(config),
    }
}

/// Combines one check over several platform configs: ok only when ok for every one.
fn combine(findings: Vec<(String, Finding)>) -> Finding {
    if findings.len() == 1 {
        if let Some((_, f)) = findings.into_iter().next() {
            return f;
        }
        return Finding::fail("no image config", json!(null));
    }
    let ok = findings.iter().all(|(_, f)| f.ok);
    let message = findings
        .iter()
        .filter(|(_, f)| f.ok == ok)
        .map(|(p, f)| format!("{p}: {}", f.message))
        .collect::<Vec<_>>()
        .join("; ");
    let details: serde_json::Map<String, serde_json::Value> = findings
        .into_iter()
        .map(|(p, f)| (p, json!({ "ok": f.ok, "message": f.message, "details": f.details })))
        .collect();
    Finding {
        ok,
        message,
        details: serde_json::Value::Object(details),
    }
}

impl VerifyPushRequest {
    fn validate(&self) -> Result<()> {
        validate_digest(&self.digest)?;
        if self.repository.trim().is_empty() {
            return Err(Error::invalid("repository", "must not be empty"));
        }
        for (i, t) in self.tags.iter().enumerate() {
            if t.is_empty() || t.len() > 128 || t.starts_with(['.', '-']) {
                return Err(Error::invalid(
                    format!("tags[{i}]"),
                    format!("{t:?} is not a valid tag"),
                ));
            }
        }
        Ok(())
    }
}

impl EcrClient {
    /// Verifies a push: tags → digest and integrity (one BatchGetImage), platforms, image config
    /// (over the registry protocol), and optionally replication and referrers. Bad input is an error; a
    /// check that finds a problem, or cannot be evaluated, is a failed (or warned) check in the report.
    pub async fn verify_push(&self, req: &VerifyPushRequest) -> Result<Verification> {
        req.validate()?;
        let subject = format!("{}/{}@{}", req.registry_host, req.repository, req.digest);
        let mut report = Report::new(subject);
        let level = |c: Check| req.checks.level(c);

        let ResolvedTags { lookup, finding, .. } = self.resolve_tags(&req.repository, &req.tags, &req.digest).await?;
        if level(Check::Tags) == CheckLevel::Skip {
            report.skip("tags", CheckLevel::Skip, "skipped by policy");
        } else if req.tags.is_empty() {
            report.record(
                "tags",
                level(Check::Tags),
                Finding::pass("no tags expected", json!(null)),
            );
        } else {
            report.record("tags", level(Check::Tags), finding);
        }
        record_or_skip(&mut report, Check::Integrity, level(Check::Integrity), || {
            check_integrity(&lookup.images, &req.digest)
        });

        let image = lookup.images.iter().find(|i| i.digest == req.digest);
        let parsed = image.map(|i| ParsedManifest::parse(i.manifest.as_bytes()));
        let registry = match &req.registry {
            Some(access) => Some(RegistryClient::new(&req.registry_host, access)?),
            None => None,
        };

        // Configs by platform label, and the platforms found.
        let mut configs: Vec<(String, std::result::Result<ImageConfig, String>)> = Vec::new();
        let mut platform_digests = Vec::new();
        let platforms_finding: Finding = match &parsed {
            None => Finding::fail(
                format!("image {} not found in {}", req.digest, req.repository),
                json!(null),
            ),
            Some(Err(e)) => Finding::fail(format!("manifest not understood: {e}"), json!(null)),
            Some(Ok(ParsedManifest::Index { entries, .. })) => {
                let mut found = Vec::new();
                for e in entries.iter().filter(|e| !e.attestation) {
                    let Some(p) = &e.platform else { continue };
                    found.push(p.clone());
                    platform_digests.push(PlatformDigest {
                        platform: p.to_string(),
                        digest: e.digest.clone(),
                    });
                    if let Some(reg) = &registry {
                        configs.push((p.to_string(), child_config(reg, &req.repository, &e.digest).await));
                    }
                }
                let attestations = entries.iter().filter(|e| e.attestation).count();
                compare_platforms(&req.platforms, &found, attestations)
            }
            Some(Ok(ParsedManifest::Image { config_digest, .. })) => match &registry {
                Some(reg) => {
                    let cfg = reg
                        .fetch_config(&req.repository, config_digest)
                        .await
                        .map_err(|e| e.to_string());
                    let f = match &cfg {
                        Ok(c) => match &c.platform {
                            Some(p) => compare_platforms(&req.platforms, std::slice::from_ref(p), 0),
                            None => Finding::fail("image config names no os/architecture", json!(null)),
                        },
                        Err(e) => Finding::fail(format!("image config not readable: {e}"), json!(null)),
                    };
                    let label = cfg
                        .as_ref()
                        .ok()
                        .and_then(|c| c.platform.as_ref())
                        .map(ToString::to_string)
                        .unwrap_or_else(|| "image".to_owned());
                    configs.push((label, cfg));
                    f
                }
                None => Finding::fail(
                    "single-platform manifest: its platform is in the config blob, which needs registry access",
                    json!(null),
                ),
            },
        };
        if level(Check::Platforms) == CheckLevel::Skip {
            report.skip("platforms", CheckLevel::Skip, "skipped by policy");
        } else {
            report.record("platforms", level(Check::Platforms), platforms_finding);
        }

        for check in CONFIG_CHECKS {
            let lv = level(check);
            if lv == CheckLevel::Skip {
                report.skip(check.as_str(), lv, "skipped by policy");
                continue;
            }
            let finding = if configs.is_empty() {
                let why = if image.is_none() {
                    "image not found"
                } else if registry.is_none() {
                    "no registry access to read the image config"
                } else {
                    "no platform image config found"
                };
                Finding::fail(why, json!(null))
            } else {
                combine(
                    configs
                        .iter()
                        .map(|(p, c)| {
                            let f = match c {
                                Ok(cfg) => config_finding(check, cfg),
                                Err(e) => Finding::fail(format!("image config not readable: {e}"), json!(null)),
                            };
                            (p.clone(), f)
                        })
                        .collect(),
                )
            };
            report.record(check.as_str(), lv, finding);
        }

        let lv = level(Check::Replication);
        if lv == CheckLevel::Skip {
            report.skip("replication", lv, "skipped by policy");
        } else {
            let f = match self
                .wait_for_replication(&req.repository, &req.digest, &req.replication)
                .await
            {
                Ok(s) => check_replication(&s, &req.replication.regions),
                Err(e) => Finding::fail(
                    format!("replication status unavailable: {e}"),
                    json!({"code": e.code()}),
                ),
            };
            report.record("replication", lv, f);
        }

        let lv = level(Check::Referrers);
        if lv == CheckLevel::Skip {
            report.skip("referrers", lv, "skipped by policy");
        } else {
            let f = match self.list_image_referrers(&req.repository, &req.digest).await {
                Ok(r) => check_referrers(&r, &req.referrer_artifact_types),
                Err(e) => Finding::fail(format!("referrers unavailable: {e}"), json!({"code": e.code()})),
            };
            report.record("referrers", lv, f);
        }

        Ok(Verification {
            report,
            media_type: parsed
                .and_then(|p| p.ok())
                .map(|p| p.media_type().to_owned())
                .or_else(|| image.and_then(|i| i.media_type.clone())),
            platforms: platform_digests,
        })
    }
}

fn record_or_skip(report: &mut Report, check: Check, level: CheckLevel, f: impl FnOnce() -> Finding) {
    if level == CheckLevel::Skip {
        report.skip(check.as_str(), level, "skipped by policy");
    } else {
        report.record(check.as_str(), level, f());
    }
}

/// The config of one platform manifest of an index, fetched over the registry protocol.
async fn child_config(
    reg: &RegistryClient,
    repository: &str,
    digest: &str,
) -> std::result::Result<ImageConfig, String> {
    let m = reg
        .fetch_manifest(repository, digest)
        .await
        .map_err(|e| e.to_string())?;
    if m.digest != digest {
        return Err(format!("manifest {digest} served bytes hashing to {}", m.digest));
    }
    match ParsedManifest::parse(&m.bytes).map_err(|e| e.to_string())? {
        ParsedManifest::Image { config_digest, .. } => reg
            .fetch_config(repository, &config_digest)
            .await
            .map_err(|e| e.to_string()),
        ParsedManifest::Index { .. } => Err(format!("{digest} is a nested index")),
    }
}
