//! Every region of the official SDKs' tables (docs/14_regions_endpoints.txt, SDK 3.1.219) resolves to exactly its
//! published endpoint, through the generated `SERVICE` statics and the runtime's resolution.

use hwcloud::runtime::{Credentials, FromRuntime, ServiceSpec};

/// GES, SDK service name GES.
const GES: &str = "\
ap-southeast-1 | https://ges.ap-southeast-1.myhuaweicloud.com
ap-southeast-3 | https://ges.ap-southeast-3.myhuaweicloud.com
cn-east-3 | https://ges.cn-east-3.myhuaweicloud.com
cn-north-1 | https://ges.cn-north-1.myhuaweicloud.com
cn-north-2 | https://ges.cn-north-2.myhuaweicloud.com
cn-north-4 | https://ges.cn-north-4.myhuaweicloud.com
cn-south-1 | https://ges.cn-south-1.myhuaweicloud.com
eu-west-101 | https://ges.eu-west-101.myhuaweicloud.eu
ru-moscow-1 | https://ges.ru-moscow-1.myhuaweicloud.com
";

/// GeminiDB (GaussDB NoSQL), SDK service name GAUSSDBFORNOSQL.
const GEMINIDB: &str = "\
af-south-1 | https://gaussdb-nosql.af-south-1.myhuaweicloud.com
ap-southeast-1 | https://gaussdb-nosql.ap-southeast-1.myhuaweicloud.com
ap-southeast-2 | https://gaussdb-nosql.ap-southeast-2.myhuaweicloud.com
ap-southeast-3 | https://gaussdb-nosql.ap-southeast-3.myhuaweicloud.com
ap-southeast-4 | https://gaussdb-nosql.ap-southeast-4.myhuaweicloud.com
ap-southeast-5 | https://gaussdb-nosql.ap-southeast-5.myhuaweicloud.com
cn-east-2 | https://gaussdb-nosql.cn-east-2.myhuaweicloud.com
cn-east-3 | https://gaussdb-nosql.cn-east-3.myhuaweicloud.com
cn-east-4 | https://gaussdb-nosql.cn-east-4.myhuaweicloud.com
cn-north-1 | https://gaussdb-nosql.cn-north-1.myhuaweicloud.com
cn-north-11 | https://gaussdb-nosql.cn-north-11.myhuaweicloud.com
cn-north-2 | https://gaussdb-nosql.cn-north-2.myhuaweicloud.com
cn-north-4 | https://gaussdb-nosql.cn-north-4.myhuaweicloud.com
cn-north-9 | https://gaussdb-nosql.cn-north-9.myhuaweicloud.com
cn-south-1 | https://gaussdb-nosql.cn-south-1.myhuaweicloud.com
cn-south-2 | https://gaussdb-nosql.cn-south-2.myhuaweicloud.com
cn-south-4 | https://gaussdb-nosql.cn-south-4.myhuaweicloud.com
cn-southwest-2 | https://gaussdb-nosql.cn-southwest-2.myhuaweicloud.com
cn-southwest-3 | https://gaussdb-nosql.cn-southwest-3.myhuaweicloud.com
eu-west-101 | https://gaussdb-nosql.eu-west-101.myhuaweicloud.eu
la-north-2 | https://gaussdb-nosql.la-north-2.myhuaweicloud.com
la-south-2 | https://gaussdb-nosql.la-south-2.myhuaweicloud.com
me-east-1 | https://gaussdb-nosql.me-east-1.myhuaweicloud.com
ru-moscow-1 | https://gaussdb-nosql.ru-moscow-1.myhuaweicloud.com
ru-northwest-2 | https://gaussdb-nosql.ru-northwest-2.myhuaweicloud.com
sa-brazil-1 | https://gaussdb-nosql.sa-brazil-1.myhuaweicloud.com
tr-west-1 | https://gaussdb-nosql.tr-west-1.myhuaweicloud.com
";

