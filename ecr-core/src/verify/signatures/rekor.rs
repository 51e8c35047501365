//! Transparency-log entries in a Sigstore bundle (`verificationMaterial.tlogEntries[]`): the signed entry
//! timestamp, the RFC 6962 inclusion proof and its signed checkpoint, checked against the log keys of the
//! trusted root, and the entry's body bound to the signature being verified.
//! <https://github.com/sigstore/protobuf-specs/blob/main/protos/sigstore_rekor.proto>

use serde::Deserialize;
use sha2::{Digest as _, Sha256};

use super::certs::TrustedRoot;
use super::crypto::{Encoding, b64};
use super::outcome::{Reason, Rejection, reject};

/// A protobuf `int64`, which JSON carries as a string (or, leniently, a number).
#[derive(Debug, Clone, Copy, Deserialize, schemars::JsonSchema)]
#[serde(try_from = "serde_json::Value")]
pub(crate) struct Int(pub i64);

impl TryFrom<serde_json::Value> for Int {
    type Error = String;
    fn try_from(v: serde_json::Value) -> Result<Self, String> {
        match &v {
            serde_json::Value::String(s) => s.parse().map(Int).map_err(|_| format!("{s:?} is not an integer")),
            serde_json::Value::Number(n) => n.as_i64().map(Int).ok_or_else(|| format!("{n} is not an integer")),
            _ => Err(format!("{v} is not an integer")),
        }
    }
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LogId {
    key_id: String,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Promise {
    signed_entry_timestamp: String,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub(crate) struct Checkpoint {
    envelope: String,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Proof {
    log_index: Int,
    root_hash: String,
    tree_size: Int,
    #[serde(default)]
    hashes: Vec<String>,
    #[serde(default)]
    checkpoint: Option<Checkpoint>,
}

/// One transparency-log entry of a bundle.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TlogEntry {
    log_index: Int,
    log_id: LogId,
    integrated_time: Int,
    #[serde(default)]
    inclusion_promise: Option<Promise>,
    #[serde(default)]
    inclusion_proof: Option<Proof>,
    canonicalized_body: String,
}

fn tlog_err(message: impl Into<String>) -> Rejection {
    Rejection::new(Reason::TransparencyLog, message)
}

fn decode(what: &str, text: &str) -> Result<Vec<u8>, Rejection> {
    b64(what, text).map_err(tlog_err)
}

/// `H(0x00 || leaf)`.
pub(crate) fn leaf_hash(leaf: &[u8]) -> [u8; 32] {
    Sha256::new().chain_update([0u8]).chain_update(leaf).finalize().into()
}

/// `H(0x01 || left || right)`.
pub(crate) fn node_hash(left: &[u8], right: &[u8]) -> [u8; 32] {
    Sha256::new()
        .chain_update([1u8])
        .chain_update(left)
        .chain_update(right)
        .finalize()
        .into()
}

/// The root an inclusion proof leads to (RFC 9162 section 2.1.3.2), or `None` when the proof's shape does not
/// fit the index and size.
pub(crate) fn root_from_proof(index: u64, size: u64, leaf: [u8; 32], proof: &[Vec<u8>]) -> Option<[u8; 32]> {
    if index >= size {
        return None;
    }
    let (mut f, mut s, mut r) = (index, size - 1, leaf);
    for p in proof {
        if s == 0 {
            return None;
        }
        if f & 1 == 1 || f == s {
            r = node_hash(p, &r);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    (s == 0).then_some(r)
}

/// Checks a signed-note checkpoint: signed by the log key, naming `size` and `root`.
fn verify_checkpoint(envelope: &str, key: &super::crypto::PublicKey, size: i64, root: &[u8]) -> Result<(), Rejection> {
    let split = envelope
        .find("\n\n")
        .ok_or_else(|| tlog_err("checkpoint has no signature block"))?;
    let (note, sigs) = (&envelope[..=split], &envelope[split + 2..]);
    let lines: Vec<&str> = note.lines().collect();
    if lines.get(1) != Some(&size.to_string().as_str())
        || lines.get(2).map(|l| b64("root", l).ok()) != Some(Some(root.to_vec()))
    {
        return reject(
            Reason::TransparencyLog,
            "checkpoint names another tree size or root hash than the proof",
        );
    }
    let signed = sigs.lines().filter_map(|l| l.strip_prefix("\u{2014} ")).any(|l| {
        l.rsplit_once(' ')
            .and_then(|(_, s)| b64("checkpoint signature", s).ok())
            .is_some_and(|raw| {
                raw.len() > 4
                    && key
                        .verify(note.as_bytes(), &raw[4..], key.default_hash(), Encoding::Der)
                        .is_ok()
            })
    });
    if signed {
        Ok(())
    } else {
        reject(
            Reason::TransparencyLog,
            "checkpoint signature does not verify with the log key",
        )
    }
}

/// Whether the entry body records `signature` (hashedrekord `spec.signature.content`, dsse
/// `spec.signatures[].signature`).
fn body_records(body: &serde_json::Value, signature: &str) -> bool {
    let spec = &body["spec"];
    spec["signature"]["content"].as_str() == Some(signature)
        || spec["signatures"]
            .as_array()
            .is_some_and(|a| a.iter().any(|s| s["signature"].as_str() == Some(signature)))
}

impl TlogEntry {
    /// The entry of a legacy cosign `dev.sigstore.cosign/bundle` annotation (a signed entry timestamp, no
    /// inclusion proof).
    pub(crate) fn from_legacy_bundle(text: &str) -> Result<Self, Rejection> {
        #[derive(Deserialize, schemars::JsonSchema)]
        #[serde(rename_all = "PascalCase")]
        struct Legacy {
            signed_entry_timestamp: String,
            payload: LegacyPayload,
        }
        #[derive(Deserialize, schemars::JsonSchema)]
        #[serde(rename_all = "camelCase")]
        struct LegacyPayload {
            body: String,
            integrated_time: Int,
            log_index: Int,
            #[serde(rename = "logID")]
            log_id: String,
        }
        let l: Legacy = serde_json::from_str(text).map_err(|e| tlog_err(format!("Rekor bundle annotation: {e}")))?;
        let log_id = hex::decode(&l.payload.log_id).map_err(|e| tlog_err(format!("logID: {e}")))?;
        Ok(Self {
            log_index: l.payload.log_index,
            log_id: LogId {
                key_id: {
                    use base64::Engine as _;
                    base64::engine::general_purpose::STANDARD.encode(&log_id)
                },
            },
            integrated_time: l.payload.integrated_time,
            inclusion_promise: Some(Promise {
                signed_entry_timestamp: l.signed_entry_timestamp,
            }),
            inclusion_proof: None,
            canonicalized_body: l.payload.body,
        })
    }

    /// Verifies the entry for the bundle signature `signature` (base64); returns its integrated time.
    pub(crate) fn verify(&self, root: &TrustedRoot, signature: &str) -> Result<i64, Rejection> {
        let log_id = decode("logId.keyId", &self.log_id.key_id)?;
        let key = root
            .tlog(&log_id)
            .ok_or_else(|| tlog_err("the entry's log is not in the trusted root"))?;
        let body = decode("canonicalizedBody", &self.canonicalized_body)?;
        let body_json: serde_json::Value =
            serde_json::from_slice(&body).map_err(|e| tlog_err(format!("canonicalizedBody: {e}")))?;
        if !body_records(&body_json, signature) {
            return reject(Reason::TransparencyLog, "the log entry records another signature");
        }
        let mut checked = false;
        if let Some(p) = &self.inclusion_promise {
            let set = decode("signedEntryTimestamp", &p.signed_entry_timestamp)?;
            let canonical = format!(
                r#"{{"body":"{}","integratedTime":{},"logID":"{}","logIndex":{}}}"#,
                self.canonicalized_body,
                self.integrated_time.0,
                hex::encode(&log_id),
                self.log_index.0
            );
            key.verify(canonical.as_bytes(), &set, key.default_hash(), Encoding::Der)
                .map_err(|m| tlog_err(format!("signed entry timestamp: {m}")))?;
            checked = true;
        }
        if let Some(p) = &self.inclusion_proof {
            let hashes = p
                .hashes
                .iter()
                .map(|h| decode("inclusionProof.hashes", h))
                .collect::<Result<Vec<_>, _>>()?;
            let root_hash = decode("inclusionProof.rootHash", &p.root_hash)?;
            let (Ok(index), Ok(size)) = (u64::try_from(p.log_index.0), u64::try_from(p.tree_size.0)) else {
                return reject(Reason::TransparencyLog, "negative log index or tree size");
            };
            if root_from_proof(index, size, leaf_hash(&body), &hashes).map(|r| r.to_vec()) != Some(root_hash.clone()) {
                return reject(
                    Reason::TransparencyLog,
                    "inclusion proof does not lead to the root hash",
                );
            }
            match &p.checkpoint {
                Some(c) => verify_checkpoint(&c.envelope, key, p.tree_size.0, &root_hash)?,
                None if !checked => {
                    return reject(Reason::TransparencyLog, "inclusion proof without a signed checkpoint");
                }
                None => {}
            }
            checked = true;
        }
        if checked {
            Ok(self.integrated_time.0)
        } else {
            reject(
                Reason::TransparencyLog,
                "entry has neither a signed entry timestamp nor an inclusion proof",
            )
        }
    }
}
