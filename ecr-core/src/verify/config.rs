//! Image config checks: non-root user, OCI traceability labels, no secret-looking environment variables,
//! a healthcheck. Environment values are never copied into findings, only variable names.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::platforms::Platform;
use super::report::Finding;
use crate::error::{Error, Result};

/// The OCI labels a traceable image carries.
pub const REQUIRED_LABELS: [&str; 3] = [
    "org.opencontainers.image.revision",
    "org.opencontainers.image.source",
    "org.opencontainers.image.created",
];

/// The parts of an image config blob (OCI `application/vnd.oci.image.config.v1+json` or Docker's
/// `application/vnd.docker.container.image.v1+json`) that verification reads.
#[derive(Clone, PartialEq, Default, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "ImageConfigSummary")]
pub struct ImageConfig {
    /// The platform the image is built for.
    pub platform: Option<Platform>,
    /// `config.User` (empty when unset).
    pub user: String,
    /// `config.Labels`.
    pub labels: BTreeMap<String, String>,
    /// `config.Env` as `NAME=value` strings. Not serialised: values may be secret.
    #[serde(skip)]
    pub env: Vec<String>,
    /// `config.Healthcheck.Test`, when set.
    pub healthcheck: Option<Vec<String>>,
}

impl std::fmt::Debug for ImageConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let env_names: Vec<&str> = self
            .env
            .iter()
            .map(|e| e.split('=').next().unwrap_or_default())
            .collect();
        f.debug_struct("ImageConfig")
            .field("platform", &self.platform)
            .field("user", &self.user)
            .field("labels", &self.labels)
            .field("env_names", &env_names)
            .field("healthcheck", &self.healthcheck)
            .finish()
    }
}

#[derive(Deserialize, schemars::JsonSchema)]
struct RawConfig {
    architecture: Option<String>,
    os: Option<String>,
    variant: Option<String>,
    #[serde(default)]
    config: Option<RawRuntime>,
}

#[derive(Deserialize, schemars::JsonSchema)]
struct RawRuntime {
    #[serde(rename = "User", default)]
    user: Option<String>,
    #[serde(rename = "Labels", default)]
    labels: Option<BTreeMap<String, String>>,
    #[serde(rename = "Env", default)]
    env: Option<Vec<String>>,
    #[serde(rename = "Healthcheck", default)]
    healthcheck: Option<RawHealthcheck>,
}

#[derive(Deserialize, schemars::JsonSchema)]
struct RawHealthcheck {
    #[serde(rename = "Test", default)]
    test: Option<Vec<String>>,
}

impl ImageConfig {
    /// Parses a config blob.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        let raw: RawConfig = serde_json::from_slice(bytes)
            .map_err(|e| Error::invalid("image config", format!("not valid JSON: {e}")))?;
        let platform = match (&raw.os, &raw.architecture) {
            (Some(os), Some(arch)) => Some(Platform::new(os, arch, raw.variant.as_deref())),
            _ => None,
        };
        let rt = raw.config;
        Ok(Self {
            platform,
            user: rt.as_ref().and_then(|c| c.user.clone()).unwrap_or_default(),
            labels: rt.as_ref().and_then(|c| c.labels.clone()).unwrap_or_default(),
            env: rt.as_ref().and_then(|c| c.env.clone()).unwrap_or_default(),
            healthcheck: rt.and_then(|c| c.healthcheck).and_then(|h| h.test),
        })
    }
}

/// True when `user` runs as root: empty (the default), `root`, or uid `0`, with or without a group.
pub fn is_root_user(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or_default().trim();
    name.is_empty() || name == "root" || name.trim_start_matches('0').is_empty()
}

/// Non-root check.
pub fn check_non_root(config: &ImageConfig) -> Finding {
    let details = json!({ "user": config.user });
    if is_root_user(&config.user) {
        let shown = if config.user.is_empty() {
            "unset (root)"
        } else {
            config.user.as_str()
        };
        Finding::fail(format!("runs as root: user {shown}"), details)
    } else {
        Finding::pass(format!("runs as user {}", config.user), details)
    }
}

/// Traceability labels check: every label of [`REQUIRED_LABELS`] present and not empty.
pub fn check_labels(config: &ImageConfig) -> Finding {
    let missing: Vec<&str> = REQUIRED_LABELS
        .iter()
        .copied()
        .filter(|k| config.labels.get(*k).is_none_or(|v| v.trim().is_empty()))
        .collect();
    let present: BTreeMap<&str, &str> = REQUIRED_LABELS
        .iter()
        .filter_map(|k| config.labels.get(*k).map(|v| (*k, v.as_str())))
        .collect();
    let details = json!({ "missing": missing, "present": present });
    if missing.is_empty() {
        Finding::pass("OCI labels revision, source and created present", details)
    } else {
        Finding::fail(format!("missing OCI labels: {}", missing.join(", ")), details)
    }
}

