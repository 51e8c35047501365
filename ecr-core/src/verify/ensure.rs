//! [`EcrClient::ensure_repository`]: create a repository with the safe defaults (IMMUTABLE tags, scan on
//! push, encryption at rest, a default lifecycle policy), or report how an existing one drifts from them,
//! changing it only when asked.

use serde::{Deserialize, Serialize};

use super::audit::validate_lifecycle_policy_text;
use crate::client::EcrClient;
use crate::error::{Error, Result};
use crate::types::{Repository, RepositorySettings};

/// The default lifecycle policy: expire untagged images after 1 day, keep the last 10
/// `v`-tagged releases.
pub fn default_lifecycle_policy() -> &'static str {
    r#"{"rules":[{"rulePriority":1,"description":"Remove untagged images after 1 day","selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":1},"action":{"type":"expire"}},{"rulePriority":2,"description":"Keep the last 10 release images","selection":{"tagStatus":"tagged","tagPrefixList":["v"],"countType":"imageCountMoreThan","countNumber":10},"action":{"type":"expire"}}]}"#
}

/// What [`EcrClient::ensure_repository`] should ensure. Read from JSON, missing fields keep the defaults
/// (recommended settings, [`default_lifecycle_policy`], no apply), `settings` replaces single fields of the
/// recommended settings, a `lifecyclePolicy` of `null` turns the policy check off; unknown fields are refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct EnsureOptions {
    /// Mutability, scanning and encryption.
    #[serde(deserialize_with = "settings_object")]
    pub settings: RepositorySettings,
    /// The lifecycle policy a new repository gets, and an existing one must have (`None`: not checked); read
    /// from JSON text or a policy object.
    #[serde(deserialize_with = "policy_text")]
    pub lifecycle_policy: Option<String>,
    /// Fix drift on an existing repository (encryption cannot be changed after creation and stays reported).
    pub apply: bool,
}

impl Default for EnsureOptions {
    fn default() -> Self {
        Self {
            settings: RepositorySettings::recommended(),
            lifecycle_policy: Some(default_lifecycle_policy().to_owned()),
            apply: false,
        }
    }
}

/// Repository settings given as an object (serde would also read a struct from an array, by position).
fn settings_object<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<RepositorySettings, D::Error> {
    let map = serde_json::Map::<String, serde_json::Value>::deserialize(d)?;
    serde_json::from_value(serde_json::Value::Object(map)).map_err(serde::de::Error::custom)
}

/// A policy given as text, or as a JSON object (kept as its compact text).
fn policy_text<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Option<String>, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        None => None,
        Some(serde_json::Value::String(text)) => Some(text),
        Some(other) => Some(other.to_string()),
    })
}

/// One setting that differs from what was asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Drift {
    /// Which setting (`imageTagMutability`, `scanning`, `encryption`, `lifecyclePolicy`).
    pub setting: String,
    /// What was asked.
    pub expected: String,
    /// What the repository has.
    pub actual: String,
    /// Whether it was changed to the expected value.
    pub fixed: bool,
}

/// What [`EcrClient::ensure_repository`] did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EnsureOutcome {
    /// The repository (as described after any change).
    pub repository: Repository,
    /// True when it was created.
    pub created: bool,
    /// Every difference from the options, and whether it was fixed.
    pub drift: Vec<Drift>,
}

impl EcrClient {
    /// Creates `name` with `options` when it does not exist; otherwise reports drift, fixing it when
    /// `options.apply` is set.
    pub async fn ensure_repository(&self, name: &str, options: &EnsureOptions) -> Result<EnsureOutcome> {
        if let Some(p) = &options.lifecycle_policy {
            validate_lifecycle_policy_text(p)?;
        }
        let existing = match self.describe_repository(name).await {
            Ok(r) => Some(r),
            Err(Error::RepositoryNotFound { .. }) => None,
            Err(e) => return Err(e),
        };
        let Some(repo) = existing else {
            let repo = self.create_repository(name, &options.settings).await?;
            if let Some(p) = &options.lifecycle_policy {
                self.put_lifecycle_policy_text(name, p).await?;
            }
            return Ok(EnsureOutcome {
                repository: repo,
                created: true,
                drift: Vec::new(),
            });
        };

        let s = &options.settings;
        let mut drift = Vec::new();
        let mut filters_now = repo.image_tag_mutability_exclusion_filters.clone();
        let mut filters_want = s.exclusion_filters.clone();
        filters_now.sort();
        filters_want.sort();
        if repo.image_tag_mutability != s.tag_mutability || filters_now != filters_want {
            let fixed = options.apply && {
                self.put_tag_mutability(name, s).await?;
                true
            };
            drift.push(Drift {
                setting: "imageTagMutability".into(),
                expected: describe_mutability(s.tag_mutability.as_str(), &filters_want),
                actual: describe_mutability(repo.image_tag_mutability.as_str(), &filters_now),
                fixed,
            });
        }
        if s.scan_on_push {
            let scanning = self.repository_scanning(name).await?;
            if !super::audit::check_scanning(&scanning).ok {
                let fixed = options.apply && {
                    self.put_scan_on_push(name, true).await?;
                    true
                };
                drift.push(Drift {
                    setting: "scanning".into(),
                    expected: "scan on push".into(),
                    actual: format!(
                        "scan frequency {}",
                        scanning.scan_frequency.as_deref().unwrap_or("unknown")
                    ),
                    fixed,
                });
            }
        }
        let want_enc = if s.kms_key.is_some() { "KMS" } else { "AES256" };
        let enc_ok = match &s.kms_key {
            Some(key) => repo.encryption_type.starts_with("KMS") && repo.kms_key.as_deref() == Some(key.as_str()),
            None => true, // every repository is encrypted at rest; AES256 or KMS both satisfy "encrypted"
        };
        if !enc_ok {
            drift.push(Drift {
                setting: "encryption".into(),
                expected: format!("{want_enc} {}", s.kms_key.as_deref().unwrap_or_default())
                    .trim()
                    .to_owned(),
                actual: format!(
                    "{} {}",
                    repo.encryption_type,
                    repo.kms_key.as_deref().unwrap_or_default()
                )
                .trim()
                .to_owned(),
                fixed: false,
            });
        }
        if let Some(p) = &options.lifecycle_policy
            && self.lifecycle_policy_text(name).await?.is_none()
        {
            let fixed = options.apply && {
                self.put_lifecycle_policy_text(name, p).await?;
                true
            };
            drift.push(Drift {
                setting: "lifecyclePolicy".into(),
                expected: "a lifecycle policy".into(),
                actual: "none".into(),
                fixed,
            });
        }
        let repository = if drift.iter().any(|d| d.fixed) {
            self.describe_repository(name).await?
        } else {
            repo
        };
        Ok(EnsureOutcome {
            repository,
            created: false,
            drift,
        })
    }

