//! Tests of the inventory: the file sources against the golden fixtures (`fixtures/inventory/`), the document's
//! checks, the lifecycle guard, and the live readers over `aws-smithy-mocks` replaying responses shaped like
//! AWS's documented examples for what moto's server lacks or where it falls short: ECS's
//! DescribeServiceRevisions and `containers[].imageDigest`, AWS Batch's ECS/EKS/multi-node job definitions,
//! App Runner, and ECR's ListImageReferrers and index manifests. (ECS services, task definitions and tasks
//! and Lambda run against moto's server in `ecr-core/tests/inventory_emulator.rs`.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use serde_json::{Value, json};

use super::model::{Builder, Source};
use super::sighting::{Next, record};
use super::*;
use crate::lifecycle::{EvaluationContext, ExpireOptions, LifecyclePolicy, parse_images};

fn fixture(name: &str) -> (String, String) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/inventory")
        .join(name);
    (
        format!("fixtures/inventory/{name}"),
        std::fs::read_to_string(&path).unwrap(),
    )
}

/// A use by the file `name`.
fn file_use(name: &str) -> Usage {
    Usage {
        kind: UsageKind::File,
        name: name.into(),
        account: None,
        region: None,
        reference: None,
        since: None,
        via: None,
    }
}

fn digest(c: char) -> String {
    format!("sha256:{}", c.to_string().repeat(64))
}

fn from_fixtures() -> Inventory {
    let (kp, kt) = fixture("kubernetes.json");
    let (up, ut) = fixture("uris.json");
    inventory_from_texts(&[(SourceKind::Kubernetes, &kp, &kt), (SourceKind::File, &up, &ut)])
}

/// The golden document: `fixtures/inventory/expected-offline.json` is what the two files give offline
/// (`ECR_CORE_BLESS=1` rewrites it; review the difference before committing).
#[test]
fn files_give_the_golden_inventory() {
    let inventory = from_fixtures();
    if std::env::var_os("ECR_CORE_BLESS").is_some() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/inventory/expected-offline.json");
        std::fs::write(path, inventory.to_json_pretty() + "\n").unwrap();
    }
    let (_, expected) = fixture("expected-offline.json");
    let expected: Value = serde_json::from_str(&expected).unwrap();
    assert_eq!(
        serde_json::to_value(&inventory).unwrap(),
        expected,
        "{}",
        inventory.to_json_pretty()
    );
    // And the golden document reads back as the same inventory.
    assert_eq!(Inventory::from_json(&expected.to_string()).unwrap(), inventory);
}

#[test]
fn pods_count_by_running_digest_and_controllers_by_reference() {
    let inventory = from_fixtures();
    let api = inventory.image(&digest('a')).expect("the pod's running digest");
    let kinds: Vec<(UsageKind, &str)> = api.uses.iter().map(|u| (u.kind, u.name.as_str())).collect();
    assert!(
        kinds.contains(&(UsageKind::KubernetesPod, "shop/Pod/api-7c9f8d6b5-x2x7q")),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&(UsageKind::File, "fixtures/inventory/uris.json")),
        "{kinds:?}"
    );
    let pod = api.uses.iter().find(|u| u.kind == UsageKind::KubernetesPod).unwrap();
    assert_eq!(
        pod.since,
        crate::time::parse_str("2026-11-30T10:00:05Z"),
        "since the pod started"
    );
    // The CronJob's template names a digest: in use, in another account's registry.
    let report = inventory.image(&digest('b')).unwrap();
    assert!(
        report
            .repositories
            .contains(&"210987654321.dkr.ecr.us-east-1.amazonaws.com/ops/report".to_owned())
    );
    // The Deployment's tag and the file's tag cannot resolve offline: unresolved, and the inventory incomplete.
    let unresolved: Vec<&str> = inventory.unresolved.iter().map(|u| u.reference.as_str()).collect();
    assert!(unresolved.contains(&"123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/api:1.4.2"));
    assert!(unresolved.contains(&"docker.io/envoyproxy/envoy:v1.31.0"));
    assert!(!inventory.complete);
    assert_eq!(inventory.failed_sources().next().unwrap().kind, SourceKind::Ecr);
}

