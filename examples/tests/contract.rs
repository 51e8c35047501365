//! The programs' shared contract (docs/programs.md), checked for every program: `--version` and `--help`
//! (with an example) exit 0; a usage error and bad input exit 2 with one line on stderr naming the input
//! (and the position inside it where there is one); the credential helper keeps Docker's protocol (exit 1).
//! (`parse_reference`'s lines that are not UTF-8: tests/parse_reference.rs.)
//! Programs that need AWS run against the emulator (moto's server).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../ecr-core/tests/support/mod.rs"]
mod support;

use std::process::{Command, Output, Stdio};

use serde_json::Value;

/// One program and a bad input for it.
struct Program {
    name: &'static str,
    bin: &'static str,
    /// Arguments with something wrong in them.
    bad_input: &'static [&'static str],
    /// What the error line must name.
    names: &'static str,
    /// Whether the bad input is only found after talking to ECR (then it runs against the emulator).
    needs_ecr: bool,
}

const PROGRAMS: &[Program] = &[
    Program {
        name: "scan_gate",
        bin: env!("CARGO_BIN_EXE_scan_gate"),
        bad_input: &[
            "--findings",
            "/nonexistent/findings.json",
            "--policy",
            "/nonexistent/policy.json",
        ],
        names: "/nonexistent/policy.json",
        needs_ecr: false,
    },
    Program {
        name: "verify_push",
        bin: env!("CARGO_BIN_EXE_verify_push"),
        bad_input: &["--image", "not a reference", "--digest", "sha256:0"],
        names: "\"not a reference\"",
        needs_ecr: false,
    },
    Program {
        name: "verify_signatures",
        bin: env!("CARGO_BIN_EXE_verify_signatures"),
        bad_input: &["--image", "not a reference", "--policy", "/nonexistent/policy.json"],
        names: "\"not a reference\"",
        needs_ecr: false,
    },
    Program {
        name: "lifecycle_preview",
        bin: env!("CARGO_BIN_EXE_lifecycle_preview"),
        bad_input: &[
            "--policy",
            "/nonexistent/policy.json",
            "--images",
            "/nonexistent/images.json",
        ],
        names: "/nonexistent/policy.json",
        needs_ecr: false,
    },
    Program {
        name: "tag_plan",
        bin: env!("CARGO_BIN_EXE_tag_plan"),
        bad_input: &[
            "--context",
            "/nonexistent/context.json",
            "--strategy",
            "/nonexistent/strategy.json",
        ],
        names: "/nonexistent/context.json",
        needs_ecr: false,
    },
    Program {
        name: "audit_repository",
        bin: env!("CARGO_BIN_EXE_audit_repository"),
        bad_input: &["--repository", "contract/no-such-repository"],
        names: "contract/no-such-repository",
        needs_ecr: true,
    },
    Program {
        name: "parse_reference",
        bin: env!("CARGO_BIN_EXE_parse_reference"),
        bad_input: &["an-argument"],
        names: "an-argument",
        needs_ecr: false,
    },
    Program {
        name: "ecr_login",
        bin: env!("CARGO_BIN_EXE_ecr_login"),
        bad_input: &["--registry", "registry.example.com"],
        names: "registry.example.com",
        needs_ecr: true,
    },
    Program {
        name: "registry_settings",
        bin: env!("CARGO_BIN_EXE_registry_settings"),
        bad_input: &[
            "effective",
            "--repository",
            "a/b",
            "--snapshot",
            "/nonexistent/registry.json",
        ],
        names: "/nonexistent/registry.json",
        needs_ecr: false,
    },
    Program {
        name: "release_pipeline",
        bin: env!("CARGO_BIN_EXE_release_pipeline"),
        bad_input: &[
            "--repository",
            "contract/app",
            "--tag-strategy",
            "s.json",
            "--scan-policy",
            "p.json",
            "--manifest",
            "/nonexistent/manifest.json",
        ],
        names: "/nonexistent/manifest.json",
        needs_ecr: false,
    },
];

const HELPER: &str = env!("CARGO_BIN_EXE_docker-credential-ecr-core");

fn run(bin: &str, args: &[&str], ecr: bool) -> Output {
    let mut cmd = if ecr {
        support::emulator().command(bin)
    } else {
        Command::new(bin)
    };
    cmd.args(args).stdin(Stdio::null()).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts exit 2 and exactly one stderr line `PROGRAM: ...` containing `names`.
fn assert_error_line(p: &Program, o: &Output, names: &str) {
    let err = text(&o.stderr);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}: stdout {} stderr {err}",
        p.name,
        text(&o.stdout)
    );
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "{}: one line on stderr: {err}", p.name);
    assert!(lines[0].starts_with(&format!("{}: ", p.name)), "{}: {err}", p.name);
    assert!(lines[0].contains(names), "{}: the error names {names:?}: {err}", p.name);
}

