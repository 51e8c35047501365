//! X.509 for keyless and Notation signatures: the trusted root (Sigstore `trusted_root.json` or a PEM
//! bundle), chain building to it at the signing time, and the identity a leaf certificate carries
//! (subject alternative names, the Fulcio OIDC issuer extension).

use serde::Deserialize;
use x509_cert::Certificate;
use x509_cert::der::asn1::Utf8StringRef;
use x509_cert::der::oid::ObjectIdentifier;
use x509_cert::der::{Decode, Encode};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{BasicConstraints, SubjectAltName};

use super::crypto::{Encoding, Hash, PublicKey, b64};
use super::outcome::{Reason, Rejection, Signer, reject};
use crate::error::{Error, Result};

/// Fulcio's OIDC issuer extension (raw string, deprecated).
const FULCIO_ISSUER_V1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.1");
/// Fulcio's OIDC issuer extension (DER UTF8String).
const FULCIO_ISSUER_V2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.8");
const ECDSA_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const ECDSA_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");

/// A transparency log's key, by its log id (`sha256` of the key's DER).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlogKey {
    /// The log id bytes.
    pub log_id: Vec<u8>,
    /// The log's signing key.
    pub key: PublicKey,
}

/// What keyless and Notation signatures are checked against: certificates (roots and intermediates) and
/// transparency-log keys.
#[derive(Debug, Clone, Default)]
pub struct TrustedRoot {
    /// Trusted certificates; a chain ends at one that is self-signed.
    pub certificates: Vec<Certificate>,
    /// Transparency-log keys.
    pub tlogs: Vec<TlogKey>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
struct RootJson {
    #[serde(default)]
    tlogs: Vec<TlogJson>,
    #[serde(default)]
    certificate_authorities: Vec<CaJson>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
struct TlogJson {
    public_key: RawBytes,
    log_id: LogIdJson,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
struct LogIdJson {
    key_id: String,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
struct CaJson {
    cert_chain: ChainJson,
}

#[derive(Deserialize, schemars::JsonSchema)]
struct ChainJson {
    certificates: Vec<RawBytes>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
struct RawBytes {
    raw_bytes: String,
}

impl TrustedRoot {
    /// Reads a Sigstore `trusted_root.json` (certificate authorities and transparency logs) or, when the
    /// text starts with `-----BEGIN`, a PEM bundle of certificates.
    pub fn parse(text: &str) -> Result<Self> {
        if text.trim_start().starts_with("-----BEGIN") {
            let certificates = Certificate::load_pem_chain(text.as_bytes())
                .map_err(|e| Error::invalid("trusted root", format!("PEM certificates: {e}")))?;
            return Ok(Self {
                certificates,
                tlogs: Vec::new(),
            });
        }
        let root: RootJson = crate::verify::signatures::policy::from_json("trusted root", text)?;
        let mut out = Self::default();
        for (i, ca) in root.certificate_authorities.iter().enumerate() {
            for (j, c) in ca.cert_chain.certificates.iter().enumerate() {
                let path = format!("certificateAuthorities[{i}].certChain.certificates[{j}].rawBytes");
                let der = b64(&path, &c.raw_bytes).map_err(|m| Error::invalid("trusted root", m))?;
                let cert =
                    Certificate::from_der(&der).map_err(|e| Error::invalid("trusted root", format!("{path}: {e}")))?;
                out.certificates.push(cert);
            }
        }
        for (i, t) in root.tlogs.iter().enumerate() {
            let at = |f: &str| format!("tlogs[{i}].{f}");
            let der = b64(&at("publicKey.rawBytes"), &t.public_key.raw_bytes)
                .map_err(|m| Error::invalid("trusted root", m))?;
            let key = PublicKey::from_spki_der(&der)
                .map_err(|e| Error::invalid("trusted root", format!("{}: {e}", at("publicKey"))))?;
            let log_id = b64(&at("logId.keyId"), &t.log_id.key_id).map_err(|m| Error::invalid("trusted root", m))?;
            out.tlogs.push(TlogKey { log_id, key });
        }
        Ok(out)
    }

