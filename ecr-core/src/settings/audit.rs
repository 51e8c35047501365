//! Audit of the registry-wide configuration ([`audit_registry`]) and of one repository against the template
//! that created it, or would create it ([`template_drift`]). Both report as a [`Report`] of the verify
//! capability, so programs and bindings treat them like every other audit.

use std::collections::BTreeMap;

use serde_json::json;

use super::filter::{namespace_matches, prefix_match, rule_applies, scanning_wildcard, signing_wildcard};
use super::model::{AppliedFor, CreationTemplate, EncryptionConfiguration, ROOT, RegistrySnapshot};
use super::resolve::{ExistingRepository, covering_cache_rules, covering_templates, scanning};
use crate::lifecycle::LifecyclePolicy;
use crate::tagging::RepositoryState;
use crate::types::{Repository, TagMutability};
use crate::verify::{CheckLevel, EnsureOptions, Finding, Report};

/// The path under which ECR keeps pull-through cache credentials; a rule's secret must be named below it.
pub const CACHE_SECRET_PREFIX: &str = "ecr-pullthroughcache/";

/// Audits the registry configuration in `snapshot` against the registry's `repositories` and the tags a
/// build pushes again and again (`rolling_tags`, e.g. from a tag plan: `latest`, `1`, `1.2`, `stable`).
///
/// Required checks (the report fails): a template's lifecycle policy ECR would reject; a template that makes
/// a rolling tag immutable (the second push of that tag fails); a pull-through cache credential outside
/// `ecr-pullthroughcache/`; a repository that enhanced scanning leaves unscanned (a scan gate waits for
/// nothing). Warnings: blob mounting between repositories with different encryption (ECR mounts only
/// between identical encryption) and overlapping filters of one kind, with which one wins.
pub fn audit_registry(snapshot: &RegistrySnapshot, repositories: &[Repository], rolling_tags: &[String]) -> Report {
    let mut report = Report::new(format!(
        "registry {}",
        snapshot.registry_id.as_deref().unwrap_or("(unknown)")
    ));
    let required = CheckLevel::Required;
    for t in &snapshot.repository_creation_templates {
        report.record(
            &format!("template-lifecycle-policy[{}]", t.prefix),
            required,
            template_lifecycle(t),
        );
        report.record(
            &format!("template-rolling-tags[{}]", t.prefix),
            required,
            template_rolling_tags(t, rolling_tags),
        );
    }
    for r in &snapshot.pull_through_cache_rules {
        report.record(
            &format!("cache-rule-credential[{}]", r.ecr_repository_prefix),
            required,
            cache_credential(r.credential_arn.as_deref()),
        );
    }
    report.record(
        "enhanced-scanning-coverage",
        required,
        enhanced_coverage(snapshot, repositories),
    );
    report.record(
        "blob-mounting-encryption",
        CheckLevel::Warn,
        blob_mounting(snapshot, repositories),
    );
    report.record(
        "overlapping-filters",
        CheckLevel::Warn,
        overlaps(snapshot, repositories),
    );
    report
}

fn template_lifecycle(t: &CreationTemplate) -> Finding {
    match &t.lifecycle_policy {
        None => Finding::pass("no lifecycle policy in the template", json!(null)),
        Some(text) => match LifecyclePolicy::parse(text) {
            Ok(_) => Finding::pass("the template's lifecycle policy is valid", json!(null)),
            Err(e) => Finding::fail(
                format!(
                    "repositories created from template {:?} get a lifecycle policy ECR rejects: {e}",
                    t.prefix
                ),
                json!({ "errors": e.field_errors() }),
            ),
        },
    }
}

