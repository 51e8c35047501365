//! Fuzzes the docker `config.json` merge of the auth module (`merge_auth_entry`). Input: the server (first
//! line) and an arbitrary existing `config.json` (the rest), read as `write_docker_config` reads the file.
//! Never a panic. On success: the document is still a JSON object and prints as valid JSON, every other key
//! (top level and inside `auths`) is kept with its value and order, the entry is exactly
//! `{"auth": base64("AWS:<password>")}` under a non-empty bare host key, and `replaced` / `shadowed_by`
//! tell the truth. On failure: a typed error and the document unchanged. The password never appears in an
//! error.

use ecr_core::Secret;
use ecr_core::auth::{RegistryCredentials, merge_auth_entry};
use serde_json::{Map, Value};

const PASSWORD: &str = "fuzz-password-0123456789";
/// base64("AWS:fuzz-password-0123456789")
const AUTH: &str = "QVdTOmZ1enotcGFzc3dvcmQtMDEyMzQ1Njc4OQ==";

fn credentials() -> RegistryCredentials {
    RegistryCredentials {
        host: "123456789012.dkr.ecr.eu-west-1.amazonaws.com".to_owned(),
        username: "AWS".to_owned(),
        password: Secret::new(PASSWORD.to_owned()),
        expires_at: chrono::DateTime::from_timestamp(1_780_000_000, 0).unwrap_or_default(),
        proxy_endpoint: Some("https://123456789012.dkr.ecr.eu-west-1.amazonaws.com".to_owned()),
        region: Some("eu-west-1".to_owned()),
    }
}

/// Checks one input; panics when the oracle is violated.
pub fn run(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (server, document) = text.split_once('\n').unwrap_or((text, ""));
    let before = if document.trim().is_empty() {
        Value::Object(Map::new())
    } else {
        match serde_json::from_str::<Value>(document) {
            Ok(v) => v,
            Err(_) => return,
        }
    };
    let mut after = before.clone();
    match merge_auth_entry(&mut after, server, &credentials()) {
        Ok(outcome) => {
            let key = outcome.key.as_str();
            assert!(!key.is_empty(), "{server:?}: empty auths key");
            assert!(
                !key.contains(['/', '?', '#', '@']) && !key.chars().any(|c| c.is_whitespace() || c.is_control()),
                "{server:?}: key {key:?} is not a bare host[:port]"
            );
            assert_eq!(key, key.to_ascii_lowercase());
            let name = match key.rsplit_once(':') {
                Some((name, _)) if !key.starts_with('[') => name,
                _ => key,
            };
            assert!(
                !name.trim_matches('.').is_empty(),
                "{server:?}: key {key:?} names no host"
            );
            let (Some(b), Some(a)) = (before.as_object(), after.as_object()) else {
                panic!("merge succeeded on a document that is not an object");
            };
            // Top level: the same keys in the same order, every one but `auths` unchanged.
            let before_keys: Vec<&String> = b.keys().collect();
            let after_keys: Vec<&String> = a.keys().filter(|k| b.contains_key(*k)).collect();
            assert_eq!(before_keys, after_keys);
            assert!(a.keys().all(|k| b.contains_key(k) || k == "auths"));
            for (k, v) in b {
                if k != "auths" {
                    assert_eq!(a.get(k), Some(v), "top-level key {k:?} changed");
                }
            }
            let old_auths = b.get("auths").and_then(Value::as_object);
            let new_auths = a.get("auths").and_then(Value::as_object).expect("auths is an object");
            for (k, v) in old_auths.into_iter().flatten() {
                if k != key {
                    assert_eq!(new_auths.get(k), Some(v), "auths entry {k:?} changed");
                }
            }
            assert_eq!(
                new_auths.len(),
                old_auths.map_or(0, Map::len) + usize::from(!outcome.replaced)
            );
            assert_eq!(outcome.replaced, old_auths.is_some_and(|m| m.contains_key(key)));
            let mut entry = Map::new();
            entry.insert("auth".to_owned(), Value::String(AUTH.to_owned()));
            assert_eq!(new_auths.get(key), Some(&Value::Object(entry)));
            let helper = b.get("credHelpers").and_then(|h| h.get(key)).and_then(Value::as_str);
            let store = b.get("credsStore").and_then(Value::as_str).filter(|s| !s.is_empty());
            assert_eq!(outcome.shadowed_by.is_some(), helper.is_some() || store.is_some());
            let printed = serde_json::to_string_pretty(&after).expect("the merged document prints");
            let reread: Value = serde_json::from_str(&printed).expect("the merged document is valid JSON");
            assert!(reread.is_object());
        }
        Err(e) => {
            assert!(matches!(e.code(), "InvalidArgument" | "InvalidReference"), "{e:?}");
            assert_eq!(after, before, "a failed merge changed the document");
            assert!(!format!("{e} {e:?}").contains(PASSWORD));
        }
    }
}
