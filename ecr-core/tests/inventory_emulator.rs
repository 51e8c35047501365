//! The inventory against the local emulator (moto's server through the real AWS SDKs): an ECS service and the
//! revisions of its task definition family, an image-based Lambda function with a published version, an
//! alias and a newer `$LATEST`, all referencing ECR images by tag; the inventory resolves the tags in the
//! emulated ECR, and the lifecycle preview and deletion spare exactly those images.
//!
//! Moto lacks ECS's DescribeServiceRevisions and `containers[].imageDigest`, App Runner, most of AWS Batch
//! and ECR's ListImageReferrers: those are covered by replayed responses in `ecr-core/src/inventory/tests.rs`
//! (here the referrer lookup uses the fallback tags only).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;
mod verify_support;

use chrono::Duration;
use ecr_core::inventory::{DiscoverOptions, Inventory, InventoryFile, SourceKind, UsageKind};
use ecr_core::lifecycle::{EvaluationContext, ExpireOptions, LifecyclePolicy};
use ecr_core::types::{RepositorySettings, TagMutability};
use sha2::Digest;

const EXPIRE_ALL: &str = r#"{"rules":[{"rulePriority":1,"description":"expire everything older than a day",
  "selection":{"tagStatus":"any","countType":"sinceImagePushed","countUnit":"days","countNumber":1},
  "action":{"type":"expire"}}]}"#;

fn manifest(n: usize) -> String {
    format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{{"mediaType":"application/vnd.docker.container.image.v1+json","size":{n},"digest":"sha256:{n:064x}"}},"layers":[]}}"#
    )
}

async fn sdk(emulator: &support::Emulator) -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(emulator.region().to_owned()))
        .endpoint_url(emulator.endpoint())
        .credentials_provider(aws_credential_types::Credentials::new(
            emulator.var("AWS_ACCESS_KEY_ID"),
            emulator.var("AWS_SECRET_ACCESS_KEY"),
            None,
            None,
            "emulator",
        ))
        .load()
        .await
}

