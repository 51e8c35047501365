//! Every conversion between Python objects and Rust values, in one place.
//!
//! Capability results are serde types; they cross into Python as the same JSON the example programs
//! print (`dict`/`list`/`str`/`int`/`float`/`bool`/`None`, camelCase keys, RFC 3339 timestamps), built by
//! pythonize straight from the value ([`Json`], [`to_py`]). Python inputs (dicts, lists, ...) are read by
//! pythonize's deserializer ([`from_py`], [`typed_arg`]); errors name the argument and the position
//! (`settings.scanOnPush`, `image_ids[2]`); timezone-aware `datetime`s (what boto3 returns) are read as
//! RFC 3339 strings. Argument documents are then read into core types by the `*_arg` functions here.

use std::fmt::Write as _;

use ecr_core::types::{ImageId, RepositorySettings};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyMapping, PyString, PyTuple};
use pythonize::{Depythonizer, PythonizeError, PythonizeNamedMappingType, PythonizeTypes, pythonize, pythonize_custom};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A result on its way to Python (`dict`, `list`, `str`, `int`, `float`, `bool` or `None`): any serde value,
/// converted when it crosses.
pub(crate) struct Json(Box<dyn ToPy + Send>);

impl Json {
    /// The JSON of a serde value (its camelCase wire form).
    pub(crate) fn of<T: Serialize + Send + 'static>(value: T) -> Self {
        Json(Box::new(value))
    }
}

trait ToPy {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>>;
}

impl<T: Serialize> ToPy for T {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, self)
    }
}

impl<'py> IntoPyObject<'py> for Json {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.0.to_py(py)
    }
}

/// A serde value as Python objects (its JSON: camelCase keys, RFC 3339 strings), with the cyclic collector
/// paused while they are made (see [`gc_paused`]).
pub(crate) fn to_py<'py, T: Serialize + ?Sized>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    gc_paused(py, || pythonize_value(py, value))
}

/// A serde value as Python objects, as [`to_py`] makes them, for a caller that pauses the collector around
/// more work.
pub(crate) fn pythonize_value<'py, T: Serialize + ?Sized>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    Ok(pythonize_custom::<Types, T>(py, value)?)
}

/// pythonize's default types (`dict`, `list`), with one addition: raw JSON text kept in a result (a scan
/// finding's `raw`) serializes as serde_json's private `$serde_json::private::RawValue` struct, which
/// becomes the value that text holds (an object), as in the JSON the programs print.
struct Types;

impl PythonizeTypes for Types {
    type Map = PyDict;
    type NamedMap = Types;
    type List = PyList;
}

/// A struct's dict, or the text of raw JSON.
enum StructBuilder<'py> {
    Dict(Bound<'py, PyDict>),
    Raw(Python<'py>, Option<Bound<'py, PyAny>>),
}

impl PythonizeNamedMappingType for Types {
    type Builder<'py> = StructBuilder<'py>;

    fn builder<'py>(py: Python<'py>, _len: usize, name: &'static str) -> PyResult<Self::Builder<'py>> {
        Ok(match name {
            "$serde_json::private::RawValue" => StructBuilder::Raw(py, None),
            _ => StructBuilder::Dict(PyDict::new(py)),
        })
    }

    fn push_field<'py>(
        builder: &mut Self::Builder<'py>,
        name: Bound<'py, PyString>,
        value: Bound<'py, PyAny>,
    ) -> PyResult<()> {
        match builder {
            StructBuilder::Dict(dict) => dict.set_item(name, value),
            StructBuilder::Raw(_, text) => {
                *text = Some(value);
                Ok(())
            }
        }
    }

    fn finish<'py>(builder: Self::Builder<'py>) -> PyResult<Bound<'py, PyMapping>> {
        match builder {
            StructBuilder::Dict(dict) => Ok(dict.into_mapping()),
            StructBuilder::Raw(py, text) => {
                let text = text.map(|t| t.extract::<String>()).transpose()?.unwrap_or_default();
                let value: Value = serde_json::from_str(&text)
                    .map_err(|e| PyValueError::new_err(format!("raw JSON in a result: {e}")))?;
                Ok(pythonize(py, &value)?.cast_into::<PyMapping>()?)
            }
        }
    }
}

/// Runs `build` with Python's cyclic garbage collector paused (when it was enabled), for building large
/// acyclic results: otherwise every 700 new dicts or lists start a collection that walks the young objects
/// (see benches/README.md, "The bindings"). The GIL is held throughout and `build` runs no Python code, so no
/// other code sees the pause; it is undone however `build` ends.
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

