//! Signature verification over keys, CAs and a transparency log made by the tests: each way a signature can
//! be wrong fails with its own reason.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use serde_json::json;

use super::attestation::{SLSA_PROVENANCE_V1, pae};
use super::cosign::{CERTIFICATE_ANNOTATION, SIGNATURE_ANNOTATION, verify_bundle, verify_simple_signing};
use super::discover::{Attached, Layer, Source};
use super::notation::verify_jws;
use super::testkit::{Ca, DIGEST, Key, LeafSpec, b64, simple_signing, tlog_entry, ymd};
use super::*;

const OTHER: &str = "sha256:fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9";

fn key_trust(key: &Key) -> Trust {
    Trust::default().with_key_pem("release", &key.public_pem()).unwrap()
}

fn annotations(sig: &[u8]) -> BTreeMap<String, String> {
    BTreeMap::from([(SIGNATURE_ANNOTATION.to_owned(), b64(sig))])
}

fn reason(r: Result<Verified, Rejection>) -> Reason {
    r.unwrap_err().reason
}

#[test]
fn legacy_key_signatures_verify_and_each_fault_has_its_reason() {
    let key = Key::p256();
    let payload = simple_signing(DIGEST);
    let sig = key.sign_der(&payload);
    let v = verify_simple_signing(&payload, &annotations(&sig), DIGEST, &key_trust(&key)).unwrap();
    assert_eq!(v.signer, Signer::Key { name: "release".into() });

    let tampered = String::from_utf8(payload.clone())
        .unwrap()
        .replace("registry.test/app", "registry.test/evil");
    let tampered = tampered.into_bytes();
    assert_eq!(
        reason(verify_simple_signing(
            &tampered,
            &annotations(&sig),
            DIGEST,
            &key_trust(&key)
        )),
        Reason::BadSignature
    );
    assert_eq!(
        reason(verify_simple_signing(
            &payload,
            &annotations(&sig),
            DIGEST,
            &key_trust(&Key::p256())
        )),
        Reason::BadSignature
    );
    assert_eq!(
        reason(verify_simple_signing(
            &payload,
            &annotations(&sig),
            OTHER,
            &key_trust(&key)
        )),
        Reason::DigestMismatch
    );
    assert_eq!(
        reason(verify_simple_signing(
            b"{}",
            &annotations(&sig),
            DIGEST,
            &key_trust(&key)
        )),
        Reason::Malformed
    );
}

fn message_bundle(key: &Key, digest: &str, hint: &str) -> Vec<u8> {
    let d = hex::decode(digest.trim_start_matches("sha256:")).unwrap();
    // The key signs the manifest digest; rcgen's signer hashes what it is given, so sign via a prehash key.
    let sig = sign_prehash(key, &d);
    json!({"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
        "verificationMaterial": {"publicKey": {"hint": hint}},
        "messageSignature": {"messageDigest": {"algorithm": "SHA2_256", "digest": b64(&d)}, "signature": b64(&sig)}})
    .to_string()
    .into_bytes()
}

/// An ECDSA P-256 signature over an already computed SHA-256 digest.
fn sign_prehash(key: &Key, prehash: &[u8]) -> Vec<u8> {
    use p256::ecdsa::signature::hazmat::PrehashSigner;
    use p256::pkcs8::DecodePrivateKey;
    let sk = p256::ecdsa::SigningKey::from_pkcs8_der(&key.0.serialize_der()).unwrap();
    let sig: p256::ecdsa::Signature = sk.sign_prehash(prehash).unwrap();
    sig.to_der().as_bytes().to_vec()
}

#[test]
fn key_bundles_use_the_hint_to_tell_a_wrong_key_from_a_bad_signature() {
    let key = Key::p256();
    let hint = b64(&crypto::PublicKey::from_pem(&key.public_pem()).unwrap().fingerprint());
    let trust = key_trust(&key);
    assert!(verify_bundle(&message_bundle(&key, DIGEST, &hint), DIGEST, &trust).is_ok());
    assert_eq!(
        reason(verify_bundle(&message_bundle(&key, DIGEST, &hint), OTHER, &trust)),
        Reason::DigestMismatch
    );
    let stranger = Key::p256();
    let stranger_hint = b64(&crypto::PublicKey::from_pem(&stranger.public_pem())
        .unwrap()
        .fingerprint());
    assert_eq!(
        reason(verify_bundle(
            &message_bundle(&stranger, DIGEST, &stranger_hint),
            DIGEST,
            &trust
        )),
        Reason::UntrustedKey
    );
    assert_eq!(
        reason(verify_bundle(&message_bundle(&stranger, DIGEST, &hint), DIGEST, &trust)),
        Reason::BadSignature
    );
}

