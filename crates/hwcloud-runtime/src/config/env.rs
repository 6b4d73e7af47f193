//! The names of the environment variables a client reads: the official SDKs' names, plus one of ours for the ECS
//! metadata service.

/// Access key id.
pub const AK: &str = "HUAWEICLOUD_SDK_AK";
/// Secret access key.
pub const SK: &str = "HUAWEICLOUD_SDK_SK";
/// Security token of a temporary AK/SK.
pub const SECURITY_TOKEN: &str = "HUAWEICLOUD_SDK_SECURITY_TOKEN";
/// Default project id.
pub const PROJECT_ID: &str = "HUAWEICLOUD_SDK_PROJECT_ID";
/// Region, e.g. `cn-north-4` (read by [`crate::ClientBuilder::from_env`]).
pub const REGION: &str = "HUAWEICLOUD_SDK_REGION";
/// Prefix of the per-service endpoint variables, `HUAWEICLOUD_SDK_REGION_{SERVICE}_{REGION}` (e.g.
/// `HUAWEICLOUD_SDK_REGION_GES_CN_NORTH_4`): one endpoint or several, comma-separated.
pub const REGION_ENDPOINT_PREFIX: &str = "HUAWEICLOUD_SDK_REGION_";
/// The regions file to read instead of `~/.huaweicloud/regions.yaml`.
pub const REGIONS_FILE: &str = "HUAWEICLOUD_SDK_REGIONS_FILE";
/// The profile file to read instead of `~/.huaweicloud/credentials`.
pub const CREDENTIALS_FILE: &str = "HUAWEICLOUD_SDK_CREDENTIALS_FILE";
/// The IAM endpoint for project-id lookups and token requests.
pub const IAM_ENDPOINT: &str = "HUAWEICLOUD_SDK_IAM_ENDPOINT";
/// Federated identity provider id (not supported: setting it is an error rather than a silent skip).
pub const IDP_ID: &str = "HUAWEICLOUD_SDK_IDP_ID";
/// Federated id token file (not supported, see [`IDP_ID`]).
pub const ID_TOKEN_FILE: &str = "HUAWEICLOUD_SDK_ID_TOKEN_FILE";
/// The variables of OIDC federation through STS, which the official SDKs try first (not supported yet: setting
/// any of them is an error, so that a client never runs as another identity than the official SDKs would).
pub const OIDC: &[&str] = &[
    "HUAWEICLOUD_OIDC_PROVIDER_URN",
    "HUAWEICLOUD_OIDC_AGENCY_URN",
    "HUAWEICLOUD_OIDC_ID_TOKEN",
    "HUAWEICLOUD_OIDC_TOKEN_FILE",
];
/// Base URL of the ECS metadata service (default `http://169.254.169.254`). Not an official SDK variable: it lets
/// tests and emulators serve the metadata endpoints elsewhere, e.g. on 127.0.0.1.
pub const METADATA_ENDPOINT: &str = "HWCLOUD_METADATA_ENDPOINT";

/// The endpoint variable of one service in one region, e.g. `HUAWEICLOUD_SDK_REGION_GES_CN_NORTH_4`.
pub fn region_endpoint_variable(sdk_service: &str, region: &str) -> String {
    let region: String = region.chars().map(|c| if c == '-' { '_' } else { c.to_ascii_uppercase() }).collect();
    format!("{REGION_ENDPOINT_PREFIX}{}_{region}", sdk_service.to_ascii_uppercase())
}
