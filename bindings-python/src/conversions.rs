//! Every conversion between Python objects and Rust values, in one place.
//!
//! Capability results are serde types; they cross into Python as the same JSON the example programs
//! print (`dict`/`list`/`str`/`int`/`float`/`bool`/`None`, camelCase keys, RFC 3339 timestamps), via
//! [`Json`]. Python inputs (dicts, lists, ...) become [`serde_json::Value`] with [`from_py`], which names
//! the offending position (`settings.scanOnPush`, `image_ids[2]`) when an object has no JSON equivalent;
//! timezone-aware `datetime`s (what boto3 returns) become RFC 3339 strings.
//! Argument documents are then read into core types by the `*_arg` functions here.

use ecr_core::types::{ImageId, RepositorySettings};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde::Serialize;
use serde_json::{Map, Number, Value};

use crate::errors::Failure;

/// A JSON value on its way to Python (`dict`, `list`, `str`, `int`, `float`, `bool` or `None`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Json(pub(crate) Value);

impl Json {
    /// The JSON of a serde value (its camelCase wire form).
    pub(crate) fn of<T: Serialize>(value: &T) -> Result<Self, Failure> {
        serde_json::to_value(value)
            .map(Json)
            .map_err(|e| Failure::Internal(format!("result not representable as JSON: {e}")))
    }
}

impl<'py> IntoPyObject<'py> for Json {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        gc_paused(py, || to_py(py, &self.0))
    }
}

/// Runs `build` with Python's cyclic garbage collector paused (when it was enabled), for building large
/// acyclic results: otherwise every 700 new dicts or lists start a collection that walks the young objects,
/// which doubled the time of a 66k-result preview's `to_dict()`. The GIL is held throughout and `build` runs
/// no Python code, so no other code sees the pause; it is undone however `build` ends.
pub(crate) fn gc_paused<'py, T>(py: Python<'py>, build: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    struct Resume<'py>(Option<Bound<'py, PyModule>>);
    impl Drop for Resume<'_> {
        fn drop(&mut self) {
            if let Some(gc) = &self.0 {
                let _ = gc.call_method0("enable");
            }
        }
    }
    let gc = py.import("gc")?;
    let enabled = gc.call_method0("isenabled")?.is_truthy()?;
    let _resume = if enabled {
        gc.call_method0("disable")?;
        Resume(Some(gc))
    } else {
        Resume(None)
    };
    build()
}

/// A JSON value as a Python object.
pub(crate) fn to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, to_py(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

/// A Python object as JSON. `what` names the argument, for the error message.
pub(crate) fn from_py(obj: &Bound<'_, PyAny>, what: &str) -> Result<Value, ecr_core::Error> {
    let mut path = what.to_owned();
    value_at(obj, &mut path).map_err(|message| ecr_core::Error::invalid(what, message))
}

fn value_at(obj: &Bound<'_, PyAny>, path: &mut String) -> Result<Value, String> {
    if obj.is_none() {
        return Ok(Value::Null);
    }
    // bool before int: Python's bool is a subclass of int.
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Value::from(i));
        }
        if let Ok(u) = obj.extract::<u64>() {
            return Ok(Value::from(u));
        }
        return Err(format!("{path}: integer out of the 64-bit range"));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| format!("{path}: {} is not a finite number", f.value()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return s
            .to_cow()
            .map(|s| Value::String(s.into_owned()))
            .map_err(|e| format!("{path}: {e}"));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut map = Map::with_capacity(d.len());
        for (k, v) in d.iter() {
            let key: String = k
                .extract()
                .map_err(|_| format!("{path}: dict keys must be str, found {}", type_name(&k)))?;
            let len = path.len();
            path.push('.');
            path.push_str(&key);
            let value = value_at(&v, path)?;
            path.truncate(len);
            map.insert(key, value);
        }
        return Ok(Value::Object(map));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let mut items = Vec::with_capacity(obj.len().unwrap_or(0));
        for (i, item) in obj.try_iter().map_err(|e| format!("{path}: {e}"))?.enumerate() {
            let item = item.map_err(|e| format!("{path}[{i}]: {e}"))?;
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            items.push(value_at(&item, path)?);
            path.truncate(len);
        }
        return Ok(Value::Array(items));
    }
    if let Some(text) = datetime_text(obj) {
        return text.map(Value::String).map_err(|e| format!("{path}: {e}"));
    }
    Err(format!("{path}: {} has no JSON equivalent", type_name(obj)))
}

