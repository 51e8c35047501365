//! A plan as docker/metadata-action's outputs (<https://github.com/docker/metadata-action#outputs>), so a
//! workflow can use ecr-core where it used the action: `version`, `tags` and `tag-names` (with the image
//! names), `labels` and `annotations` as `key=value` lines (annotations prefixed with each level,
//! `manifest:` by default), and `json`, the action's JSON output.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::context::BuildContext;
use super::plan::TagPlan;
use super::strategy::{TagStrategy, csv_fields, split_field};
use crate::error::{Error, FieldError, Result};

/// The OCI keys metadata-action always writes, empty when unknown.
const OCI_KEYS: [&str; 8] = [
    "created",
    "description",
    "licenses",
    "revision",
    "source",
    "title",
    "url",
    "version",
];

/// One entry of the action's `images` input.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Image {
    name: String,
    enable: bool,
}

/// Reads the `images` lines as the action does: `name[,enable=false]` or `name=<name>,enable=<bool>`; a
/// single line of bare names separated by commas is a list of images. Names are lowercased.
fn parse_images(lines: &[String]) -> Result<Vec<String>> {
    let mut images = Vec::new();
    let mut errors = Vec::new();
    let fields: Vec<Vec<String>> = lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| match csv_fields(l) {
            Ok(f) => Some(f),
            Err(m) => {
                errors.push(FieldError::new(format!("images[{i}]"), m));
                None
            }
        })
        .collect();
    if let [only] = fields.as_slice()
        && only.iter().all(|f| split_field(f).is_none())
    {
        images.extend(only.iter().map(|n| Image {
            name: n.trim().to_owned(),
            enable: true,
        }));
    } else {
        for (i, line) in fields.iter().enumerate() {
            match parse_image(line) {
                Ok(image) => images.push(image),
                Err(m) => errors.push(FieldError::new(format!("images[{i}]"), m)),
            }
        }
    }
    if !errors.is_empty() {
        return Err(Error::PolicyValidation {
            what: "images".to_owned(),
            errors,
        });
    }
    Ok(images
        .into_iter()
        .filter(|i| i.enable && !i.name.is_empty())
        .map(|i| i.name.to_lowercase())
        .collect())
}

fn parse_image(fields: &[String]) -> std::result::Result<Image, String> {
    let mut image = Image {
        name: String::new(),
        enable: true,
    };
    for field in fields {
        match split_field(field) {
            None => image.name = field.trim().to_owned(),
            Some((k, v)) => match k.to_ascii_lowercase().as_str() {
                "name" => image.name = v.to_owned(),
                "enable" => {
                    image.enable = match v {
                        "true" => true,
                        "false" => false,
                        _ => return Err(format!("enable must be true or false, not {v:?}")),
                    }
                }
                other => return Err(format!("unknown image attribute {other:?} (expected name, enable)")),
            },
        }
    }
    if image.name.is_empty() {
        return Err("the image name is empty".to_owned());
    }
    Ok(image)
}

/// Orders keys as JavaScript's `localeCompare` does for label keys: letters without regard to case, then
/// lower case first; punctuation before digits and letters, `_` before `-` before `.`.
fn locale_order(a: &str, b: &str) -> Ordering {
    fn weight(c: char) -> (u8, u32) {
        match c {
            '_' => (0, 0),
            '-' => (0, 1),
            ',' => (0, 2),
            ';' => (0, 3),
            ':' => (0, 4),
            '!' => (0, 5),
            '?' => (0, 6),
            '.' => (0, 7),
            c if c.is_alphanumeric() => (1, c.to_lowercase().next().unwrap_or(c) as u32),
            c => (0, 100 + c as u32),
        }
    }
    a.chars().map(weight).cmp(b.chars().map(weight)).then_with(|| {
        a.chars()
            .map(|c| c.is_uppercase())
            .cmp(b.chars().map(|c| c.is_uppercase()))
    })
}

