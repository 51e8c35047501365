//! Test-only keys and certificates: ECDSA keys, a CA made by the test, Fulcio-style leaf certificates, and
//! a Sigstore `trusted_root.json` naming them. Nothing here reaches a network.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use base64::Engine as _;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, CustomExtension, DnType, IsCa, KeyPair, PublicKeyData,
    SanType, SigningKey,
};

/// Unix seconds at midnight UTC of a date.
pub fn ymd(y: i32, m: u32, d: u32) -> i64 {
    chrono::NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp()
}

/// Standard base64.
pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// An ECDSA key pair made by the test.
pub struct Key(pub KeyPair);

impl Key {
    /// A P-256 key (cosign's default).
    pub fn p256() -> Self {
        Key(KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap())
    }
    /// A P-384 key (AWS Signer's).
    pub fn p384() -> Self {
        Key(KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).unwrap())
    }
    /// `PUBLIC KEY` PEM.
    pub fn public_pem(&self) -> String {
        self.0.public_key_pem()
    }
    /// `SubjectPublicKeyInfo` DER.
    pub fn spki_der(&self) -> Vec<u8> {
        self.0.subject_public_key_info()
    }
    /// A DER ECDSA signature (SHA-256 for P-256, SHA-384 for P-384).
    pub fn sign_der(&self, message: &[u8]) -> Vec<u8> {
        self.0.sign(message).unwrap()
    }
    /// A fixed-size `r || s` signature (JWS).
    pub fn sign_raw(&self, message: &[u8]) -> Vec<u8> {
        let der = self.sign_der(message);
        match p256::ecdsa::Signature::from_der(&der) {
            Ok(s) => s.to_bytes().to_vec(),
            Err(_) => p384::ecdsa::Signature::from_der(&der).unwrap().to_bytes().to_vec(),
        }
    }
}

/// What a leaf certificate says.
pub struct LeafSpec {
    /// The SAN URI.
    pub san: String,
    /// The Fulcio OIDC issuer extension.
    pub issuer: Option<String>,
    /// The subject common name.
    pub common_name: String,
    /// Validity start and end dates (year, month, day; midnight UTC).
    pub valid: ((i32, u8, u8), (i32, u8, u8)),
}

impl LeafSpec {
    /// A GitHub Actions workflow identity valid through 2026.
    pub fn github() -> Self {
        Self {
            san: "https://github.com/example/app/.github/workflows/release.yml@refs/heads/main".into(),
            issuer: Some("https://token.actions.githubusercontent.com".into()),
            common_name: "sigstore".into(),
            valid: ((2026, 1, 1), (2027, 1, 1)),
        }
    }
}

/// A self-signed CA made by the test.
pub struct Ca {
    /// The CA certificate and key.
    pub issuer: CertifiedIssuer<'static, KeyPair>,
}

impl Ca {
    /// A P-256 root CA valid 2020–2040.
    pub fn new(name: &str) -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.not_before = rcgen::date_time_ymd(2020, 1, 1);
        params.not_after = rcgen::date_time_ymd(2040, 1, 1);
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        Ca {
            issuer: CertifiedIssuer::self_signed(params, key).unwrap(),
        }
    }

    /// The CA certificate's DER.
    pub fn der(&self) -> Vec<u8> {
        self.issuer.der().to_vec()
    }

    /// The CA certificate as PEM.
    pub fn pem(&self) -> String {
        self.issuer.pem()
    }

    /// A leaf certificate for `key` (DER).
    pub fn leaf(&self, key: &Key, spec: &LeafSpec) -> Vec<u8> {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, spec.common_name.clone());
        params.subject_alt_names = vec![SanType::URI(spec.san.clone().try_into().unwrap())];
        let ((y0, m0, d0), (y1, m1, d1)) = spec.valid;
        params.not_before = rcgen::date_time_ymd(y0, m0, d0);
        params.not_after = rcgen::date_time_ymd(y1, m1, d1);
        if let Some(issuer) = &spec.issuer {
            let mut der = vec![0x0c, u8::try_from(issuer.len()).unwrap()];
            der.extend_from_slice(issuer.as_bytes());
            params.custom_extensions = vec![CustomExtension::from_oid_content(&[1, 3, 6, 1, 4, 1, 57264, 1, 8], der)];
        }
        params.signed_by(&key.0, &self.issuer).unwrap().der().to_vec()
    }

    /// A Sigstore `trusted_root.json` naming this CA and, when given, a transparency log key.
    pub fn trusted_root_json(&self, tlog: Option<&Key>) -> String {
        let tlogs: Vec<serde_json::Value> = tlog
            .map(|k| {
                serde_json::json!({
                    "baseUrl": "https://rekor.test", "hashAlgorithm": "SHA2_256",
                    "publicKey": {"rawBytes": b64(&k.spki_der()), "keyDetails": "PKIX_ECDSA_P256_SHA_256"},
                    "logId": {"keyId": b64(&log_id(k))},
                })
            })
            .into_iter()
            .collect();
        serde_json::json!({
            "mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
            "tlogs": tlogs,
            "certificateAuthorities": [{"subject": {"commonName": "test"}, "uri": "https://fulcio.test",
                "certChain": {"certificates": [{"rawBytes": b64(&self.der())}]}}],
        })
        .to_string()
    }
}

