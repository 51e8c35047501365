//! Runs the `tag_plan` program over the shared plan fixtures: exit 0 without violations, 1 with, 2 on bad
//! input, and stdout equal to the library's report JSON.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../ecr-core/tests/support/mod.rs"]
mod support;

use std::process::Command;

use serde_json::Value;

fn write(dir: &std::path::Path, name: &str, v: &Value) -> String {
    let p = dir.join(name);
    std::fs::write(&p, v.to_string()).unwrap();
    p.display().to_string()
}

#[test]
fn tag_plan_replays_every_plan_fixture() {
    let root = support::fixtures().join("tagging/plans");
    let mut seen = [0usize; 3];
    for entry in std::fs::read_dir(&root).unwrap() {
        let path = entry.unwrap().path();
        let case: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tag_plan"));
        cmd.arg("--context").arg(write(dir.path(), "c.json", &case["context"]));
        cmd.arg("--strategy")
            .arg(write(dir.path(), "s.json", &case["strategy"]));
        match &case["policy"] {
            Value::Null => {}
            Value::String(s) => {
                cmd.arg("--policy").arg(s);
            }
            p => {
                cmd.arg("--policy").arg(write(dir.path(), "p.json", p));
            }
        }
        let repo = &case["repository"];
        if let Some(m) = repo["mutability"].as_str() {
            cmd.arg("--mutability").arg(m);
        }
        for f in repo["exclusionFilters"].as_array().into_iter().flatten() {
            cmd.arg("--exclusion").arg(f.as_str().unwrap());
        }
        if !repo["imageDetails"].is_null() {
            let existing = serde_json::json!({"imageDetails": repo["imageDetails"]});
            cmd.arg("--existing").arg(write(dir.path(), "e.json", &existing));
        }
        if let Some(d) = case["digest"].as_str() {
            cmd.arg("--digest").arg(d);
        }
        let out = cmd.output().unwrap();
        let code = out.status.code().unwrap();
        let name = path.display();
        if case["expected"].is_null() {
            assert_eq!(code, 2, "{name}");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                stderr.contains(case["expectedError"]["paths"][0].as_str().unwrap()),
                "{name}: {stderr}"
            );
        } else {
            let got: Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(got, case["expected"], "{name}");
            let violations = !case["expected"]["violations"].as_array().unwrap().is_empty();
            assert_eq!(code, if violations { 1 } else { 0 }, "{name}");
        }
        seen[code as usize] += 1;
    }
    assert!(seen.iter().all(|n| *n > 0), "each exit status exercised: {seen:?}");
}

#[test]
fn tag_plan_refuses_bad_arguments_with_status_2() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = write(dir.path(), "c.json", &serde_json::json!({"ref": "refs/heads/main"}));
    let strategy = write(
        dir.path(),
        "s.json",
        &serde_json::json!({"tags": ["type=ref,event=branch"]}),
    );
    let run = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_tag_plan"))
            .args(["--context", &ctx, "--strategy", &strategy])
            .args(extra)
            .output()
            .unwrap()
    };
    assert_eq!(run(&[]).status.code(), Some(0));
    assert_eq!(run(&["--mutability", "SOMETIMES"]).status.code(), Some(2));
    assert_eq!(run(&["--digest", "sha256:abc"]).status.code(), Some(2));
    assert_eq!(run(&["--policy", "/nonexistent.json"]).status.code(), Some(2));
    assert_eq!(
        run(&["--exclusion", "x"]).status.code(),
        Some(2),
        "filters without a *_WITH_EXCLUSION setting"
    );
    let no_ci = Command::new(env!("CARGO_BIN_EXE_tag_plan"))
        .args(["--from-env", "--strategy", &strategy])
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(no_ci.status.code(), Some(2));
    let neither = Command::new(env!("CARGO_BIN_EXE_tag_plan"))
        .args(["--strategy", &strategy])
        .output()
        .unwrap();
    assert_eq!(neither.status.code(), Some(2), "neither --context nor --from-env");
}

