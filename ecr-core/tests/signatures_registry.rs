//! Signature verification against the real Debian docker-registry: images built and pushed with `skopeo`,
//! signatures made by the test with keys it generates, pushed with oci-client in cosign's legacy
//! `sha256-<hex>.sig` tag layout and as Sigstore bundles stored as OCI 1.1 referrers. (No cosign or notation
//! package exists in Debian, and Debian builds skopeo with its sigstore signing disabled, so no real signing
//! tool is available here.) docker-registry 2.8 has no referrers API (it answers 404), so the referrers are
//! found through the `sha256-<hex>` index tag fallback, which the test writes as a client would.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;
mod verify_support;

use base64::Engine as _;
use ecr_core::verify::signatures::{
    Reason, SignaturePolicy, Source, Status, Trust, VerifySignaturesRequest, verify_signatures_with,
};
use ecr_core::verify::{RegistryAccess, RegistryAuth};
use serde_json::{Value, json};
use verify_support::{ImageSpec, Layout, digest, skopeo_push};

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn auth(emu: &support::Emulator) -> RegistryAuth {
    RegistryAuth::Basic {
        username: emu.var("LOCAL_REGISTRY_USER").to_owned(),
        password: ecr_core::Secret::new(emu.var("LOCAL_REGISTRY_PASSWORD")),
    }
}

/// Pushes a cosign legacy signature for `signed` at the tag `sha256-<hex>.sig` of `at` (another digest's tag
/// when the test moves a signature): a simple-signing payload layer, the signature in its annotation.
async fn push_legacy_signature(emu: &support::Emulator, repo: &str, signer: &rcgen::KeyPair, signed: &str, at: &str) {
    use rcgen::SigningKey as _;
    let payload = json!({"critical": {"identity": {"docker-reference": format!("{}/{repo}", emu.registry_host())},
        "image": {"docker-manifest-digest": signed}, "type": "cosign container image signature"}, "optional": null})
    .to_string();
    let sig = signer.sign(payload.as_bytes()).unwrap();
    let config = br#"{"architecture":"","os":"","rootfs":{"type":"layers","diff_ids":[]}}"#;
    let manifest = json!({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": digest(config), "size": config.len()},
        "layers": [{"mediaType": "application/vnd.dev.cosign.simplesigning.v1+json", "digest": digest(payload.as_bytes()),
            "size": payload.len(), "annotations": {"dev.cosignproject.cosign/signature": b64(&sig)}}]});
    let tag = format!("{}.sig", at.replace(':', "-"));
    push_raw(
        emu,
        repo,
        &[config, payload.as_bytes()],
        &manifest,
        OCI_MANIFEST,
        Some(&tag),
    )
    .await;
}

fn request(emu: &support::Emulator, repo: &str, digest: &str, policy: Value, trust: Trust) -> VerifySignaturesRequest {
    VerifySignaturesRequest {
        registry_host: emu.registry_host().into(),
        repository: repo.into(),
        digest: digest.into(),
        registry: RegistryAccess {
            url: Some(emu.registry_url().to_owned()),
            auth: auth(emu),
        },
        policy: SignaturePolicy::from_json_str(&policy.to_string()).unwrap(),
        trust,
        ecr_referrers: false,
        signing_status: false,
    }
}

fn trust(key: &rcgen::KeyPair) -> Trust {
    Trust::default().with_key_pem("release", &key.public_key_pem()).unwrap()
}

fn key() -> rcgen::KeyPair {
    rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap()
}

/// Pushes one image; returns its digest.
fn push_image(emu: &support::Emulator, repo: &str, tag: &str, arch: &'static str) -> String {
    let layout = Layout::new();
    let m = layout.image(&ImageSpec {
        arch,
        runtime: json!({"User": "10001"}),
    });
    let d = m["digest"].as_str().unwrap().to_owned();
    layout.tag(m, tag);
    skopeo_push(emu, &layout.dir, repo, tag);
    d
}

