//! The cases the suite runs: the lifecycle fixtures (evaluation and validation) read from the fixtures
//! folder, and the built-in tag mutability exclusion filter cases.

use std::path::Path;

use serde_json::Value;

use crate::error::{Error, FieldError, Result};
use crate::types::TagMutability;

/// One image of a lifecycle case, as the suite pushes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseImage {
    /// The fixture's name for it (its `imageDigest`, e.g. `sha256:a`): the report names images by it.
    pub label: String,
    /// Its tags (none: pushed untagged).
    pub tags: Vec<String>,
}

/// A lifecycle evaluation case: a policy and images pushed oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifecycleCase {
    /// The fixture's name.
    pub name: String,
    /// The policy text, serialised compactly.
    pub policy_text: String,
    /// The images in push order (the fixture's `imagePushedAt` order; archived and restoring images, which
    /// a push cannot create, are left out).
    pub images: Vec<CaseImage>,
}

/// A lifecycle validation case: a policy text ecr-core accepts or rejects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationCase {
    /// The fixture's name.
    pub name: String,
    /// The exact text sent to `PutLifecyclePolicy`.
    pub policy_text: String,
}

/// A tag mutability case: a repository setting, its exclusion filters, and the tags tried on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagCase {
    /// The mutability setting.
    pub mutability: TagMutability,
    /// The `WILDCARD` exclusion filters.
    pub filters: Vec<String>,
    /// Each tag is pushed, then pushed again on another image: ECR either moves it or refuses.
    pub tags: Vec<String>,
}

/// Every case of a run.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Corpus {
    /// Lifecycle evaluation cases.
    pub lifecycle: Vec<LifecycleCase>,
    /// Lifecycle validation cases.
    pub validation: Vec<ValidationCase>,
    /// Tag mutability cases.
    pub tagging: Vec<TagCase>,
}

impl Corpus {
    /// Reads `lifecycle/evaluation.json` and `lifecycle/validation.json` from the fixtures folder, with the
    /// built-in tag cases ([`Corpus::tag_cases`]).
    pub fn load(fixtures: &Path) -> Result<Corpus> {
        let evaluation = read_cases(&fixtures.join("lifecycle").join("evaluation.json"))?;
        let validation = read_cases(&fixtures.join("lifecycle").join("validation.json"))?;
        Ok(Corpus {
            lifecycle: evaluation
                .iter()
                .enumerate()
                .map(|(i, c)| lifecycle_case(i, c))
                .collect::<Result<_>>()?,
            validation: validation
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    Ok(ValidationCase {
                        name: name(i, c, "validation.json")?,
                        policy_text: policy_text(i, c, "validation.json")?,
                    })
                })
                .collect::<Result<_>>()?,
            tagging: Corpus::tag_cases(),
        })
    }

    /// The tag cases: the documented `dev-*` style, a bare name (exact match or prefix?), wildcards inside
    /// and at the start, case, and the empty tail of `*`, under both `*_WITH_EXCLUSION` settings.
    pub fn tag_cases() -> Vec<TagCase> {
        let case = |mutability, filters: &[&str], tags: &[&str]| TagCase {
            mutability,
            filters: filters.iter().map(|s| (*s).to_owned()).collect(),
            tags: tags.iter().map(|s| (*s).to_owned()).collect(),
        };
        vec![
            case(
                TagMutability::ImmutableWithExclusion,
                &["dev-*", "latest"],
                &[
                    "dev-1", "dev-", "devops", "xdev-1", "DEV-1", "latest", "latest-2", "v1.0.0",
                ],
            ),
            case(
                TagMutability::MutableWithExclusion,
                &["v*.*.*", "*-rc*", "a*b*c"],
                &["v1.2.3", "v1.2", "1.2.3-rc.1", "rc1", "aXbYbZc", "aXbYbZ", "latest"],
            ),
        ]
    }

    /// How many images, repositories, previews and scans a run of `areas` makes (the cost statement).
    pub fn footprint(&self, areas: &[super::Area]) -> Footprint {
        use super::Area;
        let has = |a| areas.contains(&a);
        let mut f = Footprint::default();
        if has(Area::Lifecycle) {
            f.repositories += self.lifecycle.len();
            f.images += self.lifecycle.iter().map(|c| c.images.len()).sum::<usize>();
            f.lifecycle_previews += self.lifecycle.len();
        }
        if has(Area::Validation) {
            f.repositories += 1;
        }
        if has(Area::Tagging) {
            f.repositories += self.tagging.len();
            f.images += 2 * self.tagging.iter().map(|c| c.tags.len()).sum::<usize>();
        }
        if has(Area::Scan) || has(Area::Auth) {
            f.repositories += 1;
            f.images += 1;
        }
        if has(Area::Scan) {
            f.basic_scans += 1;
        }
        f
    }
}

