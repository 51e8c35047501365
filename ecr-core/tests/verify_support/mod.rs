//! Builds real OCI image layouts on disk and pushes them to the local registry with `skopeo`, then puts
//! the manifest the registry holds into the ECR emulator under the same repository and tag (real ECR is
//! both at once; locally the API and the registry are two servers).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use super::support::Emulator;

/// `sha256:<hex>` of bytes.
pub fn digest(bytes: &[u8]) -> String {
    ecr_core::verify::sha256_digest(bytes)
}

/// An OCI image layout under construction.
pub struct Layout {
    /// The layout directory.
    pub dir: PathBuf,
    _tmp: tempfile::TempDir,
}

/// One platform image to build.
pub struct ImageSpec {
    /// GOARCH.
    pub arch: &'static str,
    /// The config's `config` object (User, Labels, Env, Healthcheck).
    pub runtime: Value,
}

impl Layout {
    /// An empty layout in a temporary directory.
    pub fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("layout");
        std::fs::create_dir_all(dir.join("blobs/sha256")).unwrap();
        std::fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
        Self { dir, _tmp: tmp }
    }

    /// Stores a blob; returns its descriptor fields (digest, size).
    pub fn blob(&self, bytes: &[u8]) -> (String, usize) {
        let d = digest(bytes);
        std::fs::write(
            self.dir.join("blobs/sha256").join(d.trim_start_matches("sha256:")),
            bytes,
        )
        .unwrap();
        (d, bytes.len())
    }

    /// A gzip-compressed tar layer holding one file; returns (descriptor, diff id).
    fn layer(&self, content: &str) -> (Value, String) {
        let src = self
            .dir
            .parent()
            .unwrap()
            .join(format!("src-{}", digest(content.as_bytes())[7..19].to_owned()));
        std::fs::create_dir_all(&src).unwrap();
        std::fs::write(src.join("hello.txt"), content).unwrap();
        let tar = src.with_extension("tar");
        run(Command::new("tar")
            .arg("-cf")
            .arg(&tar)
            .arg("-C")
            .arg(&src)
            .arg("hello.txt"));
        let tar_bytes = std::fs::read(&tar).unwrap();
        run(Command::new("gzip").arg("-n").arg("-f").arg(&tar));
        let gz = std::fs::read(tar.with_extension("tar.gz")).unwrap();
        let (d, size) = self.blob(&gz);
        (
            json!({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": d, "size": size}),
            digest(&tar_bytes),
        )
    }

    /// Builds one platform image; returns the manifest descriptor (with platform).
    pub fn image(&self, spec: &ImageSpec) -> Value {
        let (layer, diff_id) = self.layer(&format!("hello from {}\n", spec.arch));
        let config = json!({
            "architecture": spec.arch,
            "os": "linux",
            "config": spec.runtime,
            "rootfs": {"type": "layers", "diff_ids": [diff_id]},
            "history": [{"created_by": "verify_registry test"}],
        });
        let (cd, cs) = self.blob(serde_json::to_string(&config).unwrap().as_bytes());
        let manifest = json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cs},
            "layers": [layer],
        });
        let (md, ms) = self.blob(serde_json::to_string(&manifest).unwrap().as_bytes());
        json!({"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md, "size": ms,
               "platform": {"architecture": spec.arch, "os": "linux"}})
    }

    /// Builds an index over `manifests`; returns its descriptor.
    pub fn index(&self, manifests: Vec<Value>) -> Value {
        let index =
            json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": manifests});
        let (d, s) = self.blob(serde_json::to_string(&index).unwrap().as_bytes());
        json!({"mediaType": "application/vnd.oci.image.index.v1+json", "digest": d, "size": s})
    }

    /// Names `descriptor` as `tag` in the layout's index.json.
    pub fn tag(&self, mut descriptor: Value, tag: &str) {
        descriptor.as_object_mut().unwrap().remove("platform");
        descriptor["annotations"] = json!({"org.opencontainers.image.ref.name": tag});
        let index = json!({"schemaVersion": 2, "manifests": [descriptor]});
        std::fs::write(self.dir.join("index.json"), serde_json::to_string(&index).unwrap()).unwrap();
    }
}

fn run(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Pushes `layout:tag` to `repo:tag` in the local registry with skopeo (all platforms of an index).
pub fn skopeo_push(emu: &Emulator, layout: &Path, repo: &str, tag: &str) {
    let creds = format!(
        "{}:{}",
        emu.var("LOCAL_REGISTRY_USER"),
        emu.var("LOCAL_REGISTRY_PASSWORD")
    );
    run(Command::new("skopeo")
        .args([
            "copy",
            "--all",
            "--quiet",
            "--dest-tls-verify=false",
            "--dest-creds",
            &creds,
        ])
        .arg(format!("oci:{}:{tag}", layout.display()))
        .arg(format!("docker://{}/{repo}:{tag}", emu.registry_host())));
}

/// Builds the images, pushes them, and mirrors the pushed top-level manifest into the emulator under
/// the same repository and tag. Returns the digest the registry serves.
pub async fn push_and_mirror(
    emu: &Emulator,
    client: &ecr_core::EcrClient,
    layout: &Layout,
    repo: &str,
    tag: &str,
) -> String {
    skopeo_push(emu, &layout.dir, repo, tag);
    let access = ecr_core::verify::RegistryAccess {
        url: Some(emu.registry_url().to_owned()),
        auth: client.registry_auth().await.unwrap(),
    };
    let reg = ecr_core::verify::RegistryClient::new(emu.registry_host(), &access).unwrap();
    let m = reg.fetch_manifest(repo, tag).await.unwrap();
    let text = String::from_utf8(m.bytes).unwrap();
    let media_type = serde_json::from_str::<Value>(&text).unwrap()["mediaType"]
        .as_str()
        .map(str::to_owned);
    match client
        .create_repository(repo, &ecr_core::types::RepositorySettings::recommended())
        .await
    {
        Ok(_) => {}
        Err(e) if e.to_string().contains("already exists") => {}
        Err(e) => panic!("{e}"),
    }
    client
        .put_image(repo, &text, media_type.as_deref(), Some(tag), Some(&m.digest))
        .await
        .unwrap();
    m.digest
}
