//! The `ecr_login` program against the emulator: prints the registry and the expiry, never the password,
//! and writes a docker config entry. Moto's token expires 2015-01-01, so `--assume-now` judges it from
//! 2014-12-31T12:00Z (see the program's help).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../ecr-core/tests/support/mod.rs"]
mod support;

const LOGIN: &str = env!("CARGO_BIN_EXE_ecr_login");

#[test]
fn prints_registry_and_expiry_never_the_password_and_writes_docker_config() {
    let emu = support::emulator();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.json");
    std::fs::write(&config, r#"{"auths":{"ghcr.io":{"auth":"eDp5"}},"credsStore":""}"#).unwrap();
    let out = emu
        .command(LOGIN)
        .args(["--assume-now", "2014-12-31T12:00:00Z", "--docker-config"])
        .arg(&config)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        stdout.contains("Registry: 123456789012.dkr.ecr.us-east-1.amazonaws.com"),
        "{stdout}"
    );
    assert!(stdout.contains("Expires:  2015-01-01T00:00:00Z"), "{stdout}");
    assert!(
        stdout.contains("AWS credentials: credentials passed in code")
            || stdout.contains("AWS credentials: environment"),
        "{stdout}"
    );
    assert!(!stdout.contains("123456789012-auth-token"), "{stdout}");
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&config).unwrap()).unwrap();
    assert_eq!(doc["auths"]["ghcr.io"]["auth"], "eDp5");
    assert_eq!(
        doc["auths"]["123456789012.dkr.ecr.us-east-1.amazonaws.com"]["auth"],
        "QVdTOjEyMzQ1Njc4OTAxMi1hdXRoLXRva2Vu"
    );

    // --password-stdout prints the password alone (for `docker login --password-stdin`).
    let out = emu
        .command(LOGIN)
        .args(["--assume-now", "2014-12-31T12:00:00Z", "--password-stdout"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "123456789012-auth-token\n");

    // Without --assume-now the emulator's 2015 token is refused, with the reason.
    let out = emu.command(LOGIN).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("2015-01-01"));
}

/// Several registries in one call: two accounts in two regions, IPv4 and dual-stack hosts, every entry in
/// one docker config write.
#[test]
fn many_registries_are_written_in_one_docker_config() {
    let emu = support::emulator();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.json");
    let base = [
        "--assume-now",
        "2014-12-31T12:00:00Z",
        "--account",
        "123456789012",
        "--account",
        "210987654321",
        "--registry-region",
        "us-east-1",
        "--registry-region",
        "eu-west-1",
        "--dual-stack",
        "--docker-config",
    ];
    let out = emu.command(LOGIN).args(base).arg(&config).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("Docker config: 8 registries"), "{stdout}");
    assert!(
        stdout.contains("Registry: 210987654321.dkr-ecr.eu-west-1.on.aws until 2015-01-01T00:00:00Z"),
        "{stdout}"
    );
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&config).unwrap()).unwrap();
    assert_eq!(doc["auths"].as_object().unwrap().len(), 8);

    // Without a docker config several registries are refused: there is nowhere to put them.
    let out = emu
        .command(LOGIN)
        .args([
            "--registry",
            "123456789012.dkr.ecr.us-east-1.amazonaws.com",
            "--registry",
            "210987654321.dkr.ecr.us-east-1.amazonaws.com",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--docker-config"));
}