/// What a run creates (see [`Corpus::footprint`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Footprint {
    /// Scratch repositories.
    pub repositories: usize,
    /// Images pushed (about 1.5 KB each).
    pub images: usize,
    /// Lifecycle policy previews.
    pub lifecycle_previews: usize,
    /// Basic scans.
    pub basic_scans: usize,
}

fn read_cases(path: &Path) -> Result<Vec<Value>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let doc: Value =
        serde_json::from_str(&text).map_err(|e| Error::invalid(path.display().to_string(), e.to_string()))?;
    match doc.get("cases") {
        Some(Value::Array(cases)) => Ok(cases.clone()),
        _ => Err(Error::invalid(path.display().to_string(), "has no \"cases\" array")),
    }
}

fn bad(file: &str, path: String, message: &str) -> Error {
    Error::PolicyValidation {
        what: format!("conformance corpus {file}"),
        errors: vec![FieldError::new(path, message)],
    }
}

fn name(i: usize, case: &Value, file: &str) -> Result<String> {
    case.get("name")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| bad(file, format!("cases[{i}].name"), "must be a string"))
}

/// `policyText` as given, or `policy` serialised compactly.
fn policy_text(i: usize, case: &Value, file: &str) -> Result<String> {
    match (case.get("policyText"), case.get("policy")) {
        (Some(Value::String(text)), _) => Ok(text.clone()),
        (None, Some(policy)) => Ok(policy.to_string()),
        _ => Err(bad(
            file,
            format!("cases[{i}]"),
            "needs a policy object or a policyText string",
        )),
    }
}

fn lifecycle_case(i: usize, case: &Value) -> Result<LifecycleCase> {
    const FILE: &str = "evaluation.json";
    let Some(Value::Array(images)) = case.get("images") else {
        return Err(bad(FILE, format!("cases[{i}].images"), "must be an array"));
    };
    let mut pushed: Vec<(String, CaseImage)> = Vec::new();
    for (j, image) in images.iter().enumerate() {
        let status = image.get("imageStatus").and_then(Value::as_str).unwrap_or("ACTIVE");
        if status != "ACTIVE" {
            continue;
        }
        let label = image
            .get("imageDigest")
            .and_then(Value::as_str)
            .ok_or_else(|| bad(FILE, format!("cases[{i}].images[{j}].imageDigest"), "must be a string"))?;
        let tags = image
            .get("imageTags")
            .and_then(Value::as_array)
            .map(|t| t.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default();
        // RFC 3339 instants in UTC with the same layout sort as text; images without one are newest.
        let pushed_at = image
            .get("imagePushedAt")
            .and_then(Value::as_str)
            .unwrap_or("~")
            .to_owned();
        pushed.push((
            pushed_at,
            CaseImage {
                label: label.to_owned(),
                tags,
            },
        ));
    }
    pushed.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(LifecycleCase {
        name: name(i, case, FILE)?,
        policy_text: policy_text(i, case, FILE)?,
        images: pushed.into_iter().map(|(_, image)| image).collect(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn fixtures() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
    }

    #[test]
    fn loads_the_lifecycle_fixtures_in_push_order() {
        let corpus = Corpus::load(&fixtures()).unwrap();
        assert!(corpus.lifecycle.len() >= 20, "{}", corpus.lifecycle.len());
        assert!(corpus.validation.len() >= 80, "{}", corpus.validation.len());
        let first = &corpus.lifecycle[0];
        assert_eq!(first.name, "multiple rules, example A");
        let labels: Vec<&str> = first.images.iter().map(|i| i.label.as_str()).collect();
        assert_eq!(labels, ["sha256:a", "sha256:b", "sha256:c"]);
        assert_eq!(first.images[0].tags, ["beta-1", "prod-1"]);
        // Archived images cannot be pushed: they are left out.
        let archive = corpus
            .lifecycle
            .iter()
            .find(|c| c.name == "archive production images older than 30 days")
            .unwrap();
        assert!(archive.images.len() < 4, "{archive:?}");
    }

    #[test]
    fn bad_corpus_files_name_the_field() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("lifecycle")).unwrap();
        std::fs::write(
            dir.path().join("lifecycle/evaluation.json"),
            r#"{"cases":[{"name":"x"}]}"#,
        )
        .unwrap();
        std::fs::write(dir.path().join("lifecycle/validation.json"), r#"{"cases":[]}"#).unwrap();
        let err = Corpus::load(dir.path()).unwrap_err();
        assert!(err.to_string().contains("cases[0].images"), "{err}");
        let missing = Corpus::load(&dir.path().join("nowhere")).unwrap_err();
        assert_eq!(missing.code(), "Io");
    }
}
