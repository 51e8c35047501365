//! Unit tests of the reference parsers; the shared fixtures are exercised in `tests/reference_fixtures.rs`.
#![allow(clippy::unwrap_used)]

use super::*;

fn message(err: crate::Error) -> String {
    match err {
        crate::Error::InvalidReference { message, .. } => message,
        other => panic!("expected InvalidReference, got {other:?}"),
    }
}

#[test]
fn constructors_build_the_partition_suffix() {
    let cases = [
        ("us-east-1", "123456789012.dkr.ecr.us-east-1.amazonaws.com"),
        ("cn-northwest-1", "123456789012.dkr.ecr.cn-northwest-1.amazonaws.com.cn"),
        ("us-gov-west-1", "123456789012.dkr.ecr.us-gov-west-1.amazonaws.com"),
        ("us-iso-east-1", "123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov"),
        ("us-isob-east-1", "123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov"),
        ("eu-isoe-west-1", "123456789012.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk"),
        ("us-isof-south-1", "123456789012.dkr.ecr.us-isof-south-1.csp.hci.ic.gov"),
        ("eusc-de-east-1", "123456789012.dkr.ecr.eusc-de-east-1.amazonaws.eu"),
    ];
    for (region, expected) in cases {
        let host = RegistryHost::private("123456789012", region).unwrap();
        assert_eq!(host.to_string(), expected);
        assert_eq!(expected.parse::<RegistryHost>().unwrap(), host);
    }
}

#[test]
fn fips_and_dual_stack_switch_the_family() {
    let host = RegistryHost::private("123456789012", "cn-north-1").unwrap();
    let dual = host.clone().with_dual_stack(true).unwrap().with_fips(true);
    assert_eq!(
        dual.to_string(),
        "123456789012.dkr-ecr-fips.cn-north-1.on.amazonwebservices.com.cn"
    );
    assert_eq!(dual.dns_suffix(), Some("on.amazonwebservices.com.cn"));
    assert_eq!(dual.clone().with_dual_stack(false).unwrap().with_fips(false), host);
    let iso = RegistryHost::private("123456789012", "us-iso-east-1").unwrap();
    assert!(message(iso.with_dual_stack(true).unwrap_err()).contains("aws-iso"));
    let public = RegistryHost::public().with_dual_stack(true).unwrap();
    assert_eq!(public.to_string(), ECR_PUBLIC_DUAL_STACK_HOST);
    assert!(public.dual_stack() && public.is_public() && !public.fips());
}

#[test]
fn constructor_rejects_bad_parts() {
    let err = RegistryHost::private("12345678901", "us-east-1").unwrap_err();
    assert!(message(err).contains("has 11 digits"));
    let err = RegistryHost::private("123456789012", "US-EAST-1").unwrap_err();
    assert!(message(err).contains("not an AWS region name"));
}

#[test]
fn server_urls_resolve_to_their_host() {
    for url in [
        "https://123456789012.dkr.ecr.us-west-2.amazonaws.com",
        "https://123456789012.dkr.ecr.us-west-2.amazonaws.com/",
        "HTTPS://123456789012.dkr.ecr.us-west-2.amazonaws.com:443/v2/blah/blah?x=1#y",
        "123456789012.dkr.ecr.us-west-2.amazonaws.com:5000",
        "123456789012.dkr.ecr.us-west-2.amazonaws.com",
    ] {
        let host = RegistryHost::from_server_url(url).unwrap();
        assert_eq!(
            host.to_string(),
            "123456789012.dkr.ecr.us-west-2.amazonaws.com",
            "{url}"
        );
        assert_eq!(
            host.server_url(),
            "https://123456789012.dkr.ecr.us-west-2.amazonaws.com"
        );
    }
    for (url, needle) in [
        ("http://123456789012.dkr.ecr.us-west-2.amazonaws.com", "scheme 'http'"),
        ("https://123456789012.dkr.ecr.us-west-2.amazonaws.com:0/", "port '0'"),
        (
            "https://123456789012.dkr.ecr.us-west-2.amazonaws.com:65536/",
            "port '65536'",
        ),
        ("https://123456789012.dkr.ecr.us-west-2.amazonaws.com:/", "port ''"),
        ("https:///v2/", "no host at offset 8"),
        ("https://a@123456789012.dkr.ecr.us-west-2.amazonaws.com/", "user info"),
    ] {
        let err = RegistryHost::from_server_url(url).unwrap_err();
        assert_eq!(err.code(), "InvalidReference");
        let m = message(err);
        assert!(m.contains(needle), "{url}: {m}");
    }
}

#[test]
fn offsets_count_characters_not_bytes() {
    // 'é' is two bytes in UTF-8; the offset of the following error must count it as one character.
    let err = "123456789012.dkr.ecr.us-west-2.amazonaws.com/é/app"
        .parse::<ImageReference>()
        .unwrap_err();
    assert!(message(err).contains("'é' at offset 45"));
    let err = "https://é.example/".parse::<ImageReference>().unwrap_err();
    assert_eq!(err.code(), "InvalidReference");
}

