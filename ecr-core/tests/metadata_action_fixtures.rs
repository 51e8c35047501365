//! Replays docker/metadata-action's own test table (`fixtures/tagging/metadata-action/`, ported from its
//! `__tests__/meta.test.ts`): each case's GitHub environment and event go through
//! `BuildContext::from_env`, its inputs through `TagStrategy`, and the plan through
//! `metadata_action_outputs`; version, tags, labels and annotations must equal the action's. A case
//! listed in `differences.json` must instead give exactly the output recorded there, and its reason must
//! be a row of the differences table in docs/tagging.md.
//!
//! `ECR_CORE_RECORD_DIFFERENCES=1` writes the current output of every case that does not pass into
//! `differences.json` (keeping the reasons already given; new ones read `"?"`, which fails the test).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeMap;
use std::path::PathBuf;

use ecr_core::tagging::{BuildContext, Enable, RefEvent, TagSpec, TagStrategy, TagType};
use serde_json::{Value, json};

fn dir() -> PathBuf {
    support::fixtures().join("tagging/metadata-action")
}

fn cases() -> Vec<Value> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir().join("cases"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .iter()
        .flat_map(|p| {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
            v["cases"].as_array().unwrap().clone()
        })
        .collect()
}

/// The context the action's tests give it: the case's GitHub variables and event, the repository facts
/// its mocked GitHub API returns, and the instant its mocked clock returns for every date.
fn context(case: &Value, repo: &Value) -> ecr_core::Result<BuildContext> {
    let mut env: BTreeMap<String, String> = serde_json::from_value(case["env"].clone()).unwrap();
    if let Some(event) = env.get("GITHUB_EVENT_PATH").cloned() {
        env.insert(
            "GITHUB_EVENT_PATH".into(),
            dir().join("events").join(event).display().to_string(),
        );
    }
    let mut ctx = BuildContext::from_env(&|k| env.get(k).cloned())?;
    let instant = ecr_core::time::parse_str(repo["mockedNow"].as_str().unwrap());
    ctx.created = instant;
    ctx.commit_date = instant;
    ctx.title = repo["name"].as_str().map(str::to_owned);
    ctx.source = repo["html_url"].as_str().map(str::to_owned);
    ctx.description = repo["description"].as_str().map(str::to_owned);
    ctx.licenses = repo["license"]["spdx_id"].as_str().map(str::to_owned);
    if ctx.default_branch.is_none() {
        ctx.default_branch = repo["default_branch"].as_str().map(str::to_owned);
    }
    Ok(ctx)
}

fn strings(v: &Value) -> Vec<String> {
    serde_json::from_value(v.clone()).unwrap_or_default()
}

/// What ecr-core gives for a case, in the shape of the case's `expected`.
fn run(case: &Value, repo: &Value) -> Value {
    let inputs = &case["inputs"];
    let result = context(case, repo).and_then(|ctx| {
        let strategy = TagStrategy::from_value(&json!({
            "tags": inputs["tags"],
            "flavor": inputs["flavor"],
            "labels": inputs["labels"],
            "annotations": inputs["annotations"],
        }))?;
        let levels = strings(&case["expected"]["annotationLevels"]);
        strategy.metadata_action_outputs(&ctx, &strings(&inputs["images"]), &levels)
    });
    let out = match result {
        Ok(out) => out,
        Err(e) => {
            let paths: Vec<&str> = e.field_errors().iter().map(|f| f.path.as_str()).collect();
            return json!({"error": {"code": e.code(), "paths": paths}});
        }
    };
    if case["expected"]["json"].is_object() {
        let mut expected = case["expected"].clone();
        expected["json"] = out["json"].clone();
        return expected;
    }
    // The action's tests read annotations without their level.
    let annotations: Vec<String> = strings(&out["annotations"])
        .iter()
        .map(|a| a.strip_prefix("manifest:").unwrap_or(a).to_owned())
        .collect();
    let main = out["version"].as_str().filter(|v| !v.is_empty());
    let mut got = case["expected"].clone();
    // `partial` and `latest` are checked through the tags (with prefixes and suffixes applied).
    got["version"] = json!({"main": main});
    got["tags"] = out["tags"].clone();
    got["labels"] = out["labels"].clone();
    got["annotations"] = json!(annotations);
    got
}

