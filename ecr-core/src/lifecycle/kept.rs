//! A preview kept together with the images it borrows from.

use std::sync::Arc;

use crate::types::ImageDetail;

use super::evaluate::EvaluationContext;
use super::model::LifecyclePolicy;
use super::preview::Preview;

self_cell::self_cell!(
    struct Cell {
        owner: Arc<Vec<ImageDetail>>,
        #[covariant]
        dependent: Preview,
    }
);

/// A [`Preview`] stored with the images its results borrow from, so that it can be kept (in a binding's
/// handle, across an `await`) without copying every digest and tag as [`Preview::into_owned`] does. Cloning
/// shares it.
#[derive(Clone)]
pub struct KeptPreview(Arc<Cell>);

impl KeptPreview {
    /// Evaluates `policy` against `images` (shared, not copied) and keeps the result with them.
    pub fn evaluate(policy: &LifecyclePolicy, images: Arc<Vec<ImageDetail>>, context: &EvaluationContext) -> Self {
        Self(Arc::new(Cell::new(images, |images| policy.evaluate(images, context))))
    }

    /// The evaluation's result.
    pub fn preview(&self) -> &Preview<'_> {
        self.0.borrow_dependent()
    }
}

impl From<Preview<'static>> for KeptPreview {
    /// A preview that owns its strings (read back from a document, say), borrowing nothing.
    fn from(preview: Preview<'static>) -> Self {
        Self(Arc::new(Cell::new(Arc::default(), |_| preview)))
    }
}

impl std::fmt::Debug for KeptPreview {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.preview().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::parse_images;

    const POLICY: &str = r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}"#;
    const IMAGES: &str = r#"[
        {"imageDigest":"sha256:aa","imagePushedAt":"2026-01-01T00:00:00Z"},
        {"imageDigest":"sha256:bb","imagePushedAt":"2026-01-02T00:00:00Z"},
        {"imageDigest":"sha256:cc","imagePushedAt":"2026-01-03T00:00:00Z","imageTags":["v1"]}
    ]"#;

    #[test]
    fn kept_preview_equals_the_borrowed_one_and_outlives_the_caller_s_images() {
        let policy = LifecyclePolicy::parse(POLICY).unwrap().policy;
        let images = Arc::new(parse_images(IMAGES).unwrap());
        let context = EvaluationContext::new(crate::time::parse_str("2026-02-01T00:00:00Z").unwrap());
        let expected = policy.evaluate(&images, &context).into_owned();
        let kept = KeptPreview::evaluate(&policy, images.clone(), &context);
        drop(images);
        assert_eq!(kept.preview(), &expected);
        assert_eq!(kept.preview().expiring_digests(), ["sha256:aa"]);
        let owned = KeptPreview::from(expected.clone());
        assert_eq!(owned.clone().preview(), &expected);
    }

    #[test]
    fn document_text_equals_the_document_written_on_one_thread_or_two() {
        let policy = LifecyclePolicy::parse(POLICY).unwrap();
        for count in [3, 4095, 4096, 4097, 9000] {
            let images: Vec<_> = (0..count)
                .map(|i| {
                    let tags = if i % 5 == 0 {
                        vec![format!("ü-{i}😀")]
                    } else {
                        vec![]
                    };
                    serde_json::json!({"imageDigest": format!("sha256:{i:064x}"), "imageTags": tags,
                        "imagePushedAt": 1_600_000_000 + i * 60})
                })
                .collect();
            let images = Arc::new(parse_images(&serde_json::to_string(&images).unwrap()).unwrap());
            let context = EvaluationContext::new(crate::time::parse_str("2026-02-01T00:00:00Z").unwrap());
            let kept = KeptPreview::evaluate(&policy.policy, images, &context);
            let preview = kept.preview();
            assert!(preview.preview_results.len() + 1 >= count * 4 / 5, "{count}");
            let text = preview.to_document_string(&policy.warnings);
            assert_eq!(
                text,
                preview.to_document(&policy.warnings).to_string(),
                "{count} images"
            );
        }
    }
}
