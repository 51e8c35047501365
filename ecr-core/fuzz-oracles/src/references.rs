//! Fuzzes the reference parsers (`ecr_core::reference`) and the auth module's reading of server URLs with
//! the same text: registry hosts, server URLs, image references and the `parse_reference` program's rule.
//! Nothing may panic; every rejection is an `InvalidReference` naming the input and offsets inside it; every
//! accepted host or reference prints back exactly as written and parses again to an equal value; user
//! information in a server URL is never echoed.

use ecr_core::Error;
use ecr_core::auth::{ToRegistryHost, registry_region};
use ecr_core::reference::{
    ImageReference, ParsedInput, RegistryHost, parse_input, parse_input_json, validate_digest,
    validate_repository_name, validate_tag,
};

/// A rejection must be an `InvalidReference` for exactly this input, whose offsets point inside it.
fn check_rejection(input: &str, err: &Error) {
    let Error::InvalidReference { input: echoed, message } = err else {
        panic!("{input:?}: unexpected error {err:?}");
    };
    assert!(!message.is_empty());
    if echoed != input {
        // User information redacted: `scheme://<redacted>@rest`, the rest echoed, the removed text shown nowhere.
        let at = echoed
            .find("<redacted>@")
            .unwrap_or_else(|| panic!("{input:?}: echoed as {echoed:?}"));
        let (head, tail) = (&echoed[..at], &echoed[at + "<redacted>".len()..]);
        assert!(
            input.starts_with(head) && input.ends_with(tail),
            "{input:?}: echoed as {echoed:?}"
        );
        assert!(message.contains("user information"), "{input:?}: {message}");
        let removed = &input[head.len()..input.len() - tail.len()];
        let elsewhere = input.replacen(removed, "", 1);
        if removed.len() >= 4 && !elsewhere.contains(removed) && !"<redacted>".contains(removed) {
            assert!(
                !echoed.replacen("<redacted>", "", 1).contains(removed),
                "{input:?}: user information echoed"
            );
        }
        return;
    }
    if input.contains("offset") {
        return; // the message quotes the input: its own "offset N" text is not a position
    }
    let n = input.chars().count();
    for rest in message.split("offset ").skip(1) {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(o) = digits.parse::<usize>() {
            assert!(o <= n, "{input:?}: offset {o} outside the input: {message}");
        }
    }
}

fn check_host(host: &RegistryHost) {
    let text = host.to_string();
    assert_eq!(text.parse::<RegistryHost>().ok().as_ref(), Some(host), "{text}");
    assert_eq!(
        RegistryHost::from_server_url(&host.server_url()).ok().as_ref(),
        Some(host)
    );
    assert_eq!(
        RegistryHost::from_server_url(&format!("{}/v2/", host.server_url()))
            .ok()
            .as_ref(),
        Some(host)
    );
    assert_eq!(
        host.kind() == ecr_core::reference::RegistryKind::Public,
        host.is_public()
    );
    assert_eq!(host.registry_id().is_some(), !host.is_public());
    assert_eq!(host.region().is_some(), !host.is_public());
    let json = serde_json::to_string(host).expect("a host serialises");
    assert_eq!(serde_json::from_str::<RegistryHost>(&json).ok().as_ref(), Some(host));
}

fn check_image(image: &ImageReference) {
    let text = image.to_string();
    assert_eq!(text.parse::<ImageReference>().ok().as_ref(), Some(image), "{text}");
    check_host(image.host());
    let rebuilt = ImageReference::new(image.host().clone(), image.repository(), image.tag(), image.digest());
    assert_eq!(rebuilt.ok().as_ref(), Some(image));
    if let Some(tag) = image.tag() {
        assert!(validate_tag(tag).is_ok(), "{text}: tag {tag:?}");
    }
    if let Some(digest) = image.digest() {
        assert!(validate_digest(digest).is_ok(), "{text}: digest {digest:?}");
    }
    if !image.host().is_public() {
        assert!(validate_repository_name(image.repository()).is_ok(), "{text}");
    }
    assert_eq!(
        image.image_id().is_some(),
        image.tag().is_some() || image.digest().is_some()
    );
    assert_eq!(
        image.repository_uri(),
        format!("{}/{}", image.host(), image.repository())
    );
    let json = serde_json::to_string(image).expect("a reference serialises");
    assert_eq!(serde_json::from_str::<ImageReference>(&json).ok().as_ref(), Some(image));
}

