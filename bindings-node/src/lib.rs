//! Node bindings of ecr-core: the native addon behind the npm package `ecr-core`.

use napi_derive::napi;

/// The version of ecr-core this addon was built from.
#[napi]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