/// `--format metadata-action` over docker/metadata-action's own test table: with the case's GitHub
/// environment (`--from-env`) the program prints the action's `version`, `tags` and `tag-names` for every
/// case that passes in the library replay and does not depend on the clock or the repository's API facts.
#[test]
fn tag_plan_prints_metadata_action_outputs_for_the_actions_test_table() {
    let dir = support::fixtures().join("tagging/metadata-action");
    let read = |p: std::path::PathBuf| -> Value { serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap() };
    let differences = read(dir.join("differences.json"));
    let tmp = tempfile::tempdir().unwrap();
    let mut replayed = 0;
    for file in std::fs::read_dir(dir.join("cases")).unwrap() {
        for case in read(file.unwrap().path())["cases"].as_array().unwrap() {
            let name = case["test"].as_str().unwrap();
            let inputs = &case["inputs"];
            let text = inputs.to_string();
            let clock_or_api = ["date", "edge", "default_branch"].iter().any(|w| text.contains(w));
            if !differences[name].is_null() || case["expected"]["tags"].is_null() || clock_or_api {
                continue;
            }
            let strategy = serde_json::json!({"tags": inputs["tags"], "flavor": inputs["flavor"]});
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_tag_plan"));
            cmd.env_clear()
                .args(["--from-env", "--format", "metadata-action", "--strategy"])
                .arg(write(tmp.path(), "s.json", &strategy));
            for image in inputs["images"].as_array().unwrap() {
                cmd.arg("--image").arg(image.as_str().unwrap());
            }
            for (k, v) in case["env"].as_object().unwrap() {
                let v = v.as_str().unwrap();
                match k.as_str() {
                    "GITHUB_EVENT_PATH" => cmd.env(k, dir.join("events").join(v)),
                    _ => cmd.env(k, v),
                };
            }
            let out = cmd.output().unwrap();
            assert!(
                out.status.code().unwrap() < 2,
                "{name}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let got: Value = serde_json::from_slice(&out.stdout).unwrap();
            let expected = &case["expected"];
            assert_eq!(got["tags"], expected["tags"], "{name}");
            assert_eq!(got["json"]["tags"], expected["tags"], "{name}");
            let main = expected["version"]["main"].as_str().unwrap_or_default();
            assert_eq!(got["version"], main, "{name}");
            let prefix_free: Vec<&str> = got["tags"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap().rsplit(':').next().unwrap())
                .collect();
            let names: Vec<&str> = got["tag-names"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap())
                .collect();
            assert!(prefix_free.iter().all(|t| names.contains(t)), "{name}: tag-names");
            replayed += 1;
        }
    }
    assert!(replayed >= 40, "only {replayed} cases replayed");
}

/// The metadata-action outputs' labels and annotations: the eight OCI keys always, the build time with
/// milliseconds, and the annotations once per level.
#[test]
fn tag_plan_metadata_action_labels_and_annotation_levels() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = write(
        dir.path(),
        "c.json",
        &serde_json::json!({"ref": "refs/tags/v1.2.3", "sha": "860c1904a1ce19322e91ac35af1ab07466440c37",
                            "created": "2020-01-10T00:30:00Z"}),
    );
    let strategy = write(
        dir.path(),
        "s.json",
        &serde_json::json!({"tags": ["type=semver,pattern={{version}}"], "labels": ["maintainer=CrazyMax"],
                            "annotations": ["org.opencontainers.image.title=Shop"]}),
    );
    let run = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_tag_plan"))
            .args([
                "--context",
                &ctx,
                "--strategy",
                &strategy,
                "--format",
                "metadata-action",
            ])
            .args(extra)
            .output()
            .unwrap()
    };
    let out = run(&[
        "--image",
        "ghcr.io/Acme/Shop",
        "--annotation-level",
        "manifest",
        "--annotation-level",
        "index",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        got["tags"],
        serde_json::json!(["ghcr.io/acme/shop:1.2.3", "ghcr.io/acme/shop:latest"])
    );
    assert_eq!(got["tag-names"], serde_json::json!(["1.2.3", "latest"]));
    assert_eq!(got["version"], "1.2.3");
    let labels: Vec<&str> = got["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        [
            "maintainer=CrazyMax",
            "org.opencontainers.image.created=2020-01-10T00:30:00.000Z",
            "org.opencontainers.image.description=",
            "org.opencontainers.image.licenses=",
            "org.opencontainers.image.revision=860c1904a1ce19322e91ac35af1ab07466440c37",
            "org.opencontainers.image.source=",
            "org.opencontainers.image.title=",
            "org.opencontainers.image.url=",
            "org.opencontainers.image.version=1.2.3",
        ]
    );
    let annotations = got["annotations"].as_array().unwrap();
    assert_eq!(
        annotations.len(),
        16,
        "8 keys at 2 levels, without the label-only maintainer"
    );
    assert_eq!(annotations[5], "manifest:org.opencontainers.image.title=Shop");
    assert_eq!(annotations[13], "index:org.opencontainers.image.title=Shop");
    assert_eq!(got["json"]["labels"]["maintainer"], "CrazyMax");
    assert_eq!(got["json"]["annotations"], got["annotations"]);
    let bad = run(&["--image", "x,enable=maybe"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("images[0]"));
}