    async fn put_tag_mutability(&self, name: &str, s: &RepositorySettings) -> Result<()> {
        use aws_sdk_ecr::types::{ImageTagMutabilityExclusionFilter, ImageTagMutabilityExclusionFilterType};
        let mut req = self
            .ecr()
            .put_image_tag_mutability()
            .repository_name(name)
            .image_tag_mutability(s.tag_mutability.to_sdk());
        for f in &s.exclusion_filters {
            let filter = ImageTagMutabilityExclusionFilter::builder()
                .filter_type(ImageTagMutabilityExclusionFilterType::Wildcard)
                .filter(f)
                .build()
                .map_err(|e| Error::invalid("exclusion filter", e.to_string()))?;
            req = req.image_tag_mutability_exclusion_filters(filter);
        }
        req.send().await.map_err(Error::from_sdk)?;
        Ok(())
    }

    async fn put_scan_on_push(&self, name: &str, on: bool) -> Result<()> {
        self.ecr()
            .put_image_scanning_configuration()
            .repository_name(name)
            .image_scanning_configuration(
                aws_sdk_ecr::types::ImageScanningConfiguration::builder()
                    .scan_on_push(on)
                    .build(),
            )
            .send()
            .await
            .map_err(Error::from_sdk)?;
        Ok(())
    }

    async fn put_lifecycle_policy_text(&self, name: &str, text: &str) -> Result<()> {
        self.ecr()
            .put_lifecycle_policy()
            .repository_name(name)
            .lifecycle_policy_text(text)
            .send()
            .await
            .map_err(Error::from_sdk)?;
        Ok(())
    }
}

fn describe_mutability(m: &str, filters: &[String]) -> String {
    if filters.is_empty() {
        m.to_owned()
    } else {
        format!("{m} except {}", filters.join(", "))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn options_from_json_replace_only_the_given_fields_and_name_bad_ones() {
        let read = |v: serde_json::Value| crate::types::from_json::<EnsureOptions>(v, "options");
        let o = read(json!({"apply": true, "lifecyclePolicy": null})).unwrap();
        assert!(o.apply);
        assert_eq!(o.lifecycle_policy, None);
        assert_eq!(o.settings, RepositorySettings::recommended());

        let o = read(json!({"settings": {"scanOnPush": false}})).unwrap();
        assert!(!o.settings.scan_on_push);
        assert_eq!(
            o.settings.tag_mutability,
            RepositorySettings::recommended().tag_mutability
        );
        assert_eq!(o.lifecycle_policy.as_deref(), Some(default_lifecycle_policy()));

        let o = read(json!({"lifecyclePolicy": {"rules": []}})).unwrap();
        assert_eq!(o.lifecycle_policy.as_deref(), Some(r#"{"rules":[]}"#));

        let e = read(json!({"aply": true})).unwrap_err();
        assert!(e.to_string().contains("unknown field `aply`"), "{e}");
        let e = read(json!({"apply": "yes"})).unwrap_err();
        assert!(e.to_string().contains("options.apply"), "{e}");
        let e = read(json!({"settings": ["IMMUTABLE"]})).unwrap_err();
        assert!(e.to_string().contains("options.settings"), "{e}");
        let e = read(json!({"settings": {"scanOnPsuh": true}})).unwrap_err();
        assert!(
            e.to_string().contains("options.settings") && e.to_string().contains("scanOnPsuh"),
            "{e}"
        );
    }
}