/// `key=value` lines with metadata-action's eight OCI keys always present, in the action's order.
fn lines(map: &BTreeMap<String, String>, created: Option<&str>) -> Vec<String> {
    let mut all = map.clone();
    for key in OCI_KEYS {
        all.entry(format!("org.opencontainers.image.{key}")).or_default();
    }
    if let Some(ms) = created {
        // The action writes the build time with milliseconds (JavaScript's toISOString).
        all.entry("org.opencontainers.image.created".to_owned())
            .and_modify(|v| {
                if ms.starts_with(v.trim_end_matches('Z')) {
                    *v = ms.to_owned();
                }
            });
    }
    let mut pairs: Vec<(String, String)> = all.into_iter().collect();
    pairs.sort_by(|a, b| locale_order(&a.0, &b.0));
    pairs.into_iter().map(|(k, v)| format!("{k}={v}")).collect()
}

/// The plan as metadata-action's outputs: `{"version", "tags", "tag-names", "labels", "annotations",
/// "json"}`, each output a list of its lines (the action joins them with a newline) and `json` the action's
/// JSON output. `images` are the action's `images` lines; `levels` its `DOCKER_METADATA_ANNOTATIONS_LEVELS`
/// (default `manifest`).
pub fn metadata_action_outputs(plan: &TagPlan, images: &[String], levels: &[String]) -> Result<Value> {
    let images = parse_images(images)?;
    let names: Vec<String> = plan.tag_values().map(str::to_owned).collect();
    let tags: Vec<String> = if images.is_empty() {
        names.clone()
    } else {
        images
            .iter()
            .flat_map(|i| names.iter().map(move |t| format!("{i}:{t}")))
            .collect()
    };
    let created = plan
        .created
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
    let labels = lines(&plan.labels, created.as_deref());
    let default_levels = ["manifest".to_owned()];
    let levels = if levels.is_empty() { &default_levels[..] } else { levels };
    let annotation_lines = lines(&plan.annotations, created.as_deref());
    let annotations: Vec<String> = levels
        .iter()
        .flat_map(|l| annotation_lines.iter().map(move |a| format!("{}:{a}", l.trim())))
        .collect();
    let label_map: serde_json::Map<String, Value> = labels
        .iter()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), Value::from(v)))
        .collect();
    Ok(json!({
        "version": plan.version.clone().unwrap_or_default(),
        "tags": tags,
        "tag-names": names,
        "labels": labels,
        "annotations": annotations,
        "json": {
            "tags": tags,
            "tag-names": names,
            "labels": label_map,
            "annotations": annotations,
        },
    }))
}

impl TagStrategy {
    /// Plans `context` (without the repository's tags) and returns [`metadata_action_outputs`].
    pub fn metadata_action_outputs(
        &self,
        context: &BuildContext,
        images: &[String],
        levels: &[String],
    ) -> Result<Value> {
        let plan = self.plan(context, std::iter::empty())?;
        metadata_action_outputs(&plan, images, levels)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_read_as_the_action_reads_them() {
        let one = parse_images(&["user/app,ghcr.io/MyUSER/MyApp".to_owned()]).unwrap();
        assert_eq!(one, ["user/app", "ghcr.io/myuser/myapp"]);
        let lines = parse_images(&["name=user/app".to_owned(), "ghcr.io/user/app,enable=false".to_owned()]).unwrap();
        assert_eq!(lines, ["user/app"]);
        let err = parse_images(&["user/app".to_owned(), "x,enable=maybe".to_owned()]).unwrap_err();
        assert_eq!(err.field_errors()[0].path, "images[1]");
    }

    #[test]
    fn keys_sort_like_locale_compare() {
        let mut keys = vec!["org.b", "Maintainer", "foo", "org_a", "org-a", "org.a", "maintainer"];
        keys.sort_by(|a, b| locale_order(a, b));
        assert_eq!(
            keys,
            ["foo", "maintainer", "Maintainer", "org_a", "org-a", "org.a", "org.b"]
        );
    }
}
