//! Replays the shared tagging fixtures (`fixtures/tagging/`): every plan case (context, strategy, policy,
//! repository state, digest → the exact report JSON or the error code and field paths), and every CI
//! environment case (variables and event payload → the exact context JSON).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeMap;

use ecr_core::tagging::{BuildContext, RepositoryState, TagPolicy, TagStrategy, evaluate};
use serde_json::Value;

fn cases(dir: &str) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = std::fs::read_dir(support::fixtures().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name.clone(), support::fixture_json(&format!("{dir}/{name}")))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn run_plan_case(case: &Value) -> ecr_core::Result<Value> {
    let ctx = BuildContext::from_json(&case["context"].to_string())?;
    let strategy = TagStrategy::from_value(&case["strategy"])?;
    let policy = match &case["policy"] {
        Value::Null => TagPolicy::default(),
        Value::String(name) => TagPolicy::named(name).expect("known policy name"),
        other => TagPolicy::from_json(&other.to_string())?,
    };
    let repo: RepositoryState = match &case["repository"] {
        Value::Null => RepositoryState::default(),
        other => serde_json::from_value(other.clone()).expect("repository state"),
    };
    let report = evaluate(&strategy, &ctx, &policy, &repo, case["digest"].as_str())?;
    Ok(report.to_json())
}

#[test]
fn plan_fixtures_produce_the_expected_reports() {
    let cases = cases("tagging/plans");
    assert!(cases.len() >= 25, "fixtures missing: {}", cases.len());
    for (name, case) in cases {
        let result = run_plan_case(&case);
        match (&case["expected"], &case["expectedError"]) {
            (Value::Null, err) => {
                let e = result.expect_err(&name);
                assert_eq!(e.code(), err["code"].as_str().unwrap(), "{name}: {e}");
                let paths: Vec<&str> = e.field_errors().iter().map(|f| f.path.as_str()).collect();
                let want: Vec<&str> = err["paths"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p.as_str().unwrap())
                    .collect();
                assert_eq!(paths, want, "{name}: {e}");
            }
            (expected, _) => {
                let got = result.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(
                    &got,
                    expected,
                    "{name}:\n{}",
                    serde_json::to_string_pretty(&got).unwrap()
                );
            }
        }
    }
}

#[test]
fn env_fixtures_produce_the_expected_contexts() {
    let cases = cases("tagging/env");
    assert!(cases.len() >= 10);
    let dir = tempfile::tempdir().unwrap();
    let mut cis = std::collections::BTreeSet::new();
    for (name, case) in cases {
        let mut env: BTreeMap<String, String> = serde_json::from_value(case["env"].clone()).unwrap();
        if !case["eventPayload"].is_null() {
            let path = dir.path().join(&name);
            std::fs::write(&path, case["eventPayload"].to_string()).unwrap();
            env.insert("GITHUB_EVENT_PATH".into(), path.display().to_string());
        }
        let ctx = BuildContext::from_env(&|k| env.get(k).cloned()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let got = serde_json::to_value(&ctx).unwrap();
        assert_eq!(got, case["expected"], "{name}");
        cis.insert(ctx.ci.unwrap());
    }
    assert_eq!(cis.len(), 5, "every CI covered: {cis:?}");
}
