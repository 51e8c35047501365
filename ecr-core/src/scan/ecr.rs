//! The live path: resolve tag → digest → media type (index children per platform), read every findings
//! page, learn the registry's scan type, wait, and gate.
//!
//! Findings are read as the exact JSON ECR sent (captured from the response body), then parsed by the same
//! parser as files, so live mode and file mode cannot disagree.
//! IAM: `ecr:DescribeImageScanFindings`, `ecr:DescribeImages`, `ecr:BatchGetImage` (indexes),
//! `ecr:GetRegistryScanningConfiguration` (optional), `ecr:StartImageScan` (only with `start_basic_scan`).

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::AfterDeserializationInterceptorContextRef;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use serde::Serialize;

use super::finding::{self, ScanFindings, ScanType};
use super::gate::{GateDecision, GateImage, Warning, evaluate};
use super::policy::ScanPolicy;
use super::wait::{ScanSource, WaitOptions, WaitOutcome, wait_for_scan};
use crate::client::EcrClient;
use crate::error::{Error, Result};
use crate::time::Timestamp;
use crate::types::ImageId;

/// OCI image index and Docker manifest list media types.
pub const INDEX_MEDIA_TYPES: [&str; 2] = [
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
];

/// One platform image of an index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChildImage {
    /// The child manifest's digest.
    pub digest: String,
    /// `os/arch[/variant]`.
    pub platform: String,
    /// The child's media type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
}

/// An image resolved to its digest and media type; for an index, its platform children.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResolvedImage {
    /// Repository.
    pub repository: String,
    /// The (index or image) manifest digest.
    pub digest: String,
    /// The manifest media type, where ECR reports it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Platform images (empty unless the manifest is an index). Attestation manifests are left out.
    pub children: Vec<ChildImage>,
}

impl ResolvedImage {
    /// Whether the manifest is an index / manifest list.
    pub fn is_index(&self) -> bool {
        self.media_type
            .as_deref()
            .is_some_and(|m| INDEX_MEDIA_TYPES.contains(&m))
    }
}

/// Options of [`EcrClient::gate_image`].
#[derive(Debug, Clone, Default)]
pub struct GateOptions {
    /// How to wait for each scan.
    pub wait: WaitOptions,
    /// Only these platforms of an index (`linux/amd64`); empty = every platform.
    pub platforms: Vec<String>,
    /// The scan type; `None` = ask the registry (falls back to what the findings show).
    pub scan_type: Option<ScanType>,
}

/// Keeps the body of the last response an operation received.
#[derive(Debug, Clone, Default)]
struct CaptureBody(Arc<Mutex<Option<Vec<u8>>>>);

impl Intercept for CaptureBody {
    fn name(&self) -> &'static str {
        "ecr-core/capture-scan-findings-body"
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> std::result::Result<(), BoxError> {
        if let Some(bytes) = context.response().body().bytes()
            && let Ok(mut slot) = self.0.lock()
        {
            *slot = Some(bytes.to_vec());
        }
        Ok(())
    }
}

impl CaptureBody {
    fn take(&self) -> Option<Vec<u8>> {
        self.0.lock().ok().and_then(|mut s| s.take())
    }
}

fn platform_text(p: &serde_json::Value) -> Option<String> {
    let os = p.get("os")?.as_str()?;
    let arch = p.get("architecture")?.as_str()?;
    Some(
        match p.get("variant").and_then(|v| v.as_str()).filter(|v| !v.is_empty()) {
            Some(v) => format!("{os}/{arch}/{v}"),
            None => format!("{os}/{arch}"),
        },
    )
}

