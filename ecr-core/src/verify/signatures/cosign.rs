//! cosign signatures in both layouts: the legacy `sha256-<hex>.sig` tag (a simple-signing payload layer,
//! the signature in the layer annotation `dev.cosignproject.cosign/signature`, an optional certificate and
//! Rekor bundle in further annotations) and the Sigstore bundle stored as a referrer (cosign v3, GitHub's
//! attest actions): a message signature over the image manifest, or a DSSE envelope over an in-toto
//! statement naming it. <https://github.com/sigstore/cosign/blob/main/specs/SIGNATURE_SPEC.md>,
//! <https://github.com/sigstore/cosign/blob/main/specs/BUNDLE_SPEC.md>

use std::collections::BTreeMap;

use serde::Deserialize;

use super::attestation::{Envelope, pae};
use super::crypto::{Encoding, b64};
use super::outcome::{Reason, Rejection, Verified, reject};
use super::rekor::TlogEntry;
use super::trust::{Material, Signed, Trust};

/// The layer media type of a simple-signing payload.
pub const SIMPLE_SIGNING_MEDIA_TYPE: &str = "application/vnd.dev.cosign.simplesigning.v1+json";
/// The layer annotation holding the base64 signature.
pub const SIGNATURE_ANNOTATION: &str = "dev.cosignproject.cosign/signature";
/// The layer annotation holding the PEM signing certificate (keyless).
pub const CERTIFICATE_ANNOTATION: &str = "dev.sigstore.cosign/certificate";
/// The layer annotation holding the legacy Rekor bundle (signed entry timestamp).
pub const REKOR_BUNDLE_ANNOTATION: &str = "dev.sigstore.cosign/bundle";
/// Media types of Sigstore bundles (the artifact type of a bundle referrer).
pub const BUNDLE_MEDIA_TYPE_PREFIX: &str = "application/vnd.dev.sigstore.bundle";

fn malformed(message: impl Into<String>) -> Rejection {
    Rejection::new(Reason::Malformed, message)
}

/// A PEM certificate's DER.
fn pem_der(pem: &str) -> Result<Vec<u8>, Rejection> {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).map(str::trim).collect();
    b64("certificate", &body).map_err(malformed)
}

/// The `critical.image.docker-manifest-digest` of a simple-signing payload.
fn payload_digest(payload: &[u8]) -> Result<String, Rejection> {
    let v: serde_json::Value =
        serde_json::from_slice(payload).map_err(|e| malformed(format!("simple-signing payload: {e}")))?;
    v["critical"]["image"]["docker-manifest-digest"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| malformed("simple-signing payload has no critical.image.docker-manifest-digest"))
}

