//! JSON Schemas of the values ecr-core reads and writes, derived from the types themselves (`schemars`).
//!
//! [`document`] is the one source the bindings' typed shapes (Python `TypedDict`s, TypeScript interfaces) are
//! generated from; the repository keeps it as `fixtures/schema/shapes.schema.json` and its tests check both
//! that the file is current and that real results validate against it.

use schemars::{JsonSchema, Schema, SchemaGenerator, generate::SchemaSettings, json_schema};
use serde_json::{Map, Value};
use std::borrow::Cow;

/// An RFC 3339 timestamp as ecr-core writes it (the schema of the `time::flexible` fields).
pub(crate) struct Rfc3339;

impl JsonSchema for Rfc3339 {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "Rfc3339".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "format": "date-time" })
    }
}

/// Implements [`JsonSchema`] as an inline string schema, for types serialised as text by hand.
macro_rules! string_schema {
    ($($ty:ty),+ $(,)?) => {$(
        impl schemars::JsonSchema for $ty {
            fn inline_schema() -> bool {
                true
            }
            fn schema_name() -> std::borrow::Cow<'static, str> {
                "String".into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "type": "string" })
            }
        }
    )+};
}

/// Which side of serde a schema describes.
#[derive(Clone, Copy)]
enum Contract {
    /// What ecr-core writes: a field is required unless it may be left out.
    Results,
    /// What ecr-core accepts: fields with defaults are optional.
    Inputs,
}

/// Adds `T` under its own name to `defs` through `generator` (which collects the types it refers to).
fn add<T: JsonSchema>(generator: &mut SchemaGenerator) {
    generator.subschema_for::<T>();
}

/// The named shapes of one contract: every root type and the types they refer to, by name.
fn shapes(contract: Contract) -> Map<String, Value> {
    let settings = match contract {
        Contract::Results => SchemaSettings::draft2020_12().for_serialize(),
        Contract::Inputs => SchemaSettings::draft2020_12().for_deserialize(),
    };
    let mut generator = settings.into_generator();
    match contract {
        Contract::Results => results(&mut generator),
        Contract::Inputs => inputs(&mut generator),
    }
    let mut defs = generator.take_definitions(true);
    if let Contract::Results = contract {
        defs.values_mut().for_each(absent_not_null);
    }
    defs
}

/// In results, a field that may be left out is left out rather than `null` (the fields are written with
/// `skip_serializing_if = "Option::is_none"`), so its schema drops `null`.
fn absent_not_null(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            let required: Vec<Value> = map
                .get("required")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            if let Some(Value::Object(props)) = map.get_mut("properties") {
                for (name, prop) in props.iter_mut() {
                    if !required.iter().any(|r| r == name) {
                        drop_null(prop);
                    }
                }
            }
            map.values_mut().for_each(absent_not_null);
        }
        Value::Array(items) => items.iter_mut().for_each(absent_not_null),
        _ => {}
    }
}

/// `{"type": [T, "null"]}` becomes `{"type": T}`; `{"anyOf": [S, {"type": "null"}]}` becomes `S`.
fn drop_null(prop: &mut Value) {
    let Value::Object(map) = prop else { return };
    if let Some(Value::Array(types)) = map.get_mut("type") {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let only = types.remove(0);
            map.insert("type".into(), only);
        }
    }
    let null = serde_json::json!({ "type": "null" });
    if let Some(Value::Array(options)) = map.get("anyOf")
        && options.len() == 2
        && options.contains(&null)
    {
        let kept = options.iter().find(|o| **o != null).cloned().unwrap_or_default();
        map.remove("anyOf");
        if let Value::Object(inner) = kept {
            for (k, v) in inner {
                map.entry(k).or_insert(v);
            }
        }
    }
}

