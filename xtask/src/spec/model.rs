//! The shape of the YAML files under `spec/`, as documented in `spec/README.md`.
//!
//! These types are only the parsed form; `check.rs` decides whether their contents make sense.

use serde::Deserialize;

/// `spec/<service>/service.yaml`.
#[derive(Debug, Clone, Deserialize)]
pub struct ServiceFile {
    pub service: String,
    pub title: String,
    pub endpoints: Endpoints,
    #[serde(default)]
    pub types: Vec<TypeDef>,
    #[serde(default)]
    pub job: Option<JobSpec>,
    #[serde(default)]
    pub notes: Vec<String>,
}

/// `spec/<service>/error_codes.yaml`: the service's documented error code table.
#[derive(Debug, Clone, Deserialize)]
pub struct ErrorCodesFile {
    pub service: String,
    pub source: Source,
    #[serde(default)]
    pub notes: Vec<String>,
    pub codes: Vec<ErrorCodeRow>,
}

/// One row of an error code table.
#[derive(Debug, Clone, Deserialize)]
pub struct ErrorCodeRow {
    pub status: u16,
    pub code: String,
    pub message: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub solution: Option<String>,
    /// The code says that this resource does not exist, for these operations.
    #[serde(default)]
    pub not_found: Option<NotFound>,
    /// Where the row comes from when not from the table itself, or how it was translated.
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct NotFound {
    pub resource: String,
    pub operations: Vec<String>,
}

/// `endpoints:` of service.yaml: the region table, written as a template over `regions` where the hosts follow one
/// pattern, plus `table` rows for the hosts that do not.
#[derive(Debug, Clone, Deserialize)]
pub struct Endpoints {
    /// The service's name in the official SDKs (`HUAWEICLOUD_SDK_REGION_{NAME}_{REGION}`, regions.yaml), e.g. `GES`.
    pub sdk_service: String,
    #[serde(default)]
    pub template: Option<String>,
    #[serde(default)]
    pub regions: Vec<String>,
    #[serde(default)]
    pub table: Vec<RegionEndpoint>,
}

impl Endpoints {
    /// Every region with its exact base URL, sorted by region: the template filled for each of `regions`, then the
    /// `table` rows.
    pub fn resolved(&self) -> Vec<(String, String)> {
        let mut rows: Vec<(String, String)> = match &self.template {
            Some(template) => self.regions.iter().map(|r| (r.clone(), template.replace("{region}", r))).collect(),
            None => Vec::new(),
        };
        rows.extend(self.table.iter().map(|row| (row.region.clone(), row.url.clone())));
        rows.sort();
        rows
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct RegionEndpoint {
    pub region: String,
    pub url: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct JobSpec {
    pub operation: String,
    pub id_parameter: String,
    pub status: Vec<String>,
    pub success: Vec<String>,
    pub failure: Vec<String>,
    pub in_progress: Vec<String>,
    #[serde(default)]
    pub failure_reason: Vec<String>,
    /// Path to a documented progress field (e.g. a percentage), reported on every poll.
    #[serde(default)]
    pub progress: Vec<String>,
}

/// `spec/<service>/<operation>.yaml`.
#[derive(Debug, Clone, Deserialize)]
pub struct OperationFile {
    pub operation: String,
    pub title: String,
    #[serde(default)]
    pub api_version: Option<String>,
    pub source: Source,
    pub summary: String,
    pub method: String,
    pub path: String,
    pub idempotent: bool,
    pub success: Vec<u16>,
    #[serde(default)]
    pub uri_parameters: Vec<Field>,
    #[serde(default)]
    pub query_parameters: Vec<Field>,
    #[serde(default)]
    pub headers: Vec<Field>,
    #[serde(default)]
    pub request_body: Option<Body>,
    pub responses: Vec<Response>,
    #[serde(default)]
    pub status_codes: Vec<StatusCode>,
    #[serde(default)]
    pub status_codes_note: Option<String>,
    #[serde(default)]
    pub types: Vec<TypeDef>,
    #[serde(default)]
    pub examples: Examples,
    #[serde(default)]
    pub pagination: Option<Pagination>,
    #[serde(default)]
    pub returns_job: Option<ReturnsJob>,
    #[serde(default)]
    pub notes: Vec<String>,
    #[serde(default)]
    pub corrections: Vec<String>,
    /// Differences from the API Explorer definition accepted at operation level (success codes, parameters or a
    /// body the page does not print).
    #[serde(default)]
    pub accepted_differences: Vec<AcceptedDifference>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Source {
    pub file: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub updated: Option<String>,
}

/// One row of a documented table.
#[derive(Debug, Clone, Deserialize)]
pub struct Field {
    pub name: String,
    #[serde(default)]
    pub mandatory: Option<bool>,
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(default, rename = "ref")]
    pub reference: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub definition: Option<String>,
    #[serde(default)]
    pub constraints: Option<String>,
    #[serde(default)]
    pub range: Option<String>,
    #[serde(default)]
    pub default_value: Option<String>,
    #[serde(default)]
    pub rules: Rules,
    #[serde(default)]
    pub values: Vec<EnumValue>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub sensitive: bool,
    #[serde(default)]
    pub supplied_by: Option<Supplier>,
    #[serde(default)]
    pub rust_name: Option<String>,
    /// The `hwc` flag of the row, only when the one derived from its wire name would collide with an option of
    /// `hwc` (e.g. a body field `region` next to the global `--region`).
    #[serde(default)]
    pub cli_flag: Option<String>,
    #[serde(default)]
    pub format: Option<TimeFormat>,
    /// The row is mandatory when any of these conditions on a sibling row holds (the prose's "X is mandatory when Y
    /// is set", "... when type is backup").
    #[serde(default)]
    pub mandatory_when: Vec<Condition>,
    /// The value is also read in the other JSON form real servers and printed examples use: a number or boolean for
    /// a String row, a string holding the number (`"7,"`) for an Integer or Long row, `"true"` for a Boolean row.
    #[serde(default)]
    pub lenient: bool,
    #[serde(default)]
    pub correction: Option<String>,
    #[serde(default)]
    pub accepted_differences: Vec<AcceptedDifference>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Supplier {
    /// A header the runtime's credentials set (X-Auth-Token).
    Auth,
    /// A header the transport sets (Content-Type).
    Transport,
    /// A path parameter the client fills in from its configuration when the caller leaves it unset (project_id).
    Client,
}

/// A condition on a sibling row of the same table, for `mandatory_when`: the sibling is set (no other key), is set
/// to one of `equals`, is set to none of `not_equals`, or is not set (`absent: true`).
#[derive(Debug, Clone, Deserialize)]
pub struct Condition {
    pub field: String,
    #[serde(default)]
    pub equals: Vec<serde_yaml::Value>,
    #[serde(default)]
    pub not_equals: Vec<serde_yaml::Value>,
    #[serde(default)]
    pub absent: bool,
}

/// What a [`Condition`] asks of its sibling.
#[derive(Debug, Clone, PartialEq)]
pub enum Test<'a> {
    Set,
    Absent,
    Equals(&'a [serde_yaml::Value]),
    NotEquals(&'a [serde_yaml::Value]),
}

impl Condition {
    /// The test, once `check.rs` has made sure at most one of `equals`, `not_equals`, `absent` is given.
    pub fn test(&self) -> Test<'_> {
        match (self.absent, self.equals.is_empty(), self.not_equals.is_empty()) {
            (true, _, _) => Test::Absent,
            (false, false, _) => Test::Equals(&self.equals),
            (false, true, false) => Test::NotEquals(&self.not_equals),
            (false, true, true) => Test::Set,
        }
    }
}

/// A documented timestamp format of a String or Long row: the generator adds a typed accessor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TimeFormat {
    /// `yyyy-mm-ddThh:mm:ssZ`, `Z` being the zone offset (`Z`, `+08:00`, `+0800`).
    DateTime,
    /// `yyyy-mm-dd hh:mm:ss` in UTC.
    UtcDateTime,
    /// Milliseconds since the Unix epoch (a Long, or a String holding the number).
    UnixMs,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Rules {
    #[serde(default)]
    pub length: Option<u32>,
    #[serde(default)]
    pub min_length: Option<u32>,
    #[serde(default)]
    pub max_length: Option<u32>,
    #[serde(default)]
    pub charset: Vec<String>,
    #[serde(default)]
    pub starts_with_letter: bool,
    #[serde(default)]
    pub prefix: Option<String>,
    #[serde(default)]
    pub suffix: Option<String>,
    #[serde(default)]
    pub forbidden_chars: Option<String>,
    #[serde(default)]
    pub minimum: Option<i64>,
    #[serde(default)]
    pub maximum: Option<i64>,
    #[serde(default)]
    pub default: Option<serde_yaml::Value>,
    /// `hh:mm-HH:MM`: a one-hour window (HH is hh + 1, `23:00-00:00` wraps), the same minutes on both sides, one of
    /// `minutes`.
    #[serde(default)]
    pub time_window: Option<TimeWindow>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TimeWindow {
    pub minutes: Vec<u8>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EnumValue {
    pub value: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Body {
    #[serde(default)]
    pub table: Option<String>,
    #[serde(default)]
    pub fields: Vec<Field>,
    #[serde(default, rename = "ref")]
    pub reference: Option<String>,
    #[serde(default)]
    pub accepted_differences: Vec<AcceptedDifference>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Response {
    pub status: u16,
    #[serde(default)]
    pub table: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub body: Option<Body>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct StatusCode {
    pub status: u16,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TypeDef {
    pub name: String,
    #[serde(default)]
    pub table: Option<String>,
    #[serde(default)]
    pub rust_name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub fields: Vec<Field>,
    #[serde(default)]
    pub accepted_differences: Vec<AcceptedDifference>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Examples {
    #[serde(default)]
    pub requests: Vec<ExampleRequest>,
    #[serde(default)]
    pub responses: Vec<ExampleResponse>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ExampleRequest {
    pub title: String,
    pub line: String,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub correction: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ExampleResponse {
    pub status: u16,
    #[serde(default)]
    pub title: Option<String>,
    /// The type to check the body against when the page has no table for this status.
    #[serde(default, rename = "ref")]
    pub reference: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub correction: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Pagination {
    /// What `offset` counts: `items` (an item offset, the default) or `pages` (a page number).
    #[serde(default)]
    pub unit: PageUnit,
    pub offset: String,
    pub limit: String,
    pub items: String,
    #[serde(default)]
    pub total: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageUnit {
    #[default]
    Items,
    Pages,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ReturnsJob {
    pub field: String,
}

/// A difference from the API Explorer definition that the spec keeps on purpose (the page says otherwise), checked
/// by `cargo xtask spec-audit`: `explorer` records what the definition says, so that a change of the definition makes
/// the acceptance stale instead of silently covering a new difference.
#[derive(Debug, Clone, Deserialize)]
pub struct AcceptedDifference {
    pub aspect: Aspect,
    /// `not_in_spec` only: the definition's field (in a table) or `<section>.<name>` (at operation level).
    #[serde(default)]
    pub field: Option<String>,
    /// What the definition says, as the audit prints it (`String`, `false`, `[a, b]`, `200`, ...); absent for
    /// `not_in_definition`.
    #[serde(default)]
    pub explorer: Option<serde_yaml::Value>,
    /// One line: why the spec differs (usually: what the English page prints).
    pub reason: String,
}

/// What an accepted difference is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aspect {
    Type,
    Mandatory,
    Values,
    Minimum,
    Maximum,
    MinLength,
    MaxLength,
    Default,
    /// Operation level: the success status codes.
    Success,
    /// The spec has this row (or body) and the definition does not.
    NotInDefinition,
    /// The definition has a field, parameter or body that the spec does not (named by `field`).
    NotInSpec,
}

impl Aspect {
    /// The name written in the spec.
    pub fn key(self) -> &'static str {
        match self {
            Aspect::Type => "type",
            Aspect::Mandatory => "mandatory",
            Aspect::Values => "values",
            Aspect::Minimum => "minimum",
            Aspect::Maximum => "maximum",
            Aspect::MinLength => "min_length",
            Aspect::MaxLength => "max_length",
            Aspect::Default => "default",
            Aspect::Success => "success",
            Aspect::NotInDefinition => "not_in_definition",
            Aspect::NotInSpec => "not_in_spec",
        }
    }
}