fn template_rolling_tags(t: &CreationTemplate, rolling_tags: &[String]) -> Finding {
    let state = RepositoryState {
        mutability: Some(t.image_tag_mutability.unwrap_or_default()),
        exclusion_filters: t
            .image_tag_mutability_exclusion_filters
            .iter()
            .map(|f| f.filter.clone())
            .collect(),
        images: None,
    };
    let frozen: Vec<&String> = rolling_tags
        .iter()
        .filter(|tag| state.is_tag_immutable(tag) == Some(true))
        .collect();
    let details = json!({
        "imageTagMutability": state.mutability,
        "exclusionFilters": state.exclusion_filters,
        "immutableRollingTags": frozen,
    });
    if frozen.is_empty() {
        Finding::pass(
            format!(
                "every rolling tag ({}) can move in repositories created from it",
                rolling_tags.len()
            ),
            details,
        )
    } else {
        let names: Vec<&str> = frozen.iter().map(|s| s.as_str()).collect();
        Finding::fail(
            format!(
                "repositories created from template {:?} make the rolling tag(s) {} immutable: their second push fails (add an exclusion filter)",
                t.prefix,
                names.join(", ")
            ),
            details,
        )
    }
}

fn cache_credential(arn: Option<&str>) -> Finding {
    match arn {
        None => Finding::pass("no upstream credential", json!(null)),
        Some(arn) => {
            let secret = arn.split_once(":secret:").map(|(_, name)| name);
            if secret.is_some_and(|name| name.starts_with(CACHE_SECRET_PREFIX)) {
                Finding::pass(
                    "the credential is an ecr-pullthroughcache/ secret",
                    json!({ "credentialArn": arn }),
                )
            } else {
                Finding::fail(
                    format!(
                        "credentialArn {arn} is not a Secrets Manager secret named {CACHE_SECRET_PREFIX}...: ECR cannot read it"
                    ),
                    json!({ "credentialArn": arn }),
                )
            }
        }
    }
}

fn enhanced_coverage(snapshot: &RegistrySnapshot, repositories: &[Repository]) -> Finding {
    match &snapshot.scanning_configuration {
        None => return Finding::fail("the registry scanning configuration is unknown", json!(null)),
        Some(c) if c.scan_type != "ENHANCED" => {
            return Finding::pass("basic scanning: every repository can be scanned on demand", json!(null));
        }
        Some(_) => {}
    }
    let unscanned: Vec<&str> = repositories
        .iter()
        .map(|r| r.repository_name.as_str())
        .filter(|name| scanning(snapshot, name).value.is_some_and(|s| !s.is_automatic()))
        .collect();
    if unscanned.is_empty() {
        Finding::pass(
            format!("enhanced scanning covers all {} repositories", repositories.len()),
            json!(null),
        )
    } else {
        Finding::fail(
            format!(
                "enhanced scanning leaves {} repositories unscanned (no filter matches them; a scan gate would wait for a scan that never comes): {}",
                unscanned.len(),
                unscanned.join(", ")
            ),
            json!({ "unscanned": unscanned }),
        )
    }
}

fn blob_mounting(snapshot: &RegistrySnapshot, repositories: &[Repository]) -> Finding {
    match snapshot.account_setting("BLOB_MOUNTING") {
        Some("ENABLED") => {}
        Some(other) => return Finding::pass(format!("blob mounting is {other}"), json!(null)),
        None => return Finding::fail("the BLOB_MOUNTING account setting is unknown", json!(null)),
    }
    let mut groups: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for r in repositories {
        let e = EncryptionConfiguration {
            encryption_type: r.encryption_type.clone(),
            kms_key: r.kms_key.clone(),
        };
        let key = match &e.kms_key {
            Some(k) => format!("{} {k}", e.encryption_type),
            None => e.encryption_type.clone(),
        };
        groups.entry(key).or_default().push(&r.repository_name);
    }
    if groups.len() <= 1 {
        Finding::pass(
            "every repository has the same encryption: layers mount between all of them",
            json!(null),
        )
    } else {
        Finding::fail(
            format!(
                "blob mounting is enabled but the repositories use {} different encryption settings: layers mount only within each group, pushes between groups upload again",
                groups.len()
            ),
            json!({ "groups": groups }),
        )
    }
}

