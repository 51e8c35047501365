//! `LifecyclePreview.to_dict()`, built fast. Going through a `serde_json::Value` tree cost about 25 times the
//! evaluation on 100k images, nearly all of it in the results; so the results' dicts are built here directly
//! (keys interned once, actions copied from one dict per distinct action), and only the rest of the document
//! goes through the tree. The dict equals `json.loads(preview.to_document_string(warnings))`, key order
//! included.

use ecr_core::lifecycle::{Preview, PreviewAction, PreviewResult, StorageClass, Warning};
use ecr_core::time::write_rfc3339;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use crate::conversions::{Json, to_py};

/// The `lifecycle_preview` program's document for `preview` and `warnings`, as Python objects.
pub(crate) fn preview_dict<'py>(
    py: Python<'py>,
    preview: &Preview<'_>,
    warnings: &[Warning],
) -> PyResult<Bound<'py, PyAny>> {
    let document = to_py(py, &preview.without_results().to_document(warnings))?;
    document.set_item(
        intern!(py, "previewResults"),
        results_list(py, &preview.preview_results)?,
    )?;
    Ok(document)
}

/// ECR's `previewResults`: one dict per result, keys in the API's order.
fn results_list<'py>(py: Python<'py>, results: &[PreviewResult<'_>]) -> PyResult<Bound<'py, PyList>> {
    let mut actions: Vec<(PreviewAction, Bound<'py, PyDict>)> = Vec::new();
    let mut classes: Vec<(StorageClass, Bound<'py, PyString>)> = Vec::new();
    let mut pushed = String::with_capacity(32);
    let list = PyList::empty(py);
    for r in results {
        let dict = PyDict::new(py);
        let tags = PyList::new(py, r.image_tags.iter().map(|t| PyString::new(py, t)))?;
        dict.set_item(intern!(py, "imageTags"), tags)?;
        dict.set_item(intern!(py, "imageDigest"), PyString::new(py, &r.image_digest))?;
        match &r.image_pushed_at {
            Some(t) => {
                pushed.clear();
                write_rfc3339(t, &mut pushed);
                dict.set_item(intern!(py, "imagePushedAt"), PyString::new(py, &pushed))?;
            }
            None => dict.set_item(intern!(py, "imagePushedAt"), py.None())?,
        }
        let action = match actions.iter().find(|(a, _)| *a == r.action) {
            Some((_, d)) => d.copy()?,
            None => {
                let d = to_py(py, &Json::of(&r.action).map_err(PyErr::from)?.0)?.cast_into::<PyDict>()?;
                actions.push((r.action, d.copy()?));
                d
            }
        };
        dict.set_item(intern!(py, "action"), action)?;
        dict.set_item(intern!(py, "appliedRulePriority"), r.applied_rule_priority)?;
        let class = match classes.iter().find(|(c, _)| *c == r.storage_class) {
            Some((_, name)) => name.clone(),
            None => {
                let name = PyString::intern(py, r.storage_class.api_name());
                classes.push((r.storage_class, name.clone()));
                name
            }
        };
        dict.set_item(intern!(py, "storageClass"), class)?;
        list.append(dict)?;
    }
    Ok(list)
}
