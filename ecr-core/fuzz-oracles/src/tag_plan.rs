//! Fuzzes the tagging module with one JSON document shaped like the shared plan fixtures
//! (`fixtures/tagging/plans/*.json`): `context` (build context JSON) or `env` (CI variables read by
//! `BuildContext::from_env`), `strategy` (tag strategy JSON), optional `policy` (a name or a policy object),
//! `repository` (mutability, exclusion filters, imageDetails) and `digest`. Parsing, planning and checking
//! must never panic; every rejection is a typed error (`InvalidArgument` or `PolicyValidation` with field
//! errors). An accepted plan only has tags of the OCI grammar, no duplicates, `latest` last, and a report
//! that serialises and reads back unchanged.

use std::collections::{BTreeMap, HashSet};

use ecr_core::tagging::{BuildContext, PlanReport, RepositoryState, TagKind, TagPolicy, TagStrategy, evaluate};
use serde_json::Value;

fn check_error(what: &str, e: &ecr_core::Error) {
    match e.code() {
        "InvalidArgument" => {}
        "PolicyValidation" => assert!(!e.field_errors().is_empty(), "{what}: {e:?}"),
        other => panic!("{what}: unexpected error code {other}: {e:?}"),
    }
    assert!(!e.to_string().is_empty());
}

fn context(doc: &Value) -> Option<BuildContext> {
    if let Some(env) = doc.get("env").and_then(Value::as_object) {
        // CI variables as the fixtures give them; no event file is read while fuzzing.
        let env: BTreeMap<&str, String> = env
            .iter()
            .filter(|(k, _)| k.as_str() != "GITHUB_EVENT_PATH")
            .filter_map(|(k, v)| Some((k.as_str(), v.as_str()?.to_owned())))
            .collect();
        return match BuildContext::from_env(&|k| env.get(k).cloned()) {
            Ok(ctx) => {
                let json = serde_json::to_string(&ctx).expect("a context serialises");
                assert_eq!(BuildContext::from_json(&json).ok().as_ref(), Some(&ctx), "{json}");
                Some(ctx)
            }
            Err(e) => {
                check_error("env", &e);
                None
            }
        };
    }
    match BuildContext::from_json(&doc.get("context").unwrap_or(&Value::Null).to_string()) {
        Ok(ctx) => Some(ctx),
        Err(e) => {
            check_error("context", &e);
            None
        }
    }
}

fn check_report(report: &PlanReport) {
    let mut seen = HashSet::new();
    for (i, tag) in report.tags.iter().enumerate() {
        assert!(
            ecr_core::reference::validate_tag(&tag.value).is_ok(),
            "tag {:?} breaks the OCI grammar",
            tag.value
        );
        assert!(seen.insert(tag.value.as_str()), "tag {:?} planned twice", tag.value);
        assert!(!tag.rule.is_empty());
        if tag.value == "latest" && tag.rule.starts_with("flavor.latest") {
            assert_eq!(i, report.tags.len() - 1, "latest must come last");
            assert_eq!(tag.kind, TagKind::Rolling);
        }
    }
    assert_eq!(report.is_ok(), report.violations.is_empty());
    let again: PlanReport = serde_json::from_str(&report.to_json_pretty()).expect("the report reads back");
    assert_eq!(&again, report);
}

/// Checks one input; panics when the oracle is violated.
pub fn run(data: &[u8]) {
    let Ok(doc) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let ctx = context(&doc);
    let strategy = match TagStrategy::from_value(doc.get("strategy").unwrap_or(&Value::Null)) {
        Ok(s) => Some(s),
        Err(e) => {
            check_error("strategy", &e);
            None
        }
    };
    let policy = match doc.get("policy") {
        None | Some(Value::Null) => Some(TagPolicy::default()),
        Some(Value::String(name)) => TagPolicy::named(name),
        Some(other) => match TagPolicy::from_json(&other.to_string()) {
            Ok(p) => Some(p),
            Err(e) => {
                check_error("policy", &e);
                None
            }
        },
    };
    let repository: RepositoryState = match doc.get("repository") {
        None | Some(Value::Null) => RepositoryState::default(),
        Some(other) => match serde_json::from_value(other.clone()) {
            Ok(r) => r,
            Err(_) => return,
        },
    };
    let (Some(ctx), Some(strategy), Some(policy)) = (ctx, strategy, policy) else {
        return;
    };
    let digest = doc.get("digest").and_then(Value::as_str);

    match strategy.plan(&ctx, repository.existing_tags()) {
        Ok(plan) => {
            assert_eq!(
                plan.has_immutable_tag(),
                plan.tags.iter().any(|t| t.kind == TagKind::Immutable)
            );
            assert_eq!(plan.tag_values().count(), plan.tags.len());
        }
        Err(e) => check_error("plan", &e),
    }
    match evaluate(&strategy, &ctx, &policy, &repository, digest) {
        Ok(report) => check_report(&report),
        Err(e) => check_error("evaluate", &e),
    }
}
