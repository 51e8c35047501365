//! ECDSA public keys (P-256, P-384) and signature checks over SHA-256 / SHA-384, the algorithms cosign,
//! Fulcio, Rekor and AWS Signer (`Notation-OCI-SHA384-ECDSA`) use.

use p256::pkcs8::DecodePublicKey;
use sha2::{Digest as _, Sha256, Sha384};

use crate::error::{Error, Result};

/// A hash a signature is made over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hash {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
}

impl Hash {
    pub(crate) fn digest(self, message: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha256 => Sha256::digest(message).to_vec(),
            Hash::Sha384 => Sha384::digest(message).to_vec(),
        }
    }
}

/// How the signature bytes are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// ASN.1 DER `SEQUENCE { r, s }` (cosign, X.509).
    Der,
    /// Fixed-size `r || s` (JWS).
    Raw,
}

/// An ECDSA verifying key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicKey {
    /// NIST P-256.
    P256(p256::ecdsa::VerifyingKey),
    /// NIST P-384.
    P384(p384::ecdsa::VerifyingKey),
}

impl PublicKey {
    /// From a DER `SubjectPublicKeyInfo`.
    pub fn from_spki_der(der: &[u8]) -> Result<Self> {
        if let Ok(k) = p256::ecdsa::VerifyingKey::from_public_key_der(der) {
            return Ok(PublicKey::P256(k));
        }
        p384::ecdsa::VerifyingKey::from_public_key_der(der)
            .map(PublicKey::P384)
            .map_err(|e| Error::invalid("public key", format!("not an ECDSA P-256 or P-384 key: {e}")))
    }

    /// From a PEM `PUBLIC KEY` block (what `cosign generate-key-pair` writes as `cosign.pub`).
    pub fn from_pem(pem: &str) -> Result<Self> {
        if let Ok(k) = p256::ecdsa::VerifyingKey::from_public_key_pem(pem) {
            return Ok(PublicKey::P256(k));
        }
        p384::ecdsa::VerifyingKey::from_public_key_pem(pem)
            .map(PublicKey::P384)
            .map_err(|e| Error::invalid("public key", format!("not a PEM ECDSA P-256 or P-384 public key: {e}")))
    }

    /// The hash this curve's signatures normally use.
    pub fn default_hash(&self) -> Hash {
        match self {
            PublicKey::P256(_) => Hash::Sha256,
            PublicKey::P384(_) => Hash::Sha384,
        }
    }

    /// Checks `signature` over `message` hashed with `hash`; a message explaining why not otherwise.
    pub fn verify(&self, message: &[u8], signature: &[u8], hash: Hash, encoding: Encoding) -> Result<(), String> {
        self.verify_prehash(&hash.digest(message), signature, encoding)
    }

    /// Checks `signature` over an already computed digest.
    pub fn verify_prehash(&self, prehash: &[u8], signature: &[u8], encoding: Encoding) -> Result<(), String> {
        use p256::ecdsa::signature::hazmat::PrehashVerifier;
        let bad = |e: p256::ecdsa::Error| format!("signature does not verify: {e}");
        let malformed = |e: p256::ecdsa::Error| format!("malformed signature: {e}");
        match self {
            PublicKey::P256(k) => {
                let sig = match encoding {
                    Encoding::Der => p256::ecdsa::Signature::from_der(signature),
                    Encoding::Raw => p256::ecdsa::Signature::from_slice(signature),
                }
                .map_err(malformed)?;
                k.verify_prehash(prehash, &sig).map_err(bad)
            }
            PublicKey::P384(k) => {
                let sig = match encoding {
                    Encoding::Der => p384::ecdsa::Signature::from_der(signature),
                    Encoding::Raw => p384::ecdsa::Signature::from_slice(signature),
                }
                .map_err(malformed)?;
                k.verify_prehash(prehash, &sig).map_err(bad)
            }
        }
    }

    /// `sha256` of the key's DER `SubjectPublicKeyInfo` (the key hint cosign bundles carry, base64).
    pub fn fingerprint(&self) -> Vec<u8> {
        use p256::pkcs8::EncodePublicKey;
        let der = match self {
            PublicKey::P256(k) => k.to_public_key_der(),
            PublicKey::P384(k) => k.to_public_key_der(),
        };
        der.map(|d| Sha256::digest(d.as_bytes()).to_vec()).unwrap_or_default()
    }
}

/// Decodes standard base64 (with or without padding), naming `what` when it is not.
pub(crate) fn b64(what: &str, text: &str) -> Result<Vec<u8>, String> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(text.trim()))
        .map_err(|e| format!("{what} is not base64: {e}"))
}

/// Decodes base64url without padding (JWS), naming `what` when it is not.
pub(crate) fn b64url(what: &str, text: &str) -> Result<Vec<u8>, String> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .map_err(|e| format!("{what} is not base64url: {e}"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::verify::signatures::testkit::Key;

    #[test]
    fn p256_and_p384_signatures_verify_and_tampering_fails() {
        for key in [Key::p256(), Key::p384()] {
            let public = PublicKey::from_pem(&key.public_pem()).unwrap();
            let sig = key.sign_der(b"payload");
            let h = public.default_hash();
            assert!(public.verify(b"payload", &sig, h, Encoding::Der).is_ok());
            assert!(public.verify(b"payloaD", &sig, h, Encoding::Der).is_err());
            assert!(
                public
                    .verify(b"payload", &sig[..8], h, Encoding::Der)
                    .unwrap_err()
                    .contains("malformed")
            );
        }
        let other = PublicKey::from_pem(&Key::p256().public_pem()).unwrap();
        let sig = Key::p256().sign_der(b"payload");
        assert!(other.verify(b"payload", &sig, Hash::Sha256, Encoding::Der).is_err());
        assert!(PublicKey::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----").is_err());
    }
}