/// Verifies a legacy cosign signature layer: `payload` (the layer's bytes) and its `annotations`.
pub fn verify_simple_signing(
    payload: &[u8],
    annotations: &BTreeMap<String, String>,
    digest: &str,
    trust: &Trust,
) -> Result<Verified, Rejection> {
    let signed_digest = payload_digest(payload)?;
    if signed_digest != digest {
        return reject(
            Reason::DigestMismatch,
            format!("the payload signs {signed_digest}, not {digest}"),
        );
    }
    let sig_b64 = annotations
        .get(SIGNATURE_ANNOTATION)
        .ok_or_else(|| malformed(format!("no {SIGNATURE_ANNOTATION} annotation")))?;
    let signature = b64("signature", sig_b64).map_err(malformed)?;
    let material = match annotations.get(CERTIFICATE_ANNOTATION) {
        Some(pem) if !pem.is_empty() => Material::Certificate(pem_der(pem)?),
        _ => Material::Keys { hint: None },
    };
    let signing_time = match annotations.get(REKOR_BUNDLE_ANNOTATION) {
        Some(bundle) => Some(TlogEntry::from_legacy_bundle(bundle)?.verify(&trust.root, sig_b64)?),
        None => None,
    };
    let signer = trust.check(
        &material,
        Signed::Bytes(payload),
        &signature,
        Encoding::Der,
        signing_time,
    )?;
    Ok(Verified {
        signer,
        signing_time,
        transparency_log: signing_time.is_some(),
        statement: None,
    })
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
struct Bundle {
    media_type: String,
    verification_material: VerificationMaterial,
    #[serde(default)]
    message_signature: Option<MessageSignature>,
    #[serde(default)]
    dsse_envelope: Option<Envelope>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
struct VerificationMaterial {
    #[serde(default)]
    public_key: Option<KeyHint>,
    #[serde(default)]
    certificate: Option<Raw>,
    #[serde(default)]
    x509_certificate_chain: Option<Chain>,
    #[serde(default)]
    tlog_entries: Vec<TlogEntry>,
}

#[derive(Deserialize, schemars::JsonSchema)]
struct KeyHint {
    #[serde(default)]
    hint: Option<String>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
struct Raw {
    raw_bytes: String,
}

#[derive(Deserialize, schemars::JsonSchema)]
struct Chain {
    certificates: Vec<Raw>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
struct MessageSignature {
    message_digest: MessageDigest,
    signature: String,
}

#[derive(Deserialize, schemars::JsonSchema)]
struct MessageDigest {
    algorithm: String,
    digest: String,
}

/// Verifies a Sigstore bundle (JSON) for the image `digest`.
pub fn verify_bundle(bytes: &[u8], digest: &str, trust: &Trust) -> Result<Verified, Rejection> {
    let bundle: Bundle = serde_json::from_slice(bytes).map_err(|e| malformed(format!("Sigstore bundle: {e}")))?;
    if !bundle.media_type.starts_with(BUNDLE_MEDIA_TYPE_PREFIX) {
        return reject(
            Reason::Unsupported,
            format!("bundle media type {:?}", bundle.media_type),
        );
    }
    let vm = &bundle.verification_material;
    let material = match (&vm.certificate, &vm.x509_certificate_chain, &vm.public_key) {
        (Some(c), _, _) => Material::Certificate(b64("certificate.rawBytes", &c.raw_bytes).map_err(malformed)?),
        (None, Some(chain), _) => {
            let leaf = chain
                .certificates
                .first()
                .ok_or_else(|| malformed("x509CertificateChain is empty"))?;
            Material::Certificate(b64("certificates[0].rawBytes", &leaf.raw_bytes).map_err(malformed)?)
        }
        (None, None, Some(k)) => Material::Keys {
            hint: k.hint.clone().filter(|h| !h.is_empty()),
        },
        (None, None, None) => return reject(Reason::Malformed, "bundle names no key or certificate"),
    };
    let sig_b64 = match (&bundle.message_signature, &bundle.dsse_envelope) {
        (Some(m), _) => m.signature.clone(),
        (None, Some(env)) => env
            .signatures
            .first()
            .map(|s| s.sig.clone())
            .ok_or_else(|| malformed("DSSE envelope has no signature"))?,
        (None, None) => {
            return reject(
                Reason::Malformed,
                "bundle has neither messageSignature nor dsseEnvelope",
            );
        }
    };
    let mut signing_time = None;
    for entry in &vm.tlog_entries {
        let t = entry.verify(&trust.root, &sig_b64)?;
        signing_time.get_or_insert(t);
    }
    let signature = b64("signature", &sig_b64).map_err(malformed)?;
    let check = |signed| trust.check(&material, signed, &signature, Encoding::Der, signing_time);
    let (signer, statement) = if let Some(m) = &bundle.message_signature {
        if m.message_digest.algorithm != "SHA2_256" {
            return reject(
                Reason::Unsupported,
                format!("message digest {}", m.message_digest.algorithm),
            );
        }
        let d = b64("messageDigest.digest", &m.message_digest.digest).map_err(malformed)?;
        let signed = format!("sha256:{}", hex::encode(&d));
        if signed != digest {
            return reject(
                Reason::DigestMismatch,
                format!("the bundle signs {signed}, not {digest}"),
            );
        }
        (check(Signed::Sha256(&d))?, None)
    } else {
        let env = bundle.dsse_envelope.as_ref().ok_or_else(|| malformed("no envelope"))?;
        let (body, statement) = env.statement(digest)?;
        (check(Signed::Bytes(&pae(&env.payload_type, &body)))?, Some(statement))
    };
    Ok(Verified {
        signer,
        signing_time,
        transparency_log: signing_time.is_some(),
        statement,
    })
}

/// Verifies a DSSE envelope (a legacy `.att` tag layer) for `digest`.
pub fn verify_envelope(bytes: &[u8], digest: &str, trust: &Trust) -> Result<Verified, Rejection> {
    let env: Envelope = serde_json::from_slice(bytes).map_err(|e| malformed(format!("DSSE envelope: {e}")))?;
    let (body, statement) = env.statement(digest)?;
    let sig = env
        .signatures
        .first()
        .ok_or_else(|| malformed("DSSE envelope has no signature"))?;
    let signature = b64("signature", &sig.sig).map_err(malformed)?;
    let signer = trust.check(
        &Material::Keys { hint: None },
        Signed::Bytes(&pae(&env.payload_type, &body)),
        &signature,
        Encoding::Der,
        None,
    )?;
    Ok(Verified {
        signer,
        signing_time: None,
        transparency_log: false,
        statement: Some(statement),
    })
}
