//! Property tests of the reference parsers: `Display` → parse gives the same value, every accepted input is
//! printed back unchanged, error offsets point inside the input, and the hand-written grammar checks agree
//! with regular-expression oracles written from the specs (OCI distribution spec, ECR's API model).
#![allow(clippy::unwrap_used)]

use ecr_core::reference::{
    ImageReference, ParsedInput, RegistryHost, parse_input, validate_digest, validate_repository_name, validate_tag,
};
use proptest::prelude::*;
use regex::Regex;
use std::sync::LazyLock;

/// OCI tag grammar.
static TAG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$").unwrap());
/// OCI / ECR repository-name grammar (length checked separately: 2–256).
static REPOSITORY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$").unwrap()
});
/// sha256 digest.
static DIGEST: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^sha256:[a-f0-9]{64}$").unwrap());
/// The private host families, strictly paired (ASCII digits only: `[0-9]`, not the Unicode `\d`).
static HOST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:[0-9]{12}\.(?:dkr\.ecr(?:-fips)?\.[a-z]+(?:-[a-z0-9]+)+-[0-9]+\.(?:amazonaws\.com|amazonaws\.com\.cn|amazonaws\.eu|c2s\.ic\.gov|sc2s\.sgov\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)|dkr-ecr(?:-fips)?\.[a-z]+(?:-[a-z0-9]+)+-[0-9]+\.(?:on\.aws|on\.amazonwebservices\.com\.cn))|public\.ecr\.aws|ecr-public\.aws\.com)$",
    )
    .unwrap()
});

fn region() -> impl Strategy<Value = String> {
    let prefix = prop_oneof![
        proptest::sample::select(vec![
            "us", "eu", "ap", "cn", "us-gov", "us-iso", "us-isob", "eu-isoe", "us-isof", "eusc-de"
        ])
        .prop_map(str::to_owned),
        "[a-z]{2,4}",
    ];
    (prefix, "[a-z]{3,9}", 1u8..20).prop_map(|(p, mid, n)| format!("{p}-{mid}-{n}"))
}

fn host() -> impl Strategy<Value = RegistryHost> {
    let private = ("[0-9]{12}", region(), any::<bool>(), any::<bool>()).prop_map(|(id, region, fips, dual)| {
        let host = RegistryHost::private(&id, &region).unwrap().with_fips(fips);
        // Partitions without dual-stack hosts keep the standard form.
        host.clone().with_dual_stack(dual).unwrap_or(host)
    });
    let public = any::<bool>().prop_map(|dual| RegistryHost::public().with_dual_stack(dual).unwrap());
    prop_oneof![4 => private, 1 => public]
}

fn component() -> impl Strategy<Value = String> {
    let sep = prop_oneof![
        Just(".".to_owned()),
        Just("_".to_owned()),
        Just("__".to_owned()),
        "-{1,3}"
    ];
    ("[a-z0-9]{1,8}", proptest::collection::vec((sep, "[a-z0-9]{1,8}"), 0..3)).prop_map(|(first, rest)| {
        let mut s = first;
        for (sep, part) in rest {
            s.push_str(&sep);
            s.push_str(&part);
        }
        s
    })
}

fn repository() -> impl Strategy<Value = String> {
    proptest::collection::vec(component(), 1..5)
        .prop_map(|parts| parts.join("/"))
        .prop_filter("2-256 characters", |r| (2..=256).contains(&r.len()))
}

fn tag() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_][A-Za-z0-9._-]{0,127}"
}

fn digest() -> impl Strategy<Value = String> {
    "[0-9a-f]{64}".prop_map(|hex| format!("sha256:{hex}"))
}

fn image() -> impl Strategy<Value = ImageReference> {
    (
        host(),
        "[a-z0-9]{2,12}",
        repository(),
        proptest::option::of(tag()),
        proptest::option::of(digest()),
    )
        .prop_filter_map("valid public name", |(host, alias, repo, tag, digest)| {
            let repo = if host.is_public() {
                format!("{alias}/{repo}")
            } else {
                repo
            };
            ImageReference::new(host, &repo, tag.as_deref(), digest.as_deref()).ok()
        })
}

/// Characters that matter to the grammars, plus a few that never belong (upper case, non-ASCII digits, space).
fn grammar_text(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            6 => proptest::char::ranges(vec!['a'..='f', '0'..='9'].into()),
            2 => proptest::sample::select(vec!['.', '_', '-', '/', ':', '@', 'A', 'Z', 'x', 'z']),
            1 => proptest::sample::select(vec![' ', '١', '２', 'é', '+']),
        ],
        0..max,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

