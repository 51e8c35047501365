//! The committed schema of the shapes (`fixtures/schema/shapes.schema.json`) is the one the types derive;
//! `scripts/gen-types` makes the bindings' typed shapes from that file.
//! `ECR_CORE_UPDATE_SCHEMA=1 cargo test -p ecr-core --test schema` rewrites it.

use std::path::PathBuf;

fn committed() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/schema/shapes.schema.json")
}

#[test]
fn the_committed_schema_is_the_one_the_types_derive() {
    let derived = serde_json::to_string_pretty(&ecr_core::schema::document()).unwrap() + "\n";
    if std::env::var_os("ECR_CORE_UPDATE_SCHEMA").is_some() {
        std::fs::write(committed(), &derived).unwrap();
    }
    let on_disk = std::fs::read_to_string(committed()).unwrap_or_default();
    assert!(
        on_disk == derived,
        "fixtures/schema/shapes.schema.json is stale: run `ECR_CORE_UPDATE_SCHEMA=1 cargo test -p ecr-core --test schema`, then scripts/gen-types"
    );
}

#[test]
fn every_reference_names_a_shape_of_the_document() {
    let doc = ecr_core::schema::document();
    let defs = doc["$defs"].as_object().unwrap();
    let text = doc.to_string();
    for target in text.split("\"$ref\":\"").skip(1) {
        let name = target.split('"').next().unwrap().trim_start_matches("#/$defs/");
        assert!(defs.contains_key(name), "dangling $ref {name}");
    }
    for name in defs.keys() {
        assert!(
            !name.ends_with(|c: char| c.is_ascii_digit()),
            "two types share the name of {name}"
        );
    }
}
