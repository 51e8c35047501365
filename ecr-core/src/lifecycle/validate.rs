//! Validation of policy text, reporting every problem with its JSON path. Messages reuse ECR's own wording
//! (its JSON-schema validator's messages, as seen in real `InvalidParameterException`s and mirrored by moto)
//! where that wording is known; see the module docs for the checks whose text is ours.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{Error, FieldError, Result};

use super::lint::{self, Warning};
use super::model::{
    Action, ActionType, CountType, CountUnit, LifecyclePolicy, Rule, Selection, StorageClass, TagStatus,
};

/// Shortest policy text PutLifecyclePolicy accepts (characters).
pub const MIN_POLICY_CHARS: usize = 100;
/// Longest policy text PutLifecyclePolicy accepts (characters; the service quota, not adjustable).
pub const MAX_POLICY_CHARS: usize = 30_720;
/// Most `*` wildcards one `tagPatternList` entry may hold.
pub const MAX_WILDCARDS: usize = 4;
/// Fewest days an image must have spent in archive before a lifecycle rule may expire it.
pub const MIN_ARCHIVE_DAYS: u32 = 90;
/// Largest `rulePriority` / `countNumber` (ECR's schema integers are 32-bit; inferred).
pub const MAX_INTEGER: u64 = i32::MAX as u64;

/// A validated policy and the lint warnings about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Parsed {
    /// The policy.
    pub policy: LifecyclePolicy,
    /// Things that are valid but probably not what the author meant.
    pub warnings: Vec<Warning>,
}

const NOT_A_POLICY: &str = "Could not map policyString into LifecyclePolicy.";
const NULL_IN_SCHEMA: &str = "instance failed to match exactly one schema (matched 0 out of 2)";