/// A valid reference text with one character inserted, removed or replaced.
fn mutated() -> impl Strategy<Value = String> {
    let ch = proptest::sample::select(vec!['.', '-', '_', '/', ':', '@', '0', 'a', 'A', '١', ' ']);
    (image(), any::<prop::sample::Index>(), 0u8..3, ch).prop_map(|(image, at, op, c)| {
        let mut chars: Vec<char> = image.to_string().chars().collect();
        let i = at.index(chars.len());
        match op {
            0 => chars.insert(i, c),
            1 => {
                chars.remove(i);
            }
            _ => chars[i] = c,
        }
        chars.into_iter().collect()
    })
}

/// Every "offset N" in a message must point inside the input (or just past its end).
fn offsets_are_inside(input: &str, message: &str) -> bool {
    let n = input.chars().count();
    message
        .split("offset ")
        .skip(1)
        .filter_map(|rest| rest.split(|c: char| !c.is_ascii_digit()).next()?.parse::<usize>().ok())
        .all(|o| o <= n)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn host_display_parses_to_the_same_value(host in host()) {
        let text = host.to_string();
        prop_assert_eq!(text.parse::<RegistryHost>().unwrap(), host.clone());
        prop_assert!(HOST.is_match(&text), "{} does not match the strict host pattern", text);
        prop_assert_eq!(RegistryHost::from_server_url(&format!("{}/v2/", host.server_url())).unwrap(), host.clone());
        let json = serde_json::to_string(&host).unwrap();
        prop_assert_eq!(serde_json::from_str::<RegistryHost>(&json).unwrap(), host);
    }

    #[test]
    fn image_display_parses_to_the_same_value(image in image()) {
        let text = image.to_string();
        let parsed: ImageReference = text.parse().unwrap();
        prop_assert_eq!(&parsed, &image);
        prop_assert_eq!(parse_input(&text).unwrap(), ParsedInput::Image(image.clone()));
        let json = serde_json::to_string(&image).unwrap();
        prop_assert_eq!(serde_json::from_str::<ImageReference>(&json).unwrap(), image);
    }

    #[test]
    fn accepted_input_prints_back_unchanged(text in prop_oneof![mutated(), grammar_text(60)]) {
        match parse_input(&text) {
            Ok(ParsedInput::Image(image)) => prop_assert_eq!(image.to_string(), text),
            Ok(ParsedInput::Host(host)) => prop_assert_eq!(host.to_string(), text),
            Ok(ParsedInput::ServerUrl(_)) => prop_assert!(text.contains("://")),
            Err(err) => {
                prop_assert_eq!(err.code(), "InvalidReference");
                let ecr_core::Error::InvalidReference { input, message } = err else { unreachable!() };
                if input == text {
                    prop_assert!(offsets_are_inside(&text, &message), "{:?}: {}", text, message);
                } else {
                    // User information before the host is redacted, the rest echoed as given.
                    let at = input.find("<redacted>@");
                    prop_assert!(at.is_some(), "{:?} echoed as {:?}", text, input);
                    let tail = &input[at.unwrap_or(0) + "<redacted>".len()..];
                    prop_assert!(text.ends_with(tail), "{:?} echoed as {:?}", text, input);
                    prop_assert!(message.contains("user information"), "{:?}: {}", text, message);
                }
            }
        }
    }

    #[test]
    fn host_parser_agrees_with_the_strict_pattern(text in prop_oneof![
        host().prop_map(|h| h.to_string()),
        mutated().prop_map(|t| t.split('/').next().unwrap_or_default().to_owned()),
    ]) {
        let ours = text.parse::<RegistryHost>();
        if ours.is_ok() {
            prop_assert!(HOST.is_match(&text), "accepted {} which the pattern rejects", text);
        } else if HOST.is_match(&text) {
            // The pattern does not know partitions: the only extra rule is region ↔ suffix consistency.
            let message = ours.unwrap_err().to_string();
            prop_assert!(message.contains("belongs to partition"), "rejected {}: {}", text, message);
        }
    }

    #[test]
    fn tag_check_agrees_with_the_oci_pattern(text in prop_oneof![tag(), grammar_text(140)]) {
        prop_assert_eq!(validate_tag(&text).is_ok(), TAG.is_match(&text), "{:?}", text);
    }

    #[test]
    fn repository_check_agrees_with_the_ecr_pattern(text in prop_oneof![repository(), grammar_text(40)]) {
        let oracle = REPOSITORY.is_match(&text) && (2..=256).contains(&text.chars().count());
        prop_assert_eq!(validate_repository_name(&text).is_ok(), oracle, "{:?}", text);
    }

    #[test]
    fn digest_check_agrees_with_the_pattern(text in prop_oneof![
        digest(),
        grammar_text(70).prop_map(|t| format!("sha256:{t}")),
        "sha256:[0-9a-fA-F]{63,65}",
    ]) {
        prop_assert_eq!(validate_digest(&text).is_ok(), DIGEST.is_match(&text), "{:?}", text);
    }
}