#[test]
fn image_reference_parts_and_builders() {
    let digest = format!("sha256:{}", "0123456789abcdef".repeat(4));
    let text = format!("123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:v1@{digest}");
    let image: ImageReference = text.parse().unwrap();
    assert_eq!(image.repository(), "team/app");
    assert_eq!(image.tag(), Some("v1"));
    assert_eq!(image.digest(), Some(digest.as_str()));
    assert_eq!(
        image.repository_uri(),
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app"
    );
    assert_eq!(image.to_string(), text);
    let id = image.image_id().unwrap();
    assert_eq!(id.image_tag.as_deref(), Some("v1"));
    assert_eq!(id.image_digest.as_deref(), Some(digest.as_str()));
    let retagged = image.clone().with_tag("v2").unwrap().without_digest();
    assert_eq!(retagged.image_id().unwrap().image_digest, None);
    assert_eq!(retagged.clone().without_tag().image_id(), None);
    assert_eq!(
        retagged.to_string(),
        "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:v2"
    );
    assert!(image.clone().with_tag("-bad").is_err());
    assert!(image.with_digest("sha256:abc").is_err());
    let json = serde_json::to_string(&retagged).unwrap();
    assert_eq!(json, format!("\"{retagged}\""));
    assert_eq!(serde_json::from_str::<ImageReference>(&json).unwrap(), retagged);
    assert!(serde_json::from_str::<ImageReference>("\"docker.io/library/nginx\"").is_err());
    let host: RegistryHost = serde_json::from_str("\"public.ecr.aws\"").unwrap();
    assert_eq!(host, RegistryHost::public());
}

#[test]
fn colon_before_a_slash_is_not_a_tag() {
    let err = "123456789012.dkr.ecr.us-east-1.amazonaws.com/team:v1/app"
        .parse::<ImageReference>()
        .unwrap_err();
    assert!(message(err).contains("invalid character ':' at offset 49"));
}

#[test]
fn public_references_need_an_alias() {
    assert!("public.ecr.aws/nginx/nginx:latest".parse::<ImageReference>().is_ok());
    let err = "public.ecr.aws/nginx:latest".parse::<ImageReference>().unwrap_err();
    assert!(message(err).contains("<registry alias>/<name>"));
    let err = ImageReference::new(RegistryHost::public(), "a/app", None, None).unwrap_err();
    assert!(message(err).contains("alias 'a'"));
}

#[test]
fn standalone_validators_name_no_offset_for_the_whole_value() {
    assert_eq!(
        message(validate_tag(&"a".repeat(129)).unwrap_err()),
        "tag is 129 characters, at most 128"
    );
    assert!(validate_tag(&"a".repeat(128)).is_ok());
    assert_eq!(
        message(validate_repository_name("a").unwrap_err()),
        "repository name is 1 character, at least 2"
    );
    let m = message(validate_digest(&format!("sha256:{}", "A".repeat(64))).unwrap_err());
    assert_eq!(
        m,
        "digest has uppercase hex character 'A' at offset 7; digests are lowercase"
    );
    let m = message(validate_digest(&format!("sha512:{}", "a".repeat(128))).unwrap_err());
    assert!(m.contains("algorithm 'sha512'"), "{m}");
}

#[test]
fn parse_input_json_has_the_documented_fields_in_order() {
    let out = parse_input_json("123456789012.dkr.ecr.us-east-1.amazonaws.com");
    let keys: Vec<&str> = out.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "input",
            "ok",
            "kind",
            "registry_id",
            "region",
            "fips",
            "dual_stack",
            "dns_suffix",
            "repository",
            "tag",
            "digest"
        ]
    );
    let out = parse_input_json("nope");
    let keys: Vec<&str> = out.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["input", "ok", "code", "message"]);
    assert_eq!(out["code"], "InvalidReference");
}

#[test]
fn user_information_is_redacted_but_digest_references_are_not() {
    use super::redact_user_info;
    let host = "123456789012.dkr.ecr.us-west-2.amazonaws.com";
    for (input, echoed) in [
        (
            format!("https://AWS:pw@{host}/v2/"),
            format!("https://<redacted>@{host}/v2/"),
        ),
        (format!("AWS:pw@{host}/team/app"), format!("<redacted>@{host}/team/app")),
        (format!("token@{host}/team/app"), format!("<redacted>@{host}/team/app")),
        (format!("AWS:pw@ftp://{host}"), format!("<redacted>@ftp://{host}")),
        (
            format!("{host}/team/app@sha256:{}", "a".repeat(64)),
            format!("{host}/team/app@sha256:{}", "a".repeat(64)),
        ),
        ("app@sha256:abc".to_owned(), "app@sha256:abc".to_owned()),
    ] {
        assert_eq!(redact_user_info(&input), echoed, "{input}");
    }
    let err = format!("AWS:pw@{host}/team/app:v1")
        .parse::<ImageReference>()
        .unwrap_err();
    let crate::Error::InvalidReference { input, message: text } = err else {
        panic!()
    };
    assert_eq!(input, format!("<redacted>@{host}/team/app:v1"));
    assert!(text.contains("user information") && !text.contains("pw"), "{text}");
    // Without user information the message still says precisely what is wrong.
    assert!(message("app@sha256:abc".parse::<ImageReference>().unwrap_err()).contains("digest"));
}