struct Keyless {
    ca: Ca,
    log: Key,
    signer: Key,
}

impl Keyless {
    fn new() -> Self {
        Self {
            ca: Ca::new("Test Fulcio"),
            log: Key::p256(),
            signer: Key::p256(),
        }
    }
    fn trust(&self) -> Trust {
        Trust {
            root: TrustedRoot::parse(&self.ca.trusted_root_json(Some(&self.log))).unwrap(),
            ..Default::default()
        }
    }
    /// A DSSE bundle over `statement`, with the leaf from `spec`, logged at `time`.
    fn dsse_bundle(&self, spec: &LeafSpec, statement: &serde_json::Value, time: i64) -> Vec<u8> {
        let body = statement.to_string();
        let sig = b64(&self
            .signer
            .sign_der(&pae("application/vnd.in-toto+json", body.as_bytes())));
        json!({"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
            "verificationMaterial": {"certificate": {"rawBytes": b64(&self.ca.leaf(&self.signer, spec))},
                "tlogEntries": [tlog_entry(&self.log, &sig, time)]},
            "dsseEnvelope": {"payload": b64(body.as_bytes()), "payloadType": "application/vnd.in-toto+json",
                "signatures": [{"sig": sig, "keyid": ""}]}})
        .to_string()
        .into_bytes()
    }
}

fn statement(predicate_type: &str, digest: &str) -> serde_json::Value {
    json!({"_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "registry.test/app", "digest": {"sha256": digest.trim_start_matches("sha256:")}}],
        "predicateType": predicate_type,
        "predicate": {"buildDefinition": {"externalParameters": {"workflow": {
            "repository": "https://github.com/example/app", "ref": "refs/heads/main"}}},
            "runDetails": {"builder": {"id": "https://github.com/actions/runner/github-hosted"}}}})
}

#[test]
fn keyless_bundles_check_chain_time_and_log() {
    let k = Keyless::new();
    let good = k.dsse_bundle(
        &LeafSpec::github(),
        &statement(SLSA_PROVENANCE_V1, DIGEST),
        ymd(2026, 6, 1),
    );
    let v = verify_bundle(&good, DIGEST, &k.trust()).unwrap();
    assert!(v.transparency_log);
    assert_eq!(v.signing_time, Some(ymd(2026, 6, 1)));
    let Signer::Certificate { identities, issuer, .. } = &v.signer else {
        panic!()
    };
    assert_eq!(identities, &[LeafSpec::github().san]);
    assert_eq!(issuer.as_deref(), Some("https://token.actions.githubusercontent.com"));

    // Logged after the certificate's validity: expired.
    let late = k.dsse_bundle(
        &LeafSpec::github(),
        &statement(SLSA_PROVENANCE_V1, DIGEST),
        ymd(2027, 3, 1),
    );
    assert_eq!(reason(verify_bundle(&late, DIGEST, &k.trust())), Reason::Expired);
    // A statement about another manifest.
    let other = k.dsse_bundle(
        &LeafSpec::github(),
        &statement(SLSA_PROVENANCE_V1, OTHER),
        ymd(2026, 6, 1),
    );
    assert_eq!(
        reason(verify_bundle(&other, DIGEST, &k.trust())),
        Reason::DigestMismatch
    );
    // A CA the trusted root does not name.
    let stranger = Keyless {
        ca: Ca::new("Other CA"),
        log: Key::p256(),
        signer: Key::p256(),
    };
    let mut trust = stranger.trust();
    trust.root.certificates = k.trust().root.certificates;
    let untrusted = stranger.dsse_bundle(
        &LeafSpec::github(),
        &statement(SLSA_PROVENANCE_V1, DIGEST),
        ymd(2026, 6, 1),
    );
    assert_eq!(
        reason(verify_bundle(&untrusted, DIGEST, &trust)),
        Reason::UntrustedCertificate
    );
    // A log key the trusted root does not name.
    assert_eq!(
        reason(verify_bundle(&untrusted, DIGEST, &k.trust())),
        Reason::TransparencyLog
    );
    // A tampered inclusion proof.
    let mut bundle: serde_json::Value = serde_json::from_slice(&good).unwrap();
    bundle["verificationMaterial"]["tlogEntries"][0]["inclusionProof"]["hashes"][0] = json!(b64(&[7u8; 32]));
    bundle["verificationMaterial"]["tlogEntries"][0]
        .as_object_mut()
        .unwrap()
        .remove("inclusionPromise");
    assert_eq!(
        reason(verify_bundle(bundle.to_string().as_bytes(), DIGEST, &k.trust())),
        Reason::TransparencyLog
    );
    // No log entry at all: no verified signing time.
    let mut bundle: serde_json::Value = serde_json::from_slice(&good).unwrap();
    bundle["verificationMaterial"]["tlogEntries"] = json!([]);
    assert_eq!(
        reason(verify_bundle(bundle.to_string().as_bytes(), DIGEST, &k.trust())),
        Reason::NoSigningTime
    );
    // An altered payload.
    let mut bundle: serde_json::Value = serde_json::from_slice(&good).unwrap();
    let mut st = statement(SLSA_PROVENANCE_V1, DIGEST);
    st["predicate"]["runDetails"]["builder"]["id"] = json!("https://evil/builder");
    bundle["dsseEnvelope"]["payload"] = json!(b64(st.to_string().as_bytes()));
    assert_eq!(
        reason(verify_bundle(bundle.to_string().as_bytes(), DIGEST, &k.trust())),
        Reason::BadSignature
    );
}