/// TaurusDB (GaussDB for MySQL), SDK service name GAUSSDB.
const TAURUSDB: &str = "\
af-south-1 | https://gaussdb-mysql.af-south-1.myhuaweicloud.com
ap-southeast-1 | https://gaussdbformysql.ap-southeast-1.myhuaweicloud.com
ap-southeast-2 | https://gaussdbformysql.ap-southeast-2.myhuaweicloud.com
ap-southeast-3 | https://gaussdb.ap-southeast-3.myhuaweicloud.com
ap-southeast-4 | https://gaussdb.ap-southeast-4.myhuaweicloud.com
cn-east-3 | https://gaussdb.cn-east-3.myhuaweicloud.com
cn-east-5 | https://gaussdb-mysql.cn-east-5.myhuaweicloud.com
cn-north-11 | https://gaussdbformysql.cn-north-11.myhuaweicloud.com
cn-north-2 | https://gaussdb.cn-north-2.myhuaweicloud.com
cn-north-4 | https://gaussdb.cn-north-4.myhuaweicloud.com
cn-north-9 | https://gaussdb.cn-north-9.myhuaweicloud.com
cn-south-1 | https://gaussdb.cn-south-1.myhuaweicloud.com
cn-south-4 | https://gaussdb.cn-south-4.myhuaweicloud.com
cn-southwest-2 | https://gaussdb.cn-southwest-2.myhuaweicloud.com
cn-southwest-3 | https://gaussdb-mysql.cn-southwest-3.myhuaweicloud.com
la-north-2 | https://gaussdb-mysql.la-north-2.myhuaweicloud.com
me-east-1 | https://gaussdbformysql.me-east-1.myhuaweicloud.com
ru-northwest-2 | https://gaussdb.ru-northwest-2.myhuaweicloud.com
sa-brazil-1 | https://gaussdb.sa-brazil-1.myhuaweicloud.com
tr-west-1 | https://gaussdbformysql.tr-west-1.myhuaweicloud.com
";

fn rows(table: &str) -> Vec<(&str, &str)> {
    table.lines().filter_map(|line| line.split_once(" | ")).collect()
}

fn client(region: &str) -> hwcloud::Client {
    hwcloud::Client::builder()
        .env_lookup(|_| None)
        .credentials(Credentials::token("t"))
        .region(region)
        .build()
        .expect("client builds")
}

#[track_caller]
fn check(service: &ServiceSpec, sdk_name: &str, table: &str, extra_documented: &[&str]) {
    assert_eq!(service.sdk_name, sdk_name);
    let rows = rows(table);
    assert!(rows.len() >= 9, "the table is complete");
    for (region, endpoint) in &rows {
        let resolved = client(region).runtime().endpoint(service).expect("a known region");
        assert_eq!(&resolved, endpoint, "{} in {region}", service.name);
    }
    let published: Vec<&str> = rows.iter().map(|(region, _)| *region).collect();
    let spec: Vec<&str> =
        service.regions.iter().map(|(region, _)| *region).filter(|r| !extra_documented.contains(r)).collect();
    let mut published_sorted = published.clone();
    published_sorted.sort_unstable();
    assert_eq!(spec, published_sorted, "{}: the spec holds the published regions and no others", service.name);
}

#[test]
fn ges_regions() {
    check(&hwcloud::ges::SERVICE, "GES", GES, &[]);
}

#[test]
fn geminidb_regions() {
    // cn-north-7 is printed by the Chinese copy of Querying Backups (docs/05), not by the SDK table.
    check(&hwcloud::geminidb::SERVICE, "GAUSSDBFORNOSQL", GEMINIDB, &["cn-north-7"]);
}

#[test]
fn taurusdb_regions() {
    check(&hwcloud::taurusdb::SERVICE, "GAUSSDB", TAURUSDB, &[]);
}

#[test]
fn the_generated_client_names_its_services() {
    let names: Vec<&str> = <hwcloud::Client as FromRuntime>::SERVICES.iter().map(|s| s.name).collect();
    assert_eq!(names, ["geminidb", "ges", "taurusdb"]);
}

#[test]
fn an_unknown_region_lists_the_known_ones() {
    let err = client("xx-moon-1").runtime().endpoint(&hwcloud::taurusdb::SERVICE).unwrap_err().to_string();
    assert!(err.contains("af-south-1, ap-southeast-1,") && err.contains("tr-west-1"), "{err}");
}