    /// The log key with this id.
    pub fn tlog(&self, log_id: &[u8]) -> Option<&PublicKey> {
        self.tlogs.iter().find(|t| t.log_id == log_id).map(|t| &t.key)
    }
}

/// A parsed certificate, from DER.
pub(crate) fn parse_der(what: &str, der: &[u8]) -> Result<Certificate, Rejection> {
    Certificate::from_der(der).map_err(|e| Rejection::new(Reason::Malformed, format!("{what}: {e}")))
}

/// The certificate's public key.
pub(crate) fn public_key(cert: &Certificate) -> Result<PublicKey, Rejection> {
    let spki = cert
        .tbs_certificate()
        .subject_public_key_info()
        .to_der()
        .map_err(|e| Rejection::new(Reason::Malformed, e.to_string()))?;
    PublicKey::from_spki_der(&spki).map_err(|e| Rejection::new(Reason::Unsupported, e.to_string()))
}

fn validity(cert: &Certificate) -> (i64, i64) {
    let v = cert.tbs_certificate().validity();
    let secs = |t: x509_cert::time::Time| i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX);
    (secs(v.not_before), secs(v.not_after))
}

fn subject(cert: &Certificate) -> String {
    cert.tbs_certificate().subject().to_string()
}

/// Whether `issuer` signed `cert`.
fn signed_by(cert: &Certificate, issuer: &Certificate) -> bool {
    let hash = match cert.signature_algorithm().oid {
        ECDSA_SHA256 => Hash::Sha256,
        ECDSA_SHA384 => Hash::Sha384,
        _ => return false,
    };
    let (Ok(key), Ok(tbs), Some(sig)) = (
        public_key(issuer),
        cert.tbs_certificate().to_der(),
        cert.signature().as_bytes(),
    ) else {
        return false;
    };
    key.verify(&tbs, sig, hash, Encoding::Der).is_ok()
}

fn is_ca(cert: &Certificate) -> bool {
    matches!(cert.tbs_certificate().get_extension::<BasicConstraints>(), Ok(Some((_, bc))) if bc.ca)
}

/// Checks that `leaf` chains to a self-signed certificate of `root`, every certificate valid at `at`
/// (unix seconds) and every issuer a CA.
pub(crate) fn verify_chain(leaf: &Certificate, root: &TrustedRoot, at: i64) -> Result<(), Rejection> {
    let mut current = leaf;
    for _ in 0..8 {
        let (nb, na) = validity(current);
        if at < nb || at > na {
            return reject(
                Reason::Expired,
                format!(
                    "certificate {:?} valid {} to {}, signed at {}",
                    subject(current),
                    iso(nb),
                    iso(na),
                    iso(at)
                ),
            );
        }
        let issuer = root.certificates.iter().find(|c| {
            c.tbs_certificate().subject() == current.tbs_certificate().issuer() && is_ca(c) && signed_by(current, c)
        });
        match issuer {
            None => {
                return reject(
                    Reason::UntrustedCertificate,
                    format!(
                        "no trusted CA certificate {:?} signed {:?}",
                        current.tbs_certificate().issuer().to_string(),
                        subject(current)
                    ),
                );
            }
            Some(i) if i.tbs_certificate().subject() == i.tbs_certificate().issuer() => {
                let (nb, na) = validity(i);
                return if at < nb || at > na {
                    reject(
                        Reason::Expired,
                        format!("root {:?} not valid at {}", subject(i), iso(at)),
                    )
                } else {
                    Ok(())
                };
            }
            Some(i) => current = i,
        }
    }
    reject(Reason::UntrustedCertificate, "certificate chain longer than 8")
}

/// The identity a leaf certificate carries.
pub(crate) fn identity(cert: &Certificate) -> Signer {
    let tbs = cert.tbs_certificate();
    let mut identities = Vec::new();
    if let Ok(Some((_, SubjectAltName(names)))) = tbs.get_extension::<SubjectAltName>() {
        for n in names {
            match n {
                GeneralName::UniformResourceIdentifier(s) | GeneralName::Rfc822Name(s) | GeneralName::DnsName(s) => {
                    identities.push(s.to_string())
                }
                _ => {}
            }
        }
    }
    let ext = |oid| {
        tbs.extensions()
            .into_iter()
            .flatten()
            .find(|e| e.extn_id == oid)
            .map(|e| e.extn_value.as_bytes().to_vec())
    };
    let issuer = ext(FULCIO_ISSUER_V2)
        .and_then(|v| Utf8StringRef::from_der(&v).ok().map(|s| s.as_str().to_owned()))
        .or_else(|| ext(FULCIO_ISSUER_V1).and_then(|v| String::from_utf8(v).ok()));
    Signer::Certificate {
        identities,
        issuer,
        subject: subject(cert),
    }
}

/// A unix time as RFC 3339 text.
pub(crate) fn iso(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0).map_or_else(|| secs.to_string(), |t| t.to_rfc3339())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::verify::signatures::testkit::{Ca, Key, LeafSpec, ymd};

    #[test]
    fn a_leaf_chains_to_the_root_at_the_signing_time_only() {
        let ca = Ca::new("Test Root");
        let key = Key::p256();
        let leaf = ca.leaf(&key, &LeafSpec::github());
        let leaf = Certificate::from_der(&leaf).unwrap();
        let root = TrustedRoot::parse(&ca.trusted_root_json(None)).unwrap();
        assert_eq!(root.certificates.len(), 1);
        assert!(verify_chain(&leaf, &root, ymd(2026, 6, 1)).is_ok());
        let late = verify_chain(&leaf, &root, ymd(2027, 6, 1)).unwrap_err();
        assert_eq!(late.reason, Reason::Expired);
        let other = TrustedRoot::parse(&Ca::new("Other Root").pem()).unwrap();
        assert_eq!(
            verify_chain(&leaf, &other, ymd(2026, 6, 1)).unwrap_err().reason,
            Reason::UntrustedCertificate
        );
        let Signer::Certificate { identities, issuer, .. } = identity(&leaf) else {
            panic!()
        };
        assert_eq!(identities, [LeafSpec::github().san]);
        assert_eq!(issuer.as_deref(), Some("https://token.actions.githubusercontent.com"));
    }

    #[test]
    fn a_bad_trusted_root_names_the_field() {
        let e =
            TrustedRoot::parse(r#"{"certificateAuthorities":[{"certChain":{"certificates":[{"rawBytes":"!!"}]}}]}"#)
                .unwrap_err()
                .to_string();
        assert!(
            e.contains("certificateAuthorities[0].certChain.certificates[0].rawBytes"),
            "{e}"
        );
    }
}