/// The result types the bindings return.
fn results(g: &mut SchemaGenerator) {
    use crate::{auth, error, inventory, lifecycle, reference, scan, tagging, types, verify};
    add::<types::Repository>(g);
    add::<types::ImageDetail>(g);
    add::<types::ImageId>(g);
    add::<error::FieldError>(g);
    add::<auth::AwsIdentity>(g);
    add::<auth::MergeOutcome>(g);
    add::<tagging::PlannedTag>(g);
    add::<tagging::TagPlan>(g);
    add::<tagging::Violation>(g);
    add::<tagging::RepositoryState>(g);
    add::<tagging::PlanCheck>(g);
    add::<tagging::PlanReport>(g);
    add::<verify::Check>(g);
    add::<verify::CheckResult>(g);
    add::<verify::Report>(g);
    add::<verify::Finding>(g);
    add::<verify::PlatformDigest>(g);
    add::<verify::AuditReport>(g);
    add::<verify::Drift>(g);
    add::<verify::EnsureOutcome>(g);
    add::<verify::ReplicationStatus>(g);
    add::<verify::PolicyFinding>(g);
    add::<verify::FetchedImage>(g);
    add::<verify::ImageFailure>(g);
    add::<verify::ImageLookup>(g);
    add::<verify::TagResolution>(g);
    add::<verify::Referrer>(g);
    add::<verify::ImageConfig>(g);
    add::<verify::ParsedManifest>(g);
    add::<verify::BuildRecord>(g);
    add::<verify::Verification>(g);
    add::<verify::ResolvedTags>(g);
    add::<verify::RepositoryScanning>(g);
    add::<reference::PartitionInfo>(g);
    add::<tagging::semver::VersionFacts>(g);
    add::<tagging::ContextFacts>(g);
    add::<verify::signatures::report::Document<'static>>(g);
    add::<scan::Progress>(g);
    add::<scan::WaitOutcome>(g);
    add::<scan::ResolvedImage>(g);
    add::<scan::report::FullReport<'static>>(g);
    add::<lifecycle::Warning>(g);
    add::<lifecycle::ExpireReport>(g);
    add::<lifecycle::preview::Validation>(g);
    add::<lifecycle::PreviewDocument<'static, 'static>>(g);
    add::<lifecycle::LifecyclePreviewReport>(g);
    add::<lifecycle::EcrLifecyclePreview>(g);
    add::<inventory::Inventory>(g);
    add::<inventory::RegistryInUseReport>(g);
    add::<inventory::RuleInUse>(g);
}

/// The input types the bindings accept as documents.
fn inputs(g: &mut SchemaGenerator) {
    use crate::{inventory, lifecycle, scan, tagging, types, verify};
    add::<types::RepositorySettings>(g);
    add::<verify::EnsureOptions>(g);
    add::<verify::signatures::SignaturePolicy>(g);
    add::<tagging::TagPolicy>(g);
    add::<tagging::BuildContext>(g);
    add::<lifecycle::LifecyclePolicy>(g);
    add::<scan::ScanPolicy>(g);
    add::<inventory::InventoryFile>(g);
    add::<inventory::DiscoverOptions>(g);
}

/// The schema document: `$defs` maps each shape's name to its schema. A shape reads the same as input and
/// as result unless serde treats the two sides differently (defaults, skipped fields); then its input form
/// is named `<Name>Input`.
pub fn document() -> Value {
    let results = shapes(Contract::Results);
    let mut inputs = shapes(Contract::Inputs);
    let renamed: Vec<String> = inputs
        .iter()
        .filter(|(name, schema)| results.get(*name).is_some_and(|r| r != *schema))
        .map(|(name, _)| name.clone())
        .collect();
    for schema in inputs.values_mut() {
        rename_refs(schema, &renamed);
    }
    let mut defs = results;
    for (name, schema) in inputs {
        let name = if renamed.contains(&name) {
            format!("{name}Input")
        } else {
            name
        };
        defs.entry(name).or_insert(schema);
    }
    defs.sort_keys();
    serde_json::json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "ecr-core shapes",
        "description": "The JSON shapes ecr-core returns and accepts, derived from its Rust types.",
        "$defs": defs,
    })
}

/// Points every `$ref` to one of `renamed` at its `<Name>Input` form.
fn rename_refs(value: &mut Value, renamed: &[String]) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match v {
                    Value::String(target) if key == "$ref" => {
                        if let Some(name) = target.strip_prefix("#/$defs/")
                            && renamed.iter().any(|r| r == name)
                        {
                            *target = format!("#/$defs/{name}Input");
                        }
                    }
                    _ => rename_refs(v, renamed),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rename_refs(v, renamed)),
        _ => {}
    }
}

string_schema!(
    crate::scan::SharedStr,
    crate::scan::ScanStatus,
    crate::scan::policy::Expiry,
    crate::tagging::GitRef,
    crate::reference::RegistryHost,
    crate::reference::ImageReference,
);

/// A finding's JSON exactly as ECR returned it: any JSON value.
impl JsonSchema for crate::scan::RawJson {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "RawJson".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "description": "The finding's JSON as ECR returned it." })
    }
}

/// `flavor.latest`: `auto`, `true` or `false` (booleans are accepted too).
impl JsonSchema for crate::tagging::LatestMode {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        "LatestMode".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "anyOf": [{ "enum": ["auto", "true", "false"] }, { "type": "boolean" }] })
    }
}
