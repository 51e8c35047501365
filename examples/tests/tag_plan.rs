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