#[test]
fn bad_files_are_failed_sources_naming_the_place() {
    let inventory = inventory_from_texts(&[
        (
            SourceKind::File,
            "a.json",
            r#"["x.dkr.ecr.eu-west-1.amazonaws.com/a@sha256:1", 7]"#,
        ),
        (SourceKind::File, "b.json", r#"{"not": "an array"}"#),
        (
            SourceKind::Kubernetes,
            "k.json",
            r#"{"kind":"List","items":[{"kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c"}]}}]}"#,
        ),
    ]);
    assert!(!inventory.complete);
    let error = |name: &str| {
        let source = inventory.sources.iter().find(|s| s.name == name).unwrap();
        source.error.as_ref().unwrap().message.clone()
    };
    assert!(error("a.json").contains("a.json: [1] is not an image URI"));
    assert!(error("b.json").contains("JSON array"));
    assert!(error("k.json").contains("items[0] (/Pod/p): containers[0].image is missing"));
}

#[test]
fn the_document_is_checked_when_read() {
    let good = from_fixtures().to_json_pretty();
    assert!(Inventory::from_json(&good).is_ok());
    let wrong_schema = good.replace(SCHEMA, "ecr-core/inventory/v0");
    assert!(
        Inventory::from_json(&wrong_schema)
            .unwrap_err()
            .to_string()
            .contains("at schema")
    );
    let lying = good.replace("\"complete\": false", "\"complete\": true");
    assert!(
        Inventory::from_json(&lying)
            .unwrap_err()
            .to_string()
            .contains("at complete")
    );
    let bad_digest = r#"{"schema":"ecr-core/inventory/v1","complete":true,"images":[{"digest":"sha256:zz","uses":[]}],"sources":[]}"#;
    assert!(
        Inventory::from_json(bad_digest)
            .unwrap_err()
            .to_string()
            .contains("images[0].digest")
    );
    let typo = r#"{"schema":"ecr-core/inventory/v1","complete":"yes","images":[],"sources":[]}"#;
    assert!(
        Inventory::from_json(typo)
            .unwrap_err()
            .to_string()
            .contains("at complete")
    );
}

#[test]
fn merging_unions_uses_and_keeps_failures() {
    let (up, ut) = fixture("uris.json");
    let a = inventory_from_texts(&[(SourceKind::File, &up, &ut)]);
    let b = inventory_from_texts(&[(SourceKind::File, "other.json", &format!(r#"["r@{}"]"#, digest('a')))]);
    let merged = a.clone().merge([b]);
    assert_eq!(merged.image(&digest('a')).unwrap().uses.len(), 2);
    assert_eq!(merged.complete, a.complete);
    assert_eq!(merged.sources.len(), a.sources.len() + 1);
}

fn policy_keep_none() -> LifecyclePolicy {
    LifecyclePolicy::parse(
        r#"{"rules":[{"rulePriority":1,"description":"expire everything older than a day",
        "selection":{"tagStatus":"any","countType":"sinceImagePushed","countUnit":"days","countNumber":1},
        "action":{"type":"expire"}}]}"#,
    )
    .unwrap()
    .policy
}

#[test]
fn the_preview_names_the_in_use_images_each_rule_would_have_expired() {
    let inventory = from_fixtures();
    let images = parse_images(
        &json!([
            {"imageDigest": digest('a'), "imageTags": ["1.4.2"], "imagePushedAt": "2026-01-01T00:00:00Z"},
            {"imageDigest": digest('d'), "imageTags": ["old"], "imagePushedAt": "2026-01-01T00:00:00Z"}
        ])
        .to_string(),
    )
    .unwrap();
    let now = crate::time::parse_str("2026-12-01T00:00:00Z").unwrap();
    let preview = policy_keep_none().evaluate(&images, &inventory.protect(EvaluationContext::new(now)));
    assert_eq!(preview.expiring_digests(), [digest('d').as_str()]);
    let hits = inventory.in_use_by_rule(&preview, &Default::default());
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].rule_priority, 1);
    assert_eq!(hits[0].images[0].image_digest, digest('a'));
    assert_eq!(hits[0].images[0].image_tags, ["1.4.2"]);
    assert!(
        hits[0].images[0]
            .uses
            .iter()
            .any(|u| u.kind == UsageKind::KubernetesPod)
    );
    // The registry-wide row of the same repository, offline.
    let row = repository_in_use(
        "shop/api",
        &policy_keep_none(),
        &images,
        Default::default(),
        &inventory,
        now,
    );
    assert_eq!((row.expiring, row.in_use_hits), (1, 1));
}

#[tokio::test]
async fn deletion_refuses_incomplete_inventories_and_in_use_digests() {
    let client = live::ecr(vec![]);
    let incomplete = from_fixtures();
    let preview = crate::lifecycle::Preview::default();
    let err = client
        .expire_images_with_inventory("shop/api", &preview, &ExpireOptions::default(), &incomplete, false)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "Refused");
    assert!(err.to_string().contains("Ecr"), "{err}");
    // Told to accept it, an empty preview deletes nothing (dry run), without a call.
    let report = client
        .expire_images_with_inventory("shop/api", &preview, &ExpireOptions::default(), &incomplete, true)
        .await
        .unwrap();
    assert!(report.requested.is_empty());
    // A preview made without the inventory that expires an in-use digest is refused.
    let images =
        parse_images(&json!([{"imageDigest": digest('a'), "imagePushedAt": "2026-01-01T00:00:00Z"}]).to_string())
            .unwrap();
    let now = crate::time::parse_str("2026-12-01T00:00:00Z").unwrap();
    let unguarded = policy_keep_none().evaluate(&images, &EvaluationContext::new(now));
    let err = client
        .expire_images_with_inventory("shop/api", &unguarded, &ExpireOptions::default(), &incomplete, true)
        .await
        .unwrap_err();
    assert!(err.to_string().contains(&digest('a')), "{err}");
}