fn overlaps(snapshot: &RegistrySnapshot, repositories: &[Repository]) -> Finding {
    let mut notes: Vec<String> = Vec::new();
    for path in [
        AppliedFor::PullThroughCache,
        AppliedFor::CreateOnPush,
        AppliedFor::Replication,
    ] {
        let of_path: Vec<&CreationTemplate> = snapshot
            .repository_creation_templates
            .iter()
            .filter(|t| t.applied_for.contains(&path) && !t.is_root())
            .collect();
        for outer in &of_path {
            for inner in &of_path {
                if outer.prefix != inner.prefix && namespace_matches(&outer.prefix, &inner.prefix) {
                    notes.push(format!(
                        "templates {:?} and {:?} both cover {}/... for {}: the longer prefix {:?} wins",
                        outer.prefix,
                        inner.prefix,
                        inner.prefix,
                        path.as_str(),
                        inner.prefix
                    ));
                }
            }
        }
    }
    for outer in &snapshot.pull_through_cache_rules {
        for inner in &snapshot.pull_through_cache_rules {
            let (o, i) = (&outer.ecr_repository_prefix, &inner.ecr_repository_prefix);
            if o != i && o != ROOT && namespace_matches(o, i) {
                notes.push(format!(
                    "pull-through cache rules {o:?} and {i:?} both cover {i}/...: the longer prefix {i:?} wins"
                ));
            }
        }
    }
    for r in repositories {
        let name = r.repository_name.as_str();
        if covering_cache_rules(snapshot, name).len() > 1 {
            notes.push(format!("{name}: more than one pull-through cache rule covers it"));
        }
        if let Some(c) = &snapshot.scanning_configuration {
            let matching: Vec<usize> = c
                .rules
                .iter()
                .enumerate()
                .filter(|(_, rule)| {
                    !rule.repository_filters.is_empty()
                        && rule_applies(&rule.repository_filters, name, scanning_wildcard).is_some()
                })
                .map(|(i, _)| i)
                .collect();
            if matching.len() > 1 {
                let decided = scanning(snapshot, name);
                notes.push(format!(
                    "{name}: scanning rules {matching:?} all match; {} wins",
                    decided.value.map(|s| s.scan_frequency).unwrap_or_default()
                ));
            }
        }
        if let Some(c) = &snapshot.signing_configuration {
            let n = c
                .rules
                .iter()
                .filter(|rule| rule_applies(&rule.repository_filters, name, signing_wildcard).is_some())
                .count();
            if n > 1 {
                notes.push(format!("{name}: {n} signing rules match: each signs every push"));
            }
        }
        if let Some(c) = &snapshot.replication_configuration {
            let n = c
                .rules
                .iter()
                .filter(|rule| rule_applies(&rule.repository_filters, name, prefix_match).is_some())
                .count();
            if n > 1 {
                notes.push(format!(
                    "{name}: {n} replication rules match: it goes to the destinations of all of them"
                ));
            }
        }
    }
    if notes.is_empty() {
        Finding::pass("no filters of one kind overlap", json!(null))
    } else {
        Finding::fail(
            format!("{} overlaps: {}", notes.len(), notes.join("; ")),
            json!({ "overlaps": notes }),
        )
    }
}

/// The settings a creation template decides, of a repository or of what `ensure_repository` would create.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemplatedSettings {
    /// Tag mutability.
    pub image_tag_mutability: TagMutability,
    /// Its exclusion filters.
    pub exclusion_filters: Vec<String>,
    /// Encryption.
    pub encryption: EncryptionConfiguration,
    /// The lifecycle policy text.
    pub lifecycle_policy: Option<String>,
    /// The repository policy text.
    pub repository_policy: Option<String>,
}

impl From<&ExistingRepository> for TemplatedSettings {
    fn from(e: &ExistingRepository) -> Self {
        Self {
            image_tag_mutability: e.repository.image_tag_mutability,
            exclusion_filters: e.repository.image_tag_mutability_exclusion_filters.clone(),
            encryption: EncryptionConfiguration {
                encryption_type: e.repository.encryption_type.clone(),
                kms_key: e.repository.kms_key.clone(),
            },
            lifecycle_policy: e.lifecycle_policy.clone(),
            repository_policy: e.repository_policy.clone(),
        }
    }
}

