//! Docker `config.json`: add or replace one `auths` entry, keep every other key, write atomically.
//!
//! The entry is `{"auth": base64("AWS:<password>")}` under the bare host (docker looks the exact key up
//! first, then keys with a scheme or path stripped). A stale entry under the same key is replaced
//! whole (no left-over `identitytoken`). When `credHelpers` names the host, or `credsStore` is set,
//! docker asks that helper instead of reading `auths`; [`MergeOutcome::shadowed_by`] says so.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::credentials::RegistryCredentials;
use super::host::authority;
use crate::error::{Error, Result};

/// What a merge did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MergeOutcome {
    /// The `auths` key written (the bare `host[:port]`).
    pub key: String,
    /// True when an entry under that key was replaced.
    pub replaced: bool,
    /// `credHelpers.<host>` or `credsStore` when one of them takes precedence over `auths` for this host.
    pub shadowed_by: Option<String>,
}

/// The docker config file docker itself reads: `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`.
pub fn default_docker_config_path() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("DOCKER_CONFIG").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(dir).join("config.json"));
    }
    std::env::home_dir()
        .filter(|h| !h.as_os_str().is_empty())
        .map(|h| h.join(".docker").join("config.json"))
}

/// Adds or replaces the `auths` entry of `server` (a host, `host:port` or URL; stored as the bare
/// `host[:port]`) in a parsed config. Fails when the document or its `auths` is not a JSON object.
pub fn merge_auth_entry(config: &mut Value, server: &str, creds: &RegistryCredentials) -> Result<MergeOutcome> {
    let key = authority(server)?;
    let obj = config
        .as_object_mut()
        .ok_or_else(|| Error::invalid("docker config", "the document is not a JSON object"))?;
    let shadowed_by = match obj.get("credHelpers").and_then(|h| h.get(&key)).and_then(Value::as_str) {
        Some(helper) => Some(format!("credHelpers.{key} = {helper}")),
        None => obj
            .get("credsStore")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(|s| format!("credsStore = {s}")),
    };
    let auths = obj.entry("auths").or_insert_with(|| Value::Object(Map::new()));
    if auths.is_null() {
        *auths = Value::Object(Map::new());
    }
    let auths = auths
        .as_object_mut()
        .ok_or_else(|| Error::invalid("docker config", "`auths` is not a JSON object"))?;
    let mut entry = Map::new();
    entry.insert(
        "auth".to_owned(),
        Value::String(creds.docker_auth().expose().to_owned()),
    );
    let replaced = auths.insert(key.clone(), Value::Object(entry)).is_some();
    Ok(MergeOutcome {
        key,
        replaced,
        shadowed_by,
    })
}

/// Adds or replaces the `auths` entry of `server` in the docker config file at `path` (created, with a
/// 0700 directory and a 0600 file, when missing). Every other key is kept; the write is atomic (a
/// temporary file in the same directory renamed over the file, keeping its permissions). A file that
/// is not a JSON object is refused, never overwritten.
pub fn write_docker_config(path: &Path, server: &str, creds: &RegistryCredentials) -> Result<MergeOutcome> {
    let mut outcomes = write_docker_config_all(path, [(server, creds)])?;
    outcomes
        .pop()
        .ok_or_else(|| Error::invalid("docker config", "no entry was written"))
}

/// [`write_docker_config`] for many registries in one atomic write: every `(server, credentials)` entry is
/// merged, in order, then the file is written once. Nothing is written when any entry is refused.
pub fn write_docker_config_all<'a>(
    path: &Path,
    entries: impl IntoIterator<Item = (&'a str, &'a RegistryCredentials)>,
) -> Result<Vec<MergeOutcome>> {
    let existing = match fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io(path, e)),
    };
    let mut config = match &existing {
        Some(text) if !text.trim().is_empty() => serde_json::from_str::<Value>(text).map_err(|e| {
            Error::invalid(
                "docker config",
                format!(
                    "{} is not valid JSON (line {}, column {})",
                    path.display(),
                    e.line(),
                    e.column()
                ),
            )
        })?,
        _ => Value::Object(Map::new()),
    };
    let outcomes = entries
        .into_iter()
        .map(|(server, creds)| merge_auth_entry(&mut config, server, creds))
        .collect::<Result<Vec<_>>>()?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.exists() {
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt as _;
            builder.mode(0o700);
        }
        builder.create(&dir).map_err(|e| Error::io(&dir, e))?;
    }
    let mut text = serde_json::to_string_pretty(&config).map_err(|e| Error::invalid("docker config", e.to_string()))?;
    text.push('\n');
    let mut tmp = tempfile::Builder::new()
        .prefix(".config.json.")
        .tempfile_in(&dir)
        .map_err(|e| Error::io(&dir, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = fs::metadata(path)
            .map(|m| m.permissions().mode() & 0o7777)
            .unwrap_or(0o600);
        tmp.as_file()
            .set_permissions(fs::Permissions::from_mode(mode))
            .map_err(|e| Error::io(tmp.path(), e))?;
    }
    tmp.write_all(text.as_bytes()).map_err(|e| Error::io(tmp.path(), e))?;
    tmp.as_file().sync_all().map_err(|e| Error::io(tmp.path(), e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(outcomes)
}