/// Parses and validates policy text (see [`LifecyclePolicy::parse`]).
pub(crate) fn parse(text: &str) -> Result<Parsed> {
    let mut v = Validator { errors: Vec::new() };
    let chars = text.chars().count();
    if chars < MIN_POLICY_CHARS {
        v.err(
            "",
            format!("policy text is {chars} characters; ECR requires at least {MIN_POLICY_CHARS}"),
        );
    } else if chars > MAX_POLICY_CHARS {
        v.err(
            "",
            format!("policy text is {chars} characters; ECR allows at most {MAX_POLICY_CHARS}"),
        );
    }
    let doc: Value = match serde_json::from_str(text) {
        Ok(doc) => doc,
        Err(e) => {
            v.err("", format!("{NOT_A_POLICY} (not valid JSON: {e})"));
            return Err(v.into_error());
        }
    };
    let Value::Object(doc) = doc else {
        v.err(
            "",
            format!(
                "{NOT_A_POLICY} (the document must be a JSON object, found {})",
                type_name(&doc)
            ),
        );
        return Err(v.into_error());
    };
    v.unknown_keys("", &doc, &["rules"]);
    let mut rules = Vec::new();
    match doc.get("rules") {
        None => v.err("rules", r#"object has missing required properties (["rules"])"#),
        Some(Value::Array(items)) => {
            if items.is_empty() {
                v.err(
                    "rules",
                    "array is too short: must have at least 1 elements but instance has 0 elements",
                );
            }
            for (i, item) in items.iter().enumerate() {
                if let Some(rule) = v.rule(&format!("rules[{i}]"), item) {
                    rules.push((i, rule));
                }
            }
        }
        Some(other) => v.type_error("rules", other, "array"),
    }
    v.cross_rule(&rules);
    if !v.errors.is_empty() {
        return Err(v.into_error());
    }
    let policy = LifecyclePolicy {
        rules: rules.into_iter().map(|(_, r)| r).collect(),
    };
    let warnings = lint::lint(&policy);
    Ok(Parsed { policy, warnings })
}

/// Collects the problems.
struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    fn err(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError::new(path, message));
    }

    fn into_error(self) -> Error {
        Error::PolicyValidation {
            what: "lifecycle policy".to_owned(),
            errors: self.errors,
        }
    }

    fn type_error(&mut self, path: &str, found: &Value, allowed: &str) {
        let hint = if found.is_null() {
            "; omit the field instead of writing null"
        } else {
            ""
        };
        self.err(
            path,
            format!(
                r#"instance type ({}) does not match any allowed primitive type (allowed: ["{allowed}"]){hint}"#,
                type_name(found)
            ),
        );
    }

    fn unknown_keys(&mut self, path: &str, obj: &Map<String, Value>, allowed: &[&str]) {
        for key in obj.keys() {
            if !allowed.contains(&key.as_str()) {
                self.err(
                    join(path, key),
                    format!(
                        "object instance has properties which are not allowed by the schema: ([{}])",
                        Value::String(key.clone())
                    ),
                );
            }
        }
    }

    fn missing(&mut self, path: &str, key: &str) {
        self.err(
            join(path, key),
            format!("object has missing required properties ([\"{key}\"])"),
        );
    }

    /// An object, or an error (`None`).
    fn object<'a>(&mut self, path: &str, value: &'a Value) -> Option<&'a Map<String, Value>> {
        match value {
            Value::Object(o) => Some(o),
            other => {
                self.type_error(path, other, "object");
                None
            }
        }
    }

    /// A positive 32-bit integer field; `None` after reporting.
    fn positive_int(&mut self, path: &str, value: &Value, in_one_of: bool) -> Option<u32> {
        match value {
            Value::Null if in_one_of => {
                self.err(path, null_message());
                None
            }
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    if u == 0 {
                        self.err(
                            path,
                            "numeric instance is lower than the required minimum (minimum: 1, found: 0)",
                        );
                        None
                    } else if u > MAX_INTEGER {
                        self.err(
                            path,
                            format!(
                                "numeric instance is greater than the required maximum (maximum: {MAX_INTEGER}, found: {u})"
                            ),
                        );
                        None
                    } else {
                        u32::try_from(u).ok()
                    }
                } else if let Some(i) = n.as_i64() {
                    self.err(
                        path,
                        format!("numeric instance is lower than the required minimum (minimum: 1, found: {i})"),
                    );
                    None
                } else {
                    self.type_error(path, value, "integer");
                    None
                }
            }
            other => {
                self.type_error(path, other, "integer");
                None
            }
        }
    }

    /// A string from a closed set; `None` after reporting.
    fn enumeration<T: Copy>(&mut self, path: &str, value: &Value, choices: &[(&str, T)], in_one_of: bool) -> Option<T> {
        match value {
            Value::Null if in_one_of => {
                self.err(path, null_message());
                None
            }
            Value::String(s) => match choices.iter().find(|(name, _)| name == s) {
                Some((_, t)) => Some(*t),
                None => {
                    let mut names: Vec<&str> = choices.iter().map(|(n, _)| *n).collect();
                    names.sort_unstable();
                    self.err(
                        path,
                        format!(
                            "instance value ({}) not found in enum (possible values: {})",
                            value,
                            serde_json::to_string(&names).unwrap_or_default()
                        ),
                    );
                    None
                }
            },
            other => {
                self.type_error(path, other, "string");
                None
            }
        }
    }

    fn rule(&mut self, path: &str, value: &Value) -> Option<Rule> {
        let obj = self.object(path, value)?;
        self.unknown_keys(path, obj, &["rulePriority", "description", "selection", "action"]);
        let before = self.errors.len();
        let priority = match obj.get("rulePriority") {
            None => {
                self.missing(path, "rulePriority");
                None
            }
            Some(p) => self.positive_int(&join(path, "rulePriority"), p, false),
        };
        let description = match obj.get("description") {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                self.type_error(&join(path, "description"), other, "string");
                None
            }
        };
        let selection = match obj.get("selection") {
            None => {
                self.missing(path, "selection");
                None
            }
            Some(s) => self.selection(&join(path, "selection"), s),
        };
        let action = match obj.get("action") {
            None => {
                self.missing(path, "action");
                None
            }
            Some(a) => self.action(&join(path, "action"), a),
        };
        if let (Some(sel), Some(act)) = (&selection, &action) {
            let type_path = join(path, "action.type");
            match (sel.count_type, act.action_type) {
                (CountType::SinceImagePulled, ActionType::Expire) => self.err(
                    type_path,
                    "countType sinceImagePulled only supports action type transition; to delete images by pull \
                     time, transition them with sinceImagePulled and expire them with a storageClass archive + \
                     sinceImageTransitioned rule",
                ),
                (CountType::SinceImageTransitioned, ActionType::Transition) => self.err(
                    type_path,
                    "countType sinceImageTransitioned only supports action type expire (the images are already archived)",
                ),
                _ => {}
            }
        }
        if self.errors.len() != before {
            return None;
        }
        Some(Rule {
            rule_priority: priority?,
            description,
            selection: selection?,
            action: action?,
        })
    }

    fn selection(&mut self, path: &str, value: &Value) -> Option<Selection> {
        let obj = self.object(path, value)?;
        self.unknown_keys(
            path,
            obj,
            &[
                "tagStatus",
                "tagPatternList",
                "tagPrefixList",
                "storageClass",
                "countType",
                "countUnit",
                "countNumber",
            ],
        );
        let before = self.errors.len();
        let tag_status = match obj.get("tagStatus") {
            None => {
                self.missing(path, "tagStatus");
                None
            }
            Some(v) => self.enumeration(
                &join(path, "tagStatus"),
                v,
                &[
                    ("tagged", TagStatus::Tagged),
                    ("untagged", TagStatus::Untagged),
                    ("any", TagStatus::Any),
                ],
                true,
            ),
        };
        let patterns = obj
            .get("tagPatternList")
            .map(|v| self.string_list(&join(path, "tagPatternList"), v, true));
        let prefixes = obj
            .get("tagPrefixList")
            .map(|v| self.string_list(&join(path, "tagPrefixList"), v, false));
        let storage_class = obj.get("storageClass").and_then(|v| {
            self.enumeration(
                &join(path, "storageClass"),
                v,
                &[("standard", StorageClass::Standard), ("archive", StorageClass::Archive)],
                true,
            )
        });
        let count_type = match obj.get("countType") {
            None => {
                self.missing(path, "countType");
                None
            }
            Some(v) => self.enumeration(
                &join(path, "countType"),
                v,
                &[
                    ("imageCountMoreThan", CountType::ImageCountMoreThan),
                    ("sinceImagePushed", CountType::SinceImagePushed),
                    ("sinceImagePulled", CountType::SinceImagePulled),
                    ("sinceImageTransitioned", CountType::SinceImageTransitioned),
                ],
                true,
            ),
        };
        let count_unit = obj
            .get("countUnit")
            .and_then(|v| self.enumeration(&join(path, "countUnit"), v, &[("days", CountUnit::Days)], true));
        let count_number = match obj.get("countNumber") {
            None => {
                self.missing(path, "countNumber");
                None
            }
            Some(v) => self.positive_int(&join(path, "countNumber"), v, true),
        };

        // Tag lists against tagStatus.
        if let Some(status) = tag_status {
            match status {
                TagStatus::Tagged => {
                    if patterns.is_none() && prefixes.is_none() {
                        self.err(
                            path,
                            "Must specify tagPrefixList or tagPatternList when tagStatus=TAGGED.",
                        );
                    }
                }
                TagStatus::Untagged | TagStatus::Any => {
                    let name = if status == TagStatus::Any { "any" } else { "untagged" };
                    for key in ["tagPatternList", "tagPrefixList"] {
                        if obj.contains_key(key) {
                            self.err(
                                join(path, key),
                                format!("{key} is only allowed with tagStatus tagged (tagStatus is {name})"),
                            );
                        }
                    }
                }
            }
        }
        if obj.contains_key("tagPatternList") && obj.contains_key("tagPrefixList") {
            self.err(
                path,
                "tagPatternList and tagPrefixList cannot be used together in one rule; use one of them",
            );
        }
        // Count unit and storage class against count type.
        if let Some(ct) = count_type {
            let unit_path = join(path, "countUnit");
            if ct.is_age() {
                if !obj.contains_key("countUnit") {
                    self.err(
                        unit_path,
                        format!("countUnit \"days\" is required with countType {}", count_type_name(ct)),
                    );
                }
            } else if obj.contains_key("countUnit") {
                self.err(
                    unit_path,
                    "countUnit is only allowed with countType sinceImagePushed, sinceImagePulled or \
                     sinceImageTransitioned (countType is imageCountMoreThan)",
                );
            }
            let class_path = join(path, "storageClass");
            if ct == CountType::SinceImageTransitioned {
                let class_invalid = obj.contains_key("storageClass") && storage_class.is_none();
                if storage_class != Some(StorageClass::Archive) && !class_invalid {
                    self.err(
                        class_path,
                        "countType sinceImageTransitioned requires storageClass \"archive\"",
                    );
                }
                if let Some(n) = count_number
                    && n < MIN_ARCHIVE_DAYS
                {
                    self.err(
                        join(path, "countNumber"),
                        format!(
                            "images must stay in archive at least {MIN_ARCHIVE_DAYS} days before a lifecycle rule \
                             can expire them (countNumber {n} < {MIN_ARCHIVE_DAYS} with sinceImageTransitioned)"
                        ),
                    );
                }
            } else if storage_class == Some(StorageClass::Archive) {
                self.err(
                    class_path,
                    format!(
                        "storageClass archive is only allowed with countType sinceImageTransitioned (countType is {}); \
                         with {} the only supported storageClass is standard",
                        count_type_name(ct),
                        count_type_name(ct)
                    ),
                );
            }
        }
        if self.errors.len() != before {
            return None;
        }
        Some(Selection {
            tag_status: tag_status?,
            tag_pattern_list: patterns.flatten(),
            tag_prefix_list: prefixes.flatten(),
            storage_class,
            count_type: count_type?,
            count_unit,
            count_number: count_number?,
        })
    }

    /// A non-empty list of strings; patterns are also checked for their wildcard count.
    fn string_list(&mut self, path: &str, value: &Value, is_pattern: bool) -> Option<Vec<String>> {
        let items = match value {
            Value::Null => {
                self.err(path, null_message());
                return None;
            }
            Value::Array(items) => items,
            other => {
                self.type_error(path, other, "array");
                return None;
            }
        };
        if items.is_empty() {
            self.err(
                path,
                "array is too short: must have at least 1 elements but instance has 0 elements",
            );
            return None;
        }
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let item_path = format!("{path}[{i}]");
            match item {
                Value::String(s) => {
                    let stars = s.matches('*').count();
                    if is_pattern && stars > MAX_WILDCARDS {
                        ok = false;
                        self.err(
                            item_path,
                            format!(
                                "pattern {item} has {stars} wildcards (*); at most {MAX_WILDCARDS} are allowed per pattern"
                            ),
                        );
                    } else {
                        out.push(s.clone());
                    }
                }
                other => {
                    ok = false;
                    self.type_error(&item_path, other, "string");
                }
            }
        }
        ok.then_some(out)
    }

    fn action(&mut self, path: &str, value: &Value) -> Option<Action> {
        let obj = self.object(path, value)?;
        self.unknown_keys(path, obj, &["type", "targetStorageClass"]);
        let before = self.errors.len();
        let action_type = match obj.get("type") {
            None => {
                self.missing(path, "type");
                None
            }
            Some(v) => self.enumeration(
                &join(path, "type"),
                v,
                &[("expire", ActionType::Expire), ("transition", ActionType::Transition)],
                true,
            ),
        };
        let target = obj.get("targetStorageClass").and_then(|v| {
            self.enumeration(
                &join(path, "targetStorageClass"),
                v,
                &[("archive", StorageClass::Archive)],
                true,
            )
        });
        let target_path = join(path, "targetStorageClass");
        match action_type {
            Some(ActionType::Transition) if !obj.contains_key("targetStorageClass") => self.err(
                target_path,
                "targetStorageClass \"archive\" is required when the action type is transition",
            ),
            Some(ActionType::Expire) if obj.contains_key("targetStorageClass") && target.is_some() => self.err(
                target_path,
                "targetStorageClass is only allowed when the action type is transition",
            ),
            _ => {}
        }
        if self.errors.len() != before {
            return None;
        }
        Some(Action {
            action_type: action_type?,
            target_storage_class: target,
        })
    }

    /// Checks across rules: unique priorities; per storage class one `any` rule, last; one `untagged` rule;
    /// unique prefix sets.
    fn cross_rule(&mut self, rules: &[(usize, Rule)]) {
        let mut by_priority: BTreeMap<u32, usize> = BTreeMap::new();
        for (i, rule) in rules {
            if let Some(first) = by_priority.get(&rule.rule_priority) {
                self.err(
                    format!("rules[{i}].rulePriority"),
                    format!(
                        "rulePriority {} is also used by rules[{first}]; each rule needs a unique rulePriority",
                        rule.rule_priority
                    ),
                );
            } else {
                by_priority.insert(rule.rule_priority, *i);
            }
        }
        for class in [StorageClass::Standard, StorageClass::Archive] {
            let in_class: Vec<&(usize, Rule)> = rules
                .iter()
                .filter(|(_, r)| r.selection.effective_storage_class() == class)
                .collect();
            let class_name = class.api_name().to_ascii_lowercase();
            let mut first_any: Option<usize> = None;
            let mut first_untagged: Option<usize> = None;
            let mut prefix_sets: Vec<(usize, Vec<&str>)> = Vec::new();
            for (i, rule) in &in_class {
                match rule.selection.tag_status {
                    TagStatus::Any => {
                        if let Some(first) = first_any {
                            self.err(
                                format!("rules[{i}].selection.tagStatus"),
                                format!(
                                    "Only one rule can select any images per storage class (rules[{first}] already \
                                     does in storage class {class_name})"
                                ),
                            );
                        } else {
                            first_any = Some(*i);
                        }
                        if let Some((j, later)) = in_class
                            .iter()
                            .filter(|(j, r)| j != i && r.rule_priority > rule.rule_priority)
                            .max_by_key(|(_, r)| r.rule_priority)
                        {
                            self.err(
                                format!("rules[{i}].rulePriority"),
                                format!(
                                    "Rule for tagStatus=ANY must have the lowest priority per storage class: its \
                                     rulePriority {} must be higher than every other rule's of storage class \
                                     {class_name}, but rules[{j}] has {}",
                                    rule.rule_priority, later.rule_priority
                                ),
                            );
                        }
                    }
                    TagStatus::Untagged => {
                        if let Some(first) = first_untagged {
                            self.err(
                                format!("rules[{i}].selection.tagStatus"),
                                format!(
                                    "Only one rule can select Untagged images per storage class (rules[{first}] \
                                     already does in storage class {class_name})"
                                ),
                            );
                        } else {
                            first_untagged = Some(*i);
                        }
                    }
                    TagStatus::Tagged => {
                        if let Some(list) = &rule.selection.tag_prefix_list {
                            let mut set: Vec<&str> = list.iter().map(String::as_str).collect();
                            set.sort_unstable();
                            set.dedup();
                            if let Some((first, _)) = prefix_sets.iter().find(|(_, s)| *s == set) {
                                self.err(
                                    format!("rules[{i}].selection.tagPrefixList"),
                                    format!(
                                        "rules[{first}] already uses the same set of prefixes; within a storage class \
                                         every rule must have a unique set of prefixes"
                                    ),
                                );
                            } else {
                                prefix_sets.push((*i, set));
                            }
                        }
                    }
                }
            }
        }
    }
}

fn null_message() -> String {
    format!("{NULL_IN_SCHEMA}: null is not accepted; omit the field instead")
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

pub(crate) fn count_type_name(ct: CountType) -> &'static str {
    match ct {
        CountType::ImageCountMoreThan => "imageCountMoreThan",
        CountType::SinceImagePushed => "sinceImagePushed",
        CountType::SinceImagePulled => "sinceImagePulled",
        CountType::SinceImageTransitioned => "sinceImageTransitioned",
    }
}
