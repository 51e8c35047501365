//! The preview: ECR's `LifecyclePolicyPreviewResult` / `LifecyclePolicyPreviewSummary` shapes plus what ECR
//! does not tell you (protected and blocked images, collateral tags, referrers, bytes reclaimed), and the JSON
//! documents the `lifecycle_preview` program prints (shared with the bindings).

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::{Error, Result};
use crate::time::{self, Timestamp};

use super::lint::Warning;
use super::model::{ActionType, StorageClass};
use super::validate::Parsed;

/// A rule action in the API's spelling: `{"type": "EXPIRE"}` or `{"type": "TRANSITION", "targetStorageClass":
/// "ARCHIVE"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PreviewAction {
    /// `EXPIRE` or `TRANSITION`.
    #[serde(rename = "type", with = "api_action")]
    #[schemars(with = "String")]
    pub action_type: ActionType,
    /// `ARCHIVE` for transitions.
    #[serde(default, with = "api_class_opt", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub target_storage_class: Option<StorageClass>,
}

impl From<super::model::Action> for PreviewAction {
    fn from(a: super::model::Action) -> Self {
        Self {
            action_type: a.action_type,
            target_storage_class: a.target_storage_class,
        }
    }
}

/// One image a rule acts on, exactly as ECR's `LifecyclePolicyPreviewResult`. Tags and digest borrow from
/// the evaluated images ([`LifecyclePolicy::evaluate`](super::LifecyclePolicy::evaluate) copies no strings);
/// [`PreviewResult::into_owned`] detaches them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PreviewResult<'a> {
    /// The image's tags (all of them).
    #[serde(default)]
    pub image_tags: Cow<'a, [String]>,
    /// The image digest.
    pub image_digest: Cow<'a, str>,
    /// When the image was pushed.
    #[serde(default, with = "time::flexible_opt")]
    #[schemars(with = "Option<crate::schema::Rfc3339>")]
    pub image_pushed_at: Option<Timestamp>,
    /// What happens to it.
    pub action: PreviewAction,
    /// The rule that acts on it.
    pub applied_rule_priority: u32,
    /// The image's current storage class (`STANDARD` or `ARCHIVE`).
    #[serde(with = "api_class")]
    #[schemars(with = "String")]
    pub storage_class: StorageClass,
}

/// How many images move to one storage class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TransitioningCount {
    /// `ARCHIVE`.
    #[serde(with = "api_class")]
    #[schemars(with = "String")]
    pub target_storage_class: StorageClass,
    /// Number of images.
    pub image_total_count: u64,
}

/// ECR's `LifecyclePolicyPreviewSummary`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PreviewSummary {
    /// Images that would be deleted.
    pub expiring_image_total_count: u64,
    /// Images that would change storage class (absent when none would).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transitioning_image_total_counts: Vec<TransitioningCount>,
}

/// Bytes that leave standard storage, per action (`EXPIRE`: deleted; `TRANSITION`: moved to archive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, schemars::JsonSchema)]
pub struct ReclaimedBytes {
    /// Bytes of expired images (`imageSizeInBytes`; images without a size count 0).
    #[serde(rename = "EXPIRE")]
    pub expire: u64,
    /// Bytes of images moved to archive.
    #[serde(rename = "TRANSITION")]
    pub transition: u64,
}

/// Why a rule did not act on an image it would have acted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SkipReason {
    /// The caller listed the digest as protected (in use by ECS, EKS, Lambda, ...).
    Protected,
    /// A manifest list (index) in the repository references the image.
    ReferencedByManifestList,
}

/// An image a rule would have acted on but did not, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SkippedImage {
    /// The image digest.
    pub image_digest: String,
    /// The image's tags.
    #[serde(default)]
    pub image_tags: Vec<String>,
    /// The rule that would have acted.
    pub rule_priority: u32,
    /// What it would have done.
    pub action: PreviewAction,
    /// Why it did not.
    pub reason: SkipReason,
    /// For [`SkipReason::ReferencedByManifestList`]: the manifest lists referencing the image.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub referenced_by: Vec<String>,
}

