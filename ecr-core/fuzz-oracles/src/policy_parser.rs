//! Fuzzes the lifecycle policy parser: any text must give a policy or a validation error, never a panic; a
//! policy must survive `to_json` -> `parse` unchanged and evaluate without panicking.

use chrono::TimeZone;
use ecr_core::lifecycle::{EvaluationContext, LifecyclePolicy};
use ecr_core::types::{ImageDetail, ImageStatus};

/// Checks one input; panics when the oracle is violated.
pub fn run(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match LifecyclePolicy::parse(text) {
        Ok(parsed) => {
            let again = LifecyclePolicy::parse(&parsed.policy.to_json()).expect("to_json output must validate");
            assert_eq!(again.policy, parsed.policy);
            let now = chrono::Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
            let images: Vec<ImageDetail> = ["v1", "prod-1", "", "release-rc1"]
                .iter()
                .enumerate()
                .map(|(i, tag)| ImageDetail {
                    image_digest: format!("sha256:{i}"),
                    image_tags: if tag.is_empty() {
                        vec![]
                    } else {
                        vec![(*tag).to_owned()]
                    },
                    image_pushed_at: Some(now - chrono::Duration::days(100 * i as i64)),
                    image_status: if i == 3 {
                        ImageStatus::Archived
                    } else {
                        ImageStatus::Active
                    },
                    last_archived_at: Some(now - chrono::Duration::days(200)),
                    ..ImageDetail::default()
                })
                .collect();
            let preview = parsed.policy.evaluate(&images, &EvaluationContext::new(now));
            assert!(preview.preview_results.len() <= images.len());
        }
        Err(e) => {
            assert_eq!(e.code(), "PolicyValidation");
            assert!(!e.field_errors().is_empty());
        }
    }
}
