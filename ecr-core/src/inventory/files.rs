//! Sources read from files: a Kubernetes snapshot (`kubectl get pods,deployments,replicasets,statefulsets,
//! daemonsets,jobs,cronjobs -A -o json`) and a plain JSON array of image URIs.

use serde_json::Value;

use crate::error::{Error, Result};

use super::model::{Usage, UsageKind};
use super::sighting::Sighting;

/// Controller kinds whose pod template is read, and where the pod spec sits in each.
const TEMPLATES: [(&str, &[&str]); 6] = [
    ("Deployment", &["spec", "template", "spec"]),
    ("ReplicaSet", &["spec", "template", "spec"]),
    ("StatefulSet", &["spec", "template", "spec"]),
    ("DaemonSet", &["spec", "template", "spec"]),
    ("Job", &["spec", "template", "spec"]),
    ("CronJob", &["spec", "jobTemplate", "spec", "template", "spec"]),
];

/// Container lists of a pod spec.
const CONTAINER_LISTS: [&str; 3] = ["containers", "initContainers", "ephemeralContainers"];

/// Container status lists of a pod.
const STATUS_LISTS: [&str; 3] = [
    "containerStatuses",
    "initContainerStatuses",
    "ephemeralContainerStatuses",
];

fn usage(kind: UsageKind, name: String, reference: &str, since: Option<&Value>) -> Usage {
    Usage {
        kind,
        name,
        account: None,
        region: None,
        reference: Some(reference.to_owned()),
        since: since.and_then(crate::time::from_json),
        via: None,
    }
}

fn at<'v>(value: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(value, |v, key| v.get(key))
}

/// The sightings of a Kubernetes snapshot: running pods by the digest of `imageID`, every pod's and
/// controller's containers by reference. `path` names the file in errors.
pub(crate) fn kubernetes(text: &str, path: &str) -> Result<Vec<Sighting>> {
    let doc: Value = serde_json::from_str(text).map_err(|e| Error::invalid(path, format!("not JSON: {e}")))?;
    let items = match doc.get("items").and_then(Value::as_array) {
        Some(items) => items,
        None if doc.get("kind").is_some() => std::slice::from_ref(&doc),
        None => {
            return Err(Error::invalid(
                path,
                "expected a Kubernetes List with `items` (kubectl get ... -o json)",
            ));
        }
    };
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let kind = item
            .get("kind")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::invalid(path, format!("items[{i}].kind is missing")))?;
        let meta = item.get("metadata");
        let field = |k: &str| meta.and_then(|m| m.get(k)).and_then(Value::as_str).unwrap_or("");
        let name = format!("{}/{kind}/{}", field("namespace"), field("name"));
        let spec_path: &[&str] = if kind == "Pod" {
            &["spec"]
        } else if let Some((_, p)) = TEMPLATES.iter().find(|(k, _)| *k == kind) {
            p
        } else {
            continue;
        };
        let created = meta.and_then(|m| m.get("creationTimestamp"));
        let controller = if kind == "Pod" {
            UsageKind::KubernetesPod
        } else {
            UsageKind::KubernetesController
        };
        if let Some(spec) = at(item, spec_path) {
            for list in CONTAINER_LISTS {
                for (j, c) in spec
                    .get(list)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .enumerate()
                {
                    let image = c.get("image").and_then(Value::as_str).ok_or_else(|| {
                        Error::invalid(path, format!("items[{i}] ({name}): {list}[{j}].image is missing"))
                    })?;
                    out.push(Sighting {
                        reference: image.to_owned(),
                        digest: None,
                        usage: usage(controller, name.clone(), image, created),
                    });
                }
            }
        }
        if kind != "Pod" {
            continue;
        }
        let started = at(item, &["status", "startTime"]).or(created);
        for list in STATUS_LISTS {
            for status in at(item, &["status", list])
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let image = status.get("image").and_then(Value::as_str).unwrap_or_default();
                let id = status.get("imageID").and_then(Value::as_str).unwrap_or_default();
                let Some(digest) = super::sighting::digest_of(id) else {
                    continue;
                };
                out.push(Sighting {
                    reference: if image.is_empty() {
                        id.to_owned()
                    } else {
                        image.to_owned()
                    },
                    digest: Some(digest),
                    usage: usage(UsageKind::KubernetesPod, name.clone(), id, started),
                });
            }
        }
    }
    Ok(out)
}

/// The sightings of a JSON array of image URIs (ecrm's "scanned files").
pub(crate) fn uri_list(text: &str, path: &str) -> Result<Vec<Sighting>> {
    let doc: Value = serde_json::from_str(text).map_err(|e| Error::invalid(path, format!("not JSON: {e}")))?;
    let items = doc
        .as_array()
        .ok_or_else(|| Error::invalid(path, "expected a JSON array of image URIs"))?;
    items
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let uri = v
                .as_str()
                .filter(|s| !s.trim().is_empty())
                .ok_or_else(|| Error::invalid(path, format!("[{i}] is not an image URI string: {v}")))?;
            Ok(Sighting {
                reference: uri.to_owned(),
                digest: None,
                usage: Usage {
                    kind: UsageKind::File,
                    name: path.to_owned(),
                    account: None,
                    region: None,
                    reference: Some(uri.to_owned()),
                    since: None,
                    via: None,
                },
            })
        })
        .collect()
}
