//! Notation signatures (what AWS Signer makes for ECR): the JWS JSON envelope whose protected header and
//! payload are signed, the `targetArtifact` descriptor against the pinned digest, the `x5c` certificate
//! chain against the trusted root at the signing time, and the signature's expiry.
//! <https://github.com/notaryproject/specifications/blob/v1.0.0/specs/signature-envelope-jws.md>

use serde::Deserialize;

use super::crypto::{Encoding, b64, b64url};
use super::outcome::{Reason, Rejection, Verified, reject};
use super::trust::{Material, Signed, Trust};

/// The config media type of a Notation signature manifest (its artifact type).
pub const NOTATION_ARTIFACT_TYPE: &str = "application/vnd.cncf.notary.signature";
/// The layer media type of a JWS envelope.
pub const JWS_MEDIA_TYPE: &str = "application/jose+json";
/// The layer media type of a COSE envelope (not verified here).
pub const COSE_MEDIA_TYPE: &str = "application/cose";

#[derive(Deserialize, schemars::JsonSchema)]
struct Jws {
    payload: String,
    protected: String,
    header: Unprotected,
    signature: String,
}

#[derive(Deserialize, schemars::JsonSchema)]
struct Unprotected {
    x5c: Vec<String>,
}

#[derive(Deserialize, schemars::JsonSchema)]
struct Protected {
    alg: String,
    #[serde(rename = "io.cncf.notary.signingTime")]
    signing_time: Option<String>,
    #[serde(rename = "io.cncf.notary.authenticSigningTime")]
    authentic_signing_time: Option<String>,
    #[serde(rename = "io.cncf.notary.expiry")]
    expiry: Option<String>,
}

fn malformed(message: impl Into<String>) -> Rejection {
    Rejection::new(Reason::Malformed, message)
}

fn unix(field: &str, text: &str) -> Result<i64, Rejection> {
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.timestamp())
        .map_err(|e| malformed(format!("{field} {text:?}: {e}")))
}

/// Verifies a JWS envelope for `digest`, `now` being the current unix time (for the expiry).
pub fn verify_jws(bytes: &[u8], digest: &str, trust: &Trust, now: i64) -> Result<Verified, Rejection> {
    let jws: Jws = serde_json::from_slice(bytes).map_err(|e| malformed(format!("JWS envelope: {e}")))?;
    let protected: Protected = serde_json::from_slice(&b64url("protected", &jws.protected).map_err(malformed)?)
        .map_err(|e| malformed(format!("protected header: {e}")))?;
    if !matches!(protected.alg.as_str(), "ES256" | "ES384") {
        return reject(Reason::Unsupported, format!("JWS algorithm {}", protected.alg));
    }
    let payload: serde_json::Value = serde_json::from_slice(&b64url("payload", &jws.payload).map_err(malformed)?)
        .map_err(|e| malformed(format!("payload: {e}")))?;
    let target = payload["targetArtifact"]["digest"].as_str().unwrap_or_default();
    if target != digest {
        return reject(
            Reason::DigestMismatch,
            format!("the envelope signs {target:?}, not {digest}"),
        );
    }
    let leaf = jws.header.x5c.first().ok_or_else(|| malformed("x5c is empty"))?;
    let leaf = b64("x5c[0]", leaf).map_err(malformed)?;
    let time = protected
        .authentic_signing_time
        .as_deref()
        .or(protected.signing_time.as_deref())
        .ok_or_else(|| Rejection::new(Reason::NoSigningTime, "no io.cncf.notary.signingTime"))?;
    let signing_time = unix("signing time", time)?;
    if let Some(expiry) = &protected.expiry
        && unix("expiry", expiry)? < now
    {
        return reject(Reason::Expired, format!("the signature expired at {expiry}"));
    }
    let signature = b64url("signature", &jws.signature).map_err(malformed)?;
    let input = format!("{}.{}", jws.protected, jws.payload);
    let signer = trust.check(
        &Material::Certificate(leaf),
        Signed::Bytes(input.as_bytes()),
        &signature,
        Encoding::Raw,
        Some(signing_time),
    )?;
    Ok(Verified {
        signer,
        signing_time: Some(signing_time),
        transparency_log: false,
        statement: None,
    })
}