fn attached(digest: &str, subject: Option<&str>, media_type: &str, bytes: Vec<u8>) -> Attached {
    Attached {
        digest: digest.into(),
        artifact_type: Some(media_type.into()),
        subject: subject.map(str::to_owned),
        source: Source::RegistryReferrers,
        layers: vec![Layer {
            media_type: media_type.into(),
            annotations: BTreeMap::new(),
            bytes,
        }],
    }
}

fn policy(text: serde_json::Value) -> SignaturePolicy {
    SignaturePolicy::from_json_str(&text.to_string()).unwrap()
}

fn github_policy() -> SignaturePolicy {
    policy(
        json!({"signers": [{"type": "keyless", "issuer": "https://token.actions.githubusercontent.com",
        "identity": LeafSpec::github().san}],
        "attestations": [{"predicateType": SLSA_PROVENANCE_V1, "builderId": "https://github.com/actions/runner/github-hosted",
            "sourceRepository": "https://github.com/example/app", "sourceRef": "refs/heads/main"}]}),
    )
}

fn decide_one(policy: &SignaturePolicy, trust: &Trust, artifacts: &[Attached]) -> SignatureDecision {
    let evidence = artifacts
        .iter()
        .flat_map(|a| check(a, DIGEST, trust, ymd(2026, 7, 1)))
        .collect();
    let subjects = [Subject {
        digest: DIGEST.into(),
        platform: None,
    }];
    decide(policy, DIGEST, &subjects, evidence)
}

const BUNDLE: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";