#[test]
fn metadata_action_test_table_passes_or_is_a_listed_difference() {
    let repo: Value = serde_json::from_str(&std::fs::read_to_string(dir().join("repo.json")).unwrap()).unwrap();
    let diff_path = dir().join("differences.json");
    let mut differences: BTreeMap<String, Value> =
        serde_json::from_str(&std::fs::read_to_string(&diff_path).unwrap()).unwrap();
    let docs = std::fs::read_to_string(support::fixtures().join("../docs/tagging.md")).unwrap();
    let record = std::env::var_os("ECR_CORE_RECORD_DIFFERENCES").is_some();
    let cases = cases();
    assert!(cases.len() >= 120, "cases missing: {}", cases.len());
    let mut failures = Vec::new();
    let (mut passed, mut differ) = (0, 0);
    for case in &cases {
        let name = case["test"].as_str().unwrap().to_owned();
        assert_eq!(case["source"], "__tests__/meta.test.ts", "{name}: source named");
        let got = run(case, &repo);
        let mut expected = case["expected"].clone();
        if expected["version"].is_object() {
            expected["version"] = json!({"main": expected["version"]["main"]});
        }
        let passes = got == expected;
        match differences.get(&name) {
            None if passes => passed += 1,
            Some(d) if !passes && d["ecrCore"] == got => {
                let reason = d["reason"].as_str().unwrap_or("?");
                if !docs.contains(&format!("<a id=\"{reason}\"></a>")) {
                    failures.push(format!("{name}: reason {reason:?} is not a row of docs/tagging.md"));
                }
                differ += 1;
            }
            _ if record => {
                if passes {
                    differences.remove(&name);
                } else {
                    let reason = differences
                        .get(&name)
                        .map(|d| d["reason"].clone())
                        .unwrap_or(json!("?"));
                    differences.insert(name.clone(), json!({"reason": reason, "ecrCore": got}));
                }
            }
            None => failures.push(format!(
                "{name}: expected\n{}\ngot\n{}",
                serde_json::to_string_pretty(&case["expected"]).unwrap(),
                serde_json::to_string_pretty(&got).unwrap()
            )),
            Some(_) if passes => failures.push(format!("{name}: passes now; remove it from differences.json")),
            Some(d) => failures.push(format!(
                "{name}: the recorded difference changed: recorded\n{}\ngot\n{}",
                serde_json::to_string_pretty(&d["ecrCore"]).unwrap(),
                serde_json::to_string_pretty(&got).unwrap()
            )),
        }
    }
    let names: Vec<&str> = cases.iter().map(|c| c["test"].as_str().unwrap()).collect();
    for listed in differences.keys() {
        assert!(
            names.contains(&listed.as_str()),
            "{listed} in differences.json is no case"
        );
    }
    if record {
        std::fs::write(&diff_path, serde_json::to_string_pretty(&differences).unwrap() + "\n").unwrap();
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert_eq!(passed + differ, cases.len());
    eprintln!("{passed} cases pass, {differ} are listed differences");
}

fn parser_cases(name: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(dir().join("parsers").join(name)).unwrap();
    serde_json::from_str::<Value>(&text).unwrap()["cases"]
        .as_array()
        .unwrap()
        .clone()
}

fn name_of<T: serde::Serialize>(v: T) -> String {
    serde_json::to_value(v).unwrap().as_str().unwrap().to_owned()
}

/// A tag entry as metadata-action's parser returns it: the type, and every attribute as text with the
/// action's defaults filled in.
fn action_form(t: &TagSpec) -> Value {
    let mut attrs: BTreeMap<&str, String> = BTreeMap::new();
    let priority = t.priority.unwrap_or_else(|| t.tag_type.default_priority());
    attrs.insert("priority", priority.to_string());
    let enable = match &t.enable {
        None => "true".to_owned(),
        Some(Enable::Bool(b)) => b.to_string(),
        Some(Enable::Expr(e)) => e.clone(),
    };
    attrs.insert("enable", enable);
    let given = [
        ("prefix", t.prefix.clone()),
        ("suffix", t.suffix.clone()),
        ("pattern", t.pattern.clone()),
        ("value", t.value.clone()),
        ("match", t.match_.clone()),
        ("group", t.group.map(|g| g.to_string())),
        ("event", t.event.map(name_of)),
        ("format", t.format.map(name_of)),
        ("branch", t.branch.clone()),
    ];
    for (k, v) in given {
        if let Some(v) = v {
            attrs.insert(k, v);
        }
    }
    let defaults: &[(&str, &str)] = match t.tag_type {
        TagType::Schedule => &[("pattern", "nightly")],
        TagType::Semver | TagType::Pep440 => &[("value", ""), ("match", "")],
        TagType::Match => &[("group", "0"), ("value", "")],
        TagType::Edge => &[("branch", "")],
        TagType::Ref if t.event == Some(RefEvent::Pr) => &[("prefix", "pr-")],
        TagType::Sha => &[("prefix", "sha-"), ("format", "short")],
        _ => &[],
    };
    for (k, v) in defaults {
        attrs.entry(k).or_insert_with(|| (*v).to_owned());
    }
    json!({"type": name_of(t.tag_type), "attrs": attrs})
}

/// The strategy's entries in the action's form, highest priority first, or `None` when ecr-core refuses them.
fn parsed_tags(lines: &Value) -> Option<Vec<Value>> {
    let strategy = TagStrategy::from_value(&json!({ "tags": lines })).ok()?;
    let mut tags = strategy.spec().tags.clone();
    tags.sort_by_key(|t| std::cmp::Reverse(t.priority.unwrap_or_else(|| t.tag_type.default_priority())));
    Some(tags.iter().map(action_form).collect())
}

/// metadata-action's `tag.test.ts` and `flavor.test.ts` tables: every line the action accepts is read to the
/// same attributes (with its defaults) and the same flavor, and every line it refuses is refused.
#[test]
fn metadata_action_parser_tables_read_the_same() {
    let mut failures = Vec::new();
    let mut seen = 0;
    for file in ["tag-parse.json", "tag-transform.json", "flavor-transform.json"] {
        for case in parser_cases(file) {
            let name = format!(
                "{} {}",
                case["source"].as_str().unwrap(),
                case["test"].as_str().unwrap()
            );
            let input = &case["input"];
            let got = if file.starts_with("flavor") {
                TagStrategy::from_value(&json!({ "flavor": input }))
                    .ok()
                    .map(|s| serde_json::to_value(&s.spec().flavor).unwrap())
            } else if input.is_array() {
                parsed_tags(input).map(Value::from)
            } else {
                parsed_tags(&json!([input])).map(|mut t| t.remove(0))
            };
            let expected = match (&case["invalid"], &case["expected"]) {
                (Value::Bool(true), _) => None,
                (_, e) if file.starts_with("flavor") => Some(json!({
                    "latest": e["latest"], "prefix": e["prefix"], "suffix": e["suffix"],
                    "prefixOnLatest": e["prefixLatest"], "suffixOnLatest": e["suffixLatest"],
                })),
                (_, e) => Some(e.clone()),
            };
            if got != expected {
                failures.push(format!("{name}: expected {expected:?}\n  got {got:?}"));
            }
            seen += 1;
        }
    }
    assert!(seen >= 40, "{seen} parser cases");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