/// A `datetime` as RFC 3339 text (`isoformat()`), so boto3 responses can be passed as they are; `None` when
/// `obj` is not a datetime. A naive datetime is an error: its instant is unknown.
pub(crate) fn datetime_text(obj: &Bound<'_, PyAny>) -> Option<Result<String, String>> {
    if !obj.hasattr("isoformat").unwrap_or(false) || !obj.hasattr("tzinfo").unwrap_or(false) {
        return None;
    }
    if obj.getattr("tzinfo").map(|t| t.is_none()).unwrap_or(true) {
        return Some(Err(
            "a naive datetime is ambiguous; give a timezone-aware datetime (e.g. tzinfo=timezone.utc)".to_owned(),
        ));
    }
    Some(
        obj.call_method0("isoformat")
            .and_then(|s| s.extract())
            .map_err(|e| e.to_string()),
    )
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "object".to_owned())
}

/// Repository settings from an optional dict in `RepositorySettings`' camelCase shape
/// (`tagMutability`, `exclusionFilters`, `scanOnPush`, `kmsKey`). Missing keys keep the value of
/// [`RepositorySettings::recommended`]; unknown keys are refused.
pub(crate) fn repository_settings_arg(
    settings: Option<&Bound<'_, PyAny>>,
) -> Result<RepositorySettings, ecr_core::Error> {
    let given = match settings {
        Some(obj) if !obj.is_none() => Some(from_py(obj, "settings")?),
        _ => None,
    };
    repository_settings(given)
}

/// Repository settings over the recommended defaults (shared by every entry point taking settings).
pub(crate) fn repository_settings(given: Option<Value>) -> Result<RepositorySettings, ecr_core::Error> {
    match given {
        None => Ok(RepositorySettings::recommended()),
        Some(given @ Value::Object(_)) => ecr_core::types::from_json(given, "settings"),
        Some(_) => Err(ecr_core::Error::invalid("settings", "expected a dict")),
    }
}

/// Image ids from an optional list whose items are `{"imageDigest": ...}` / `{"imageTag": ...}` dicts or
/// strings (`sha256:...` is a digest, anything else a tag).
pub(crate) fn image_ids_arg(ids: Option<&Bound<'_, PyAny>>) -> Result<Vec<ImageId>, ecr_core::Error> {
    match ids {
        Some(obj) if !obj.is_none() => image_ids(from_py(obj, "image_ids")?),
        _ => Ok(Vec::new()),
    }
}

/// Image ids from JSON (see [`image_ids_arg`]).
pub(crate) fn image_ids(value: Value) -> Result<Vec<ImageId>, ecr_core::Error> {
    let Value::Array(items) = value else {
        return Err(ecr_core::Error::invalid("image_ids", "expected a list"));
    };
    ImageId::list_from_json(items, "image_ids")
}

// --- verify checks, registry protocol, auth ---

/// A serde value read from a Python argument (a dict or a list of dicts in the type's camelCase JSON
/// shape); `what` names the argument in the error.
pub(crate) fn typed_arg<T: serde::de::DeserializeOwned>(
    obj: &Bound<'_, PyAny>,
    what: &str,
) -> Result<T, ecr_core::Error> {
    serde_json::from_value(from_py(obj, what)?).map_err(|e| ecr_core::Error::invalid(what, e.to_string()))
}

/// Platforms from `os/arch[/variant]` strings.
pub(crate) fn platforms_arg(items: &[String]) -> Result<Vec<ecr_core::verify::Platform>, ecr_core::Error> {
    items.iter().map(|p| p.parse()).collect()
}

/// A manifest read over the registry protocol: `{"digest": str, "bytes": bytes}` (the exact bytes served).
pub(crate) struct Manifest(pub(crate) ecr_core::verify::FetchedManifest);

impl<'py> IntoPyObject<'py> for Manifest {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let dict = PyDict::new(py);
        dict.set_item("digest", self.0.digest)?;
        dict.set_item("bytes", pyo3::types::PyBytes::new(py, &self.0.bytes))?;
        Ok(dict.into_any())
    }
}

/// Bytes handed to Python as `bytes` (a blob).
pub(crate) struct Blob(pub(crate) Vec<u8>);

impl<'py> IntoPyObject<'py> for Blob {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pyo3::types::PyBytes::new(py, &self.0).into_any())
    }
}

/// Bytes from a `bytes`-like object or a `str` (taken as UTF-8).
pub(crate) fn bytes_arg(data: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    match data.extract::<String>() {
        Ok(s) => Ok(s.into_bytes()),
        Err(_) => data.extract::<Vec<u8>>(),
    }
}
