//! [`Violation`]: one problem (or note) found in a tag plan, with a stable code.

use serde::{Deserialize, Serialize};

/// One problem found in a plan: a stable `code`, a message, and the tag concerned (if any).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(rename = "TagViolation")]
pub struct Violation {
    /// A stable code from [`codes`].
    pub code: String,
    /// What is wrong, in words a person can act on.
    pub message: String,
    /// The tag concerned, if the problem is about one tag.
    pub tag: Option<String>,
}

impl Violation {
    /// A violation with `code`.
    pub fn new(code: &str, message: impl Into<String>, tag: Option<String>) -> Self {
        Self {
            code: code.to_owned(),
            message: message.into(),
            tag,
        }
    }
}

/// The codes of [`Violation`]s (violations and warnings share one list).
pub mod codes {
    /// The policy forbids `latest` (production).
    pub const LATEST_FORBIDDEN: &str = "latest-forbidden";
    /// The plan has no immutable tag (no version, commit or build id): the image cannot be traced.
    pub const NO_IMMUTABLE_TAG: &str = "no-immutable-tag";
    /// The policy forbids rolling tags.
    pub const ROLLING_TAG_FORBIDDEN: &str = "rolling-tag-forbidden";
    /// A tag matches one of the policy's forbidden patterns.
    pub const TAG_FORBIDDEN: &str = "tag-forbidden";
    /// A tag breaks the OCI grammar or is longer than 128 characters.
    pub const INVALID_TAG: &str = "invalid-tag";
    /// A tag looks like a referrers-fallback or cosign tag (`sha256-<hex>[.sig|.att|.sbom]`).
    pub const RESERVED_TAG: &str = "reserved-tag";
    /// A version carries build metadata (`+`) and the strategy rejects it.
    pub const BUILD_METADATA: &str = "build-metadata";
    /// A rolling tag on a tag the repository keeps immutable: the next build will fail to push it.
    pub const ROLLING_TAG_IMMUTABLE: &str = "rolling-tag-immutable";
    /// An immutable tag already points at a different digest: retagging a rebuilt image.
    pub const RETAG_IMMUTABLE: &str = "retag-immutable";
    /// An immutable tag already exists and the digest being pushed is unknown.
    pub const IMMUTABLE_TAG_EXISTS: &str = "immutable-tag-exists";
    /// More than ECR's 1000 tags would be on one image.
    pub const TOO_MANY_TAGS: &str = "too-many-tags";
    /// (warning) The tag is already on this digest; on an immutable tag ECR refuses even this push, so skip it.
    pub const ALREADY_PRESENT: &str = "already-present";
    /// (warning) An immutable tag the repository does not protect (mutable setting or exclusion).
    pub const IMMUTABLE_TAG_UNPROTECTED: &str = "immutable-tag-unprotected";
    /// (warning) A rolling tag was withheld because a higher version is released on its line (backport).
    pub const ROLLING_TAG_WITHHELD: &str = "rolling-tag-withheld";
    /// (warning) A `semver` or `pep440` entry's value is not such a version, so it yields no tag.
    pub const NOT_SEMVER: &str = "not-semver";
    /// (warning) A `match` entry's pattern (or group) or a version entry's `match` finds nothing in the value.
    pub const NO_MATCH: &str = "no-match";
    /// (warning) A value left nothing valid after sanitising.
    pub const EMPTY_TAG: &str = "empty-tag";
    /// (warning) Two entries produce the same tag with different kinds.
    pub const DUPLICATE_TAG: &str = "duplicate-tag";
}
