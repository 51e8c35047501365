//! The `parse_reference` program against the shared fixtures: every fixture input as one line on stdin,
//! exactly the fixture's JSON object per line on stdout, exit status 0.
#![allow(clippy::unwrap_used)]

#[path = "../../ecr-core/tests/support/mod.rs"]
mod support;

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

fn run(stdin: impl AsRef<[u8]>) -> (std::process::ExitStatus, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_parse_reference"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_ref()).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status,
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn fixture_lines_in_fixture_json_lines_out() {
    let mut cases = Vec::new();
    for file in ["valid.json", "invalid.json"] {
        let doc = support::fixture_json(&format!("references/{file}"));
        cases.extend(doc["cases"].as_array().unwrap().iter().cloned());
    }
    assert!(cases.len() > 100);
    let stdin: String = cases
        .iter()
        .map(|c| format!("{}\n", c["input"].as_str().unwrap()))
        .collect();
    let (status, stdout, stderr) = run(&stdin);
    assert!(status.success(), "exit {status}, stderr: {stderr}");
    assert!(stderr.is_empty(), "stderr: {stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), cases.len(), "one output line per input line");
    for (case, line) in cases.iter().zip(lines) {
        let got: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert_eq!(got, case["expected"], "{}", case["name"]);
    }
}

#[test]
fn crlf_line_ends_are_stripped_and_nothing_else() {
    let (status, stdout, _) = run("public.ecr.aws\r\n public.ecr.aws\n");
    assert!(status.success());
    let lines: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["input"], "public.ecr.aws");
    assert_eq!(lines[0]["ok"], true);
    assert_eq!(lines[1]["input"], " public.ecr.aws");
    assert_eq!(lines[1]["ok"], false);
    assert_eq!(lines[1]["code"], "InvalidReference");
}

#[test]
fn empty_stdin_prints_nothing_and_succeeds() {
    let (status, stdout, stderr) = run("");
    assert!(status.success(), "{stderr}");
    assert!(stdout.is_empty());
}

#[test]
fn a_line_that_is_not_utf8_is_that_line_s_error_and_reading_goes_on() {
    let (status, stdout, stderr) =
        run(b"public.ecr.aws\nteam/\xff\xfeapp:v1\r\n123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:v2\n");
    assert!(status.success(), "{stderr}");
    let lines: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3, "one line out per line in");
    assert_eq!(lines[0]["ok"], true);
    assert_eq!(lines[1]["ok"], false);
    assert_eq!(lines[1]["code"], "InvalidReference");
    assert_eq!(lines[1]["message"], "line 2: byte 5: not UTF-8");
    assert_eq!(lines[1]["input"], "team/\u{fffd}\u{fffd}app:v1");
    assert_eq!(lines[2]["ok"], true);
    assert_eq!(lines[2]["tag"], "v2");
}