/// The platform children of an index manifest (attestations and unknown platforms left out).
pub fn index_children(manifest: &str) -> Result<Vec<ChildImage>> {
    let v: serde_json::Value =
        serde_json::from_str(manifest).map_err(|e| Error::invalid("image index", format!("not JSON: {e}")))?;
    let list = v
        .get("manifests")
        .and_then(|m| m.as_array())
        .ok_or_else(|| Error::invalid("image index", "no manifests[] array"))?;
    let mut out = Vec::new();
    for (i, m) in list.iter().enumerate() {
        let digest = m
            .get("digest")
            .and_then(|d| d.as_str())
            .ok_or_else(|| Error::invalid("image index", format!("manifests[{i}].digest missing")))?;
        let attestation = m
            .pointer("/annotations/vnd.docker.reference.type")
            .and_then(|t| t.as_str())
            .is_some_and(|t| t == "attestation-manifest");
        let Some(platform) = m.get("platform").and_then(platform_text) else {
            continue;
        };
        if attestation || platform.starts_with("unknown/") {
            continue;
        }
        out.push(ChildImage {
            digest: digest.to_owned(),
            platform,
            media_type: m.get("mediaType").and_then(|t| t.as_str()).map(str::to_owned),
        });
    }
    Ok(out)
}

impl EcrClient {
    /// The registry's scan type (`GetRegistryScanningConfiguration.scanningConfiguration.scanType`).
    pub async fn registry_scan_type(&self) -> Result<Option<ScanType>> {
        let out = self
            .ecr()
            .get_registry_scanning_configuration()
            .send()
            .await
            .map_err(Error::from_sdk)?;
        Ok(out
            .scanning_configuration()
            .and_then(|c| c.scan_type())
            .and_then(|t| match t.as_str() {
                "BASIC" => Some(ScanType::Basic),
                "ENHANCED" => Some(ScanType::Enhanced),
                _ => None,
            }))
    }

    /// Resolves a tag or digest to its digest and media type; for an index, reads its platform children.
    pub async fn resolve_image(&self, repository: &str, image: &ImageId) -> Result<ResolvedImage> {
        let details = self.describe_images(repository, std::slice::from_ref(image)).await?;
        let detail = details.into_iter().next().ok_or_else(|| Error::ImageNotFound {
            message: format!("{repository}: no image {image:?}"),
            request_id: None,
        })?;
        let mut resolved = ResolvedImage {
            repository: repository.to_owned(),
            digest: detail.image_digest.clone(),
            media_type: detail.image_manifest_media_type.clone(),
            children: Vec::new(),
        };
        if resolved.is_index() {
            let out = self
                .ecr()
                .batch_get_image()
                .repository_name(repository)
                .image_ids(ImageId::digest(&resolved.digest).to_sdk())
                .set_accepted_media_types(Some(INDEX_MEDIA_TYPES.iter().map(|s| (*s).to_owned()).collect()))
                .send()
                .await
                .map_err(Error::from_sdk)?;
            let manifest =
                out.images()
                    .first()
                    .and_then(|i| i.image_manifest())
                    .ok_or_else(|| Error::ImageNotFound {
                        message: format!("{repository}@{}: BatchGetImage returned no manifest", resolved.digest),
                        request_id: None,
                    })?;
            resolved.children = index_children(manifest)?;
        }
        Ok(resolved)
    }

