//! A preview that outlives the call that made it, for callers that cannot keep the images borrowed (the Python
//! and Node bindings hand previews to a garbage-collected language).

use std::borrow::Cow;
use std::sync::Arc;

use crate::types::ImageDetail;

use super::evaluate::EvaluationContext;
use super::model::LifecyclePolicy;
use super::preview::{Preview, PreviewSummary};

/// A [`Preview`] that owns what it needs: either the evaluation's inputs (the images, shared; the policy; the
/// context), from which the borrowing preview is derived again when read, or an owned preview (read from JSON
/// or from [`crate::EcrClient::lifecycle_preview`]). Deriving again is deterministic and cheaper than copying
/// every tag and digest ([`Preview::into_owned`]); the summary is kept from the first evaluation.
#[derive(Debug, Clone)]
pub struct HeldPreview(Held);

#[derive(Debug, Clone)]
enum Held {
    Evaluated {
        policy: LifecyclePolicy,
        images: Arc<Vec<ImageDetail>>,
        context: EvaluationContext,
        summary: PreviewSummary,
        results: usize,
    },
    Owned(Preview<'static>),
}

impl HeldPreview {
    /// Evaluates `policy` against `images` (see [`LifecyclePolicy::evaluate`]) and keeps the inputs.
    pub fn evaluate(policy: &LifecyclePolicy, images: Arc<Vec<ImageDetail>>, context: EvaluationContext) -> Self {
        let (summary, results) = {
            let preview = policy.evaluate(&images, &context);
            (preview.summary, preview.preview_results.len())
        };
        Self(Held::Evaluated {
            policy: policy.clone(),
            images,
            context,
            summary,
            results,
        })
    }

    /// The preview (derived again from the inputs, or the owned one).
    pub fn preview(&self) -> Cow<'_, Preview<'_>> {
        match &self.0 {
            Held::Evaluated {
                policy,
                images,
                context,
                ..
            } => Cow::Owned(policy.evaluate(images, context)),
            Held::Owned(preview) => Cow::Borrowed(preview),
        }
    }

    /// The preview, owning every string.
    pub fn to_owned_preview(&self) -> Preview<'static> {
        match &self.0 {
            Held::Evaluated { .. } => Cow::into_owned(self.preview()).into_owned(),
            Held::Owned(preview) => preview.clone(),
        }
    }

    /// The digests this preview expires, in result order (see [`Preview::expiring_digests`]).
    pub fn expiring_digests(&self) -> Vec<String> {
        self.preview()
            .expiring_digests()
            .into_iter()
            .map(str::to_owned)
            .collect()
    }

    /// ECR's summary.
    pub fn summary(&self) -> &PreviewSummary {
        match &self.0 {
            Held::Evaluated { summary, .. } => summary,
            Held::Owned(preview) => &preview.summary,
        }
    }

    /// How many images a rule acts on (the length of `previewResults`).
    pub fn result_count(&self) -> usize {
        match &self.0 {
            Held::Evaluated { results, .. } => *results,
            Held::Owned(preview) => preview.preview_results.len(),
        }
    }
}

impl From<Preview<'static>> for HeldPreview {
    fn from(preview: Preview<'static>) -> Self {
        Self(Held::Owned(preview))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::types::ImageStatus;

    #[test]
    fn a_held_preview_reads_as_the_evaluation_and_as_its_owned_copy() {
        let policy = LifecyclePolicy::parse(
            r#"{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}"#,
        )
        .unwrap()
        .policy;
        let now = chrono::Utc::now();
        let images: Vec<ImageDetail> = (0..3)
            .map(|i| ImageDetail {
                image_digest: format!("sha256:{i}"),
                image_tags: vec![format!("t{i}")],
                image_pushed_at: Some(now - chrono::Duration::days(i)),
                image_status: ImageStatus::Active,
                ..ImageDetail::default()
            })
            .collect();
        let context = EvaluationContext::new(now);
        let direct = policy.evaluate(&images, &context).into_owned();
        let held = HeldPreview::evaluate(&policy, Arc::new(images), context);
        assert_eq!(*held.preview(), direct);
        assert_eq!(held.to_owned_preview(), direct);
        assert_eq!(held.result_count(), 2);
        assert_eq!(held.expiring_digests(), ["sha256:2", "sha256:1"]); // oldest first
        assert_eq!(held.summary().expiring_image_total_count, 2);
        let owned = HeldPreview::from(direct.clone());
        assert_eq!(*owned.preview(), direct);
        assert_eq!(owned.result_count(), 2);
    }
}
