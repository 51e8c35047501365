//! Lifecycle policies: validate, lint and evaluate them offline exactly as ECR does, compare with ECR's own
//! preview, put them only after they validate, and (opt-in) delete exactly what a preview expires.
//!
//! ```
//! use ecr_core::lifecycle::{EvaluationContext, LifecyclePolicy};
//! # fn main() -> ecr_core::Result<()> {
//! let text = r#"{"rules":[{"rulePriority":1,"description":"keep the 2 newest",
//!   "selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":2},
//!   "action":{"type":"expire"}}]}"#;
//! let parsed = LifecyclePolicy::parse(text)?;
//! let images = ecr_core::lifecycle::parse_images(r#"[
//!   {"imageDigest":"sha256:a","imageTags":["v1"],"imagePushedAt":"2026-01-01T00:00:00Z"},
//!   {"imageDigest":"sha256:b","imageTags":["v2"],"imagePushedAt":"2026-01-02T00:00:00Z"},
//!   {"imageDigest":"sha256:c","imageTags":["v3"],"imagePushedAt":"2026-01-03T00:00:00Z"}]"#)?;
//! let now = ecr_core::time::parse_str("2026-02-01T00:00:00Z").unwrap();
//! let preview = parsed.policy.evaluate(&images, &EvaluationContext::new(now));
//! assert_eq!(preview.expiring_digests(), ["sha256:a"]);
//! # Ok(()) }
//! ```
//!
//! # Validation
//! [`LifecyclePolicy::parse`] checks everything PutLifecyclePolicy checks and reports **all** problems at once
//! ([`crate::Error::PolicyValidation`], each [`crate::FieldError`] with a JSON path such as
//! `rules[2].selection.countUnit`). Messages reuse ECR's JSON-schema wording where it is known
//! (`object has missing required properties (["rules"])`, `instance value ("x") not found in enum ...`,
//! `numeric instance is lower than the required minimum ...`, `Could not map policyString into
//! LifecyclePolicy.`, `instance failed to match exactly one schema (matched 0 out of 2)` for nulls); the
//! semantic checks reuse the reported wording (`Only one rule can select Untagged images per storage class`,
//! `Rule for tagStatus=ANY must have the lowest priority per storage class`, `Must specify tagPrefixList or
//! tagPatternList when tagStatus=TAGGED.`) and add what was found. Lint warnings ([`Warning`]) are separate.
//!
//! # Evaluation
//! [`LifecyclePolicy::evaluate`] implements ECR's documented evaluation rules with this algorithm: rules are
//! applied in `rulePriority` order; each rule's *pool* is every image of its storage class whose tags satisfy
//! its tag selection (`tagged`: every list entry matches at least one tag; `untagged`: no tags; `any`: all);
//! count rules rank the **whole pool** newest first, including images earlier rules claimed or shielded, and
//! act on those past `countNumber`; age rules act on images older than `countNumber` days. A rule only acts
//! on images no earlier rule of the same storage class *matched* (matching, not acting, shields an image:
//! "Multiple rules" example A), so each image gets at most one action.
//!
//! Cost: one pass over the images in memory order decides each image's first matching rule and every age rule,
//! and copies what a result needs into a small record; each count rule finds the boundary of its pool by partial
//! selection (not a full sort); one sort puts the acted-on records in ECR's result order, and the results are
//! built from them in that order. The [`Preview`] borrows tags and digests from the images
//! ([`Preview::into_owned`] copies them when it must outlive them).
//!
//! # Decisions on points ECR does not document (inferred, checked against every worked example)
//! - **Protection is match-based and scoped by storage class**: an image that matches the tag selection of a
//!   higher-priority rule of its storage class is never acted on by a lower-priority one, whether or not that
//!   rule acted on it (AWS's evaluation rules, <https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html>).
//!   The archive example of <https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_examples.html>
//!   (two `any` rules, one per class) only works that way.
//! - **Age** is "strictly more than `countNumber` × 24 h before `now`"; an image exactly at the limit stays.
//! - **Ties** in the ordering instant: the image with the lexicographically greater digest counts as the newer.
//!   The result therefore never depends on input order. (AWS's examples list same-age images; golden fixtures
//!   use distinct instants.)
//! - **Ordering instant**: `imagePushedAt`, or `lastActivatedAt` when later (restored images, as AWS's evaluation rules say); archived
//!   images order by `lastArchivedAt`. Images without `imagePushedAt` count as pushed at `now`.
//! - **Pull clock** (`sinceImagePulled`): the later of `lastRecordedPullTime` and `lastActivatedAt`; never
//!   pulled: `lastActivatedAt` or else `imagePushedAt` (rule 17).
//! - **`sinceImageTransitioned`** measures from `lastArchivedAt`; an archived image without it never qualifies.
//! - **`ACTIVATING` images** (being restored) belong to neither storage class: no rule selects or counts them.
//! - **Manifest-list children** still occupy their rank in count rules (users report that "keep N" counts index
//!   and referrer artifacts, containers-roadmap #2613) but are never acted on while a manifest list referencing
//!   them is in the repository; they are reported in `blockedImages` and become eligible on a later run. The
//!   caller supplies the references ([`EvaluationContext::manifest_list_children`]);
//!   [`crate::EcrClient::lifecycle_preview`] reads them from the index manifests.
//! - **Referrers** (images with `subjectManifestDigest`) are ordinary images to the rules (they count and can be
//!   selected); when their subject is acted on and they are not, they are listed in `followingSubject`, since ECR
//!   removes them within 24 hours after the subject (rule 1). Like ECR's preview, `previewResults` omits them.
//! - **Protected digests** stay in every ranking (they are real images) but no rule acts on them; the first rule
//!   that would have is reported in `protectedImages`.
//! - **Collateral tags** are listed for images a `tagged` rule expires: the tags that did not match its list.
//! - **`sinceImageTransitioned` needs `countNumber` ≥ 90** (the documented 90-day archive minimum; exact
//!   error text unknown). An explicit `"storageClass": "standard"` is accepted (documented as valid).
//! - **Empty `rules`** and empty tag lists are rejected (reported as rejected by users); more than 50 rules is
//!   only a warning (the 1–50 limit comes from an unidentified third party). `rulePriority`/`countNumber` above
//!   2^31−1 are rejected (ECR's integers are 32-bit; inferred).
//! - **Within a storage class, identical `tagPrefixList` sets** are an error (rule 6); identical or covering
//!   pattern lists are reported by the `shadowedRule` lint instead, as ECR's enforcement there is unverified.
//! - **Length** is counted in Unicode characters of the text as given (100–30720).