/// Tags deleted along with an image expired through other tags (borrowing from the evaluated images, as
/// [`PreviewResult`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CollateralTags<'a> {
    /// The expired image.
    pub image_digest: Cow<'a, str>,
    /// The (tagged) rule that expires it.
    pub applied_rule_priority: u32,
    /// Tags that matched the rule's tag list.
    pub matched_tags: Vec<Cow<'a, str>>,
    /// Tags that did not match but are deleted too.
    pub collateral_tags: Vec<Cow<'a, str>>,
}

impl CollateralTags<'_> {
    /// The same entry owning its strings.
    pub fn into_owned(self) -> CollateralTags<'static> {
        let owned = |tags: Vec<Cow<'_, str>>| tags.into_iter().map(|t| Cow::Owned(t.into_owned())).collect();
        CollateralTags {
            image_digest: Cow::Owned(self.image_digest.into_owned()),
            applied_rule_priority: self.applied_rule_priority,
            matched_tags: owned(self.matched_tags),
            collateral_tags: owned(self.collateral_tags),
        }
    }
}

/// A referrer artifact (signature, SBOM, ...) ECR removes on its own after its subject is expired or archived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct FollowingSubject {
    /// The referrer's digest.
    pub image_digest: String,
    /// The referrer's tags.
    #[serde(default)]
    pub image_tags: Vec<String>,
    /// Its subject.
    pub subject_manifest_digest: String,
    /// What happens to the subject (and, within 24 hours, to the referrer).
    pub action: PreviewAction,
    /// The rule acting on the subject.
    pub subject_rule_priority: u32,
}

/// The result of evaluating a policy against a repository's images. Its results borrow from the images
/// (`'a`); [`Preview::into_owned`] makes a preview that outlives them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "LifecyclePreviewResults")]
pub struct Preview<'a> {
    /// ECR's result list, ordered by `appliedRulePriority`, then `imagePushedAt`, then digest.
    pub preview_results: Vec<PreviewResult<'a>>,
    /// ECR's summary.
    pub summary: PreviewSummary,
    /// Bytes leaving standard storage, per action.
    pub reclaimed_bytes: ReclaimedBytes,
    /// Images a rule would have acted on but that the caller protected.
    pub protected_images: Vec<SkippedImage>,
    /// Images a rule would have acted on but that a manifest list still references.
    pub blocked_images: Vec<SkippedImage>,
    /// Expired images that lose tags their rule did not select.
    pub collateral_tags: Vec<CollateralTags<'a>>,
    /// Referrers ECR removes or archives after their subject (not in `previewResults`, as in ECR's preview).
    pub following_subject: Vec<FollowingSubject>,
}

impl PreviewResult<'_> {
    /// The same result owning its tags and digest.
    pub fn into_owned(self) -> PreviewResult<'static> {
        PreviewResult {
            image_tags: Cow::Owned(self.image_tags.into_owned()),
            image_digest: Cow::Owned(self.image_digest.into_owned()),
            image_pushed_at: self.image_pushed_at,
            action: self.action,
            applied_rule_priority: self.applied_rule_priority,
            storage_class: self.storage_class,
        }
    }
}

