//! The typed lifecycle policy: the full current ECR schema, serialising back to the JSON ECR accepts.

use serde::Serialize;

use crate::error::Result;

use super::validate::{self, Parsed};

/// A whole lifecycle policy document (`{"rules": [...]}`).
///
/// Build one with [`LifecyclePolicy::parse`] (which validates everything ECR validates); a policy assembled
/// by hand can be checked with [`LifecyclePolicy::validate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[schemars(rename = "LifecyclePolicyDocument")]
pub struct LifecyclePolicy {
    /// The rules, in the order of the source document.
    pub rules: Vec<Rule>,
}

/// One rule of a policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "LifecycleRule")]
pub struct Rule {
    /// Rules apply from the lowest value to the highest; unique, at least 1.
    pub rule_priority: u32,
    /// Free text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Which images the rule looks at and when they qualify.
    pub selection: Selection,
    /// What happens to qualifying images.
    pub action: Action,
}

/// The `selection` object of a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Selection {
    /// `tagged`, `untagged` or `any`.
    pub tag_status: TagStatus,
    /// Wildcard patterns (`*`, at most 4 per pattern); an image must match every entry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag_pattern_list: Option<Vec<String>>,
    /// Tag prefixes; an image must match every entry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag_prefix_list: Option<Vec<String>>,
    /// The storage class the rule selects from, as written (absent means `standard`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_class: Option<StorageClass>,
    /// How `countNumber` is read.
    pub count_type: CountType,
    /// `days`, for the three `since*` count types only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count_unit: Option<CountUnit>,
    /// Images to keep (`imageCountMoreThan`) or the age limit in days (`since*`); at least 1.
    pub count_number: u32,
}

impl Selection {
    /// The storage class the rule selects from (`standard` when omitted).
    pub fn effective_storage_class(&self) -> StorageClass {
        self.storage_class.unwrap_or(StorageClass::Standard)
    }
}

/// The `action` object of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "LifecycleAction")]
pub struct Action {
    /// `expire` or `transition`.
    #[serde(rename = "type")]
    pub action_type: ActionType,
    /// `archive`, required for `transition` and absent for `expire`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_storage_class: Option<StorageClass>,
}

impl Action {
    /// `{"type": "expire"}`.
    pub const EXPIRE: Action = Action {
        action_type: ActionType::Expire,
        target_storage_class: None,
    };
    /// `{"type": "transition", "targetStorageClass": "archive"}`.
    pub const TRANSITION_TO_ARCHIVE: Action = Action {
        action_type: ActionType::Transition,
        target_storage_class: Some(StorageClass::Archive),
    };
}

/// Which images a rule considers by their tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TagStatus {
    /// Images with at least one tag matching the rule's list.
    Tagged,
    /// Images without tags.
    Untagged,
    /// Every image.
    Any,
}

/// ECR's storage classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum StorageClass {
    /// Normal (pullable) storage.
    Standard,
    /// Archive storage (not pullable, 90-day minimum).
    Archive,
}

impl StorageClass {
    /// The API spelling (`STANDARD`, `ARCHIVE`).
    pub fn api_name(self) -> &'static str {
        match self {
            StorageClass::Standard => "STANDARD",
            StorageClass::Archive => "ARCHIVE",
        }
    }
}

/// How a rule's `countNumber` is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum CountType {
    /// Keep the `countNumber` newest images; act on the rest.
    ImageCountMoreThan,
    /// Act on images pushed more than `countNumber` days ago.
    SinceImagePushed,
    /// Act on images last pulled more than `countNumber` days ago (transition only).
    SinceImagePulled,
    /// Act on archived images archived more than `countNumber` days ago (expire only).
    SinceImageTransitioned,
}

impl CountType {
    /// Whether the type is an age limit that takes `countUnit`.
    pub fn is_age(self) -> bool {
        !matches!(self, CountType::ImageCountMoreThan)
    }
}

/// The unit of an age limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CountUnit {
    /// 24-hour periods.
    Days,
}

/// What a rule does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ActionType {
    /// Delete the image.
    Expire,
    /// Move the image to archive storage.
    Transition,
}

impl ActionType {
    /// The API spelling (`EXPIRE`, `TRANSITION`).
    pub fn api_name(self) -> &'static str {
        match self {
            ActionType::Expire => "EXPIRE",
            ActionType::Transition => "TRANSITION",
        }
    }
}

impl LifecyclePolicy {
    /// Parses and validates a policy text exactly as PutLifecyclePolicy would, reporting **every** problem at
    /// once as [`crate::Error::PolicyValidation`] (each with a JSON path such as `rules[2].selection.countUnit`).
    /// Lint warnings (valid but probably not what was meant) come back in [`Parsed::warnings`].
    pub fn parse(text: &str) -> Result<Parsed> {
        validate::parse(text)
    }

    /// The compact JSON text ECR accepts, rules in source order, optional fields only where they were given.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The JSON text, indented.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Re-validates a policy (e.g. one assembled in code) through its JSON form.
    pub fn validate(&self) -> Result<Parsed> {
        validate::parse(&self.to_json())
    }

    /// The rules sorted by `rulePriority` (the order ECR applies them).
    pub fn rules_by_priority(&self) -> Vec<&Rule> {
        let mut rules: Vec<&Rule> = self.rules.iter().collect();
        rules.sort_by_key(|r| r.rule_priority);
        rules
    }
}
