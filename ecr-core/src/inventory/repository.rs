//! The closure within one repository, offline: from the digests in use, every image they need in that
//! repository — the children of a kept index, and the referrers of a kept digest, found by their
//! `subjectManifestDigest`, by the `sha256-<hex>` fallback tag (and that index's children) or by cosign's
//! `.sig` / `.att` / `.sbom` tags — repeated until nothing new appears.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::types::ImageDetail;

use super::model::UsageKind;

/// What keeps a digest that is not itself in use: how it is needed, and by which kept digest.
pub type Needed = BTreeMap<String, (UsageKind, String)>;

/// The images of a repository that `in_use` digests need (not including `in_use` themselves).
pub fn repository_closure(
    in_use: &BTreeSet<String>,
    images: &[ImageDetail],
    manifest_list_children: &BTreeMap<String, Vec<String>>,
) -> Needed {
    let mut by_subject: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut by_tag: HashMap<&str, &str> = HashMap::new();
    for image in images {
        if let Some(subject) = &image.subject_manifest_digest {
            by_subject.entry(subject).or_default().push(&image.image_digest);
        }
        for tag in &image.image_tags {
            by_tag.insert(tag, &image.image_digest);
        }
    }
    let present: BTreeSet<&str> = images.iter().map(|i| i.image_digest.as_str()).collect();
    let mut needed = Needed::new();
    let mut frontier: Vec<String> = in_use
        .iter()
        .filter(|d| present.contains(d.as_str()))
        .cloned()
        .collect();
    while let Some(kept) = frontier.pop() {
        let mut found: Vec<(String, UsageKind)> = Vec::new();
        for child in manifest_list_children.get(&kept).into_iter().flatten() {
            found.push((child.clone(), UsageKind::IndexChild));
        }
        for referrer in by_subject.get(kept.as_str()).into_iter().flatten() {
            found.push(((*referrer).to_owned(), UsageKind::Referrer));
        }
        if let Some(hex) = kept.strip_prefix("sha256:") {
            for suffix in ["", ".sig", ".att", ".sbom"] {
                let Some(tagged) = by_tag.get(format!("sha256-{hex}{suffix}").as_str()) else {
                    continue;
                };
                found.push(((*tagged).to_owned(), UsageKind::Referrer));
                // The fallback tag names an index of referrers: its children are referrers too.
                for child in manifest_list_children.get(*tagged).into_iter().flatten() {
                    found.push((child.clone(), UsageKind::Referrer));
                }
            }
        }
        for (digest, kind) in found {
            if in_use.contains(&digest) || needed.contains_key(&digest) {
                continue;
            }
            needed.insert(digest.clone(), (kind, kept.clone()));
            frontier.push(digest);
        }
    }
    needed
}