impl<'a> Preview<'a> {
    /// The same preview owning every string (no longer borrowing from the evaluated images).
    pub fn into_owned(self) -> Preview<'static> {
        Preview {
            preview_results: self
                .preview_results
                .into_iter()
                .map(PreviewResult::into_owned)
                .collect(),
            summary: self.summary,
            reclaimed_bytes: self.reclaimed_bytes,
            protected_images: self.protected_images,
            blocked_images: self.blocked_images,
            collateral_tags: self
                .collateral_tags
                .into_iter()
                .map(CollateralTags::into_owned)
                .collect(),
            following_subject: self.following_subject,
        }
    }

    /// Everything but `preview_results` (left empty), for callers that write the results their own way and the
    /// rest of the document through [`Preview::to_document`].
    pub fn without_results(&self) -> Preview<'a> {
        Preview {
            preview_results: Vec::new(),
            summary: self.summary.clone(),
            reclaimed_bytes: self.reclaimed_bytes,
            protected_images: self.protected_images.clone(),
            blocked_images: self.blocked_images.clone(),
            collateral_tags: self.collateral_tags.clone(),
            following_subject: self.following_subject.clone(),
        }
    }

    /// The digests this preview expires (what [`crate::EcrClient::expire_images`] deletes).
    pub fn expiring_digests(&self) -> Vec<&str> {
        self.preview_results
            .iter()
            .filter(|r| r.action.action_type == ActionType::Expire)
            .map(|r| &*r.image_digest)
            .collect()
    }

    /// The program's JSON document: this preview plus the policy's lint `warnings`.
    pub fn to_document(&self, warnings: &[Warning]) -> Value {
        serde_json::to_value(self.document(warnings)).unwrap_or_else(|_| json!({}))
    }

    /// [`Preview::to_document`] as compact JSON text, byte for byte `to_document(warnings).to_string()`, written
    /// straight from the serde types (no [`Value`] tree): what the bindings hand to the host language's own
    /// JSON parser, much faster than building the document node by node.
    ///
    /// With 4096 results or more and two cores, a second thread writes the second half of `previewResults` and
    /// the rest of the document meanwhile: reading the results' strings, scattered over the evaluated images, is
    /// most of the time, and this halves it. It serves the bindings' goal of reading every result of a kept preview
    /// within 2× Rust's evaluation + [`Preview::into_owned`] (benches/README.md, "The bindings").
    pub fn to_document_string(&self, warnings: &[Warning]) -> String {
        let one_thread = || serde_json::to_string(&self.document(warnings)).unwrap_or_else(|_| "{}".to_owned());
        let results = &self.preview_results;
        // Only large documents ask for the core count (a system call, reading cgroup limits on Linux).
        let two_cores = || std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
        if results.len() < PARALLEL_MIN_RESULTS || !two_cores() {
            return one_thread();
        }
        let (head, tail) = results.split_at(results.len() / 2);
        let (out, tail) = std::thread::scope(|scope| {
            // The second half of the results, then `{"previewResults":[]` + the rest of the document.
            let tail = scope.spawn(|| {
                let mut text = Vec::with_capacity(tail.len() * 256);
                serde_json::to_writer(&mut text, tail).ok()?;
                let rest = serde_json::to_string(&self.without_results().document(warnings)).ok()?;
                // Checked as UTF-8 here, while the calling thread checks the first half.
                Some((String::from_utf8(text).ok()?, rest))
            });
            // Room for the whole document, so that adding the second half and the rest copies nothing else.
            let mut out = Vec::with_capacity((results.len() + self.collateral_tags.len()) * 256 + 4096);
            out.extend_from_slice(br#"{"previewResults":"#);
            let head = serde_json::to_writer(&mut out, head);
            (head.map(|()| out), tail.join())
        });
        let (Ok(mut head), Ok(Some((tail, rest)))) = (out, tail) else {
            return one_thread();
        };
        let Some(after) = rest.strip_prefix(r#"{"previewResults":[]"#) else {
            return one_thread();
        };
        // `[a,b]` + `[c,d]` -> `[a,b,c,d]`, then the rest.
        head.pop();
        head.push(b',');
        let Ok(mut text) = String::from_utf8(head) else {
            return one_thread();
        };
        text.reserve_exact(tail.len() - 1 + after.len());
        text.push_str(&tail[1..]);
        text.push_str(after);
        text
    }

    /// The program's JSON document as a serde value: this preview plus the policy's lint `warnings`, for
    /// serializers other than serde_json (the Python binding builds its dicts from it).
    pub fn document<'s>(&'s self, warnings: &'s [Warning]) -> PreviewDocument<'s, 'a> {
        PreviewDocument {
            preview: self,
            warnings,
        }
    }
}