#[test]
fn the_decision_needs_an_allowed_signer_and_each_attestation() {
    let k = Keyless::new();
    let t = ymd(2026, 6, 1);
    let sign = k.dsse_bundle(
        &LeafSpec::github(),
        &statement(attestation::COSIGN_SIGN_PREDICATE, DIGEST),
        t,
    );
    let prov = k.dsse_bundle(&LeafSpec::github(), &statement(SLSA_PROVENANCE_V1, DIGEST), t);
    let both = [
        attached("sha256:a1", Some(DIGEST), BUNDLE, sign.clone()),
        attached("sha256:a2", Some(DIGEST), BUNDLE, prov),
    ];
    let d = decide_one(&github_policy(), &k.trust(), &both);
    assert!(d.passed, "{:#?}", d.requirements);
    assert_eq!(d.requirements.len(), 2);

    // Only the signature: the provenance is missing.
    let d = decide_one(&github_policy(), &k.trust(), &both[..1]);
    assert!(!d.passed);
    assert_eq!(d.requirements[1].reason, Some(Reason::Missing));
    // ...which the policy may downgrade to a warning.
    let mut lenient = github_policy();
    lenient.on_missing = Action::Warn;
    assert!(decide_one(&lenient, &k.trust(), &both[..1]).passed);

    // Signed by another workflow / another issuer.
    let mut spec = LeafSpec::github();
    spec.san = "https://github.com/evil/app/.github/workflows/x.yml@refs/heads/main".into();
    let wrong = [attached(
        "sha256:a3",
        Some(DIGEST),
        BUNDLE,
        k.dsse_bundle(&spec, &statement(attestation::COSIGN_SIGN_PREDICATE, DIGEST), t),
    )];
    assert_eq!(
        decide_one(&github_policy(), &k.trust(), &wrong).requirements[0].reason,
        Some(Reason::IdentityMismatch)
    );
    let mut spec = LeafSpec::github();
    spec.issuer = Some("https://accounts.example".into());
    let wrong = [attached(
        "sha256:a4",
        Some(DIGEST),
        BUNDLE,
        k.dsse_bundle(&spec, &statement(attestation::COSIGN_SIGN_PREDICATE, DIGEST), t),
    )];
    assert_eq!(
        decide_one(&github_policy(), &k.trust(), &wrong).requirements[0].reason,
        Some(Reason::IssuerMismatch)
    );

    // A referrer whose subject is another manifest (a signature of another platform's manifest).
    let elsewhere = [attached("sha256:a5", Some(OTHER), BUNDLE, sign)];
    let d = decide_one(&github_policy(), &k.trust(), &elsewhere);
    assert_eq!(d.requirements[0].reason, Some(Reason::SubjectMismatch));
    assert!(!d.passed);

    // Reports carry the reasons.
    let sarif = report::sarif(&d);
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "subject-mismatch");
    assert_eq!(sarif["runs"][0]["results"][0]["level"], "error");
    assert!(report::markdown(&d).contains("| subject-mismatch |"));
    assert_eq!(report::json(&d)["schema"], report::JSON_SCHEMA);
}

