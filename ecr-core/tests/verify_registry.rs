//! Push verification through the registry protocol: real OCI images built here as OCI layouts (one running
//! as root, one as a non-root user with labels and a healthcheck, one multi-arch index), pushed to the
//! local registry with `skopeo`, mirrored into the ECR emulator, and verified with registry credentials
//! obtained from the emulator's GetAuthorizationToken.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;
mod verify_support;

use ecr_core::verify::{CheckPolicy, CheckStatus, RegistryAccess, VerifyPushRequest};
use serde_json::json;
use verify_support::{ImageSpec, Layout, push_and_mirror};

fn labels() -> serde_json::Value {
    json!({
        "org.opencontainers.image.revision": "4f2c9e1d",
        "org.opencontainers.image.source": "https://github.com/example/app",
        "org.opencontainers.image.created": "2026-11-23T10:00:00Z",
    })
}

fn hardened() -> serde_json::Value {
    json!({"User": "10001:10001", "Labels": labels(), "Env": ["PATH=/usr/bin", "DB_PASSWORD_FILE=/run/secrets/db"],
           "Healthcheck": {"Test": ["CMD", "/bin/true"]}})
}

async fn request(repo: &str, tag: &str, digest: &str, platforms: &[&str]) -> VerifyPushRequest {
    let emu = support::emulator();
    let client = emu.client().await;
    VerifyPushRequest {
        registry_host: "123456789012.dkr.ecr.us-east-1.amazonaws.com".into(),
        repository: repo.into(),
        tags: vec![tag.into()],
        digest: digest.into(),
        platforms: platforms.iter().map(|p| p.parse().unwrap()).collect(),
        checks: CheckPolicy::default(),
        registry: Some(RegistryAccess {
            url: Some(emu.registry_url().to_owned()),
            auth: client.registry_auth().await.unwrap(),
        }),
        ..Default::default()
    }
}

#[tokio::test]
async fn root_image_without_labels_fails_config_checks() {
    let emu = support::emulator();
    let client = emu.client().await;
    let layout = Layout::new();
    let m = layout.image(&ImageSpec {
        arch: "amd64",
        runtime: json!({"Env": ["PATH=/usr/bin", "API_TOKEN=tok-not-for-logs"]}),
    });
    layout.tag(m, "v1");
    let repo = support::unique("verify-reg-root");
    let digest = push_and_mirror(emu, &client, &layout, &repo, "v1").await;
    let v = client
        .verify_push(&request(&repo, "v1", &digest, &["linux/amd64"]).await)
        .await
        .unwrap();
    let r = &v.report;
    assert!(!r.passed);
    assert_eq!(r.status("tags"), Some(CheckStatus::Passed));
    assert_eq!(r.status("integrity"), Some(CheckStatus::Passed));
    assert_eq!(
        r.status("platforms"),
        Some(CheckStatus::Passed),
        "{:?}",
        r.get("platforms")
    );
    assert_eq!(r.status("non-root"), Some(CheckStatus::Failed));
    assert_eq!(r.status("labels"), Some(CheckStatus::Failed));
    assert_eq!(r.status("no-secrets"), Some(CheckStatus::Failed));
    assert_eq!(r.get("no-secrets").unwrap().details["variables"][0], "API_TOKEN");
    assert_eq!(r.status("healthcheck"), Some(CheckStatus::Warned));
    let text = serde_json::to_string(r).unwrap();
    assert!(!text.contains("tok-not-for-logs"), "a secret value reached the report");
}

#[tokio::test]
async fn non_root_labelled_image_passes_and_wrong_arch_is_caught() {
    let emu = support::emulator();
    let client = emu.client().await;
    let layout = Layout::new();
    let m = layout.image(&ImageSpec {
        arch: "arm64",
        runtime: hardened(),
    });
    layout.tag(m, "v2");
    let repo = support::unique("verify-reg-good");
    let digest = push_and_mirror(emu, &client, &layout, &repo, "v2").await;
    let v = client
        .verify_push(&request(&repo, "v2", &digest, &["linux/arm64"]).await)
        .await
        .unwrap();
    assert!(v.report.passed, "{:#?}", v.report);
    for c in [
        "tags",
        "integrity",
        "platforms",
        "non-root",
        "labels",
        "no-secrets",
        "healthcheck",
    ] {
        assert_eq!(v.report.status(c), Some(CheckStatus::Passed), "{c}");
    }
    assert_eq!(v.report.status("replication"), Some(CheckStatus::Skipped));
    // A common incident: an arm64 image where amd64 was expected.
    let v = client
        .verify_push(&request(&repo, "v2", &digest, &["linux/amd64"]).await)
        .await
        .unwrap();
    assert!(!v.report.passed);
    let p = v.report.get("platforms").unwrap();
    assert_eq!(p.status, CheckStatus::Failed);
    assert_eq!(p.details["missing"][0], "linux/amd64");
    assert_eq!(p.details["extra"][0], "linux/arm64");
}

#[tokio::test]
async fn multi_arch_index_checks_every_platform_config() {
    let emu = support::emulator();
    let client = emu.client().await;
    let layout = Layout::new();
    let amd = layout.image(&ImageSpec {
        arch: "amd64",
        runtime: hardened(),
    });
    let mut arm_runtime = hardened();
    arm_runtime["User"] = json!("root");
    let arm = layout.image(&ImageSpec {
        arch: "arm64",
        runtime: arm_runtime,
    });
    let index = layout.index(vec![amd, arm]);
    layout.tag(index, "v3");
    let repo = support::unique("verify-reg-multi");
    let digest = push_and_mirror(emu, &client, &layout, &repo, "v3").await;
    let v = client
        .verify_push(&request(&repo, "v3", &digest, &["linux/amd64", "linux/arm64"]).await)
        .await
        .unwrap();
    let r = &v.report;
    assert_eq!(
        r.status("platforms"),
        Some(CheckStatus::Passed),
        "{:?}",
        r.get("platforms")
    );
    assert_eq!(v.platforms.len(), 2);
    assert_eq!(r.status("labels"), Some(CheckStatus::Passed), "{:?}", r.get("labels"));
    // One platform runs as root: the check fails and says which.
    let nr = r.get("non-root").unwrap();
    assert_eq!(nr.status, CheckStatus::Failed);
    assert_eq!(nr.details["linux/arm64"]["ok"], false);
    assert_eq!(nr.details["linux/amd64"]["ok"], true);
    assert!(nr.message.contains("linux/arm64"), "{}", nr.message);

    // Wrong credentials: the config cannot be read, so the required config checks fail closed.
    let mut req = request(&repo, "v3", &digest, &["linux/amd64", "linux/arm64"]).await;
    req.registry.as_mut().unwrap().auth = ecr_core::verify::RegistryAuth::Basic {
        username: "AWS".into(),
        password: ecr_core::Secret::new("wrong-password"),
    };
    let v = client.verify_push(&req).await.unwrap();
    assert_eq!(v.report.status("non-root"), Some(CheckStatus::Failed));
    assert!(v.report.get("non-root").unwrap().message.contains("not readable"));
    assert!(!serde_json::to_string(&v.report).unwrap().contains("wrong-password"));
}
