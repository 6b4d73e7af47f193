//! Prints how a request is signed (canonical request, string to sign, and `Authorization` as the last line).
//!
//! ```text
//! cargo run -q -p hwcloud-runtime --example sign -- --ak AK --sk SK --date 20240101T000000Z \
//!     --method GET --url 'https://ges.cn-north-4.myhuaweicloud.com/v2/p/graphs/g-1/backups?offset=0&limit=2' \
//!     --header 'Content-Type: application/json'
//! ```

use clap::Parser;
use std::process::ExitCode;

/// Sign one request with SDK-HMAC-SHA256 and show every step.
#[derive(Parser)]
struct Args {
    /// Access key id.
    #[arg(long)]
    ak: String,
    /// Secret access key.
    #[arg(long)]
    sk: String,
    /// Signing time (X-Sdk-Date), e.g. 20240101T000000Z.
    #[arg(long)]
    date: String,
    /// HTTP method.
    #[arg(long, default_value = "GET")]
    method: String,
    /// Full URL including the query.
    #[arg(long)]
    url: String,
    /// A header to sign, as 'Name: value' (repeatable); Host and X-Sdk-Date are added.
    #[arg(long = "header", value_parser = parse_header)]
    headers: Vec<(String, String)>,
    /// Request body, signed as its UTF-8 bytes.
    #[arg(long, default_value = "")]
    body: String,
}

fn parse_header(text: &str) -> Result<(String, String), String> {
    let (name, value) = text.split_once(':').ok_or("expected 'Name: value'")?;
    Ok((name.trim().to_owned(), value.trim().to_owned()))
}

fn main() -> ExitCode {
    let args = Args::parse();
    match hwcloud_runtime::sign::debug_report(
        &args.ak,
        &args.sk,
        &args.date,
        &args.method,
        &args.url,
        &args.headers,
        args.body.as_bytes(),
    ) {
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
