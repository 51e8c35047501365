//! The signature policy: who may sign, which attestations are required, whether the index or each platform
//! manifest must carry them, and what a missing, expired or unverifiable signature does (default: fail).

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::outcome::Signer;
use crate::error::{Error, FieldError, Result};

/// Reads JSON text into `T`, the error naming `what`, the line and column, or the field path.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> Result<T> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        Error::invalid(
            what,
            format!("not JSON: {e} (line {}, column {})", e.line(), e.column()),
        )
    })?;
    crate::types::from_json(value, what)
}

/// Who may sign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "type",
    deny_unknown_fields
)]
pub enum SignerRule {
    /// A public key from the trust material, by name (`cosign.pub`).
    Key {
        /// The key's name.
        key: String,
    },
    /// A keyless (Fulcio-style) certificate: identity and OIDC issuer.
    Keyless {
        /// The exact certificate identity (SAN), e.g. a workflow URI.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        identity: Option<String>,
        /// A regular expression the whole identity must match (instead of `identity`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        identity_regex: Option<String>,
        /// The exact OIDC issuer, e.g. `https://token.actions.githubusercontent.com`.
        issuer: String,
    },
    /// A Notation certificate: the signing profile ARN (AWS Signer) or x509 subject it must carry.
    Notation {
        /// The identity: a SAN or the subject's text, or a subject containing it as `CN=<identity>`.
        identity: String,
    },
}

impl SignerRule {
    /// Whether this rule admits `signer`; `Err` says which part differs (identity or issuer).
    pub fn admits(&self, signer: &Signer) -> std::result::Result<(), super::outcome::Reason> {
        use super::outcome::Reason;
        match (self, signer) {
            (SignerRule::Key { key }, Signer::Key { name }) if key == name => Ok(()),
            (
                SignerRule::Keyless {
                    identity,
                    identity_regex,
                    issuer,
                },
                Signer::Certificate {
                    identities,
                    issuer: found,
                    ..
                },
            ) => {
                if found.as_deref() != Some(issuer.as_str()) {
                    return Err(Reason::IssuerMismatch);
                }
                let regex = identity_regex
                    .as_deref()
                    .and_then(|r| Regex::new(&format!("^(?:{r})$")).ok());
                let ok = identities.iter().any(|id| {
                    identity.as_deref() == Some(id.as_str()) || regex.as_ref().is_some_and(|r| r.is_match(id))
                });
                if ok { Ok(()) } else { Err(Reason::IdentityMismatch) }
            }
            (
                SignerRule::Notation { identity },
                Signer::Certificate {
                    identities, subject, ..
                },
            ) => {
                let cn = format!("CN={identity}");
                let ok = identities.iter().any(|i| i == identity)
                    || subject == identity
                    || subject.split(',').any(|part| part.trim() == cn);
                if ok { Ok(()) } else { Err(Reason::IdentityMismatch) }
            }
            (SignerRule::Key { .. }, _) => Err(Reason::UntrustedKey),
            _ => Err(Reason::IdentityMismatch),
        }
    }
}

/// A required attestation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AttestationRule {
    /// The in-toto `predicateType`, e.g. `https://slsa.dev/provenance/v1`.
    pub predicate_type: String,
    /// SLSA v1: `runDetails.builder.id` must equal this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub builder_id: Option<String>,
    /// SLSA v1: the source repository (`buildDefinition.externalParameters.workflow.repository`, or a
    /// resolved dependency's `uri`) must equal this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_repository: Option<String>,
    /// SLSA v1: the source ref (`externalParameters.workflow.ref`) must equal this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_ref: Option<String>,
}

/// Which manifests must be signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "SignatureScope")]
pub enum Scope {
    /// The pinned digest itself (the index, for a multi-arch image).
    #[default]
    Index,
    /// Each platform manifest of the index (the pinned digest when it is a single manifest).
    EachPlatform,
    /// Both the index and each platform manifest.
    Both,
}

/// What a problem does to the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "SignatureAction")]
pub enum Action {
    /// The decision fails.
    #[default]
    Fail,
    /// A warning; the decision can still pass.
    Warn,
}

