//! `from_env` against the real process environment (a test binary of its own: only this test touches the process
//! environment). The setups of the official SDKs, each in a clean child process, are in the emulator's
//! `sdk_config` tests.

use hwcloud_runtime::{env, Client, ClientBuilder, Credentials, Error};

#[test]
fn from_env_reads_the_official_sdk_variables() {
    let home = std::env::temp_dir().join(format!("hwcloud-env-test-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    std::env::set_var("HOME", &home);
    for name in [env::AK, env::SK, env::SECURITY_TOKEN, env::PROJECT_ID, env::REGION, env::CREDENTIALS_FILE] {
        std::env::remove_var(name);
    }
    std::env::set_var(env::AK, "AK-FROM-ENV");
    let err = Client::from_env().unwrap_err();
    assert!(matches!(&err, Error::Config(m) if m.contains("HUAWEICLOUD_SDK_SK is not set")), "{err}");

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
    let text = format!("{:?}", ClientBuilder::<Client>::from_env().build().unwrap());
    assert!(text.contains("temporary: true") && !text.contains("token-from-env"), "{text}");
    let _ = std::fs::remove_dir_all(&home);
}

#[test]
fn lookup_sources_other_than_the_environment() {
    let only_ak = |name: &str| (name == env::AK).then(|| "AK".to_owned());
    let err = Credentials::from_lookup(only_ak).unwrap_err().to_string();
    assert!(err.contains("HUAWEICLOUD_SDK_SK") && !err.contains("HUAWEICLOUD_SDK_AK and"), "{err}");
}
