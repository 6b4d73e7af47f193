//! Credentials from the official SDK environment variables (a test binary of its own: only one test here touches
//! the process environment).

use hwcloud_runtime::{env, Client, ClientBuilder, Credentials, Error};

#[test]
fn from_env_reads_the_official_sdk_variables() {
    for name in [env::AK, env::SK, env::SECURITY_TOKEN, env::PROJECT_ID, env::REGION] {
        std::env::remove_var(name);
    }
    let err = Client::from_env().unwrap_err();
    assert!(
        matches!(&err, Error::Config(m) if m.contains("HUAWEICLOUD_SDK_AK") && m.contains("HUAWEICLOUD_SDK_SK")),
        "{err}"
    );

    std::env::set_var(env::AK, "AK-FROM-ENV");
    std::env::set_var(env::SK, "sk-from-env");
    std::env::set_var(env::PROJECT_ID, "project-from-env");
    std::env::set_var(env::REGION, "cn-north-4");
    let client = Client::from_env().unwrap();
    assert_eq!((client.project_id(), client.region()), (Some("project-from-env"), Some("cn-north-4")));
    let text = format!("{client:?}");
    assert!(
        text.contains("AK-FROM-ENV") && text.contains("temporary: false") && !text.contains("sk-from-env"),
        "{text}"
    );

    std::env::set_var(env::SECURITY_TOKEN, "token-from-env");
    let credentials = Credentials::from_env().unwrap();
    assert_eq!(credentials.kind(), "ak/sk");
    let text = format!("{:?}", ClientBuilder::<Client>::from_env().unwrap().build().unwrap());
    assert!(text.contains("temporary: true") && !text.contains("token-from-env"), "{text}");
}

#[test]
fn lookup_sources_other_than_the_environment() {
    let only_ak = |name: &str| (name == env::AK).then(|| "AK".to_owned());
    let err = Credentials::from_lookup(only_ak).unwrap_err().to_string();
    assert!(err.contains("HUAWEICLOUD_SDK_SK") && !err.contains("HUAWEICLOUD_SDK_AK and"), "{err}");
}
