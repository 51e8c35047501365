//! Python bindings of ecr-core: the native module `ecr_core._native`.

use pyo3::prelude::*;

/// The native module behind the `ecr_core` package.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