/// The whole policy. Unknown fields are refused.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignaturePolicy {
    /// Signers, any one of which satisfies the signature requirement; attestations must be signed by one too.
    #[serde(default)]
    pub signers: Vec<SignerRule>,
    /// Attestations required, each satisfied by one verified attestation.
    #[serde(default)]
    pub attestations: Vec<AttestationRule>,
    /// Which manifests must be signed.
    #[serde(default)]
    pub scope: Scope,
    /// When no signature or attestation is attached.
    #[serde(default)]
    pub on_missing: Action,
    /// When the only signatures are by certificates not valid at the signing time.
    #[serde(default)]
    pub on_expired: Action,
    /// When signatures are attached but none verifies for an allowed signer.
    #[serde(default)]
    pub on_unverifiable: Action,
}

impl SignaturePolicy {
    /// Parses and validates a JSON policy.
    pub fn from_json_str(text: &str) -> Result<Self> {
        let policy: Self = from_json("signature policy", text)?;
        policy.validate()?;
        Ok(policy)
    }

    /// Every problem: no signer, a keyless rule without identity, a regex that does not compile.
    pub fn validate(&self) -> Result<()> {
        let mut errors = Vec::new();
        if self.signers.is_empty() {
            errors.push(FieldError::new("signers", "at least one signer is required"));
        }
        for (i, s) in self.signers.iter().enumerate() {
            if let SignerRule::Keyless {
                identity,
                identity_regex,
                ..
            } = s
            {
                match (identity, identity_regex) {
                    (None, None) | (Some(_), Some(_)) => errors.push(FieldError::new(
                        format!("signers[{i}]"),
                        "exactly one of identity and identityRegex is required",
                    )),
                    (_, Some(r)) => {
                        if let Err(e) = Regex::new(r) {
                            errors.push(FieldError::new(format!("signers[{i}].identityRegex"), e.to_string()));
                        }
                    }
                    _ => {}
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Error::PolicyValidation {
                what: "signature policy".into(),
                errors,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::verify::signatures::outcome::Reason;

    fn cert(id: &str, issuer: &str) -> Signer {
        Signer::Certificate {
            identities: vec![id.into()],
            issuer: Some(issuer.into()),
            subject: "CN=sigstore".into(),
        }
    }

    #[test]
    fn keyless_rules_match_identity_and_issuer_separately() {
        let p = SignaturePolicy::from_json_str(
            r#"{"signers":[{"type":"keyless","identityRegex":"https://github.com/example/.*","issuer":"https://iss"}]}"#,
        )
        .unwrap();
        let rule = &p.signers[0];
        assert_eq!(
            rule.admits(&cert("https://github.com/example/app", "https://iss")),
            Ok(())
        );
        assert_eq!(
            rule.admits(&cert("https://github.com/evil/app", "https://iss")),
            Err(Reason::IdentityMismatch)
        );
        assert_eq!(
            rule.admits(&cert("https://github.com/example/app", "https://other")),
            Err(Reason::IssuerMismatch)
        );
        assert_eq!(p.on_missing, Action::Fail);
        assert_eq!(p.scope, Scope::Index);
    }

    #[test]
    fn bad_policies_name_the_field() {
        let e = SignaturePolicy::from_json_str(r#"{"signers":[{"type":"keyless","issuer":"x"}]}"#).unwrap_err();
        assert!(e.to_string().contains("signers[0]"), "{e}");
        let e = SignaturePolicy::from_json_str(r#"{"signers":[],"scope":"all"}"#).unwrap_err();
        assert!(e.to_string().contains("scope"), "{e}");
        let e = SignaturePolicy::from_json_str(r#"{"signers":[]}"#).unwrap_err();
        assert_eq!(e.code(), "PolicyValidation");
        let e = SignaturePolicy::from_json_str(r#"{"signers":[{"type":"keyless","identityRegex":"(","issuer":"x"}]}"#)
            .unwrap_err();
        assert!(e.to_string().contains("signers[0].identityRegex"), "{e}");
    }
}