/// From this many results on, [`Preview::to_document_string`] writes them on two threads.
const PARALLEL_MIN_RESULTS: usize = 4096;

/// The program's document shape: the preview's keys in order, then `warnings` ([`Preview::document`]).
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "LifecyclePreview")]
pub struct PreviewDocument<'s, 'a> {
    #[serde(flatten)]
    preview: &'s Preview<'a>,
    /// The policy's lint warnings.
    warnings: &'s [Warning],
}

/// The program's validation document: `{"errors": [{path, message}], "warnings": [...]}` (errors empty when
/// the policy is valid). Errors other than policy validation become one error at path `""`.
pub fn validation_document(result: &Result<Parsed>) -> Value {
    let document = match result {
        Ok(parsed) => Validation {
            errors: Vec::new(),
            warnings: parsed.warnings.clone(),
        },
        Err(Error::PolicyValidation { errors, .. }) => Validation {
            errors: errors.clone(),
            warnings: Vec::new(),
        },
        Err(other) => Validation {
            errors: vec![crate::error::FieldError {
                path: String::new(),
                message: other.to_string(),
            }],
            warnings: Vec::new(),
        },
    };
    serde_json::to_value(document).unwrap_or_else(|_| json!({}))
}

/// The shape of [`validation_document`].
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "LifecycleValidation")]
pub(crate) struct Validation {
    /// What makes the policy invalid (empty when it is valid).
    errors: Vec<crate::error::FieldError>,
    /// Lint warnings of a valid policy.
    warnings: Vec<Warning>,
}

