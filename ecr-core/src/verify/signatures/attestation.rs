//! DSSE envelopes and the in-toto statements they carry: the PAE the signature covers, the statement's
//! subject against the pinned digest, and a policy on `predicateType` and, for SLSA provenance v1, the
//! builder id and the source repository and ref.
//! <https://github.com/secure-systems-lab/dsse/blob/master/protocol.md>,
//! <https://github.com/in-toto/attestation/blob/main/spec/v1/statement.md>, <https://slsa.dev/spec/v1.0/provenance>

use serde::{Deserialize, Serialize};

use super::crypto::b64;
use super::outcome::{Reason, Rejection, reject};
use super::policy::AttestationRule;

/// The DSSE payload type of in-toto statements.
pub const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";
/// SLSA provenance v1's predicate type.
pub const SLSA_PROVENANCE_V1: &str = "https://slsa.dev/provenance/v1";
/// The predicate type cosign v3 gives an image signature made as a DSSE bundle.
pub const COSIGN_SIGN_PREDICATE: &str = "https://sigstore.dev/cosign/sign/v1";

/// One DSSE signature.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub(crate) struct DsseSignature {
    pub sig: String,
}

/// A DSSE envelope.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Envelope {
    pub payload: String,
    pub payload_type: String,
    pub signatures: Vec<DsseSignature>,
}

/// The bytes a DSSE signature covers: `DSSEv1 <len(type)> <type> <len(body)> <body>`.
pub(crate) fn pae(payload_type: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!("DSSEv1 {} {} {} ", payload_type.len(), payload_type, body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// One subject of a statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StatementSubject {
    /// The artifact's name.
    #[serde(default)]
    pub name: String,
    /// Digests by algorithm (`sha256` → hex).
    #[serde(default)]
    pub digest: std::collections::BTreeMap<String, String>,
}

/// An in-toto statement (v0.1 or v1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Statement {
    /// `https://in-toto.io/Statement/v1` (or v0.1).
    #[serde(rename = "_type")]
    pub type_: String,
    /// What the statement is about.
    pub subject: Vec<StatementSubject>,
    /// The predicate type.
    pub predicate_type: String,
    /// The predicate.
    #[serde(default)]
    pub predicate: serde_json::Value,
}

impl Envelope {
    /// The decoded payload and, when it is an in-toto statement about `digest`, the statement.
    pub(crate) fn statement(&self, digest: &str) -> Result<(Vec<u8>, Statement), Rejection> {
        let body = b64("DSSE payload", &self.payload).map_err(|m| Rejection::new(Reason::Malformed, m))?;
        if self.payload_type != IN_TOTO_PAYLOAD_TYPE {
            return reject(
                Reason::Unsupported,
                format!("DSSE payload type {:?}", self.payload_type),
            );
        }
        let statement: Statement = serde_json::from_slice(&body)
            .map_err(|e| Rejection::new(Reason::Malformed, format!("in-toto statement: {e}")))?;
        let hex = digest.strip_prefix("sha256:").unwrap_or(digest);
        if !statement
            .subject
            .iter()
            .any(|s| s.digest.get("sha256").map(String::as_str) == Some(hex))
        {
            let found: Vec<&str> = statement
                .subject
                .iter()
                .filter_map(|s| s.digest.get("sha256").map(String::as_str))
                .collect();
            return reject(
                Reason::DigestMismatch,
                format!("statement subjects sha256 {found:?}, not {digest}"),
            );
        }
        Ok((body, statement))
    }
}

fn text<'a>(v: &'a serde_json::Value, path: &[&str]) -> Option<&'a str> {
    path.iter().try_fold(v, |v, k| v.get(k)).and_then(|v| v.as_str())
}

/// Checks a verified statement against an attestation rule.
pub fn check_rule(statement: &Statement, rule: &AttestationRule) -> Result<(), Rejection> {
    if statement.predicate_type != rule.predicate_type {
        return reject(
            Reason::PredicateMismatch,
            format!(
                "predicateType {:?}, not {:?}",
                statement.predicate_type, rule.predicate_type
            ),
        );
    }
    let p = &statement.predicate;
    let want = |field: &str, want: &Option<String>, found: Vec<&str>| -> Result<(), Rejection> {
        match want {
            Some(w) if !found.contains(&w.as_str()) => {
                reject(Reason::PredicateMismatch, format!("{field} {found:?}, not {w:?}"))
            }
            _ => Ok(()),
        }
    };
    want(
        "builder id",
        &rule.builder_id,
        text(p, &["runDetails", "builder", "id"]).into_iter().collect(),
    )?;
    let workflow = ["buildDefinition", "externalParameters", "workflow"];
    let mut repos: Vec<&str> = text(p, &[workflow[0], workflow[1], workflow[2], "repository"])
        .into_iter()
        .collect();
    if let Some(deps) = p["buildDefinition"]["resolvedDependencies"].as_array() {
        repos.extend(
            deps.iter()
                .filter_map(|d| d["uri"].as_str())
                .map(|u| u.split('@').next().unwrap_or(u)),
        );
    }
    want("source repository", &rule.source_repository, repos)?;
    want(
        "source ref",
        &rule.source_ref,
        text(p, &[workflow[0], workflow[1], workflow[2], "ref"])
            .into_iter()
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn pae_matches_the_dsse_spec_example() {
        // The DSSE protocol's own example: PAE("http://example.com/HelloWorld", "hello world").
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
    }

    pub(crate) fn slsa(digest_hex: &str) -> Statement {
        serde_json::from_value(serde_json::json!({
            "_type": "https://in-toto.io/Statement/v1",
            "subject": [{"name": "app", "digest": {"sha256": digest_hex}}],
            "predicateType": SLSA_PROVENANCE_V1,
            "predicate": {
                "buildDefinition": {"externalParameters": {"workflow": {
                    "repository": "https://github.com/example/app", "ref": "refs/heads/main", "path": ".github/workflows/release.yml"}},
                    "resolvedDependencies": [{"uri": "git+https://github.com/example/app@refs/heads/main"}]},
                "runDetails": {"builder": {"id": "https://github.com/actions/runner/github-hosted"}}
            }
        }))
        .unwrap()
    }

    #[test]
    fn slsa_rules_check_builder_source_and_ref() {
        let s = slsa("ab");
        let mut rule = AttestationRule {
            predicate_type: SLSA_PROVENANCE_V1.into(),
            builder_id: Some("https://github.com/actions/runner/github-hosted".into()),
            source_repository: Some("https://github.com/example/app".into()),
            source_ref: Some("refs/heads/main".into()),
        };
        assert!(check_rule(&s, &rule).is_ok());
        rule.source_ref = Some("refs/heads/dev".into());
        let e = check_rule(&s, &rule).unwrap_err();
        assert_eq!(e.reason, Reason::PredicateMismatch);
        assert!(e.message.contains("source ref"), "{}", e.message);
        rule.source_ref = None;
        rule.builder_id = Some("https://evil/builder".into());
        assert!(check_rule(&s, &rule).unwrap_err().message.contains("builder id"));
        rule.builder_id = None;
        rule.predicate_type = "https://spdx.dev/Document".into();
        assert!(check_rule(&s, &rule).unwrap_err().message.contains("predicateType"));
    }
}
