//! The reference parsers against the shared fixtures in `fixtures/references/` (the same cases the
//! `parse_reference` program, and later the Python and Node bindings, are tested with).
#![allow(clippy::unwrap_used)]

mod support;

use ecr_core::reference::{
    ImageReference, ParsedInput, Partition, RegistryHost, parse_input, parse_input_json, validate_digest,
    validate_repository_name, validate_tag,
};
use serde_json::Value;

fn cases(file: &str) -> Vec<Value> {
    let doc = support::fixture_json(&format!("references/{file}"));
    let cases = doc["cases"].as_array().unwrap().clone();
    assert!(cases.len() > 20, "{file} has only {} cases", cases.len());
    cases
}

fn text<'a>(case: &'a Value, key: &str) -> &'a str {
    case[key]
        .as_str()
        .unwrap_or_else(|| panic!("case without {key}: {case}"))
}

#[test]
fn every_fixture_input_gives_exactly_the_expected_json() {
    let mut failures = Vec::new();
    for case in cases("valid.json").iter().chain(cases("invalid.json").iter()) {
        let got = parse_input_json(text(case, "input"));
        if got != case["expected"] {
            failures.push(format!(
                "{}:\n  want {}\n  got  {got}",
                text(case, "name"),
                case["expected"]
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixture(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn valid_inputs_round_trip_through_the_typed_api() {
    for case in cases("valid.json") {
        let input = text(&case, "input");
        let want = &case["expected"];
        assert_eq!(want["ok"], true, "{input}");
        let parsed = parse_input(input).unwrap();
        let host = parsed.host();
        assert_eq!(host.kind().as_str(), want["kind"], "{input}");
        assert_eq!(host.registry_id(), want["registry_id"].as_str(), "{input}");
        assert_eq!(host.region(), want["region"].as_str(), "{input}");
        assert_eq!(host.fips(), want["fips"], "{input}");
        assert_eq!(host.dual_stack(), want["dual_stack"], "{input}");
        assert_eq!(host.dns_suffix(), want["dns_suffix"].as_str(), "{input}");
        // Every host prints back as a host that parses to the same value.
        assert_eq!(host.to_string().parse::<RegistryHost>().unwrap(), *host, "{input}");
        match &parsed {
            ParsedInput::Host(h) => assert_eq!(h.to_string(), input),
            ParsedInput::ServerUrl(h) => {
                assert!(input.to_ascii_lowercase().starts_with("https://"), "{input}");
                assert_eq!(RegistryHost::from_server_url(&h.server_url()).unwrap(), *h);
            }
            ParsedInput::Image(image) => {
                assert_eq!(image.to_string(), input);
                assert_eq!(image.repository(), want["repository"].as_str().unwrap());
                assert_eq!(image.tag(), want["tag"].as_str());
                assert_eq!(image.digest(), want["digest"].as_str());
                validate_repository_name(image.repository()).unwrap();
                if let Some(tag) = image.tag() {
                    validate_tag(tag).unwrap();
                }
                if let Some(digest) = image.digest() {
                    validate_digest(digest).unwrap();
                }
                let rebuilt =
                    ImageReference::new(image.host().clone(), image.repository(), image.tag(), image.digest()).unwrap();
                assert_eq!(&rebuilt, image);
                let json = serde_json::to_value(image).unwrap();
                assert_eq!(json, Value::String(input.to_owned()));
                assert_eq!(&serde_json::from_value::<ImageReference>(json).unwrap(), image);
            }
        }
    }
}

#[test]
fn invalid_inputs_fail_with_the_typed_error() {
    for case in cases("invalid.json") {
        let input = text(&case, "input");
        let want = &case["expected"];
        assert_eq!(want["ok"], false, "{input}");
        let err = parse_input(input).unwrap_err();
        assert_eq!(err.code(), want["code"], "{input}");
        match &err {
            ecr_core::Error::InvalidReference {
                input: got_input,
                message,
            } => {
                // The input as echoed: as given, but for user information (the program prints the same).
                assert_eq!(got_input, want["input"].as_str().unwrap(), "{input}");
                assert_eq!(message, want["message"].as_str().unwrap(), "{input}");
            }
            other => panic!("{input}: expected InvalidReference, got {other:?}"),
        }
        assert!(err.to_string().contains(want["message"].as_str().unwrap()));
        // A serialised string is parsed by the same rules.
        if !input.contains("://") && input.contains('/') {
            assert!(
                serde_json::from_value::<ImageReference>(Value::String(input.to_owned())).is_err(),
                "{input}"
            );
        }
    }
}

#[test]
fn fixtures_cover_every_partition_fips_dual_stack_and_public() {
    let valid = cases("valid.json");
    let seen = |key: &str, value: &Value| valid.iter().any(|c| c["expected"][key] == *value);
    let partitions = [
        Partition::Aws,
        Partition::AwsUsGov,
        Partition::AwsCn,
        Partition::AwsEusc,
        Partition::AwsIso,
        Partition::AwsIsoB,
        Partition::AwsIsoE,
        Partition::AwsIsoF,
    ];
    for p in partitions {
        let in_partition = |c: &&Value| {
            c["expected"]["region"]
                .as_str()
                .is_some_and(|r| Partition::of_region(r) == p)
        };
        assert!(valid.iter().any(|c| in_partition(&c)), "no valid case in partition {p}");
        assert!(
            seen("dns_suffix", &Value::from(p.dns_suffix())),
            "suffix {} not covered",
            p.dns_suffix()
        );
        if let Some(dual) = p.dual_stack_dns_suffix() {
            assert!(
                seen("dns_suffix", &Value::from(dual)),
                "dual-stack suffix {dual} not covered"
            );
        }
    }
    assert!(seen("fips", &Value::Bool(true)));
    assert!(seen("kind", &Value::from("public")));
    let public_dual = valid
        .iter()
        .any(|c| c["expected"]["kind"] == "public" && c["expected"]["dual_stack"] == true);
    assert!(public_dual, "no dual-stack public case");
}