/// The user information of a server URL (`scheme://USER@host/...`), when it has one.
fn user_info(text: &str) -> Option<&str> {
    let rest = text.trim().split_once("://").map_or(text.trim(), |(_, r)| r);
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    authority.rsplit_once('@').map(|(user, _)| user)
}

/// Checks one input; panics when the oracle is violated.
pub fn run(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };

    match text.parse::<RegistryHost>() {
        Ok(host) => {
            assert_eq!(host.to_string(), text, "hosts are never normalised");
            check_host(&host);
        }
        Err(e) => check_rejection(text, &e),
    }
    match RegistryHost::from_server_url(text) {
        Ok(host) => check_host(&host),
        Err(e) => check_rejection(text, &e),
    }
    match text.parse::<ImageReference>() {
        Ok(image) => {
            assert_eq!(image.to_string(), text, "references are never normalised");
            check_image(&image);
        }
        Err(e) => check_rejection(text, &e),
    }
    match parse_input(text) {
        Ok(parsed) => {
            match &parsed {
                ParsedInput::ServerUrl(h) => check_host(h),
                ParsedInput::Host(h) => assert_eq!(h.to_string(), text),
                ParsedInput::Image(i) => assert_eq!(i.to_string(), text),
            }
            let json = parsed.to_json(text);
            assert_eq!(json, parse_input_json(text));
            assert_eq!(json["ok"], true);
            assert_eq!(json["kind"], parsed.host().kind().as_str());
        }
        Err(e) => {
            check_rejection(text, &e);
            let json = parse_input_json(text);
            assert_eq!(json["ok"], false);
            assert_eq!(json["code"], "InvalidReference");
        }
    }
    for check in [validate_tag, validate_repository_name, validate_digest] {
        if let Err(e) = check(text) {
            check_rejection(text, &e);
        }
    }

    // The auth module's reading: authority isolated (scheme, port, path dropped, lower-cased), then the same
    // strict host rules. Never echo user information.
    let region = registry_region(text);
    let host = text.to_registry_host();
    match (&region, &host) {
        (Ok(region), Ok(host)) => {
            assert_eq!(region.as_deref(), host.region());
            check_host(host);
        }
        (Err(a), Err(b)) => {
            assert_eq!(a.code(), "InvalidReference");
            assert_eq!(b.code(), "InvalidReference");
            // Skip user info that could be produced by the library's own text rather than echoed: a word of its
            // message ("serv@1is"), or text that Debug escapes of the rest of the input spell out
            // ("}}}}@..\u{11}}}}", "0bcdefv1@\0...\0bcdefv1s"), or a part of the redaction marker ("edacted>@",
            // all found by the fuzzer).
            const MESSAGE: &str = "a server URL must not carry user information";
            let meaningful = |u: &&str| {
                u.len() >= 4
                    && u.chars().any(|c| c.is_ascii_alphanumeric())
                    && !MESSAGE.contains(*u)
                    && !"<redacted>".contains(*u)
            };
            if let Some(user) = user_info(text).filter(meaningful) {
                let rest = text.replacen(user, "", 1);
                if !rest.contains(user) && !format!("{rest:?}").contains(user) {
                    // The error's own fields, not their Debug/Display rendering: quotes and escapes added
                    // there can spell out a short user info (`h5o"@ ..."h5o/`, found by the fuzzer).
                    for e in [a, b] {
                        let ecr_core::Error::InvalidReference { input, message } = e else {
                            unreachable!()
                        };
                        // The marker itself is the library's text (`ed>@su@su:7` against `<redacted>@su:7`).
                        let input = input.replacen("<redacted>", "", 1);
                        assert!(
                            !input.contains(user) && !message.contains(user),
                            "user info echoed: {e:?}"
                        );
                    }
                }
            }
        }
        _ => panic!("{text:?}: registry_region {region:?} disagrees with to_registry_host {host:?}"),
    }
}
