//! The one IAM call the runtime makes: obtaining a user token by password (`POST /v3/auth/tokens`).

use super::{Password, TokenScope};
use crate::decode::decode_error;
use crate::error::Error;
use crate::operation::{Method, OperationSpec, RawResponse, Request, ServiceSpec};
use crate::redact::Redactor;
use crate::secret::Secret;
use serde_json::json;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// IAM, overridable like any service with the endpoint key `iam`. The regions are the official SDKs' IAM table
/// (huaweicloudsdkcore 3.1.219, docs/14_regions_endpoints.txt); other regions use the global endpoint, as there.
pub(crate) static IAM: ServiceSpec = ServiceSpec {
    name: "iam",
    sdk_name: "IAM",
    regions: &[
        ("ae-ad-1", "https://iam.ae-ad-1.myhuaweicloud.com"),
        ("af-south-1", "https://iam.af-south-1.myhuaweicloud.com"),
        ("ap-southeast-1", "https://iam.ap-southeast-1.myhuaweicloud.com"),
        ("ap-southeast-2", "https://iam.ap-southeast-2.myhuaweicloud.com"),
        ("ap-southeast-3", "https://iam.ap-southeast-3.myhuaweicloud.com"),
        ("ap-southeast-4", "https://iam.ap-southeast-4.myhuaweicloud.com"),
        ("cn-east-2", "https://iam.cn-east-2.myhuaweicloud.com"),
        ("cn-east-3", "https://iam.cn-east-3.myhuaweicloud.com"),
        ("cn-east-4", "https://iam.cn-east-4.myhuaweicloud.com"),
        ("cn-east-5", "https://iam.cn-east-5.myhuaweicloud.com"),
        ("cn-north-1", "https://iam.cn-north-1.myhuaweicloud.com"),
        ("cn-north-12", "https://iam.cn-north-12.myhuaweicloud.com"),
        ("cn-north-2", "https://iam.cn-north-2.myhuaweicloud.com"),
        ("cn-north-4", "https://iam.cn-north-4.myhuaweicloud.com"),
        ("cn-north-9", "https://iam.cn-north-9.myhuaweicloud.com"),
        ("cn-south-1", "https://iam.cn-south-1.myhuaweicloud.com"),
        ("cn-south-2", "https://iam.cn-south-2.myhuaweicloud.com"),
        ("cn-southwest-2", "https://iam.cn-southwest-2.myhuaweicloud.com"),
        ("eu-west-0", "https://iam.eu-west-0.myhuaweicloud.com"),
        ("la-north-2", "https://iam.la-north-2.myhuaweicloud.com"),
        ("la-south-2", "https://iam.la-south-2.myhuaweicloud.com"),
        ("me-east-1", "https://iam.me-east-1.myhuaweicloud.com"),
        ("my-kualalumpur-1", "https://iam.my-kualalumpur-1.myhuaweicloud.com"),
        ("na-mexico-1", "https://iam.na-mexico-1.myhuaweicloud.com"),
        ("ru-moscow-1", "https://iam.ru-moscow-1.myhuaweicloud.com"),
        ("sa-brazil-1", "https://iam.sa-brazil-1.myhuaweicloud.com"),
        ("tr-west-1", "https://iam.tr-west-1.myhuaweicloud.com"),
    ],
    global_endpoint: Some("https://iam.myhuaweicloud.com"),
    errors: &[],
};

/// Documented as 201 Created; the API Explorer definition shows 200, so both are accepted. Repeating it only
/// issues another token, so it is safe to retry.
pub(crate) static CREATE_TOKEN: OperationSpec = OperationSpec {
    service: &IAM,
    name: "keystone_create_user_token_by_password",
    method: Method::Post,
    path_template: "/v3/auth/tokens",
    success: &[200, 201],
    idempotent: true,
    not_found: &[],
};

/// The token request. Its body holds the password, so it is never logged (the runtime logs no bodies).
pub(crate) fn token_request(login: &Password, scope: &TokenScope) -> Request {
    let scope = match scope {
        TokenScope::ProjectId(id) => json!({ "project": { "id": id } }),
        TokenScope::ProjectName(name) => json!({ "project": { "name": name } }),
        TokenScope::Domain => json!({ "domain": { "name": login.domain_name } }),
    };
    let body = json!({
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {
                    "user": {
                        "name": login.user_name,
                        "password": login.password.expose(),
                        "domain": { "name": login.domain_name },
                    }
                }
            },
            "scope": scope,
        }
    });
    let mut request = Request::new(&CREATE_TOKEN, CREATE_TOKEN.path_template.to_owned());
    request.query.push(("nocatalog", "true".to_owned()));
    request.headers.push(("Content-Type", "application/json;charset=utf8".to_owned()));
    request.body = Some(body.to_string().into());
    request
}

/// A token as IAM issued it.
pub(crate) struct IssuedToken {
    pub(crate) token: Secret,
    /// `token.expires_at` of the body, when present and parseable.
    pub(crate) expires_at: Option<OffsetDateTime>,
}