#[tokio::test]
async fn legacy_signatures_verify_with_the_right_key_only() {
    let emu = support::emulator();
    let repo = support::unique("sig-legacy");
    let d = push_image(emu, &repo, "v1", "amd64");
    let signer = key();
    push_legacy_signature(emu, &repo, &signer, &d, &d).await;
    let policy = json!({"signers": [{"type": "key", "key": "release"}]});

    let decision = verify_signatures_with(None, &request(emu, &repo, &d, policy.clone(), trust(&signer)))
        .await
        .unwrap();
    assert!(decision.passed, "{:#?}", decision.requirements);
    assert_eq!(decision.evidence.len(), 1);
    assert_eq!(decision.evidence[0].source, Source::CosignTag);

    let wrong = verify_signatures_with(None, &request(emu, &repo, &d, policy.clone(), trust(&key())))
        .await
        .unwrap();
    assert!(!wrong.passed);
    assert_eq!(wrong.requirements[0].reason, Some(Reason::BadSignature));

    // The signature of v1, copied to the signature tag of another image: it signs another digest.
    let other = push_image(emu, &repo, "v2", "arm64");
    push_legacy_signature(emu, &repo, &signer, &d, &other).await;
    let moved = verify_signatures_with(None, &request(emu, &repo, &other, policy.clone(), trust(&signer)))
        .await
        .unwrap();
    assert!(!moved.passed);
    assert_eq!(moved.requirements[0].reason, Some(Reason::DigestMismatch));

    // Nothing attached at all.
    let bare = push_image(emu, &repo, "v3", "s390x");
    let none = verify_signatures_with(None, &request(emu, &repo, &bare, policy, trust(&signer)))
        .await
        .unwrap();
    assert_eq!(none.requirements[0].reason, Some(Reason::Missing));
    assert_eq!(none.requirements[0].status, Status::Failed);
}

/// Pushes a blob and a manifest with oci-client; returns the manifest digest.
async fn push_raw(
    emu: &support::Emulator,
    repo: &str,
    blobs: &[&[u8]],
    manifest: &Value,
    media_type: &str,
    tag: Option<&str>,
) -> String {
    use oci_client::client::{ClientConfig, ClientProtocol};
    let client = oci_client::Client::new(ClientConfig {
        protocol: ClientProtocol::Http,
        ..Default::default()
    });
    let RegistryAuth::Basic { username, password } = auth(emu) else {
        unreachable!()
    };
    let creds = oci_client::secrets::RegistryAuth::Basic(username, password.expose().to_owned());
    let bytes = serde_json::to_vec(manifest).unwrap();
    let md = digest(&bytes);
    let r = oci_client::Reference::with_tag(emu.registry_host().into(), repo.into(), tag.unwrap_or("unused").into());
    client
        .auth(&r, &creds, oci_client::RegistryOperation::Push)
        .await
        .unwrap();
    for b in blobs {
        client.push_blob(&r, b.to_vec(), &digest(b)).await.unwrap();
    }
    let target = match tag {
        Some(t) => oci_client::Reference::with_tag(emu.registry_host().into(), repo.into(), t.into()),
        None => oci_client::Reference::with_digest(emu.registry_host().into(), repo.into(), md.clone()),
    };
    client
        .push_manifest_raw(&target, bytes, media_type.parse().unwrap())
        .await
        .unwrap();
    md
}

const BUNDLE: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";
const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

/// A key-based Sigstore bundle (message signature over the manifest digest) pushed as a referrer of
/// `subject`; returns the referrer's descriptor for the index tag.
async fn push_bundle(
    emu: &support::Emulator,
    repo: &str,
    signer: &rcgen::KeyPair,
    signed: &str,
    subject: &str,
) -> Value {
    use p256::ecdsa::signature::hazmat::PrehashSigner;
    use p256::pkcs8::DecodePrivateKey;
    let d = hex_decode(signed.trim_start_matches("sha256:"));
    let sk = p256::ecdsa::SigningKey::from_pkcs8_der(&signer.serialize_der()).unwrap();
    let sig: p256::ecdsa::Signature = sk.sign_prehash(&d).unwrap();
    let bundle = json!({"mediaType": BUNDLE, "verificationMaterial": {"publicKey": {"hint": ""}},
        "messageSignature": {"messageDigest": {"algorithm": "SHA2_256", "digest": b64(&d)},
            "signature": b64(sig.to_der().as_bytes())}})
    .to_string();
    let empty = b"{}";
    let manifest = json!({"schemaVersion": 2, "mediaType": OCI_MANIFEST, "artifactType": BUNDLE,
        "config": {"mediaType": "application/vnd.oci.empty.v1+json", "digest": digest(empty), "size": 2},
        "layers": [{"mediaType": BUNDLE, "digest": digest(bundle.as_bytes()), "size": bundle.len()}],
        "subject": {"mediaType": OCI_MANIFEST, "digest": subject, "size": 1}});
    let md = push_raw(emu, repo, &[empty, bundle.as_bytes()], &manifest, OCI_MANIFEST, None).await;
    json!({"mediaType": OCI_MANIFEST, "digest": md, "size": serde_json::to_vec(&manifest).unwrap().len(), "artifactType": BUNDLE})
}

