//! The `verify_signatures` program against the local registry: an image pushed with `skopeo`, a cosign
//! legacy signature made with `openssl` (a P-256 key and an ECDSA-SHA256 signature over the
//! simple-signing payload) and uploaded with `curl` over the registry protocol. Exit 0 with the right key,
//! 1 with another key or no signature, 2 on a bad policy.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../ecr-core/tests/support/mod.rs"]
mod support;
#[path = "../../ecr-core/tests/verify_support/mod.rs"]
mod verify_support;

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{Value, json};
use verify_support::{ImageSpec, Layout, digest, skopeo_push};

const PROGRAM: &str = env!("CARGO_BIN_EXE_verify_signatures");

fn ok(out: Output) -> Output {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out
}

fn openssl(dir: &Path, args: &[&str]) {
    ok(Command::new("openssl").current_dir(dir).args(args).output().unwrap());
}

fn curl(emu: &support::Emulator, args: &[&str]) -> String {
    let user = format!(
        "{}:{}",
        emu.var("LOCAL_REGISTRY_USER"),
        emu.var("LOCAL_REGISTRY_PASSWORD")
    );
    let out = ok(Command::new("curl")
        .args(["-sSf", "-u", &user])
        .args(args)
        .output()
        .unwrap());
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// Uploads a blob (POST then PUT with the digest).
fn upload(emu: &support::Emulator, repo: &str, bytes: &[u8]) {
    let base = emu.registry_url();
    let headers = curl(
        emu,
        &[
            "-D",
            "-",
            "-o",
            "/dev/null",
            "-X",
            "POST",
            &format!("{base}/v2/{repo}/blobs/uploads/"),
        ],
    );
    let location = headers
        .lines()
        .find_map(|l| l.strip_prefix("Location: ").or_else(|| l.strip_prefix("location: ")))
        .unwrap()
        .trim();
    let url = if location.starts_with("http") {
        location.to_owned()
    } else {
        format!("{base}{location}")
    };
    let sep = if url.contains('?') { '&' } else { '?' };
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), bytes).unwrap();
    curl(
        emu,
        &[
            "-X",
            "PUT",
            "-H",
            "Content-Type: application/octet-stream",
            "--data-binary",
            &format!("@{}", file.path().display()),
            &format!("{url}{sep}digest={}", digest(bytes)),
        ],
    );
}

/// Signs `signed` with the openssl key in `dir` and pushes the signature at its `sha256-<hex>.sig` tag.
fn push_signature(emu: &support::Emulator, dir: &Path, repo: &str, signed: &str) {
    let payload = json!({"critical": {"identity": {"docker-reference": format!("{}/{repo}", emu.registry_host())},
        "image": {"docker-manifest-digest": signed}, "type": "cosign container image signature"}, "optional": null})
    .to_string();
    std::fs::write(dir.join("payload.json"), &payload).unwrap();
    openssl(
        dir,
        &[
            "dgst",
            "-sha256",
            "-sign",
            "key.pem",
            "-out",
            "payload.sig",
            "payload.json",
        ],
    );
    let sig = std::fs::read(dir.join("payload.sig")).unwrap();
    use base64::Engine as _;
    let config = br#"{"architecture":"","os":"","rootfs":{"type":"layers","diff_ids":[]}}"#;
    upload(emu, repo, config);
    upload(emu, repo, payload.as_bytes());
    let manifest = json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": digest(config), "size": config.len()},
        "layers": [{"mediaType": "application/vnd.dev.cosign.simplesigning.v1+json", "digest": digest(payload.as_bytes()),
            "size": payload.len(), "annotations": {"dev.cosignproject.cosign/signature":
                base64::engine::general_purpose::STANDARD.encode(&sig)}}]});
    let file = dir.join("sig-manifest.json");
    std::fs::write(&file, manifest.to_string()).unwrap();
    curl(
        emu,
        &[
            "-X",
            "PUT",
            "-H",
            "Content-Type: application/vnd.oci.image.manifest.v1+json",
            "--data-binary",
            &format!("@{}", file.display()),
            &format!(
                "{}/v2/{repo}/manifests/{}.sig",
                emu.registry_url(),
                signed.replace(':', "-")
            ),
        ],
    );
}

fn run(emu: &support::Emulator, image: &str, policy: &Path, key: &Path, format: &str) -> (i32, String, String) {
    let out = emu
        .command(PROGRAM)
        .env("REGISTRY_USERNAME", emu.var("LOCAL_REGISTRY_USER"))
        .env("REGISTRY_PASSWORD", emu.var("LOCAL_REGISTRY_PASSWORD"))
        .args([
            "--image",
            image,
            "--registry-url",
            emu.registry_url(),
            "--no-ecr",
            "--format",
            format,
        ])
        .arg("--policy")
        .arg(policy)
        .arg("--key")
        .arg(format!("release={}", key.display()))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn exit_codes_follow_the_decision() {
    let emu = support::emulator();
    let repo = support::unique("sig-prog");
    let layout = Layout::new();
    let m = layout.image(&ImageSpec {
        arch: "amd64",
        runtime: json!({"User": "10001"}),
    });
    let d = m["digest"].as_str().unwrap().to_owned();
    layout.tag(m, "v1");
    skopeo_push(emu, &layout.dir, &repo, "v1");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    openssl(
        dir,
        &["ecparam", "-genkey", "-name", "prime256v1", "-noout", "-out", "key.pem"],
    );
    openssl(dir, &["ec", "-in", "key.pem", "-pubout", "-out", "cosign.pub"]);
    openssl(
        dir,
        &[
            "ecparam",
            "-genkey",
            "-name",
            "prime256v1",
            "-noout",
            "-out",
            "other.pem",
        ],
    );
    openssl(dir, &["ec", "-in", "other.pem", "-pubout", "-out", "other.pub"]);
    let policy = dir.join("policy.json");
    std::fs::write(&policy, r#"{"signers": [{"type": "key", "key": "release"}]}"#).unwrap();
    // Named as ECR names it; --registry-url points the protocol at the local registry.
    let image = format!("123456789012.dkr.ecr.us-east-1.amazonaws.com/{repo}@{d}");

    let (code, out, err) = run(emu, &image, &policy, &dir.join("cosign.pub"), "markdown");
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("| missing |"), "{out}");

    push_signature(emu, dir, &repo, &d);
    let (code, out, err) = run(emu, &image, &policy, &dir.join("cosign.pub"), "json");
    assert_eq!(code, 0, "{out}{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["passed"], true);
    assert_eq!(report["evidence"][0]["source"], "cosignTag");

    let (code, out, _) = run(emu, &image, &policy, &dir.join("other.pub"), "sarif");
    assert_eq!(code, 1);
    let sarif: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "bad-signature");

    std::fs::write(
        &policy,
        r#"{"signers": [{"type": "keyless", "issuer": "https://iss"}]}"#,
    )
    .unwrap();
    let (code, _, err) = run(emu, &image, &policy, &dir.join("cosign.pub"), "json");
    assert_eq!(code, 2);
    assert!(
        err.contains("signers[0]") && err.contains("[PolicyValidation]"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}