/// Reads the token from `X-Subject-Token` and its expiry from the body's `token.expires_at`.
pub(crate) fn parse_token_response(raw: &RawResponse, redactor: &Redactor) -> Result<IssuedToken, Error> {
    let token =
        raw.headers.get("x-subject-token").and_then(|v| v.to_str().ok()).map(str::trim).filter(|t| !t.is_empty());
    let Some(token) = token else {
        let message = "the response has no X-Subject-Token header, so no token was issued".to_owned();
        return Err(decode_error(&CREATE_TOKEN, raw, "X-Subject-Token".into(), message, redactor));
    };
    let expires_at = serde_json::from_slice::<serde_json::Value>(&raw.body)
        .ok()
        .and_then(|body| body.pointer("/token/expires_at").and_then(|v| v.as_str()).map(str::to_owned))
        .and_then(|text| OffsetDateTime::parse(&text, &Rfc3339).ok());
    Ok(IssuedToken { token: Secret::new(token), expires_at })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn login() -> Password {
        Password { domain_name: "dom".into(), user_name: "user".into(), password: Secret::new("pw"), scope: None }
    }

    /// docs/14_regions_endpoints.txt, "IAM endpoints by region".
    const PUBLISHED: &str = "\
ae-ad-1 | https://iam.ae-ad-1.myhuaweicloud.com
af-south-1 | https://iam.af-south-1.myhuaweicloud.com
ap-southeast-1 | https://iam.ap-southeast-1.myhuaweicloud.com
ap-southeast-2 | https://iam.ap-southeast-2.myhuaweicloud.com
ap-southeast-3 | https://iam.ap-southeast-3.myhuaweicloud.com
ap-southeast-4 | https://iam.ap-southeast-4.myhuaweicloud.com
cn-east-2 | https://iam.cn-east-2.myhuaweicloud.com
cn-east-3 | https://iam.cn-east-3.myhuaweicloud.com
cn-east-4 | https://iam.cn-east-4.myhuaweicloud.com
cn-east-5 | https://iam.cn-east-5.myhuaweicloud.com
cn-north-1 | https://iam.cn-north-1.myhuaweicloud.com
cn-north-12 | https://iam.cn-north-12.myhuaweicloud.com
cn-north-2 | https://iam.cn-north-2.myhuaweicloud.com
cn-north-4 | https://iam.cn-north-4.myhuaweicloud.com
cn-north-9 | https://iam.cn-north-9.myhuaweicloud.com
cn-south-1 | https://iam.cn-south-1.myhuaweicloud.com
cn-south-2 | https://iam.cn-south-2.myhuaweicloud.com
cn-southwest-2 | https://iam.cn-southwest-2.myhuaweicloud.com
eu-west-0 | https://iam.eu-west-0.myhuaweicloud.com
la-north-2 | https://iam.la-north-2.myhuaweicloud.com
la-south-2 | https://iam.la-south-2.myhuaweicloud.com
me-east-1 | https://iam.me-east-1.myhuaweicloud.com
my-kualalumpur-1 | https://iam.my-kualalumpur-1.myhuaweicloud.com
na-mexico-1 | https://iam.na-mexico-1.myhuaweicloud.com
ru-moscow-1 | https://iam.ru-moscow-1.myhuaweicloud.com
sa-brazil-1 | https://iam.sa-brazil-1.myhuaweicloud.com
tr-west-1 | https://iam.tr-west-1.myhuaweicloud.com
";

    #[test]
    fn every_published_iam_region_resolves_to_its_endpoint_and_others_to_the_global_one() {
        use crate::{Client, Credentials};
        let client = |region: &str| {
            Client::builder().env_lookup(|_| None).credentials(Credentials::token("t")).region(region).build().unwrap()
        };
        let rows: Vec<(&str, &str)> = PUBLISHED.lines().filter_map(|l| l.split_once(" | ")).collect();
        assert_eq!(rows.len(), 27);
        assert_eq!(IAM.regions, rows.as_slice());
        for (region, endpoint) in rows {
            assert_eq!(client(region).endpoint(&IAM).unwrap(), endpoint);
        }
        assert_eq!(client("eu-west-101").endpoint(&IAM).unwrap(), "https://iam.myhuaweicloud.com");
    }

    #[test]
    fn body_follows_the_documented_shape() {
        let req = token_request(&login(), &TokenScope::ProjectName("cn-north-4".into()));
        let body: serde_json::Value = serde_json::from_slice(req.body.as_ref().unwrap()).unwrap();
        assert_eq!(body["auth"]["identity"]["methods"], json!(["password"]));
        assert_eq!(body["auth"]["identity"]["password"]["user"]["domain"]["name"], "dom");
        assert_eq!(body["auth"]["scope"]["project"]["name"], "cn-north-4");
    }

    #[test]
    fn token_and_expiry_are_read() {
        let mut headers = http::HeaderMap::new();
        headers.insert("X-Subject-Token", "tok".parse().unwrap());
        let raw = RawResponse {
            status: 201,
            request_id: None,
            headers,
            body: r#"{"token": {"expires_at": "2020-01-04T09:05:22.701000Z"}}"#.into(),
        };
        let issued = parse_token_response(&raw, &Redactor::default()).unwrap();
        assert_eq!(issued.token.expose(), "tok");
        assert_eq!(issued.expires_at.unwrap().unix_timestamp(), 1578128722);
        let raw = RawResponse { headers: http::HeaderMap::new(), ..raw };
        assert!(matches!(parse_token_response(&raw, &Redactor::default()), Err(Error::Decode { .. })));
    }
}
