//! What checking one attached artifact found: verified (by whom, when, over what) or rejected with a typed
//! reason.

use serde::{Deserialize, Serialize};

use super::attestation::Statement;

/// Why a signature or attestation does not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(rename = "SignatureReason")]
pub enum Reason {
    /// Nothing of the kind is attached.
    Missing,
    /// The referrer's `subject` names another manifest.
    SubjectMismatch,
    /// The signed payload names another digest (`docker-manifest-digest`, in-toto subject, JWS target).
    DigestMismatch,
    /// The signature does not verify over the payload (altered payload, or a key that did not make it).
    BadSignature,
    /// The bundle names a key the policy does not trust.
    UntrustedKey,
    /// The certificate does not chain to the trusted root.
    UntrustedCertificate,
    /// A certificate was not valid at the signing time, or the signature's expiry has passed.
    Expired,
    /// The certificate identity (SAN, x509 subject, signing profile) is not one the policy allows.
    IdentityMismatch,
    /// The certificate's OIDC issuer is not the one the policy names.
    IssuerMismatch,
    /// The transparency-log entry (inclusion proof, checkpoint or signed entry timestamp) does not verify.
    TransparencyLog,
    /// A certificate-based signature without a verified time (no transparency-log entry).
    NoSigningTime,
    /// An attestation's predicate type, builder or source is not what the policy requires.
    PredicateMismatch,
    /// The envelope or payload cannot be parsed.
    Malformed,
    /// A format or algorithm this verifier does not implement (COSE, RSA).
    Unsupported,
}

impl Reason {
    /// The kebab-case spelling used in reports.
    pub fn as_str(&self) -> &'static str {
        match self {
            Reason::Missing => "missing",
            Reason::SubjectMismatch => "subject-mismatch",
            Reason::DigestMismatch => "digest-mismatch",
            Reason::BadSignature => "bad-signature",
            Reason::UntrustedKey => "untrusted-key",
            Reason::UntrustedCertificate => "untrusted-certificate",
            Reason::Expired => "expired",
            Reason::IdentityMismatch => "identity-mismatch",
            Reason::IssuerMismatch => "issuer-mismatch",
            Reason::TransparencyLog => "transparency-log",
            Reason::NoSigningTime => "no-signing-time",
            Reason::PredicateMismatch => "predicate-mismatch",
            Reason::Malformed => "malformed",
            Reason::Unsupported => "unsupported",
        }
    }
}

/// A rejection: the reason and what exactly was wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Rejection {
    /// The typed reason.
    pub reason: Reason,
    /// What was wrong, for a person.
    pub message: String,
}

impl Rejection {
    /// A rejection for `reason`.
    pub fn new(reason: Reason, message: impl Into<String>) -> Self {
        Self {
            reason,
            message: message.into(),
        }
    }
}

/// `Err(Rejection)` for `reason`.
pub(crate) fn reject<T>(reason: Reason, message: impl Into<String>) -> Result<T, Rejection> {
    Err(Rejection::new(reason, message))
}

/// Who made a verified signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum Signer {
    /// A public key from the trust material, by its name.
    Key {
        /// The key's name.
        name: String,
    },
    /// A certificate chained to a trusted root.
    Certificate {
        /// Subject alternative names (URI, e-mail, DNS).
        identities: Vec<String>,
        /// The Fulcio OIDC issuer extension, when present.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        issuer: Option<String>,
        /// The x509 subject (RFC 4514 text).
        subject: String,
    },
}

/// The kind of artifact checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(rename = "SignatureKind")]
pub enum Kind {
    /// cosign's legacy `sha256-<hex>.sig` simple-signing payload.
    CosignSimpleSigning,
    /// A Sigstore bundle (cosign v3, GitHub attest) with a message signature or DSSE envelope.
    SigstoreBundle,
    /// A DSSE envelope (`.att` tag layer or a bundle) carrying an in-toto statement.
    Attestation,
    /// A Notation (AWS Signer) JWS envelope.
    Notation,
    /// Something that is not a signature (an SBOM, an unknown artifact type).
    Other,
}

/// A signature that verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Verified {
    /// Who signed.
    pub signer: Signer,
    /// The verified signing time (unix seconds), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_time: Option<i64>,
    /// Whether a transparency-log entry was verified.
    pub transparency_log: bool,
    /// The in-toto statement, for DSSE envelopes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement: Option<Statement>,
}
