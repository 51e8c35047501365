//! Fuzzes the lifecycle images reader: any text must give images or a typed error, never a panic; on JSON
//! without duplicate keys (what a decoded value re-encodes to) it must agree with the reader of already-parsed
//! JSON that the bindings use, on the images or on the entry that is wrong; and the images it gives must
//! evaluate without panicking.

use chrono::TimeZone;
use ecr_core::error::Error;
use ecr_core::lifecycle::{EvaluationContext, LifecyclePolicy, images_from_value, parse_images};

const POLICY: &str = r#"{"rules": [
  {"rulePriority": 1, "selection": {"tagStatus": "tagged", "tagPatternList": ["prod-*"], "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}},
  {"rulePriority": 2, "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 1}, "action": {"type": "expire"}},
  {"rulePriority": 3, "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 2}, "action": {"type": "expire"}}
]}"#;

/// Checks one input; panics when the oracle is violated.
pub fn run(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = parse_images(text);
    if let Err(e) = &parsed {
        assert_eq!(e.code(), "InvalidArgument", "{e}");
    }
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
        let what = |e: &Error| match e {
            Error::InvalidArgument { what, .. } => what.clone(),
            other => panic!("not an input error: {other}"),
        };
        match (parse_images(&value.to_string()), images_from_value(value)) {
            (Ok(a), Ok(b)) => assert_eq!(a, b),
            (Err(a), Err(b)) => assert_eq!(what(&a), what(&b), "{a} / {b}"),
            (a, b) => panic!("readers disagree: {a:?} / {b:?}"),
        }
    }
    if let Ok(images) = parsed {
        let policy = LifecyclePolicy::parse(POLICY).expect("the policy is valid").policy;
        let now = chrono::Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
        let preview = policy.evaluate(&images, &EvaluationContext::new(now));
        assert!(preview.preview_results.len() <= images.len());
    }
}
