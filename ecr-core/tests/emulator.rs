//! The foundation against the local ECR emulator (moto's server) through the real `aws-sdk-ecr`.

mod support;

use ecr_core::types::{ImageId, RepositorySettings, TagMutability};
use sha2::{Digest, Sha256};

/// A minimal OCI image manifest (the emulator stores it; it never fetches the blobs).
fn manifest() -> String {
    serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": 2,
                   "digest": format!("sha256:{}", hex::encode(Sha256::digest(b"{}")))},
        "layers": []
    })
    .to_string()
}

#[tokio::test]
async fn create_describe_put_and_read_back() {
    let emu = support::emulator();
    let client = emu.client().await;
    let name = support::unique("foundation/service");

    let created = client
        .create_repository(&name, &RepositorySettings::recommended())
        .await
        .unwrap();
    assert_eq!(created.repository_name, name);
    assert_eq!(created.image_tag_mutability, TagMutability::Immutable);
    assert!(created.scan_on_push);
    assert_eq!(created.encryption_type, "AES256");
    assert!(
        created.repository_uri.ends_with(&format!("/{name}")),
        "{}",
        created.repository_uri
    );

    let described = client.describe_repository(&name).await.unwrap();
    assert_eq!(described.repository_arn, created.repository_arn);
    assert!(
        client
            .list_repositories()
            .await
            .unwrap()
            .iter()
            .any(|r| r.repository_name == name)
    );

    // The emulator does not hash the manifest itself: pass the real digest (what ECR computes).
    let body = manifest();
    let digest = format!("sha256:{}", hex::encode(Sha256::digest(body.as_bytes())));
    let id = client
        .put_image(
            &name,
            &body,
            Some("application/vnd.oci.image.manifest.v1+json"),
            Some("v1.0.0"),
            Some(&digest),
        )
        .await
        .unwrap();
    assert_eq!(id.image_digest.as_deref(), Some(digest.as_str()));

    let images = client.describe_images(&name, &[]).await.unwrap();
    assert_eq!(images.len(), 1);
    assert_eq!(images[0].image_digest, digest);
    assert_eq!(images[0].image_tags, vec!["v1.0.0".to_owned()]);
    assert!(images[0].image_pushed_at.is_some());

    let by_tag = client.describe_images(&name, &[ImageId::tag("v1.0.0")]).await.unwrap();
    assert_eq!(by_tag[0].image_digest, digest);
}

#[tokio::test]
async fn missing_repository_is_a_typed_error_with_request_id() {
    let client = support::emulator().client().await;
    let err = client
        .describe_repository(&support::unique("does-not-exist"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), "RepositoryNotFound", "{err:?}");
    assert!(err.to_string().contains("does-not-exist"), "{err}");
    assert!(
        err.request_id().is_some_and(|r| !r.is_empty()),
        "request id kept: {err:?}"
    );
}

#[tokio::test]
async fn missing_image_is_a_typed_error() {
    let client = support::emulator().client().await;
    let name = support::unique("foundation/empty");
    client
        .create_repository(&name, &RepositorySettings::recommended())
        .await
        .unwrap();
    let err = client
        .describe_images(&name, &[ImageId::tag("nope")])
        .await
        .unwrap_err();
    assert_eq!(err.code(), "ImageNotFound", "{err:?}");
}

#[tokio::test]
async fn unreachable_endpoint_is_a_transport_error() {
    // Port 9 (discard) on loopback: nothing listens; one attempt, short timeouts.
    let client = support::emulator()
        .client_builder()
        .endpoint_url("http://127.0.0.1:9")
        .max_attempts(1)
        .build()
        .await
        .unwrap();
    let err = client.describe_repository("x").await.unwrap_err();
    assert!(matches!(err.code(), "Transport" | "Timeout"), "{err:?}");
    assert!(std::error::Error::source(&err).is_some() || err.code() == "Timeout");
}