#[test]
fn every_program_prints_its_version_and_help_with_an_example() {
    for p in PROGRAMS {
        let o = run(p.bin, &["--version"], false);
        assert_eq!(o.status.code(), Some(0), "{} --version: {}", p.name, text(&o.stderr));
        assert_eq!(
            text(&o.stdout).trim(),
            format!("{} {}", p.name, env!("CARGO_PKG_VERSION")),
            "{}",
            p.name
        );
        let o = run(p.bin, &["--help"], false);
        assert_eq!(o.status.code(), Some(0), "{} --help: {}", p.name, text(&o.stderr));
        let help = text(&o.stdout);
        assert!(help.contains("Usage: "), "{}: {help}", p.name);
        let example = help
            .split_once("Example")
            .unwrap_or_else(|| panic!("{}: no example in --help: {help}", p.name))
            .1;
        assert!(
            example.contains(p.name),
            "{}: the example runs the program: {help}",
            p.name
        );
    }
    let o = run(HELPER, &["--version"], false);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        text(&o.stdout).trim(),
        format!("docker-credential-ecr-core {}", env!("CARGO_PKG_VERSION"))
    );
    let o = run(HELPER, &["--help"], false);
    assert_eq!(o.status.code(), Some(0));
    assert!(text(&o.stdout).contains("Example:\n  echo "), "{}", text(&o.stdout));
}

#[test]
fn a_usage_error_exits_2_with_one_line() {
    for p in PROGRAMS {
        let o = run(p.bin, &["--no-such-flag"], false);
        assert_error_line(p, &o, "--no-such-flag");
        assert!(o.stdout.is_empty(), "{}", p.name);
    }
    // Docker's credential-helper protocol: every failure is exit 1.
    let o = run(HELPER, &[], false);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(text(&o.stderr).lines().count(), 1, "{}", text(&o.stderr));
}

#[test]
fn bad_input_exits_2_with_one_line_naming_it() {
    for p in PROGRAMS {
        let o = run(p.bin, p.bad_input, p.needs_ecr);
        assert_error_line(p, &o, p.names);
    }
}

/// Bad content inside a file: the error names the file and the position (field path, or line and column).
#[test]
fn bad_content_is_named_by_file_and_position() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str, body: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, body).unwrap();
        p.display().to_string()
    };
    let program = |name: &str| PROGRAMS.iter().find(|p| p.name == name).unwrap();

    let findings = path(
        "findings.json",
        r#"{"imageScanFindings": {"findings": [{"severity": 3}]}}"#,
    );
    let policy = path("policy.json", "{}");
    let o = run(
        program("scan_gate").bin,
        &["--findings", &findings, "--policy", &policy],
        false,
    );
    assert_error_line(program("scan_gate"), &o, "imageScanFindings.findings[0].severity");
    assert!(text(&o.stderr).contains(&findings), "{}", text(&o.stderr));

    let policy_text = "{\"failOn\": {\"CRITICAL\": 0},\n \"ignore\": [{\"id\": \"CVE-1\", \"expires\": \"someday\"}]}";
    let bad_policy = path("bad-policy.json", policy_text);
    let o = run(
        program("scan_gate").bin,
        &["--findings", &findings, "--policy", &bad_policy],
        false,
    );
    assert_error_line(program("scan_gate"), &o, "ignore[0].expires");
    assert!(text(&o.stderr).contains(&bad_policy), "{}", text(&o.stderr));

    let context = path("context.json", "{\"ref\": \"refs/heads/main\",\n  \"sha\": }");
    let strategy = path("strategy.json", r#"{"tags": ["type=sha"]}"#);
    let o = run(
        program("tag_plan").bin,
        &["--context", &context, "--strategy", &strategy],
        false,
    );
    assert_error_line(program("tag_plan"), &o, &context);
    assert!(text(&o.stderr).contains("line 2"), "{}", text(&o.stderr));

    let lifecycle = path(
        "lifecycle.json",
        r#"{"rules": [{"rulePriority": 1, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan"}, "action": {"type": "expire"}}]}"#,
    );
    let o = run(
        program("lifecycle_preview").bin,
        &["--policy", &lifecycle, "--validate-only"],
        false,
    );
    assert_error_line(program("lifecycle_preview"), &o, "rules[0].selection.countNumber");
    assert!(text(&o.stderr).contains(&lifecycle), "{}", text(&o.stderr));
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["errors"][0]["path"], "rules[0].selection.countNumber");

    let images = path("images.json", "[\n  {\"imageDigest\": 7}\n]");
    let ok_policy = path(
        "lifecycle-ok.json",
        r#"{"rules": [{"rulePriority": 1, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}}]}"#,
    );
    let o = run(
        program("lifecycle_preview").bin,
        &["--policy", &ok_policy, "--images", &images],
        false,
    );
    assert_error_line(program("lifecycle_preview"), &o, &images);
}
