//! `LifecyclePreview.to_dict()`: the preview document as dicts, its `previewResults` built directly.
//!
//! This is a hand-written fast path. It serves the bindings' goal of evaluating to plain dicts within 1.5× of
//! Rust's evaluation plus plain Python building the same dicts (benches/README.md, "The bindings"), which
//! pythonize misses: pythonize makes a new key string for every field of every result, and every dict grows
//! key by key. Here each result dict is a copy of one template dict holding the interned keys, so it is made
//! at its final size with hashes already known; the action dicts are copies of one dict per distinct action,
//! and the storage class strings are shared. The rest of the document, small, is pythonize's.

use ecr_core::lifecycle::{Preview, PreviewAction, PreviewResult, StorageClass, Warning};
use ecr_core::time::write_rfc3339;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use crate::conversions::{gc_paused, pythonize_value};

/// The `lifecycle_preview` program's document as dicts, equal to pythonize of `preview.document(warnings)`
/// (keys in the same order).
pub(crate) fn preview_document<'py>(
    py: Python<'py>,
    preview: &Preview<'_>,
    warnings: &[Warning],
) -> PyResult<Bound<'py, PyAny>> {
    gc_paused(py, || {
        let document = pythonize_value(py, &preview.without_results().document(warnings))?;
        // The document's first key stays first: replacing a value keeps its key's place.
        let results = result_dicts(py, &preview.preview_results)?;
        document
            .cast::<PyDict>()?
            .set_item(intern!(py, "previewResults"), results)?;
        Ok(document)
    })
}

/// One dict per result, each with [`PreviewResult`]'s keys in its serde order.
fn result_dicts<'py>(py: Python<'py>, results: &[PreviewResult<'_>]) -> PyResult<Bound<'py, PyList>> {
    let [tags_key, digest_key, pushed_key, action_key, priority_key, class_key] = [
        intern!(py, "imageTags"),
        intern!(py, "imageDigest"),
        intern!(py, "imagePushedAt"),
        intern!(py, "action"),
        intern!(py, "appliedRulePriority"),
        intern!(py, "storageClass"),
    ];
    let template = PyDict::new(py);
    for key in [tags_key, digest_key, pushed_key, action_key, priority_key, class_key] {
        template.set_item(key, py.None())?;
    }
    let [standard, archive] = [StorageClass::Standard, StorageClass::Archive].map(|c| PyString::new(py, c.api_name()));
    let mut actions: Vec<(PreviewAction, Bound<'py, PyDict>)> = Vec::new();
    let mut stamp = String::with_capacity(32);
    let mut dicts = Vec::with_capacity(results.len());
    for result in results {
        let dict = template.copy()?;
        let tags = PyList::new(py, result.image_tags.iter().map(|tag| PyString::new(py, tag)))?;
        dict.set_item(tags_key, tags)?;
        dict.set_item(digest_key, PyString::new(py, &result.image_digest))?;
        if let Some(pushed_at) = &result.image_pushed_at {
            stamp.clear();
            write_rfc3339(pushed_at, &mut stamp);
            dict.set_item(pushed_key, PyString::new(py, &stamp))?;
        }
        let action = match actions.iter().find(|(known, _)| *known == result.action) {
            Some((_, action)) => action,
            None => {
                let action = pythonize_value(py, &result.action)?.cast_into::<PyDict>()?;
                actions.push((result.action, action));
                &actions[actions.len() - 1].1
            }
        };
        dict.set_item(action_key, action.copy()?)?;
        dict.set_item(priority_key, result.applied_rule_priority)?;
        dict.set_item(
            class_key,
            match result.storage_class {
                StorageClass::Standard => &standard,
                StorageClass::Archive => &archive,
            },
        )?;
        dicts.push(dict);
    }
    PyList::new(py, dicts)
}