/// A log id: sha256 of the log key's DER.
pub fn log_id(key: &Key) -> Vec<u8> {
    use sha2::Digest as _;
    sha2::Sha256::digest(key.spki_der()).to_vec()
}

/// The image digest the tests sign.
pub const DIGEST: &str = "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";

/// A cosign simple-signing payload naming `digest`.
pub fn simple_signing(digest: &str) -> Vec<u8> {
    serde_json::json!({"critical": {"identity": {"docker-reference": "registry.test/app"},
        "image": {"docker-manifest-digest": digest}, "type": "cosign container image signature"}, "optional": null})
    .to_string()
    .into_bytes()
}

fn mth(leaves: &[[u8; 32]]) -> [u8; 32] {
    use crate::verify::signatures::rekor::node_hash;
    if leaves.len() == 1 {
        return leaves[0];
    }
    let k = leaves.len().next_power_of_two() / 2;
    node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
}

fn path(m: usize, leaves: &[[u8; 32]]) -> Vec<[u8; 32]> {
    if leaves.len() == 1 {
        return Vec::new();
    }
    let k = leaves.len().next_power_of_two() / 2;
    if m < k {
        let mut p = path(m, &leaves[..k]);
        p.push(mth(&leaves[k..]));
        p
    } else {
        let mut p = path(m - k, &leaves[k..]);
        p.push(mth(&leaves[..k]));
        p
    }
}

/// A transparency-log entry for `signature_b64`, made by the log key `log`, at `time`: with a signed entry
/// timestamp and an inclusion proof (leaf 3 of a 5-leaf tree) with a signed checkpoint.
pub fn tlog_entry(log: &Key, signature_b64: &str, time: i64) -> serde_json::Value {
    use crate::verify::signatures::rekor::leaf_hash;
    let body = serde_json::json!({"apiVersion": "0.0.1", "kind": "hashedrekord",
        "spec": {"signature": {"content": signature_b64}, "data": {"hash": {"algorithm": "sha256", "value": "00"}}}})
    .to_string();
    let body_b64 = b64(body.as_bytes());
    let mut leaves: Vec<[u8; 32]> = (0..5u8).map(|i| leaf_hash(&[i])).collect();
    leaves[3] = leaf_hash(body.as_bytes());
    let root = mth(&leaves);
    let note = format!("rekor.test - 1\n5\n{}\n", b64(&root));
    let mut sig = log_id(log)[..4].to_vec();
    sig.extend(log.sign_der(note.as_bytes()));
    let envelope = format!("{note}\n\u{2014} rekor.test {}\n", b64(&sig));
    let set = format!(
        r#"{{"body":"{body_b64}","integratedTime":{time},"logID":"{}","logIndex":3}}"#,
        hex::encode(log_id(log))
    );
    serde_json::json!({
        "logIndex": "3", "logId": {"keyId": b64(&log_id(log))},
        "kindVersion": {"kind": "hashedrekord", "version": "0.0.1"},
        "integratedTime": time.to_string(),
        "inclusionPromise": {"signedEntryTimestamp": b64(&log.sign_der(set.as_bytes()))},
        "inclusionProof": {"logIndex": "3", "rootHash": b64(&root), "treeSize": "5",
            "hashes": path(3, &leaves).iter().map(|h| b64(h)).collect::<Vec<_>>(),
            "checkpoint": {"envelope": envelope}},
        "canonicalizedBody": body_b64,
    })
}