impl From<&EnsureOptions> for TemplatedSettings {
    fn from(o: &EnsureOptions) -> Self {
        Self {
            image_tag_mutability: o.settings.tag_mutability,
            exclusion_filters: o.settings.exclusion_filters.clone(),
            encryption: match &o.settings.kms_key {
                Some(key) => EncryptionConfiguration {
                    encryption_type: "KMS".to_owned(),
                    kms_key: Some(key.clone()),
                },
                None => EncryptionConfiguration::aes256(),
            },
            lifecycle_policy: o.lifecycle_policy.clone(),
            repository_policy: None,
        }
    }
}

/// Compares the settings of repository `name` (existing, or what `ensure_repository` would create) with the
/// template ECR applies to the name (the pull-through cache template when a cache rule covers it, else the
/// create-on-push one): mutability, exclusion filters, encryption, lifecycle and repository policies. A name
/// no template covers passes.
pub fn template_drift(snapshot: &RegistrySnapshot, name: &str, settings: &TemplatedSettings) -> Finding {
    let path = if covering_cache_rules(snapshot, name).is_empty() {
        AppliedFor::CreateOnPush
    } else {
        AppliedFor::PullThroughCache
    };
    let Some(template) = covering_templates(snapshot, name, path).first().copied() else {
        return Finding::pass(
            format!("no {} template covers {name}", path.as_str()),
            json!({ "appliedFor": path }),
        );
    };
    let mut drift: Vec<serde_json::Value> = Vec::new();
    let mut compare = |setting: &str, actual: serde_json::Value, expected: serde_json::Value| {
        if actual != expected {
            drift.push(json!({ "setting": setting, "repository": actual, "template": expected }));
        }
    };
    compare(
        "imageTagMutability",
        json!(settings.image_tag_mutability),
        json!(template.image_tag_mutability.unwrap_or_default()),
    );
    compare(
        "imageTagMutabilityExclusionFilters",
        json!(settings.exclusion_filters),
        json!(
            template
                .image_tag_mutability_exclusion_filters
                .iter()
                .map(|f| &f.filter)
                .collect::<Vec<_>>()
        ),
    );
    let encryption = template
        .encryption_configuration
        .clone()
        .unwrap_or_else(EncryptionConfiguration::aes256);
    compare(
        "encryptionType",
        json!(settings.encryption.encryption_type),
        json!(encryption.encryption_type),
    );
    if encryption.kms_key.is_some() {
        compare("kmsKey", json!(settings.encryption.kms_key), json!(encryption.kms_key));
    }
    compare(
        "lifecyclePolicy",
        policy_json(settings.lifecycle_policy.as_deref()),
        policy_json(template.lifecycle_policy.as_deref()),
    );
    compare(
        "repositoryPolicy",
        policy_json(settings.repository_policy.as_deref()),
        policy_json(template.repository_policy.as_deref()),
    );
    let details = json!({ "template": template.prefix, "appliedFor": path, "drift": drift });
    if drift.is_empty() {
        Finding::pass(
            format!("matches template {:?} ({})", template.prefix, path.as_str()),
            details,
        )
    } else {
        let names: Vec<&str> = drift.iter().filter_map(|d| d["setting"].as_str()).collect();
        Finding::fail(
            format!(
                "{name} drifts from template {:?} ({}): {}",
                template.prefix,
                path.as_str(),
                names.join(", ")
            ),
            details,
        )
    }
}

/// A policy text as JSON for comparison (white space and key order do not count); text that is not JSON
/// compares as itself.
fn policy_json(text: Option<&str>) -> serde_json::Value {
    match text {
        None => serde_json::Value::Null,
        Some(t) => serde_json::from_str(t).unwrap_or_else(|_| serde_json::Value::String(t.to_owned())),
    }
}