mod ecr;
mod evaluate;
mod execute;
mod images;
mod kept;
mod lint;
mod model;
mod pattern;
pub(crate) mod preview;
mod validate;

#[cfg(test)]
pub(crate) mod tests;

#[cfg(feature = "inventory")]
pub(crate) use ecr::index_children;
pub use ecr::{EcrLifecyclePreview, EcrPreviewDiff, LifecyclePreviewOptions, LifecyclePreviewReport, PreviewMismatch};
pub use evaluate::EvaluationContext;
pub use execute::{ExpireFailure, ExpireOptions, ExpireReport};
pub use images::{images_from_value, parse_images};
pub use kept::KeptPreview;
pub use lint::{UNVERIFIED_MAX_RULES, Warning, WarningKind};
pub use model::{Action, ActionType, CountType, CountUnit, LifecyclePolicy, Rule, Selection, StorageClass, TagStatus};
pub use preview::{
    CollateralTags, FollowingSubject, Preview, PreviewAction, PreviewDocument, PreviewResult, PreviewSummary,
    ReclaimedBytes, SkipReason, SkippedImage, TransitioningCount, validation_document,
};
pub use validate::{MAX_POLICY_CHARS, MAX_WILDCARDS, MIN_ARCHIVE_DAYS, MIN_POLICY_CHARS, Parsed};
