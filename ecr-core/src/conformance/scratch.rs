//! Scratch repositories and the small images pushed into them, through the ECR API alone (layer upload and
//! `PutImage`, no Docker); every repository created is remembered so that it can always be deleted.

use std::sync::{Arc, Mutex};

use aws_smithy_types::Blob;

use crate::client::EcrClient;
use crate::error::{Error, Result};
use crate::types::{Repository, RepositorySettings, TagMutability};
use crate::verify::{OCI_MANIFEST as MANIFEST_MEDIA_TYPE, sha256_digest};

/// Every scratch repository's name starts with this (the IAM policy in the guide scopes to it).
pub const REPOSITORY_PREFIX: &str = "ecr-core-conformance-";

/// The resource tag key every scratch repository carries (value `true`).
pub const RESOURCE_TAG: &str = "ecr-core-conformance";

/// The one layer of every generated image: an empty tar archive (two zero blocks).
const EMPTY_TAR: [u8; 1024] = [0; 1024];

/// Creates, fills and deletes the run's repositories.
#[derive(Debug, Clone)]
pub(crate) struct Scratch {
    client: EcrClient,
    prefix: String,
    created: Arc<Mutex<Vec<String>>>,
}

impl Scratch {
    /// A scratch space with a random name suffix.
    pub(crate) fn new(client: EcrClient) -> Self {
        Self {
            client,
            prefix: format!("{REPOSITORY_PREFIX}{:08x}", rand::random::<u32>()),
            created: Arc::default(),
        }
    }

    pub(crate) fn client(&self) -> &EcrClient {
        &self.client
    }

    /// Creates `<prefix>-<label>`, tagged, with `mutability` and `filters` and scan on push off. The name is
    /// remembered before the call, so a repository whose creation answer was lost is still deleted.
    pub(crate) async fn repository(
        &self,
        label: &str,
        mutability: TagMutability,
        filters: &[&str],
    ) -> Result<Repository> {
        let name = format!("{}-{label}", self.prefix);
        self.created
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(name.clone());
        let settings = RepositorySettings {
            tag_mutability: mutability,
            exclusion_filters: filters.iter().map(|f| (*f).to_owned()).collect(),
            scan_on_push: false,
            kms_key: None,
        };
        self.client
            .create_tagged_repository(&name, &settings, &[(RESOURCE_TAG, "true")])
            .await
    }

    /// Pushes a small single-layer image whose config carries `seed` (distinct seeds give distinct digests),
    /// under `tag` when given; returns its digest.
    pub(crate) async fn push(&self, repository: &str, seed: &str, tag: Option<&str>) -> Result<String> {
        let (manifest, blobs) = image(seed);
        for blob in blobs {
            self.upload_blob(repository, &blob).await?;
        }
        let digest = sha256_digest(manifest.as_bytes());
        self.client
            .put_image(repository, &manifest, Some(MANIFEST_MEDIA_TYPE), tag, Some(&digest))
            .await?;
        Ok(digest)
    }

    /// Adds `tag` to an image already pushed with [`Scratch::push`] under the same `seed`.
    pub(crate) async fn add_tag(&self, repository: &str, seed: &str, tag: &str) -> Result<()> {
        let (manifest, _) = image(seed);
        self.client
            .put_image(repository, &manifest, Some(MANIFEST_MEDIA_TYPE), Some(tag), None)
            .await
            .map(|_| ())
    }

    /// Uploads one blob (InitiateLayerUpload, UploadLayerPart, CompleteLayerUpload); a blob the repository
    /// already has is fine.
    async fn upload_blob(&self, repository: &str, bytes: &[u8]) -> Result<()> {
        let ecr = self.client.ecr();
        let started = ecr
            .initiate_layer_upload()
            .repository_name(repository)
            .send()
            .await
            .map_err(Error::from_sdk)?;
        let upload_id = started
            .upload_id()
            .ok_or_else(|| crate::client::missing("InitiateLayerUpload", "uploadId"))?;
        ecr.upload_layer_part()
            .repository_name(repository)
            .upload_id(upload_id)
            .part_first_byte(0)
            .part_last_byte(bytes.len().saturating_sub(1) as i64)
            .layer_part_blob(Blob::new(bytes))
            .send()
            .await
            .map_err(Error::from_sdk)?;
        let completed = ecr
            .complete_layer_upload()
            .repository_name(repository)
            .upload_id(upload_id)
            .layer_digests(sha256_digest(bytes))
            .send()
            .await
            .map_err(Error::from_sdk);
        match completed {
            Ok(_) => Ok(()),
            Err(Error::Service { aws_code, .. }) if aws_code == "LayerAlreadyExistsException" => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// The repositories created so far.
    pub(crate) fn created(&self) -> Vec<String> {
        self.created.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Deletes every repository created (with its images); one already gone counts as deleted.
    pub(crate) async fn delete_all(&self) -> Vec<super::Cleanup> {
        let mut out = Vec::new();
        for name in self.created() {
            let result = self
                .client
                .ecr()
                .delete_repository()
                .repository_name(&name)
                .force(true)
                .send()
                .await
                .map_err(Error::from_sdk);
            let error = match result {
                Ok(_) | Err(Error::RepositoryNotFound { .. }) => None,
                Err(e) => Some(e.to_string()),
            };
            out.push(super::Cleanup {
                repository: name,
                error,
            });
        }
        out
    }
}

/// The manifest of the image for `seed` and the blobs it references (config, layer).
fn image(seed: &str) -> (String, [Vec<u8>; 2]) {
    let layer = EMPTY_TAR.to_vec();
    let config = serde_json::json!({
        "architecture": "amd64",
        "os": "linux",
        "config": {"Labels": {"ecr-core-conformance": seed}},
        "rootfs": {"type": "layers", "diff_ids": [sha256_digest(&layer)]},
    })
    .to_string()
    .into_bytes();
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": MANIFEST_MEDIA_TYPE,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": sha256_digest(&config), "size": config.len()},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                    "digest": sha256_digest(&layer), "size": layer.len()}],
    })
    .to_string();
    (manifest, [config, layer])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_differ_by_seed_and_reference_their_blobs() {
        let (a, blobs) = image("a");
        let (b, _) = image("b");
        assert_ne!(sha256_digest(a.as_bytes()), sha256_digest(b.as_bytes()));
        assert_eq!(image("a").0, a, "deterministic");
        for blob in &blobs {
            assert!(a.contains(&sha256_digest(blob)), "{a}");
        }
    }
}
