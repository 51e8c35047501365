//! The trust material signatures are checked against: named public keys (key-based cosign) and a trusted
//! root (keyless cosign, Notation). One check serves every format: does this signature, made with this key
//! or certificate, verify, and who made it.

use super::certs::{TrustedRoot, identity, parse_der, public_key, verify_chain};
use super::crypto::{Encoding, PublicKey, b64};
use super::outcome::{Reason, Rejection, Signer, reject};
use crate::error::Result;

/// A public key the caller trusts, with the name the policy uses for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedKey {
    /// The name (`release`, the file name).
    pub name: String,
    /// The key.
    pub key: PublicKey,
}

/// Keys and trusted root.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    /// Public keys for key-based signatures.
    pub keys: Vec<NamedKey>,
    /// Certificates and transparency-log keys for keyless and Notation signatures.
    pub root: TrustedRoot,
}

/// What was signed.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Signed<'a> {
    /// These bytes (hashed with the key's hash).
    Bytes(&'a [u8]),
    /// A SHA-256 digest of the artifact (a bundle's `messageDigest`).
    Sha256(&'a [u8]),
}

/// How the signer is named.
#[derive(Debug, Clone)]
pub(crate) enum Material {
    /// One of the trusted keys; the hint (base64 or hex `sha256` of the key) narrows which.
    Keys { hint: Option<String> },
    /// A leaf certificate (DER), chained to the trusted root at the signing time.
    Certificate(Vec<u8>),
}

impl Trust {
    /// Adds a PEM public key under `name`.
    pub fn with_key_pem(mut self, name: &str, pem: &str) -> Result<Self> {
        self.keys.push(NamedKey {
            name: name.to_owned(),
            key: PublicKey::from_pem(pem)?,
        });
        Ok(self)
    }

    /// Checks a signature (`signature` in `encoding`) over `signed`; returns who made it.
    pub(crate) fn check(
        &self,
        material: &Material,
        signed: Signed<'_>,
        signature: &[u8],
        encoding: Encoding,
        signing_time: Option<i64>,
    ) -> Result<Signer, Rejection> {
        let verify = |key: &PublicKey| match signed {
            Signed::Bytes(b) => key.verify(b, signature, key.default_hash(), encoding),
            Signed::Sha256(d) => key.verify_prehash(d, signature, encoding),
        };
        match material {
            Material::Keys { hint } => {
                let candidates: Vec<&NamedKey> = match hint {
                    Some(h) => {
                        let found: Vec<&NamedKey> = self
                            .keys
                            .iter()
                            .filter(|k| {
                                let f = k.key.fingerprint();
                                b64("hint", h).ok().as_ref() == Some(&f) || h.eq_ignore_ascii_case(&hex::encode(&f))
                            })
                            .collect();
                        if found.is_empty() {
                            return reject(Reason::UntrustedKey, format!("key hint {h:?} names no trusted key"));
                        }
                        found
                    }
                    None => self.keys.iter().collect(),
                };
                if candidates.is_empty() {
                    return reject(Reason::UntrustedKey, "no public key is trusted");
                }
                candidates
                    .iter()
                    .find(|k| verify(&k.key).is_ok())
                    .map(|k| Signer::Key { name: k.name.clone() })
                    .ok_or_else(|| {
                        Rejection::new(
                            Reason::BadSignature,
                            format!(
                                "the signature does not verify with {} (an altered payload, or another key)",
                                candidates
                                    .iter()
                                    .map(|k| k.name.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        )
                    })
            }
            Material::Certificate(der) => {
                let leaf = parse_der("certificate", der)?;
                verify(&public_key(&leaf)?)
                    .map_err(|m| Rejection::new(Reason::BadSignature, format!("with the bundle's certificate: {m}")))?;
                let at = signing_time.ok_or_else(|| {
                    Rejection::new(
                        Reason::NoSigningTime,
                        "a certificate signature needs a verified signing time (a transparency-log entry)",
                    )
                })?;
                verify_chain(&leaf, &self.root, at)?;
                Ok(identity(&leaf))
            }
        }
    }
}