#[test]
fn references_without_digest_outside_ecr_are_unresolved() {
    let mut builder = Builder::default();
    let usage = file_use("f");
    let next = record(
        &mut builder,
        super::sighting::Sighting {
            reference: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app".into(),
            digest: None,
            usage: usage.clone(),
        },
    );
    match next {
        Next::Resolve(r) => assert_eq!(r.tag(), Some("latest")),
        other => panic!("{other:?}"),
    }
    builder.source(Source::new(SourceKind::File, None, None, "f"));
    let inv = builder.finish();
    assert!(inv.complete && inv.images.is_empty());
}

mod live {
    use super::*;
    use aws_smithy_mocks::{MockResponse, MockResponseInterceptor, Rule, RuleMode, mock};
    use aws_smithy_runtime_api::http::{Response as HttpResponse, StatusCode};
    use aws_smithy_types::body::SdkBody;

    const ACCOUNT: &str = "123456789012";
    const REGION: &str = "eu-west-1";

    fn interceptor(rules: &[Rule]) -> MockResponseInterceptor {
        let mut interceptor = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
        for r in rules {
            interceptor = interceptor.with_rule(r);
        }
        interceptor
    }

    macro_rules! mocked {
        ($sdk:ident, $rules:expr) => {{
            let conf = $sdk::Config::builder()
                .behavior_version(aws_config::BehaviorVersion::latest())
                .region(aws_config::Region::new(REGION))
                .credentials_provider(aws_credential_types::Credentials::new(
                    "AKID", "SECRET", None, None, "test",
                ))
                .http_client(aws_smithy_mocks::create_mock_http_client())
                .retry_config(aws_config::retry::RetryConfig::disabled())
                .interceptor(interceptor(&$rules))
                .build();
            $sdk::Client::from_conf(conf)
        }};
    }