/// The names of environment variables that look like secrets: AWS keys, `*_TOKEN`, `*PASSWORD*`,
/// `*SECRET*`, `*API_KEY*`, `*PRIVATE_KEY*`, `*CREDENTIAL*`, or a value shaped like an AWS access key id.
/// Empty values and `*_FILE` / `*_PATH` pointers are not secrets.
pub fn secret_like_env_names(env: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for entry in env {
        let (name, value) = entry.split_once('=').unwrap_or((entry.as_str(), ""));
        if value.is_empty() {
            continue;
        }
        let upper = name.to_ascii_uppercase();
        if upper.ends_with("_FILE") || upper.ends_with("_PATH") {
            continue;
        }
        let by_name = upper.starts_with("AWS_ACCESS_KEY")
            || upper.starts_with("AWS_SECRET")
            || upper == "AWS_SESSION_TOKEN"
            || upper.ends_with("_TOKEN")
            || upper == "TOKEN"
            || [
                "PASSWORD",
                "PASSWD",
                "SECRET",
                "API_KEY",
                "APIKEY",
                "PRIVATE_KEY",
                "CREDENTIAL",
            ]
            .iter()
            .any(|w| upper.contains(w));
        if by_name || looks_like_aws_access_key(value) {
            out.push(name.to_owned());
        }
    }
    out
}

/// `AKIA`/`ASIA` followed by 16 uppercase letters or digits.
fn looks_like_aws_access_key(value: &str) -> bool {
    value.len() == 20
        && (value.starts_with("AKIA") || value.starts_with("ASIA"))
        && value.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// No-secrets check (names only).
pub fn check_secrets(config: &ImageConfig) -> Finding {
    let names = secret_like_env_names(&config.env);
    let details = json!({ "variables": names });
    if names.is_empty() {
        Finding::pass("no secret-looking environment variables", details)
    } else {
        Finding::fail(
            format!("secret-looking environment variables: {}", names.join(", ")),
            details,
        )
    }
}

/// Healthcheck check (`NONE` counts as absent).
pub fn check_healthcheck(config: &ImageConfig) -> Finding {
    match &config.healthcheck {
        Some(test) if !test.is_empty() && test[0] != "NONE" => {
            Finding::pass("healthcheck declared", json!({ "test": test }))
        }
        _ => Finding::fail("no healthcheck declared", json!(null)),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn root_users() {
        for u in ["", "root", "0", "0:0", "root:root", "00", "0:1000"] {
            assert!(is_root_user(u), "{u:?}");
        }
        for u in ["app", "1000", "1000:1000", "nobody", "10"] {
            assert!(!is_root_user(u), "{u:?}");
        }
    }

    #[test]
    fn secret_names_not_values() {
        let env: Vec<String> = [
            "PATH=/usr/bin",
            "GITHUB_TOKEN=ghp_abcdef",
            "DB_PASSWORD=hunter2",
            "DB_PASSWORD_FILE=/run/secrets/db",
            "MY_SECRET=",
            "KEY_ID=AKIAABCDEFGHIJKLMNOP",
            "AWS_SECRET_ACCESS_KEY=zzz",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let names = secret_like_env_names(&env);
        assert_eq!(
            names,
            ["GITHUB_TOKEN", "DB_PASSWORD", "KEY_ID", "AWS_SECRET_ACCESS_KEY"]
        );
        let cfg = ImageConfig {
            env,
            ..Default::default()
        };
        let f = check_secrets(&cfg);
        assert!(!f.ok);
        let shown = format!("{} {} {:?}", f.message, f.details, cfg);
        for v in ["hunter2", "ghp_abcdef", "AKIAABCDEFGHIJKLMNOP", "zzz"] {
            assert!(!shown.contains(v), "{v} leaked");
        }
    }

    #[test]
    fn parses_config_and_checks_healthcheck() {
        let c = ImageConfig::parse(
            br#"{"architecture":"arm","os":"linux","variant":"v7","config":{"User":"app","Healthcheck":{"Test":["NONE"]}}}"#,
        )
        .unwrap();
        assert_eq!(c.platform.as_ref().unwrap().to_string(), "linux/arm/v7");
        assert!(check_non_root(&c).ok);
        assert!(!check_healthcheck(&c).ok);
        assert!(!check_labels(&c).ok);
        assert!(ImageConfig::parse(b"[]").is_err());
    }
}