/// A Python object as JSON, read by pythonize; `what` names the argument, for the error message.
pub(crate) fn from_py(obj: &Bound<'_, PyAny>, what: &str) -> Result<Value, ecr_core::Error> {
    let first = match read(obj) {
        Ok(value) => return Ok(value),
        Err(e) => e,
    };
    let mut path = what.to_owned();
    let mut found = false;
    let copy = datetimes_as_text(obj, &mut path, &mut found).map_err(|m| ecr_core::Error::invalid(what, m))?;
    let error = if found {
        match read(&copy) {
            Ok(value) => return Ok(value),
            Err(e) => e,
        }
    } else {
        first
    };
    Err(ecr_core::Error::invalid(what, message(what, &error)))
}

/// A serde value read from a Python argument (a dict or a list of dicts in the type's camelCase JSON
/// shape); `what` names the argument in the error, with the position in it. It goes through JSON
/// ([`from_py`]) rather than straight from the Python objects: pythonize reads any object as a `bool`
/// (its truthiness), so `"no"` would be `true`.
pub(crate) fn typed_arg<T: DeserializeOwned>(obj: &Bound<'_, PyAny>, what: &str) -> Result<T, ecr_core::Error> {
    ecr_core::types::from_json(from_py(obj, what)?, what)
}

fn read(obj: &Bound<'_, PyAny>) -> Result<Value, serde_path_to_error::Error<PythonizeError>> {
    serde_path_to_error::deserialize(&mut Depythonizer::from_object(obj)).map(|Finite(v)| v)
}

/// A JSON value that refuses NaN and infinities, which `serde_json::Value` would silently read as `null`.
struct Finite(Value);

impl<'de> serde::Deserialize<'de> for Finite {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FiniteVisitor).map(Finite)
    }
}

struct FiniteVisitor;

impl<'de> serde::de::Visitor<'de> for FiniteVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a value with a JSON equivalent")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom(format!("not a finite number: {v}")))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        serde::Deserialize::deserialize(d).map(|Finite(v)| v)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Finite(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some((k, Finite(v))) = map.next_entry::<String, Finite>()? {
            out.insert(k, v);
        }
        Ok(Value::Object(out))
    }
}

/// `what.path: problem`; a type pythonize cannot read ("unsupported type set") is said as having no JSON
/// equivalent.
fn message(what: &str, error: &serde_path_to_error::Error<PythonizeError>) -> String {
    let path = error.path().to_string();
    let mut at = what.to_owned();
    if path != "." {
        if !path.starts_with('[') {
            at.push('.');
        }
        at.push_str(&path);
    }
    let problem = error.inner().to_string();
    match problem.strip_prefix("unsupported type ") {
        Some(name) => format!("{at}: {name} has no JSON equivalent"),
        None => format!("{at}: {problem}"),
    }
}

/// pythonize reads no `datetime`, but boto3's responses carry timezone-aware ones (`imagePushedAt`, ...):
/// a copy of `obj` (its dicts, lists and tuples) with each datetime as its RFC 3339 text, `found` set when
/// there was one. Made only for an argument pythonize refused. A naive datetime is an error at its `path`.
fn datetimes_as_text<'py>(
    obj: &Bound<'py, PyAny>,
    path: &mut String,
    found: &mut bool,
) -> Result<Bound<'py, PyAny>, String> {
    let py = obj.py();
    let len = path.len();
    if let Ok(d) = obj.cast::<PyDict>() {
        let copy = PyDict::new(py);
        for (k, v) in d.iter() {
            let _ = write!(path, ".{k}");
            let v = datetimes_as_text(&v, path, found)?;
            path.truncate(len);
            copy.set_item(k, v).map_err(|e| format!("{path}: {e}"))?;
        }
        return Ok(copy.into_any());
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let copy = PyList::empty(py);
        for (i, item) in obj.try_iter().map_err(|e| format!("{path}: {e}"))?.enumerate() {
            let _ = write!(path, "[{i}]");
            let item = item.map_err(|e| format!("{path}: {e}"))?;
            let item = datetimes_as_text(&item, path, found)?;
            path.truncate(len);
            copy.append(item).map_err(|e| format!("{path}: {e}"))?;
        }
        return Ok(copy.into_any());
    }
    match datetime_text(obj) {
        Some(Ok(text)) => {
            *found = true;
            Ok(PyString::new(py, &text).into_any())
        }
        Some(Err(e)) => Err(format!("{path}: {e}")),
        None => Ok(obj.clone()),
    }
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
