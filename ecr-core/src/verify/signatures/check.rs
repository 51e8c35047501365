//! Checks each attached artifact: its subject against the digest, then each layer by its format.

use serde::{Deserialize, Serialize};

use super::attestation::COSIGN_SIGN_PREDICATE;
use super::cosign::{
    BUNDLE_MEDIA_TYPE_PREFIX, SIMPLE_SIGNING_MEDIA_TYPE, verify_bundle, verify_envelope, verify_simple_signing,
};
use super::discover::{Attached, Source};
use super::notation::{COSE_MEDIA_TYPE, JWS_MEDIA_TYPE, verify_jws};
use super::outcome::{Kind, Reason, Rejection, Verified};
use super::trust::Trust;

/// The layer media type of a DSSE envelope (cosign's `.att` tag).
pub const DSSE_MEDIA_TYPE: &str = "application/vnd.dsse.envelope.v1+json";

/// Verified or rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "SignatureOutcome")]
pub enum Outcome {
    /// The signature verified.
    Verified(Box<Verified>),
    /// It did not count, and why.
    Rejected(Rejection),
}

/// What checking one signature layer of one attached artifact found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    /// The digest it was checked for.
    pub subject: String,
    /// The attached artifact's manifest digest.
    pub artifact: String,
    /// Where it was found.
    pub source: Source,
    /// What kind of signature.
    pub kind: Kind,
    /// The outcome.
    pub outcome: Outcome,
}

impl Evidence {
    /// The verified result, if any.
    pub fn verified(&self) -> Option<&Verified> {
        match &self.outcome {
            Outcome::Verified(v) => Some(v.as_ref()),
            Outcome::Rejected(_) => None,
        }
    }

    /// Whether this is an attestation (a statement other than cosign's signing statement).
    pub fn is_attestation(&self) -> bool {
        match &self.outcome {
            Outcome::Verified(v) => v
                .statement
                .as_ref()
                .is_some_and(|s| s.predicate_type != COSIGN_SIGN_PREDICATE),
            Outcome::Rejected(_) => self.kind == Kind::Attestation,
        }
    }
}

fn kind_of(media_type: &str) -> Kind {
    match media_type {
        SIMPLE_SIGNING_MEDIA_TYPE => Kind::CosignSimpleSigning,
        DSSE_MEDIA_TYPE => Kind::Attestation,
        JWS_MEDIA_TYPE | COSE_MEDIA_TYPE => Kind::Notation,
        m if m.starts_with(BUNDLE_MEDIA_TYPE_PREFIX) => Kind::SigstoreBundle,
        _ => Kind::Other,
    }
}

/// Checks every signature layer of `attached` for `digest`; layers of other kinds (SBOMs) give nothing.
pub fn check(attached: &Attached, digest: &str, trust: &Trust, now: i64) -> Vec<Evidence> {
    let subject_problem = match (&attached.subject, attached.source) {
        (Some(s), _) if s != digest => Some(format!("the referrer's subject is {s}, not {digest}")),
        (None, Source::EcrReferrers | Source::RegistryReferrers) => Some("the referrer has no subject".to_owned()),
        _ => None,
    };
    attached
        .layers
        .iter()
        .filter_map(|layer| {
            let kind = kind_of(&layer.media_type);
            let outcome = match (&subject_problem, kind) {
                (_, Kind::Other) => return None,
                (Some(p), _) => Err(Rejection::new(Reason::SubjectMismatch, p.clone())),
                (None, Kind::CosignSimpleSigning) => {
                    verify_simple_signing(&layer.bytes, &layer.annotations, digest, trust)
                }
                (None, Kind::SigstoreBundle) => verify_bundle(&layer.bytes, digest, trust),
                (None, Kind::Attestation) => verify_envelope(&layer.bytes, digest, trust),
                (None, Kind::Notation) if layer.media_type == COSE_MEDIA_TYPE => {
                    Err(Rejection::new(Reason::Unsupported, "COSE envelopes are not verified"))
                }
                (None, Kind::Notation) => verify_jws(&layer.bytes, digest, trust, now),
            };
            Some(Evidence {
                subject: digest.to_owned(),
                artifact: attached.digest.clone(),
                source: attached.source,
                kind,
                outcome: match outcome {
                    Ok(v) => Outcome::Verified(Box::new(v)),
                    Err(r) => Outcome::Rejected(r),
                },
            })
        })
        .collect()
}