    pub(super) fn ecr(rules: Vec<Rule>) -> crate::EcrClient {
        let sdk = aws_config::SdkConfig::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new(REGION))
            .build();
        crate::EcrClient::from_sdk_client(mocked!(aws_sdk_ecr, rules), sdk)
    }

    fn ok(body: Value) -> HttpResponse {
        HttpResponse::new(StatusCode::try_from(200).unwrap(), SdkBody::from(body.to_string()))
    }

    /// An ECR error answer.
    fn ecr_error(code: &str, message: &str) -> HttpResponse {
        HttpResponse::new(
            StatusCode::try_from(400).unwrap(),
            SdkBody::from(json!({"__type": code, "message": message}).to_string()),
        )
    }

    /// Resolves `references` (each used by the file `f`) and closes over them, with ECR answering by `rules`.
    async fn resolve(rules: Vec<Rule>, references: &[String]) -> Inventory {
        let access = super::super::closure::EcrAccess {
            base: ecr(rules),
            accounts: Default::default(),
        };
        let pending = references
            .iter()
            .map(|r| (r.parse::<crate::reference::ImageReference>().unwrap(), file_use("f")))
            .collect();
        let mut builder = Builder::default();
        let options = super::super::closure::ClosureOptions::default();
        super::super::closure::resolve_and_close(&access, &mut builder, pending, &options).await;
        builder.finish()
    }

    fn arn(kind: &str, rest: &str) -> String {
        format!("arn:aws:ecs:{REGION}:{ACCOUNT}:{kind}/{rest}")
    }

    fn image(repo: &str, tag: &str) -> String {
        format!("{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{repo}:{tag}")
    }

    /// One cluster, one service with two deployments (a rolling update in progress) and one current service
    /// revision pinning a digest (the shapes of the ECS API reference examples for DescribeServices and
    /// DescribeServiceRevisions), one running and one stopped task, and two families sharing a prefix.
    fn ecs_rules() -> Vec<Rule> {
        use aws_sdk_ecs::Client;
        use aws_sdk_ecs::types::DesiredStatus;
        let td = |f: &str, r: u32| arn("task-definition", &format!("{f}:{r}"));
        let describe_td = |arn_: String, image_: String| {
            let wanted = arn_.clone();
            mock!(Client::describe_task_definition)
                .match_requests(move |r| r.task_definition() == Some(wanted.as_str()))
                .then_http_response(move || {
                    ok(json!({"taskDefinition": {"taskDefinitionArn": arn_, "family": "api",
                        "containerDefinitions": [{"name": "app", "image": image_}],
                        "registeredAt": 1764000000.0, "status": "ACTIVE"}}))
                })
        };
        let (running, stopped) = (
            arn("task", "prod/0b69d5c0d3f146e08a4f2b1e9a9c2a10"),
            arn("task", "prod/77c0d2a5f5bd4e43b12f3d9c1d1b0e0f"),
        );
        let (r2, s2) = (running.clone(), stopped.clone());
        vec![
            mock!(Client::list_clusters).then_http_response(|| ok(json!({"clusterArns": [arn("cluster", "prod")]}))),
            mock!(Client::list_services).then_http_response(|| ok(json!({"serviceArns": [arn("service", "prod/api")]}))),
            mock!(Client::describe_services).then_http_response(move || {
                ok(json!({"services": [{
                    "serviceArn": arn("service", "prod/api"), "serviceName": "api", "clusterArn": arn("cluster", "prod"),
                    "status": "ACTIVE", "desiredCount": 2, "runningCount": 2, "pendingCount": 0,
                    "taskDefinition": td("api", 8),
                    "deployments": [
                        {"id": "ecs-svc/9223370", "status": "PRIMARY", "taskDefinition": td("api", 8), "createdAt": 1764500000.0},
                        {"id": "ecs-svc/9223371", "status": "ACTIVE", "taskDefinition": td("api", 7), "createdAt": 1764400000.0}
                    ],
                    "currentServiceRevisions": [{"arn": arn("service-revision", "prod/api/4980306466373577095"),
                        "requestedTaskCount": 2, "runningTaskCount": 2, "pendingTaskCount": 0}],
                    "taskSets": [{"id": "ecs-svc/1234567890123456789", "taskSetArn": arn("task-set", "prod/api/ecs-svc/1234567890123456789"),
                        "status": "ACTIVE", "taskDefinition": td("api", 7), "createdAt": 1764450000.0}]
                }], "failures": []}))
            }),
            // Two pages of deployments, each described with its source (what a rollback returns to) and target
            // revision, shaped like the ListServiceDeployments / DescribeServiceDeployments examples of the ECS
            // API reference. Moto has neither.
            mock!(Client::list_service_deployments).then_compute_response(move |input| {
                let brief = |id: &str, target: &str| json!({
                    "serviceDeploymentArn": arn("service-deployment", &format!("prod/api/{id}")),
                    "serviceArn": arn("service", "prod/api"), "clusterArn": arn("cluster", "prod"),
                    "startedAt": 1764500000.0, "createdAt": 1764500000.0, "finishedAt": 1764500300.0,
                    "targetServiceRevisionArn": arn("service-revision", &format!("prod/api/{target}")),
                    "status": "SUCCESSFUL"});
                MockResponse::Http(ok(match input.next_token() {
                    None => json!({"serviceDeployments": [brief("NCWGC2ZR-taawPAYrIaU5", "4980306466373577095")],
                                   "nextToken": "page-2"}),
                    Some(_) => json!({"serviceDeployments": [brief("5O7Ea5tBkAlR6zy6vahd3", "4980306466373570000")]}),
                }))
            }),
            mock!(Client::describe_service_deployments).then_compute_response(move |input| {
                let summary = |id: &str| json!({"arn": arn("service-revision", &format!("prod/api/{id}")),
                    "requestedTaskCount": 0, "runningTaskCount": 0, "pendingTaskCount": 0});
                let deployments: Vec<Value> = input.service_deployment_arns().iter().map(|d| {
                    let (source, target) = if d.ends_with("NCWGC2ZR-taawPAYrIaU5") {
                        ("4980306466373570000", "4980306466373577095")
                    } else {
                        ("4980306466373560000", "4980306466373570000")
                    };
                    json!({"serviceDeploymentArn": d, "serviceArn": arn("service", "prod/api"),
                        "clusterArn": arn("cluster", "prod"), "updatedAt": 1764500300.0, "status": "SUCCESSFUL",
                        "sourceServiceRevisions": [summary(source)], "targetServiceRevision": summary(target)})
                }).collect();
                MockResponse::Http(ok(json!({"serviceDeployments": deployments, "failures": []})))
            }),
            mock!(Client::describe_service_revisions).then_compute_response(move |input| {
                let revisions: Vec<Value> = input.service_revision_arns().iter().map(|r| {
                    let (d, tag, at) = match r.rsplit('/').next() {
                        Some("4980306466373577095") => ('1', "latest", 1764500000.0),
                        Some("4980306466373570000") => ('4', "previous", 1764300000.0),
                        _ => ('5', "older", 1764200000.0),
                    };
                    json!({"serviceRevisionArn": r, "serviceArn": arn("service", "prod/api"),
                        "clusterArn": arn("cluster", "prod"), "taskDefinition": td("api", 8),
                        "containerImages": [{"containerName": "app", "imageDigest": digest(d), "image": image("api", tag)}],
                        "createdAt": at})
                }).collect();
                MockResponse::Http(ok(json!({"serviceRevisions": revisions, "failures": []})))
            }),
            mock!(Client::list_tasks)
                .match_requests(|r| r.desired_status() == Some(&DesiredStatus::Running))
                .then_http_response(move || ok(json!({"taskArns": [r2]}))),
            mock!(Client::list_tasks)
                .match_requests(|r| r.desired_status() == Some(&DesiredStatus::Stopped))
                .then_http_response(move || ok(json!({"taskArns": [s2]}))),
            mock!(Client::describe_tasks).then_http_response(move || {
                ok(json!({"tasks": [
                    {"taskArn": running, "taskDefinitionArn": td("api", 8), "lastStatus": "RUNNING", "startedAt": 1764500100.0,
                     "containers": [{"name": "app", "image": image("api", "latest"), "imageDigest": digest('1')}]},
                    {"taskArn": stopped, "taskDefinitionArn": td("api", 7), "lastStatus": "STOPPED", "startedAt": 1764400100.0,
                     "containers": [{"name": "app", "image": image("api", "latest"), "imageDigest": digest('2')}]}
                ], "failures": []}))
            }),
            mock!(Client::list_task_definition_families).then_http_response(|| ok(json!({"families": ["api", "api-worker"]}))),
            mock!(Client::list_task_definitions)
                .match_requests(|r| r.family_prefix() == Some("api"))
                .then_http_response(move || {
                    ok(json!({"taskDefinitionArns": [td("api-worker", 3), td("api", 8), td("api", 7), td("api", 6)]}))
                }),
            mock!(Client::list_task_definitions)
                .match_requests(|r| r.family_prefix() == Some("api-worker"))
                .then_http_response(move || ok(json!({"taskDefinitionArns": [td("api-worker", 3)]}))),
            describe_td(td("api", 8), image("api", "8")),
            describe_td(td("api", 7), image("api", "7")),
            describe_td(td("api", 6), image("api", "6")),
            describe_td(td("api-worker", 3), format!("{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/worker@{}", digest('3'))),
        ]
    }

    #[tokio::test]
    async fn ecs_reads_pinned_digests_tasks_deployments_and_rollback_targets() {
        let client = mocked!(aws_sdk_ecs, ecs_rules());
        let mut out = Vec::new();
        let options = super::super::ecs::EcsOptions {
            task_definition_revisions: 2,
            stopped_tasks: true,
            service_deployments: true,
            concurrency: 3,
        };
        super::super::ecs::read(&client, options, &mut out).await.unwrap();
        let seen = |kind: UsageKind| -> Vec<(String, Option<String>)> {
            out.iter()
                .filter(|s| s.usage.kind == kind)
                .map(|s| (s.reference.clone(), s.digest.clone()))
                .collect()
        };
        // The current revision's pinned digest, and those of the revisions earlier deployments replaced (each
        // revision described once, though two deployments name it).
        let mut pinned = seen(UsageKind::EcsServiceRevision);
        pinned.sort();
        assert_eq!(
            pinned,
            [
                (image("api", "latest"), Some(digest('1'))),
                (image("api", "older"), Some(digest('5'))),
                (image("api", "previous"), Some(digest('4'))),
            ]
        );
        let tasks = seen(UsageKind::EcsTask);
        assert!(
            tasks.contains(&(image("api", "latest"), Some(digest('2')))),
            "the stopped task: {tasks:?}"
        );
        let services: Vec<String> = seen(UsageKind::EcsService).into_iter().map(|s| s.0).collect();
        assert_eq!(services, [image("api", "7"), image("api", "8")], "both deployments");
        let sets: Vec<String> = seen(UsageKind::EcsTaskSet).into_iter().map(|s| s.0).collect();
        assert_eq!(sets, [image("api", "7")], "the task set's task definition");
        // The newest two revisions of `api` (not `api-worker`, which shares the prefix), and api-worker's one.
        let mut rollback: Vec<String> = seen(UsageKind::EcsTaskDefinition).into_iter().map(|s| s.0).collect();
        rollback.sort();
        assert_eq!(rollback.len(), 3, "{rollback:?}");
        assert!(!rollback.contains(&image("api", "6")), "only the newest 2 of api");
        let revision = out
            .iter()
            .find(|s| s.usage.kind == UsageKind::EcsServiceRevision && s.digest == Some(digest('1')))
            .unwrap();
        assert_eq!(revision.usage.account.as_deref(), Some(ACCOUNT));
        assert_eq!(revision.usage.since, crate::time::from_epoch_seconds(1764500000.0));
    }

    /// ListFunctions, ListVersionsByFunction, GetFunction and ListAliases as in the Lambda API reference: an
    /// image function whose `ImageUri` names a tag while `ResolvedImageUri` names the digest it runs, a
    /// zip function (skipped), and an alias shifting 10 % of its traffic to a second version. Moto has no alias
    /// routing, so this is a replay.
    #[tokio::test]
    async fn lambda_reads_resolved_digests_of_versions_and_weighted_aliases() {
        use aws_sdk_lambda::Client;
        let f = format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:api");
        let repo = format!("{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/api");
        let (f1, f2, f3) = (f.clone(), f.clone(), f.clone());
        let (r1, r2) = (repo.clone(), repo.clone());
        let version = move |v: &str| {
            json!({"FunctionName": "api", "FunctionArn": format!("{f1}:{v}"), "Version": v,
            "PackageType": "Image", "LastModified": "2026-11-20T10:00:00.000+0000"})
        };
        let rules = vec![
            mock!(Client::list_functions).then_http_response(move || {
                ok(json!({"Functions": [
                    {"FunctionName": "api", "FunctionArn": f2, "PackageType": "Image", "Version": "$LATEST"},
                    {"FunctionName": "zip", "FunctionArn": "arn:aws:lambda:eu-west-1:123456789012:function:zip", "PackageType": "Zip"}
                ]}))
            }),
            mock!(Client::list_versions_by_function).then_http_response(move || {
                ok(json!({"Versions": [version("$LATEST"), version("1"), version("2")]}))
            }),
            mock!(Client::get_function).then_compute_response(move |input| {
                let v = input.qualifier().unwrap_or("$LATEST");
                let d = match v { "1" => '1', "2" => '2', _ => '3' };
                MockResponse::Http(ok(json!({
                    "Configuration": {"FunctionName": "api", "Version": v, "PackageType": "Image"},
                    "Code": {"RepositoryType": "ECR", "ImageUri": format!("{r1}:latest"),
                             "ResolvedImageUri": format!("{r1}@{}", digest(d))}})))
            }),
            mock!(Client::list_aliases).then_http_response(move || {
                ok(json!({"Aliases": [{"AliasArn": format!("{f3}:live"), "Name": "live", "FunctionVersion": "1",
                    "RoutingConfig": {"AdditionalVersionWeights": {"2": 0.1}}}]}))
            }),
        ];
        let client = mocked!(aws_sdk_lambda, rules);
        let mut out = Vec::new();
        super::super::lambda::read(&client, 2, &mut out).await.unwrap();
        let mut seen: Vec<(UsageKind, String, Option<String>)> = out
            .iter()
            .map(|s| {
                (
                    s.usage.kind,
                    s.usage.name.clone(),
                    super::super::sighting::digest_of(&s.reference),
                )
            })
            .collect();
        seen.sort();
        let want = |kind, name: String, d: char| (kind, name, Some(digest(d)));
        let mut expected = vec![
            want(UsageKind::LambdaVersion, format!("{f}:$LATEST"), '3'),
            want(UsageKind::LambdaVersion, format!("{f}:1"), '1'),
            want(UsageKind::LambdaVersion, format!("{f}:2"), '2'),
            want(UsageKind::LambdaAlias, format!("{f}:live"), '1'),
            want(UsageKind::LambdaAlias, format!("{f}:live"), '2'),
        ];
        expected.sort();
        assert_eq!(seen, expected, "never the tag of ImageUri: {r2}:latest");
        let v1 = out.iter().find(|s| s.usage.name == format!("{f}:1")).unwrap();
        assert_eq!(v1.usage.since, crate::time::parse_str("2026-11-20T10:00:00Z"));
    }

    /// The job definitions of the AWS Batch API reference (a container job, an ECS-properties job, an EKS job
    /// with an init container, a multi-node job), as DescribeJobDefinitions returns them. Moto's Batch keeps
    /// only `containerProperties`, so this is a replay.
    #[tokio::test]
    async fn batch_reads_every_kind_of_job_definition() {
        use aws_sdk_batch::Client;
        let jd = |name: &str| format!("arn:aws:batch:{REGION}:{ACCOUNT}:job-definition/{name}:1");
        let rules = vec![mock!(Client::describe_job_definitions).then_http_response(move || {
            ok(json!({"jobDefinitions": [
                {"jobDefinitionName": "single", "jobDefinitionArn": jd("single"), "revision": 1, "status": "ACTIVE", "type": "container",
                 "containerProperties": {"image": image("batch/single", "1")}},
                {"jobDefinitionName": "ecs", "jobDefinitionArn": jd("ecs"), "revision": 1, "status": "ACTIVE", "type": "container",
                 "ecsProperties": {"taskProperties": [{"containers": [{"name": "a", "image": image("batch/ecs-a", "1")}, {"name": "b", "image": image("batch/ecs-b", "1")}]}]}},
                {"jobDefinitionName": "eks", "jobDefinitionArn": jd("eks"), "revision": 1, "status": "ACTIVE", "type": "container",
                 "eksProperties": {"podProperties": {"containers": [{"name": "main", "image": image("batch/eks", "1")}],
                    "initContainers": [{"name": "init", "image": image("batch/eks-init", "1")}]}}},
                {"jobDefinitionName": "mnp", "jobDefinitionArn": jd("mnp"), "revision": 1, "status": "ACTIVE", "type": "multinode",
                 "nodeProperties": {"numNodes": 2, "mainNode": 0, "nodeRangeProperties": [
                    {"targetNodes": "0:", "container": {"image": image("batch/mnp", "1")}}]}}
            ]}))
        })];
        let client = mocked!(aws_sdk_batch, rules);
        let mut out = Vec::new();
        super::super::batch::read(&client, &mut out).await.unwrap();
        let mut refs: Vec<&str> = out.iter().map(|s| s.reference.as_str()).collect();
        refs.sort();
        let mut want =
            ["single", "ecs-a", "ecs-b", "eks", "eks-init", "mnp"].map(|r| image(&format!("batch/{r}"), "1"));
        want.sort();
        assert_eq!(refs, want);
        assert!(out.iter().all(|s| s.usage.kind == UsageKind::BatchJobDefinition));
        assert_eq!(out[0].usage.name, jd("single"));
    }

    /// ListServices and DescribeService as in the App Runner API reference (an ECR image source).
    /// Moto has no App Runner.
    #[tokio::test]
    async fn app_runner_reads_image_services() {
        use aws_sdk_apprunner::Client;
        let svc = format!("arn:aws:apprunner:{REGION}:{ACCOUNT}:service/python-app/8fe1e10304f84fd2b0df550fe98a71fa");
        let (s1, s2) = (svc.clone(), svc.clone());
        let rules = vec![
            mock!(Client::list_services).then_http_response(move || {
                ok(json!({"ServiceSummaryList": [{"ServiceArn": s1, "ServiceName": "python-app", "Status": "RUNNING"}]}))
            }),
            mock!(Client::describe_service).then_http_response(move || {
                ok(json!({"Service": {"ServiceArn": s2, "ServiceName": "python-app", "ServiceId": "8fe1e10304f84fd2b0df550fe98a71fa",
                    "CreatedAt": 1764000000.0, "UpdatedAt": 1764100000.0, "Status": "RUNNING",
                    "SourceConfiguration": {"ImageRepository": {"ImageIdentifier": image("web", "prod"), "ImageRepositoryType": "ECR"}},
                    "InstanceConfiguration": {"Cpu": "1024", "Memory": "2048"}}}))
            }),
        ];
        let client = mocked!(aws_sdk_apprunner, rules);
        let mut out = Vec::new();
        super::super::apprunner::read(&client, &mut out).await.unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].reference, image("web", "prod"));
        assert_eq!(out[0].usage.since, crate::time::from_epoch_seconds(1764100000.0));
    }

    /// A tag resolving to an image index with two platform children; the index has a signature found by
    /// ListImageReferrers, and one child has a legacy cosign `.sig` tag. BatchGetImage and
    /// ListImageReferrers answer as the ECR API reference shows. Moto has no ListImageReferrers.
    #[tokio::test]
    async fn tags_resolve_and_the_closure_keeps_children_and_referrers() {
        use aws_sdk_ecr::Client;
        use aws_sdk_ecr::operation::batch_get_image::BatchGetImageInput;
        let index = digest('e');
        let (c1, c2, sig, cosign) = (digest('5'), digest('6'), digest('7'), digest('8'));
        let manifest = json!({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": c1, "size": 500, "platform": {"architecture": "amd64", "os": "linux"}},
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": c2, "size": 500, "platform": {"architecture": "arm64", "os": "linux"}}
        ]})
        .to_string();
        let c1_sig_tag = format!("sha256-{}.sig", "5".repeat(64));
        let (i2, s2, co2) = (index.clone(), sig.clone(), cosign.clone());
        let batch = move |input: &BatchGetImageInput| {
            let mut images = Vec::new();
            let mut failures = Vec::new();
            for id in input.image_ids() {
                let (tag, dig) = (id.image_tag(), id.image_digest());
                let found = match (tag, dig) {
                    (Some("1.4.2"), _) => {
                        Some((i2.clone(), manifest.clone(), "application/vnd.oci.image.index.v1+json"))
                    }
                    (_, Some(d)) if d == i2 => {
                        Some((i2.clone(), manifest.clone(), "application/vnd.oci.image.index.v1+json"))
                    }
                    (Some(t), _) if t == c1_sig_tag => Some((
                        co2.clone(),
                        "{}".to_owned(),
                        "application/vnd.oci.image.manifest.v1+json",
                    )),
                    (_, Some(d)) => Some((
                        d.to_owned(),
                        "{}".to_owned(),
                        "application/vnd.oci.image.manifest.v1+json",
                    )),
                    _ => None,
                };
                match found {
                    Some((d, m, media)) => images.push(json!({"registryId": ACCOUNT, "repositoryName": "shop/api",
                        "imageId": {"imageDigest": d, "imageTag": tag}, "imageManifest": m, "imageManifestMediaType": media})),
                    None => failures.push(json!({"imageId": {"imageTag": tag}, "failureCode": "ImageNotFound",
                        "failureReason": "Requested image not found"})),
                }
            }
            MockResponse::Http(ok(json!({"images": images, "failures": failures})))
        };
        let (i3, s3) = (index.clone(), s2.clone());
        let rules = vec![
            mock!(Client::batch_get_image).then_compute_response(batch),
            mock!(Client::list_image_referrers).then_compute_response(move |input| {
                let subject = input.subject_id().map(|s| s.image_digest()).unwrap_or_default();
                let referrers = if subject == i3 {
                    json!([{"digest": s3, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                        "artifactType": "application/vnd.cncf.notary.signature", "size": 700}])
                } else {
                    json!([])
                };
                MockResponse::Http(ok(json!({"referrers": referrers})))
            }),
        ];
        let inventory = resolve(rules, &[image("shop/api", "1.4.2"), image("shop/api", "gone")]).await;
        assert!(inventory.complete, "{:?}", inventory.sources);
        let kinds = |d: &str| -> Vec<(UsageKind, Option<String>)> {
            inventory
                .image(d)
                .unwrap_or_else(|| panic!("{d} kept"))
                .uses
                .iter()
                .map(|u| (u.kind, u.via.clone()))
                .collect()
        };
        assert_eq!(kinds(&index), [(UsageKind::File, None)]);
        assert_eq!(kinds(&c1), [(UsageKind::IndexChild, Some(index.clone()))]);
        assert_eq!(kinds(&c2), [(UsageKind::IndexChild, Some(index.clone()))]);
        assert_eq!(kinds(&sig), [(UsageKind::Referrer, Some(index.clone()))]);
        assert_eq!(kinds(&cosign), [(UsageKind::Referrer, Some(c1.clone()))]);
        assert_eq!(inventory.unresolved.len(), 1);
        assert!(
            inventory.unresolved[0].reason.contains("\"gone\" not found"),
            "{:?}",
            inventory.unresolved
        );
    }

    #[tokio::test]
    async fn a_missing_repository_leaves_its_references_unresolved_but_the_inventory_complete() {
        use aws_sdk_ecr::Client;
        let rules = vec![mock!(Client::batch_get_image).then_http_response(|| {
            ecr_error(
                "RepositoryNotFoundException",
                "The repository with name 'gone' does not exist",
            )
        })];
        let inventory = resolve(rules, &[image("gone", "1")]).await;
        assert!(inventory.complete, "{:?}", inventory.sources);
        assert_eq!(inventory.unresolved.len(), 1);
        assert!(
            inventory.unresolved[0].reason.contains("/gone not found"),
            "{:?}",
            inventory.unresolved
        );
    }

    #[tokio::test]
    async fn a_failing_repository_makes_the_inventory_incomplete() {
        use aws_sdk_ecr::Client;
        let rules = vec![
            mock!(Client::batch_get_image).then_http_response(|| ecr_error("AccessDeniedException", "not authorized")),
        ];
        let inventory = resolve(rules, &[image("shop/api", "1")]).await;
        assert!(!inventory.complete);
        let failed = inventory.failed_sources().next().unwrap();
        assert_eq!(failed.kind, SourceKind::Ecr);
        assert_eq!(failed.error.as_ref().unwrap().code, "AccessDenied");
        assert!(inventory.require_complete(false).is_err());
    }

    /// The bindings run discovery on a multi-threaded runtime: its future must be `Send`. Options that name
    /// something other than a service are refused by index before anything is read.
    #[tokio::test]
    async fn discovery_is_send_and_refuses_what_is_not_a_service() {
        fn send<T: Send>(t: T) -> T {
            t
        }
        let client = ecr(Vec::new());
        let options = DiscoverOptions {
            services: vec![SourceKind::Ecs, SourceKind::Kubernetes],
            ..DiscoverOptions::default()
        };
        let err = send(client.discover_inventory(&options)).await.unwrap_err();
        assert_eq!(err.code(), "InvalidArgument");
        assert!(err.to_string().contains("services[1]"), "{err}");
        let typo =
            crate::types::from_json::<DiscoverOptions>(json!({"files": [{"kind": "file", "pth": "a"}]}), "options")
                .unwrap_err();
        assert!(typo.to_string().contains("options.files[0]"), "{typo}");
    }
}