mod api_action {
    use super::ActionType;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(a: &ActionType, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(a.api_name())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<ActionType, D::Error> {
        let s = String::deserialize(d)?;
        match s.to_ascii_uppercase().as_str() {
            "EXPIRE" => Ok(ActionType::Expire),
            "TRANSITION" => Ok(ActionType::Transition),
            _ => Err(serde::de::Error::custom(format!("unknown action type {s:?}"))),
        }
    }
}

pub(crate) fn class_from_api(s: &str) -> Option<StorageClass> {
    match s.to_ascii_uppercase().as_str() {
        "STANDARD" => Some(StorageClass::Standard),
        "ARCHIVE" => Some(StorageClass::Archive),
        _ => None,
    }
}

mod api_class {
    use super::StorageClass;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(c: &StorageClass, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(c.api_name())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<StorageClass, D::Error> {
        let s = String::deserialize(d)?;
        super::class_from_api(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown storage class {s:?}")))
    }
}

mod api_class_opt {
    use super::StorageClass;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(c: &Option<StorageClass>, s: S) -> Result<S::Ok, S::Error> {
        match c {
            Some(c) => s.serialize_str(c.api_name()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<StorageClass>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(s) => super::class_from_api(&s)
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom(format!("unknown storage class {s:?}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::lifecycle::{EvaluationContext, LifecyclePolicy, WarningKind, parse_images};

    fn action(action_type: ActionType, target_storage_class: Option<StorageClass>) -> PreviewAction {
        PreviewAction {
            action_type,
            target_storage_class,
        }
    }

    /// Every field of every part, optional ones both present and absent, text needing escapes.
    fn full_preview() -> Preview<'static> {
        let expire = action(ActionType::Expire, None);
        let archive = action(ActionType::Transition, Some(StorageClass::Archive));
        Preview {
            preview_results: vec![
                PreviewResult {
                    image_tags: vec!["v1".into(), "quote\"back\\slash\u{1}é".into()].into(),
                    image_digest: "sha256:aa".into(),
                    image_pushed_at: time::from_json(&json!("2026-05-28T20:26:40.123Z")),
                    action: expire,
                    applied_rule_priority: 1,
                    storage_class: StorageClass::Standard,
                },
                PreviewResult {
                    image_tags: vec![].into(),
                    image_digest: "sha256:bb".into(),
                    image_pushed_at: None,
                    action: archive,
                    applied_rule_priority: u32::MAX,
                    storage_class: StorageClass::Archive,
                },
            ],
            summary: PreviewSummary {
                expiring_image_total_count: 1,
                transitioning_image_total_counts: vec![TransitioningCount {
                    target_storage_class: StorageClass::Archive,
                    image_total_count: 1,
                }],
            },
            reclaimed_bytes: ReclaimedBytes {
                expire: u64::MAX,
                transition: 0,
            },
            protected_images: vec![SkippedImage {
                image_digest: "sha256:cc".into(),
                image_tags: vec!["prod".into()],
                rule_priority: 2,
                action: expire,
                reason: SkipReason::Protected,
                referenced_by: vec![],
            }],
            blocked_images: vec![SkippedImage {
                image_digest: "sha256:dd".into(),
                image_tags: vec![],
                rule_priority: 3,
                action: archive,
                reason: SkipReason::ReferencedByManifestList,
                referenced_by: vec!["sha256:ee".into()],
            }],
            collateral_tags: vec![CollateralTags {
                image_digest: "sha256:aa".into(),
                applied_rule_priority: 1,
                matched_tags: vec!["v1".into()],
                collateral_tags: vec!["latest".into()],
            }],
            following_subject: vec![FollowingSubject {
                image_digest: "sha256:ff".into(),
                image_tags: vec![],
                subject_manifest_digest: "sha256:aa".into(),
                action: expire,
                subject_rule_priority: 1,
            }],
        }
    }

    #[test]
    fn document_string_is_the_document_serialised() {
        let warnings = [Warning {
            kind: WarningKind::ShadowedRule,
            path: "rules[1]".into(),
            message: "never acts \"here\"".into(),
        }];
        for (preview, warnings) in [
            (full_preview(), &warnings[..]),
            (full_preview(), &[][..]),
            (Preview::default(), &warnings[..]),
            (Preview::default(), &[][..]),
        ] {
            let text = preview.to_document_string(warnings);
            assert_eq!(text, preview.to_document(warnings).to_string());
            let keys: Vec<String> = serde_json::from_str::<Value>(&text)
                .unwrap()
                .as_object()
                .unwrap()
                .keys()
                .cloned()
                .collect();
            assert_eq!(keys.last().map(String::as_str), Some("warnings"));
        }
    }

    #[test]
    fn without_results_keeps_everything_but_the_results() {
        let preview = full_preview();
        let rest = preview.without_results();
        assert!(rest.preview_results.is_empty());
        let restored = Preview {
            preview_results: preview.preview_results.clone(),
            ..rest
        };
        assert_eq!(restored, preview);
    }

    /// The same over every evaluation case of the shared fixtures (with their lint warnings).
    #[test]
    fn document_string_matches_every_fixture_case() {
        let path = format!("{}/../fixtures/lifecycle/evaluation.json", env!("CARGO_MANIFEST_DIR"));
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let cases = doc["cases"].as_array().unwrap();
        assert!(!cases.is_empty());
        for case in cases {
            let parsed = LifecyclePolicy::parse(&case["policy"].to_string()).unwrap();
            let images = parse_images(&case["images"].to_string()).unwrap();
            let mut context = EvaluationContext::new(time::from_json(&case["now"]).unwrap());
            if let Some(p) = case.get("protected") {
                context = context.protect(p.as_array().unwrap().iter().map(|d| d.as_str().unwrap().to_owned()));
            }
            if let Some(lists) = case.get("manifestLists") {
                for (list, children) in lists.as_object().unwrap() {
                    let children = children.as_array().unwrap().iter();
                    context =
                        context.manifest_list(list.clone(), children.map(|c| c.as_str().unwrap().to_owned()).collect());
                }
            }
            let preview = parsed.policy.evaluate(&images, &context);
            assert_eq!(
                preview.to_document_string(&parsed.warnings),
                preview.to_document(&parsed.warnings).to_string(),
                "{}",
                case["name"]
            );
        }
    }
}