    /// Every page of DescribeImageScanFindings for one image, merged. `ScanNotFound` when there is no scan.
    pub async fn describe_scan_findings(
        &self,
        repository: &str,
        image: &ImageId,
        max_results: Option<i32>,
    ) -> Result<ScanFindings> {
        let mut pages = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let capture = CaptureBody::default();
            let out = self
                .ecr()
                .describe_image_scan_findings()
                .repository_name(repository)
                .image_id(image.to_sdk())
                .set_max_results(max_results)
                .set_next_token(token.clone())
                .customize()
                .interceptor(capture.clone())
                .send()
                .await
                .map_err(Error::from_sdk)?;
            let body = capture.take().ok_or_else(|| Error::Transport {
                message: "DescribeImageScanFindings response body was not available".to_owned(),
                source: None,
            })?;
            let text = String::from_utf8_lossy(&body).into_owned();
            let page = finding::parse_page(text, &format!("page {}", pages.len() + 1))?;
            let next = page.next_token.clone().or_else(|| out.next_token().map(str::to_owned));
            pages.push(page);
            match next {
                Some(t) if Some(&t) != token.as_ref() => token = Some(t),
                Some(t) => {
                    return Err(Error::Transport {
                        message: format!("DescribeImageScanFindings returned the same nextToken twice ({t:.16}…)"),
                        source: None,
                    });
                }
                None => break,
            }
        }
        Ok(finding::merge(pages))
    }

    /// Starts a basic scan of an image.
    pub async fn start_image_scan(&self, repository: &str, image: &ImageId) -> Result<()> {
        self.ecr()
            .start_image_scan()
            .repository_name(repository)
            .image_id(image.to_sdk())
            .send()
            .await
            .map_err(Error::from_sdk)?;
        Ok(())
    }

    /// Waits for the scan of one image (pin it by digest); see [`super::wait`].
    pub async fn wait_for_scan(
        &self,
        repository: &str,
        digest: &str,
        scan_type: Option<ScanType>,
        opts: &WaitOptions,
    ) -> Result<WaitOutcome> {
        let source = LiveSource {
            client: self.clone(),
            repository: repository.to_owned(),
            digest: digest.to_owned(),
        };
        wait_for_scan(&source, scan_type, opts).await
    }

    /// The whole live gate: resolve the image, wait for the scan of it (or of every selected platform of an
    /// index), and evaluate the policy at `now`.
    pub async fn gate_image(
        &self,
        repository: &str,
        image: &ImageId,
        policy: &ScanPolicy,
        opts: &GateOptions,
        now: Timestamp,
    ) -> Result<GateDecision> {
        let mut warnings = Vec::new();
        let scan_type = match opts.scan_type {
            Some(t) => Some(t),
            None => match self.registry_scan_type().await {
                Ok(t) => t,
                Err(e) => {
                    warnings.push(Warning::new(
                        "scanType",
                        format!("could not read the registry scanning configuration ({e}); scan type taken from the findings"),
                        None,
                    ));
                    None
                }
            },
        };
        let resolved = self.resolve_image(repository, image).await?;
        let mut targets: Vec<(String, Option<String>)> = Vec::new();
        if resolved.is_index() {
            for c in &resolved.children {
                if opts.platforms.is_empty() || opts.platforms.iter().any(|p| p == &c.platform) {
                    targets.push((c.digest.clone(), Some(c.platform.clone())));
                }
            }
            if targets.is_empty() {
                return Err(Error::invalid(
                    "platforms",
                    format!(
                        "index {} has no platform matching {:?} (it has {:?})",
                        resolved.digest,
                        opts.platforms,
                        resolved
                            .children
                            .iter()
                            .map(|c| c.platform.as_str())
                            .collect::<Vec<_>>()
                    ),
                ));
            }
        } else {
            targets.push((resolved.digest.clone(), None));
        }
        let mut images = Vec::with_capacity(targets.len());
        for (digest, platform) in targets {
            let outcome = self.wait_for_scan(repository, &digest, scan_type, &opts.wait).await?;
            let mut g = GateImage::new(outcome.scan).with_location(Some(repository.to_owned()), Some(digest));
            g.repository = Some(repository.to_owned());
            g.platform = platform;
            images.push(g);
        }
        let mut decision = evaluate(policy, images, now);
        if let (Some(expected), true) = (scan_type, true) {
            for img in &decision.images {
                if let Some(seen) = img.scan_type
                    && seen != expected
                {
                    warnings.push(Warning::new(
                        "scanType",
                        format!(
                            "the registry scans {} but the findings are {}",
                            expected.as_str(),
                            seen.as_str()
                        ),
                        img.platform.as_ref(),
                    ));
                }
            }
        }
        for w in warnings {
            decision.warn(w);
        }
        Ok(decision)
    }
}

struct LiveSource {
    client: EcrClient,
    repository: String,
    digest: String,
}

#[async_trait]
impl ScanSource for LiveSource {
    fn image(&self) -> String {
        format!("{}@{}", self.repository, self.digest)
    }

    async fn fetch(&self, max_results: Option<i32>) -> Result<ScanFindings> {
        self.client
            .describe_scan_findings(&self.repository, &ImageId::digest(&self.digest), max_results)
            .await
    }

    async fn start_scan(&self) -> Result<()> {
        self.client
            .start_image_scan(&self.repository, &ImageId::digest(&self.digest))
            .await
    }
}