/// Moto's Lambda checks that the execution role exists in its IAM: create it with the AWS CLI of the
/// project's virtualenv.
fn lambda_role(emulator: &support::Emulator, name: &str) -> String {
    let out = emulator
        .command(support::project_root().join(".venv/bin/aws"))
        .args(["iam", "create-role", "--role-name", name, "--assume-role-policy-document"])
        .arg(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#)
        .args(["--query", "Role.Arn", "--output", "text"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// ECS and Lambda only (what moto has), referrers by tag only (moto has no ListImageReferrers), no earlier
/// service deployments (moto has no ListServiceDeployments).
fn ecs_and_lambda() -> DiscoverOptions {
    DiscoverOptions {
        services: vec![SourceKind::Ecs, SourceKind::Lambda],
        referrers_api: false,
        service_deployments: false,
        ..DiscoverOptions::default()
    }
}

/// Discovers with `options` and checks every source was read.
async fn discover(client: &ecr_core::EcrClient, options: &DiscoverOptions) -> Inventory {
    let inventory = client.discover_inventory(options).await.unwrap();
    let failed: Vec<_> = inventory.failed_sources().collect();
    assert!(inventory.complete, "{failed:#?}");
    inventory
}

#[tokio::test]
async fn ecs_and_lambda_images_in_use_are_never_expired() {
    let emulator = support::emulator();
    let client = emulator.client().await;
    // Moto's Lambda finds an image's repository by the last path segment: a name without `/`.
    let repo = support::unique("inventory");
    // Mutable tags: the test moves one.
    let settings = RepositorySettings {
        tag_mutability: TagMutability::Mutable,
        ..RepositorySettings::recommended()
    };
    let uri = client.create_repository(&repo, &settings).await.unwrap().repository_uri;
    let tags = ["rollback", "service", "published", "latest-code", "unused"];
    let mut digests = std::collections::BTreeMap::new();
    for (i, tag) in tags.iter().enumerate() {
        let body = manifest(1000 + i);
        let digest = format!("sha256:{}", hex::encode(sha2::Sha256::digest(body.as_bytes())));
        client
            .put_image(&repo, &body, None, Some(tag), Some(&digest))
            .await
            .unwrap();
        digests.insert(*tag, digest);
    }

    let sdk = sdk(emulator).await;
    let ecs = aws_sdk_ecs::Client::new(&sdk);
    let cluster = support::unique("cluster");
    ecs.create_cluster().cluster_name(&cluster).send().await.unwrap();
    let family = support::unique("family");
    let mut revisions = Vec::new();
    for tag in ["rollback", "service"] {
        let container = aws_sdk_ecs::types::ContainerDefinition::builder()
            .name("app")
            .image(format!("{uri}:{tag}"))
            .memory(256)
            .build();
        let out = ecs
            .register_task_definition()
            .family(&family)
            .container_definitions(container)
            .send()
            .await
            .unwrap();
        revisions.push(out.task_definition().unwrap().task_definition_arn().unwrap().to_owned());
    }
    ecs.create_service()
        .cluster(&cluster)
        .service_name("api")
        .task_definition(&revisions[1])
        .desired_count(1)
        .send()
        .await
        .unwrap();

    let lambda = aws_sdk_lambda::Client::new(&sdk);
    let role = lambda_role(emulator, &support::unique("role"));
    let function = support::unique("fn");
    lambda
        .create_function()
        .function_name(&function)
        .role(&role)
        .package_type(aws_sdk_lambda::types::PackageType::Image)
        .code(
            aws_sdk_lambda::types::FunctionCode::builder()
                .image_uri(format!("{uri}:published"))
                .build(),
        )
        .send()
        .await
        .unwrap();
    let version = lambda.publish_version().function_name(&function).send().await.unwrap();
    lambda
        .create_alias()
        .function_name(&function)
        .name("live")
        .function_version(version.version().unwrap())
        .send()
        .await
        .unwrap();
    lambda
        .update_function_code()
        .function_name(&function)
        .image_uri(format!("{uri}:latest-code"))
        .send()
        .await
        .unwrap();
    // The tag moves on: Lambda keeps running the digest it resolved, not what `published` names now.
    let moved = manifest(2000);
    let moved_digest = format!("sha256:{}", hex::encode(sha2::Sha256::digest(moved.as_bytes())));
    client
        .put_image(&repo, &moved, None, Some("published"), Some(&moved_digest))
        .await
        .unwrap();

    let options = DiscoverOptions {
        task_definition_revisions: 2,
        ..ecs_and_lambda()
    };
    let inventory = discover(&client, &options).await;
    let uses = |tag: &str| -> Vec<(UsageKind, String)> {
        inventory
            .image(&digests[tag])
            .unwrap_or_else(|| panic!("{tag} is in use: {}", inventory.to_json_pretty()))
            .uses
            .iter()
            .map(|u| (u.kind, u.name.clone()))
            .collect()
    };
    assert!(
        uses("service")
            .iter()
            .any(|(k, n)| *k == UsageKind::EcsService && n.ends_with("/api"))
    );
    assert!(
        uses("rollback")
            .iter()
            .any(|(k, n)| *k == UsageKind::EcsTaskDefinition && *n == revisions[0])
    );
    let published = uses("published");
    assert!(
        published
            .iter()
            .any(|(k, n)| *k == UsageKind::LambdaVersion && n.ends_with(&format!("{function}:1"))),
        "{published:?}"
    );
    assert!(
        published
            .iter()
            .any(|(k, n)| *k == UsageKind::LambdaAlias && n.ends_with(":live")),
        "{published:?}"
    );
    assert!(
        uses("latest-code")
            .iter()
            .any(|(k, n)| *k == UsageKind::LambdaVersion && n.ends_with(":$LATEST"))
    );
    assert!(inventory.image(&digests["unused"]).is_none());
    assert!(
        inventory.image(&moved_digest).is_none(),
        "the moved tag is not what runs"
    );

    // Only the newest revision as rollback target: the older one is no longer protected.
    let newest_only = DiscoverOptions {
        task_definition_revisions: 1,
        ..options.clone()
    };
    let one = discover(&client, &newest_only).await;
    assert!(one.image(&digests["rollback"]).is_none());

    // The document round-trips.
    let inventory = Inventory::from_json(&inventory.to_json_pretty()).unwrap();

    // The lifecycle preview spares every image in use and names who uses it; deletion refuses in-use digests.
    let images = client.describe_images_all_statuses(&repo).await.unwrap();
    let newest = images.iter().filter_map(|i| i.image_pushed_at).max().unwrap();
    let policy = LifecyclePolicy::parse(EXPIRE_ALL).unwrap().policy;
    let context = inventory.protect(EvaluationContext::new(newest + Duration::days(10)));
    let preview = policy.evaluate(&images, &context);
    let mut expiring: Vec<&str> = preview.expiring_digests();
    expiring.sort();
    let mut want = vec![digests["unused"].as_str(), moved_digest.as_str()];
    want.sort();
    assert_eq!(expiring, want);
    // Every in-use image still in the repository is reported under rule 1 (moto drops the image a moved
    // tag leaves behind, so which ones are present is read back).
    let present_in_use: std::collections::BTreeSet<&str> = images
        .iter()
        .map(|i| i.image_digest.as_str())
        .filter(|d| inventory.image(d).is_some())
        .collect();
    assert!(present_in_use.len() >= 3, "{present_in_use:?}");
    let hits = inventory.in_use_by_rule(&preview, &Default::default());
    let hit: std::collections::BTreeSet<&str> = hits[0].images.iter().map(|h| h.image_digest.as_str()).collect();
    assert_eq!(hit, present_in_use);

    let unguarded = policy.evaluate(&images, &EvaluationContext::new(newest + Duration::days(10)));
    let deleting = ExpireOptions {
        dry_run: false,
        ..ExpireOptions::default()
    };
    let err = client
        .expire_images_with_inventory(&repo, &unguarded, &deleting, &inventory, false)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "Refused");
    let report = client
        .expire_images_with_inventory(&repo, &preview, &deleting, &inventory, false)
        .await
        .unwrap();
    assert_eq!(report.deleted.len(), 2, "{report:?}");
    let left = client.describe_images_all_statuses(&repo).await.unwrap();
    assert_eq!(left.len(), images.len() - 2);

    // The registry-wide report: with the policy on the repository, it would expire nothing but images in use,
    // each reported.
    client.put_lifecycle_policy(&repo, EXPIRE_ALL).await.unwrap();
    let report = client
        .registry_in_use_report(&inventory, newest + Duration::days(10), 4)
        .await
        .unwrap();
    let row = report
        .findings
        .iter()
        .find(|r| r.repository == repo)
        .expect("the repository has hits");
    assert_eq!((row.expiring, row.in_use_hits), (0, present_in_use.len()));
    assert!(report.inventory_complete);
}

/// One role (assumed through the emulator's STS) and two regions: every service is read once per account and
/// region, each a source of its own with the role's account.
#[tokio::test]
async fn every_account_and_region_is_a_source() {
    let emulator = support::emulator();
    let client = emulator.client().await;
    let account = "123456789012";
    let regions = [emulator.region().to_owned(), "eu-west-2".to_owned()];
    let options = DiscoverOptions {
        role_arns: vec![format!("arn:aws:iam::{account}:role/inventory-reader")],
        regions: regions.to_vec(),
        task_definition_revisions: 0,
        ..ecs_and_lambda()
    };
    let inventory = discover(&client, &options).await;
    let read: std::collections::BTreeSet<(SourceKind, Option<&str>, Option<&str>)> = inventory
        .sources
        .iter()
        .filter(|s| matches!(s.kind, SourceKind::Ecs | SourceKind::Lambda))
        .map(|s| (s.kind, s.account.as_deref(), s.region.as_deref()))
        .collect();
    let want: std::collections::BTreeSet<_> = [SourceKind::Ecs, SourceKind::Lambda]
        .into_iter()
        .flat_map(|k| regions.iter().map(move |r| (k, Some(account), Some(r.as_str()))))
        .collect();
    assert_eq!(read, want);
}

/// The registry's OCI referrers in the closure, against Debian's docker-registry, which does not implement
/// the referrers API (it answers 404): the closure falls back to the index under the `sha256-<hex>` tag in the
/// registry. That tag is pushed to the registry only, not mirrored into the emulator's ECR, so only the OCI
/// path can find the referrer it lists.
#[tokio::test]
async fn oci_referrers_fall_back_to_the_tag_index_of_a_registry_without_the_api() {
    use verify_support::{ImageSpec, Layout, push_and_mirror, skopeo_push};
    let emulator = support::emulator();
    let client = emulator.client().await;
    let layout = Layout::new();
    let subject = layout.image(&ImageSpec {
        arch: "amd64",
        runtime: serde_json::json!({}),
    });
    layout.tag(subject, "v1");
    let repo = support::unique("inventory-oci");
    let digest = push_and_mirror(emulator, &client, &layout, &repo, "v1").await;
    // A stand-in signature (another image), listed by an index under the subject's fallback tag.
    let signature = layout.image(&ImageSpec {
        arch: "arm64",
        runtime: serde_json::json!({"Labels": {"kind": "signature"}}),
    });
    let fallback_tag = digest.replace(':', "-");
    layout.tag(layout.index(vec![signature]), &fallback_tag);
    skopeo_push(emulator, &layout.dir, &repo, &fallback_tag);
    let access = ecr_core::verify::RegistryAccess {
        url: Some(emulator.registry_url().to_owned()),
        auth: client.registry_auth().await.unwrap(),
    };
    let registry = ecr_core::verify::RegistryClient::new(emulator.registry_host(), &access).unwrap();
    let index = registry.fetch_manifest(&repo, &fallback_tag).await.unwrap();
    let index: serde_json::Value = serde_json::from_slice(&index.bytes).unwrap();
    let referrer = index["manifests"][0]["digest"].as_str().unwrap().to_owned();

    let dir = tempfile::tempdir().unwrap();
    let uris = dir.path().join("uris.json");
    let uri = format!(
        "123456789012.dkr.ecr.{}.amazonaws.com/{repo}@{digest}",
        emulator.region()
    );
    std::fs::write(&uris, serde_json::json!([uri]).to_string()).unwrap();
    let options = DiscoverOptions {
        services: Vec::new(),
        files: vec![InventoryFile {
            kind: SourceKind::File,
            path: uris.display().to_string(),
        }],
        referrers_api: false,
        oci_referrers: true,
        registry_url: Some(emulator.registry_url().to_owned()),
        ..DiscoverOptions::default()
    };
    let inventory = discover(&client, &options).await;
    let uses = &inventory
        .image(&referrer)
        .unwrap_or_else(|| panic!("the referrer is kept: {}", inventory.to_json_pretty()))
        .uses;
    assert!(
        uses.iter()
            .any(|u| u.kind == UsageKind::Referrer && u.via.as_deref() == Some(digest.as_str())),
        "{uses:?}"
    );
    // Without the OCI path the fallback tag, which only the registry holds, is not seen.
    let without = DiscoverOptions {
        oci_referrers: false,
        ..options
    };
    assert!(discover(&client, &without).await.image(&referrer).is_none());
}
