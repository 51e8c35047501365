//! A sighting: one image reference a source found, with the digest when the source knows it, and how it is
//! used. Sightings become inventory entries directly (digest known) or after tag resolution.

use crate::reference::ImageReference;

use super::model::{Builder, Usage};

/// One image reference found by a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sighting {
    /// The reference as the source wrote it.
    pub reference: String,
    /// The digest, when the source states it (ECS's pinned digest, Lambda's resolved URI, a pod's imageID).
    pub digest: Option<String>,
    /// Who uses it.
    pub usage: Usage,
}

/// A reference split into `repository URI`, tag and digest, for any registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Parts {
    pub repository_uri: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

/// Splits `name[:tag][@digest]` (any registry; a `docker-pullable://` style scheme is dropped).
pub(crate) fn split(reference: &str) -> Parts {
    let text = reference.split_once("://").map_or(reference, |(_, rest)| rest).trim();
    let (name, digest) = match text.split_once('@') {
        Some((n, d)) => (n, Some(d.to_owned())),
        None => (text, None),
    };
    let slash = name.rfind('/').map_or(0, |i| i + 1);
    let (repository_uri, tag) = match name[slash..].rfind(':') {
        Some(i) => (name[..slash + i].to_owned(), Some(name[slash + i + 1..].to_owned())),
        None => (name.to_owned(), None),
    };
    Parts {
        repository_uri,
        tag,
        digest,
    }
}

/// The digest of a reference, when it names a sha256 digest.
pub(crate) fn digest_of(reference: &str) -> Option<String> {
    split(reference)
        .digest
        .filter(|d| crate::reference::validate_digest(d).is_ok())
}

/// A reference to a private ECR registry (needed to resolve a tag or read an image's closure).
pub(crate) fn ecr_reference(reference: &str) -> Option<ImageReference> {
    let text = reference.split_once("://").map_or(reference, |(_, rest)| rest).trim();
    text.parse::<ImageReference>()
        .ok()
        .filter(|r| r.host().registry_id().is_some() && r.host().region().is_some())
}

/// What to do with a sighting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Next {
    /// Recorded in the builder with its digest.
    Recorded,
    /// An ECR reference by tag: resolve it.
    Resolve(ImageReference),
}

/// Records a sighting whose digest is known, records references that can never resolve as unresolved, and
/// returns the ECR tags left to resolve.
pub(crate) fn record(builder: &mut Builder, sighting: Sighting) -> Next {
    let parts = split(&sighting.reference);
    let digest = sighting
        .digest
        .clone()
        .filter(|d| crate::reference::validate_digest(d).is_ok())
        .or_else(|| digest_of(&sighting.reference));
    let ecr = ecr_reference(&sighting.reference);
    let repository = ecr
        .as_ref()
        .map(ImageReference::repository_uri)
        .unwrap_or(parts.repository_uri);
    if let Some(d) = digest {
        builder.add(&d, Some(&repository), sighting.usage);
        return Next::Recorded;
    }
    match ecr {
        Some(r) if r.tag().is_some() => Next::Resolve(r),
        Some(_) => {
            // An ECR reference without tag or digest means `latest`.
            match ecr_reference(&format!("{}:latest", sighting.reference.trim())) {
                Some(r) => Next::Resolve(r),
                None => {
                    builder.unresolved(&sighting.reference, "not a valid image reference", sighting.usage);
                    Next::Recorded
                }
            }
        }
        None => {
            builder.unresolved(
                &sighting.reference,
                "by tag in a registry that is not private ECR",
                sighting.usage,
            );
            Next::Recorded
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_references_of_any_registry() {
        let p = split("docker-pullable://nginx@sha256:ab");
        assert_eq!(
            (p.repository_uri.as_str(), p.tag, p.digest.as_deref()),
            ("nginx", None, Some("sha256:ab"))
        );
        let p = split("localhost:5000/team/app:v1");
        assert_eq!(
            (p.repository_uri.as_str(), p.tag.as_deref()),
            ("localhost:5000/team/app", Some("v1"))
        );
        let p = split("localhost:5000/team/app");
        assert_eq!((p.repository_uri.as_str(), p.tag), ("localhost:5000/team/app", None));
    }

    #[test]
    fn only_private_ecr_references_resolve() {
        assert!(ecr_reference("123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:v1").is_some());
        assert!(ecr_reference("public.ecr.aws/team/app:v1").is_none());
        assert!(ecr_reference("nginx:1.27").is_none());
    }
}
