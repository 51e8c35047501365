//! Replays the shared lifecycle fixtures (`fixtures/lifecycle/*.json`, also read by the Python and Node suites):
//! every validation rule (valid and invalid), every worked example of AWS's documentation, archive and pull
//! examples, ties, protected digests, manifest lists, referrers and collateral tags.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use ecr_core::lifecycle::{EvaluationContext, LifecyclePolicy, parse_images, validation_document};
use serde_json::Value;

fn policy_text(case: &Value) -> String {
    match case.get("policyText") {
        Some(t) => t.as_str().unwrap().to_owned(),
        None => serde_json::to_string(&case["policy"]).unwrap(),
    }
}

#[test]
fn validation_cases() {
    let doc = support::fixture_json("lifecycle/validation.json");
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 80, "fixture lost cases: {}", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let result = LifecyclePolicy::parse(&policy_text(case));
        let got = validation_document(&result);
        let mut actual: Vec<(String, String, bool)> = got["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["path"].as_str().unwrap().to_owned(),
                    e["message"].as_str().unwrap().to_owned(),
                    false,
                )
            })
            .collect();
        for want in case["expect"]["errors"].as_array().unwrap() {
            let path = want["path"].as_str().unwrap();
            let text = want["messageContains"].as_str().unwrap();
            match actual
                .iter_mut()
                .find(|(p, m, used)| !used && p == path && m.contains(text))
            {
                Some(hit) => hit.2 = true,
                None => failures.push(format!(
                    "{name}: missing error at {path:?} containing {text:?}; got {actual:?}"
                )),
            }
        }
        for (p, m, used) in &actual {
            if !used {
                failures.push(format!("{name}: unexpected error at {p:?}: {m}"));
            }
        }
        // Invalid policies are rejected, valid ones accepted: the error list is the whole verdict.
        assert_eq!(result.is_ok(), actual.is_empty(), "{name}");
        if let Some(want) = case["expect"].get("warnings") {
            let mut want: Vec<(String, String)> = want
                .as_array()
                .unwrap()
                .iter()
                .map(|w| {
                    (
                        w["kind"].as_str().unwrap().to_owned(),
                        w["path"].as_str().unwrap().to_owned(),
                    )
                })
                .collect();
            let mut have: Vec<(String, String)> = got["warnings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|w| {
                    (
                        w["kind"].as_str().unwrap().to_owned(),
                        w["path"].as_str().unwrap().to_owned(),
                    )
                })
                .collect();
            want.sort();
            have.sort();
            if want != have {
                failures.push(format!("{name}: warnings {have:?}, expected {want:?}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn valid_policies_round_trip_through_to_json() {
    let doc = support::fixture_json("lifecycle/validation.json");
    let mut checked = 0;
    for case in doc["cases"].as_array().unwrap() {
        let Ok(parsed) = LifecyclePolicy::parse(&policy_text(case)) else {
            continue;
        };
        let again = LifecyclePolicy::parse(&parsed.policy.to_json()).unwrap();
        assert_eq!(again.policy, parsed.policy, "{}", case["name"]);
        if let Some(original) = case.get("policy") {
            let reserialised: Value = serde_json::from_str(&parsed.policy.to_json()).unwrap();
            assert_eq!(
                &reserialised, original,
                "{}: to_json must reproduce the policy",
                case["name"]
            );
        }
        checked += 1;
    }
    assert!(checked >= 20);
}

#[test]
fn evaluation_cases() {
    let doc = support::fixture_json("lifecycle/evaluation.json");
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 20);
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let parsed = LifecyclePolicy::parse(&serde_json::to_string(&case["policy"]).unwrap())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let images = parse_images(&case["images"].to_string()).unwrap();
        let now = ecr_core::time::from_json(&case["now"]).unwrap();
        let mut ctx = EvaluationContext::new(now);
        if let Some(p) = case.get("protected") {
            ctx = ctx.protect(p.as_array().unwrap().iter().map(|d| d.as_str().unwrap().to_owned()));
        }
        if let Some(lists) = case.get("manifestLists") {
            for (list, children) in lists.as_object().unwrap() {
                let children = children
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c.as_str().unwrap().to_owned());
                ctx = ctx.manifest_list(list.clone(), children.collect());
            }
        }
        let preview = parsed.policy.evaluate(&images, &ctx);
        let got = preview.to_document(&parsed.warnings);
        for (key, want) in case["expect"].as_object().unwrap() {
            if &got[key] != want {
                failures.push(format!("{name}: {key}\n  got:      {}\n  expected: {}", got[key], want));
            }
        }
        // Keys ECR does not have are present too (documented extras).
        for key in [
            "reclaimedBytes",
            "protectedImages",
            "blockedImages",
            "collateralTags",
            "followingSubject",
        ] {
            assert!(got.get(key).is_some(), "{name}: {key} missing");
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