/// A Notation JWS envelope for `digest`, signed with `key` under a leaf from `ca`.
fn jws(ca: &Ca, key: &Key, spec: &LeafSpec, digest: &str, expiry: Option<&str>) -> Vec<u8> {
    use base64::Engine as _;
    let url = |b: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b);
    let mut protected = json!({"alg": "ES384", "cty": "application/vnd.cncf.notary.payload.v1+json",
        "crit": ["io.cncf.notary.signingScheme"], "io.cncf.notary.signingScheme": "notary.x509",
        "io.cncf.notary.signingTime": "2026-06-01T00:00:00Z"});
    if let Some(e) = expiry {
        protected["io.cncf.notary.expiry"] = json!(e);
    }
    let payload = json!({"targetArtifact": {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": digest, "size": 100}});
    let (p, b) = (
        url(protected.to_string().as_bytes()),
        url(payload.to_string().as_bytes()),
    );
    let sig = key.sign_raw(format!("{p}.{b}").as_bytes());
    json!({"payload": b, "protected": p, "header": {"x5c": [b64(&ca.leaf(key, spec))]}, "signature": url(&sig)})
        .to_string()
        .into_bytes()
}

#[test]
fn notation_envelopes_check_target_chain_identity_and_expiry() {
    let ca = Ca::new("Test Signer CA");
    let key = Key::p384();
    let profile = "arn:aws:signer:us-east-1:123456789012:/signing-profiles/release";
    let spec = LeafSpec {
        san: "https://signer.test".into(),
        issuer: None,
        common_name: profile.into(),
        valid: ((2026, 1, 1), (2027, 1, 1)),
    };
    let trust = Trust {
        root: TrustedRoot::parse(&ca.pem()).unwrap(),
        ..Default::default()
    };
    let now = ymd(2026, 7, 1);
    let v = verify_jws(&jws(&ca, &key, &spec, DIGEST, None), DIGEST, &trust, now).unwrap();
    let rule = SignerRule::Notation {
        identity: profile.into(),
    };
    assert_eq!(rule.admits(&v.signer), Ok(()));
    let other = SignerRule::Notation {
        identity: "arn:aws:signer:us-east-1:123456789012:/signing-profiles/other".into(),
    };
    assert_eq!(other.admits(&v.signer), Err(Reason::IdentityMismatch));
    assert_eq!(
        reason(verify_jws(&jws(&ca, &key, &spec, OTHER, None), DIGEST, &trust, now)),
        Reason::DigestMismatch
    );
    let expired = jws(&ca, &key, &spec, DIGEST, Some("2026-06-15T00:00:00Z"));
    assert_eq!(reason(verify_jws(&expired, DIGEST, &trust, now)), Reason::Expired);
    let untrusted = TrustedRoot::parse(&Ca::new("Elsewhere").pem()).unwrap();
    assert_eq!(
        reason(verify_jws(
            &jws(&ca, &key, &spec, DIGEST, None),
            DIGEST,
            &Trust {
                root: untrusted,
                ..Default::default()
            },
            now
        )),
        Reason::UntrustedCertificate
    );
    let mut forged: serde_json::Value = serde_json::from_slice(&jws(&ca, &key, &spec, DIGEST, None)).unwrap();
    forged["header"]["x5c"] = json!([b64(&ca.leaf(&Key::p384(), &spec))]);
    assert_eq!(
        reason(verify_jws(forged.to_string().as_bytes(), DIGEST, &trust, now)),
        Reason::BadSignature
    );
}

#[test]
fn legacy_keyless_layers_carry_the_certificate() {
    let k = Keyless::new();
    let payload = simple_signing(DIGEST);
    let sig = k.signer.sign_der(&payload);
    let mut ann = annotations(&sig);
    ann.insert(
        CERTIFICATE_ANNOTATION.into(),
        pem_of(&k.ca.leaf(&k.signer, &LeafSpec::github())),
    );
    // Without a Rekor bundle annotation there is no verified signing time.
    assert_eq!(
        reason(verify_simple_signing(&payload, &ann, DIGEST, &k.trust())),
        Reason::NoSigningTime
    );
}

fn pem_of(der: &[u8]) -> String {
    format!("-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n", b64(der))
}

#[test]
fn legacy_keyless_layers_verify_with_a_rekor_bundle_annotation() {
    let k = Keyless::new();
    let payload = simple_signing(DIGEST);
    let sig = k.signer.sign_der(&payload);
    let entry = tlog_entry(&k.log, &b64(&sig), ymd(2026, 6, 1));
    let legacy = |time: i64| {
        json!({"SignedEntryTimestamp": entry["inclusionPromise"]["signedEntryTimestamp"],
            "Payload": {"body": entry["canonicalizedBody"], "integratedTime": time, "logIndex": 3,
                "logID": hex::encode(super::testkit::log_id(&k.log))}})
        .to_string()
    };
    let mut ann = annotations(&sig);
    ann.insert(
        CERTIFICATE_ANNOTATION.into(),
        pem_of(&k.ca.leaf(&k.signer, &LeafSpec::github())),
    );
    ann.insert(super::cosign::REKOR_BUNDLE_ANNOTATION.into(), legacy(ymd(2026, 6, 1)));
    let v = verify_simple_signing(&payload, &ann, DIGEST, &k.trust()).unwrap();
    assert_eq!(v.signing_time, Some(ymd(2026, 6, 1)));
    assert!(matches!(v.signer, Signer::Certificate { .. }));
    // A signing time the log did not sign.
    ann.insert(super::cosign::REKOR_BUNDLE_ANNOTATION.into(), legacy(ymd(2026, 6, 2)));
    assert_eq!(
        reason(verify_simple_signing(&payload, &ann, DIGEST, &k.trust())),
        Reason::TransparencyLog
    );
}

#[test]
fn key_signed_dsse_attestations_name_the_digest() {
    let key = Key::p256();
    let body = statement(SLSA_PROVENANCE_V1, DIGEST).to_string();
    let envelope = |body: &str, sig: &[u8]| {
        json!({"payloadType": "application/vnd.in-toto+json", "payload": b64(body.as_bytes()),
            "signatures": [{"keyid": "", "sig": b64(sig)}]})
        .to_string()
        .into_bytes()
    };
    let sig = key.sign_der(&pae("application/vnd.in-toto+json", body.as_bytes()));
    let v = super::cosign::verify_envelope(&envelope(&body, &sig), DIGEST, &key_trust(&key)).unwrap();
    assert_eq!(v.statement.unwrap().predicate_type, SLSA_PROVENANCE_V1);
    assert_eq!(
        reason(super::cosign::verify_envelope(
            &envelope(&body, &sig),
            OTHER,
            &key_trust(&key)
        )),
        Reason::DigestMismatch
    );
    let other = statement("https://spdx.dev/Document", DIGEST).to_string();
    assert_eq!(
        reason(super::cosign::verify_envelope(
            &envelope(&other, &sig),
            DIGEST,
            &key_trust(&key)
        )),
        Reason::BadSignature
    );
}