fn hex_decode(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[tokio::test]
async fn bundles_found_through_the_index_tag_check_their_subject() {
    let emu = support::emulator();
    let repo = support::unique("sig-bundle");
    let d = push_image(emu, &repo, "v1", "amd64");
    let signer = key();
    let good = push_bundle(emu, &repo, &signer, &d, &d).await;
    let index = |entries: Vec<Value>| json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": entries});
    let fallback = d.replace(':', "-");
    push_raw(
        emu,
        &repo,
        &[],
        &index(vec![good.clone()]),
        "application/vnd.oci.image.index.v1+json",
        Some(&fallback),
    )
    .await;
    let policy = json!({"signers": [{"type": "key", "key": "release"}]});
    let decision = verify_signatures_with(None, &request(emu, &repo, &d, policy.clone(), trust(&signer)))
        .await
        .unwrap();
    assert!(decision.passed, "{:#?}", decision);
    assert_eq!(decision.evidence[0].source, Source::RegistryReferrers);

    // A referrer whose subject is another manifest, listed in this digest's index tag.
    let other = push_image(emu, &repo, "v2", "arm64");
    let misfiled = push_bundle(emu, &repo, &signer, &d, &other).await;
    push_raw(
        emu,
        &repo,
        &[],
        &index(vec![misfiled]),
        "application/vnd.oci.image.index.v1+json",
        Some(&fallback),
    )
    .await;
    let decision = verify_signatures_with(None, &request(emu, &repo, &d, policy, trust(&signer)))
        .await
        .unwrap();
    assert!(!decision.passed);
    assert_eq!(decision.requirements[0].reason, Some(Reason::SubjectMismatch));
}

/// A multi-platform index: the policy's scope decides which manifests must be signed, and a signature of one
/// platform's manifest does not count for another's.
#[tokio::test]
async fn scope_decides_which_manifests_must_be_signed() {
    let emu = support::emulator();
    let repo = support::unique("sig-platforms");
    let layout = Layout::new();
    let amd = layout.image(&ImageSpec {
        arch: "amd64",
        runtime: json!({"User": "10001"}),
    });
    let arm = layout.image(&ImageSpec {
        arch: "arm64",
        runtime: json!({"User": "10001"}),
    });
    let (amd_d, arm_d) = (
        amd["digest"].as_str().unwrap().to_owned(),
        arm["digest"].as_str().unwrap().to_owned(),
    );
    let index = layout.index(vec![amd, arm]);
    let d = index["digest"].as_str().unwrap().to_owned();
    layout.tag(index, "v1");
    skopeo_push(emu, &layout.dir, &repo, "v1");
    let signer = key();
    push_legacy_signature(emu, &repo, &signer, &d, &d).await;
    push_legacy_signature(emu, &repo, &signer, &amd_d, &amd_d).await;
    let decide = |scope: &str| {
        let policy = json!({"signers": [{"type": "key", "key": "release"}], "scope": scope});
        let req = request(emu, &repo, &d, policy, trust(&signer));
        async move { verify_signatures_with(None, &req).await }
    };
    assert!(decide("index").await.unwrap().passed);
    let each = decide("eachPlatform").await.unwrap();
    assert!(!each.passed);
    let by_platform = |p: &str| {
        each.requirements
            .iter()
            .find(|r| r.platform.as_deref() == Some(p))
            .unwrap()
    };
    assert_eq!(by_platform("linux/amd64").status, Status::Passed);
    assert_eq!(by_platform("linux/arm64").reason, Some(Reason::Missing));

    // The amd64 signature, put where the arm64 manifest's signature belongs.
    push_legacy_signature(emu, &repo, &signer, &amd_d, &arm_d).await;
    let both = decide("both").await.unwrap();
    assert_eq!(both.requirements.len(), 3);
    let arm64 = both
        .requirements
        .iter()
        .find(|r| r.platform.as_deref() == Some("linux/arm64"))
        .unwrap();
    assert_eq!(arm64.reason, Some(Reason::DigestMismatch));
    assert!(!both.passed);
}
