//! `cargo run --release -p hwcloud-bench [-- --rounds N --iters N]`: the generated client against hand-written
//! reqwest + serde_json calls, over loopback to an in-process server, printed as a table of ratios measured in this
//! run. See BENCHMARKS.md for what each row means and the latest results.

mod alloc;
mod cli;
mod emulated;
mod measure;
mod peers;
mod raw;
mod server;

use futures::StreamExt;
use hwcloud::ges::list_graph_backups::{ListGraphBackupsOutput, OPERATION as LIST_OPERATION};
use hwcloud::runtime::{sign, Credentials, RawResponse};
use measure::{compare, Pair, Plan};
use raw::Raw;
use server::{Server, AK, JOB_ID, PROJECT, SK, TOKEN};
use std::hint::black_box;
use std::process::ExitCode;
use std::sync::atomic::Ordering;

#[global_allocator]
static ALLOCATOR: alloc::Counting = alloc::Counting;

const IMPORT_PATH: &str = "obs://bench-bucket/backups/g1-20240101.zip";
/// Items per page for every listing call (the 1- and 100-item listings fit in one page).
const LIMIT: i32 = 100;

fn main() -> ExitCode {
    let mut plan = Plan { rounds: 30, iters: 200 };
    let mut profile = None;
    let mut with_peers = true;
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(at) = args.iter().position(|a| a == "--no-peers") {
        args.remove(at);
        with_peers = false;
    }
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let value = it.next();
        let number = value.and_then(|v| v.parse::<usize>().ok()).filter(|v| *v > 0);
        match (arg.as_str(), number) {
            ("--rounds", Some(v)) => plan.rounds = v,
            ("--iters", Some(v)) => plan.iters = v,
            ("--profile", _) if value.is_some_and(|v| PROFILE_CASES.contains(&v.as_str())) => profile = value.cloned(),
            _ => {
                eprintln!(
                    "usage: hwcloud-bench [--rounds N (default 30)] [--iters N (default 200)] [--profile CASE] \
                     [--no-peers]\n\
                     --profile runs only CASE (one of {}) for `--rounds` x `--iters` calls, for perf/callgrind\n\
                     --no-peers leaves out the Python SDK, the emulator and the `hwc` start-up figures",
                    PROFILE_CASES.join(", ")
                );
                return ExitCode::from(2);
            }
        }
    }
    alloc::track_this_thread();
    let server = server::start();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("client runtime");
    if let Some(case) = profile {
        rt.block_on(profile_case(&server, &case, plan.rounds * plan.iters));
        return ExitCode::SUCCESS;
    }
    println!(
        "hwcloud-bench: server {} (own thread), client on a current-thread runtime; {} rounds x {} calls per side",
        server.base, plan.rounds, plan.iters
    );
    let mut table = Table::default();
    rt.block_on(per_call(&server, plan, &mut table));
    rt.block_on(decoding(plan, &mut table));
    rt.block_on(request_building(&server, plan, &mut table));
    pager_memory(&rt, &server, &mut table);
    rt.block_on(concurrency(&server, plan, &mut table));
    let emulator = with_peers.then(emulated::start);
    if let Some(emulator) = &emulator {
        python_sdk(&rt, &server, emulator, &mut table);
    }
    table.print();
    print_future_sizes(&server);
    if with_peers {
        cli::print_startup_and_size();
    }
    let (answered, refused) =
        (server.stats.answered.load(Ordering::Relaxed), server.stats.refused.load(Ordering::Relaxed));
    println!("\nserver: {answered} requests answered, {refused} refused (AK/SK checked with sign::verify)");
    if refused > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn generated(server: &Server, credentials: Credentials) -> hwcloud::Client {
    hwcloud::Client::builder()
        .credentials(credentials)
        .project_id(PROJECT)
        .endpoint("ges", &server.base)
        .build()
        .expect("generated client configuration")
}

async fn gen_list(c: &hwcloud::Client, graph: &str, items: usize) {
    let out = c.ges().list_graph_backups().graph_id(graph).limit(LIMIT).offset(0).send().await.expect("generated list");
    assert_eq!(out.backup_list.as_ref().map_or(0, Vec::len), items);
    assert!(out.request_id().is_some());
    black_box(out);
}

async fn raw_list(r: &Raw, graph: &str, items: usize) {
    let (list, request_id) = r.list(graph, LIMIT, 0).await.expect("hand-written list");
    assert_eq!(list.backup_list.as_ref().map_or(0, Vec::len), items);
    assert!(request_id.is_some() && list.backup_count.is_some());
    black_box(list);
}

async fn gen_import(c: &hwcloud::Client) {
    let out = c.ges().import_backup().graph_id("g1").import_path(IMPORT_PATH).send().await.expect("generated import");
    assert_eq!(out.job_id.as_deref(), Some(JOB_ID));
    assert!(out.request_id().is_some());
}

async fn raw_import(r: &Raw) {
    let (job, request_id) = r.import("g1", IMPORT_PATH).await.expect("hand-written import");
    assert_eq!(job.job_id.as_deref(), Some(JOB_ID));
    assert!(request_id.is_some());
}

const PROFILE_CASES: &[&str] = &[
    "gen-list1",
    "raw-list1",
    "gen-list100",
    "raw-list100",
    "gen-import",
    "raw-import",
    "rt-send",
    "raw-send",
    "gen-emulator",
];

/// The runtime alone: [`hwcloud::runtime::Client::send`] of a request built by hand (no builder, validation or
/// decoding), the same as `raw_send` does with reqwest.
async fn runtime_send(c: &hwcloud::Client) {
    let mut request = hwcloud::runtime::Request::new(&LIST_OPERATION, format!("/v2/{PROJECT}/graphs/g1/backups"));
    request.query.push(("limit", LIMIT.to_string()));
    request.query.push(("offset", "0".into()));
    request.project_id = Some(PROJECT.into());
    let raw = c.runtime().send(request).await.expect("runtime send");
    assert!(raw.request_id.is_some() && !raw.body.is_empty());
    black_box(raw);
}

/// The hand-written side of [`runtime_send`]: the request sent and its body read, not decoded.
async fn raw_send(r: &Raw) {
    let path = format!("/v2/{PROJECT}/graphs/g1/backups");
    let query = format!("limit={LIMIT}&offset=0");
    let (body, request_id) = r.send(reqwest::Method::GET, path, query, bytes::Bytes::new()).await.expect("raw send");
    assert!(request_id.is_some() && !body.is_empty());
    black_box(body);
}

/// One side of one per-call comparison, `calls` times, token auth: what `--profile` runs under a profiler.
async fn profile_case(server: &Server, case: &str, calls: usize) {
    let c = generated(server, Credentials::token(TOKEN));
    let r = Raw::new(&server.base, &server.host, raw::Auth::Token);
    let emulator = (case == "gen-emulator").then(emulated::start);
    let started = std::time::Instant::now();
    for _ in 0..calls {
        match case {
            "gen-emulator" => {
                let e = emulator.as_ref().expect("started for this case");
                let out = e.client.ges().list_graph_backups().graph_id(&e.graph).send().await.expect("emulator list");
                assert_eq!(out.backup_list().len(), 1);
            }
            "gen-list1" => gen_list(&c, "g1", 1).await,
            "raw-list1" => raw_list(&r, "g1", 1).await,
            "gen-list100" => gen_list(&c, "g100", 100).await,
            "raw-list100" => raw_list(&r, "g100", 100).await,
            "gen-import" => gen_import(&c).await,
            "rt-send" => runtime_send(&c).await,
            "raw-send" => raw_send(&r).await,
            "raw-import" => raw_import(&r).await,
            other => unreachable!("{other} is not in PROFILE_CASES"),
        }
    }
    println!("{case}: {calls} calls, {} per call", time_text(started.elapsed().as_nanos() as f64 / calls as f64));
}

/// Per call, generated vs hand-written, for each auth; then AK/SK signing alone vs the whole round trip.
async fn per_call(server: &Server, plan: Plan, table: &mut Table) {
    let auths = [
        ("token", Credentials::token(TOKEN), raw::Auth::Token),
        ("AK/SK", Credentials::ak_sk(AK, SK), raw::Auth::AkSk),
    ];
    let mut aksk_round_trip = None;
    // The harness itself: each side against a second instance of itself, where any ratio off 1.00 is bias.
    let (r1, r2) = (
        Raw::new(&server.base, &server.host, raw::Auth::Token),
        Raw::new(&server.base, &server.host, raw::Auth::Token),
    );
    let pair = compare(plan, async || raw_list(&r1, "g1", 1).await, async || raw_list(&r2, "g1", 1).await).await;
    table.info("harness check (A/A): hand-written / a second hand-written client (list, 1 item, token)", pair);
    let (c1, c2) = (generated(server, Credentials::token(TOKEN)), generated(server, Credentials::token(TOKEN)));
    let pair = compare(plan, async || gen_list(&c1, "g1", 1).await, async || gen_list(&c2, "g1", 1).await).await;
    table.info("harness check (A/A): generated / a second generated client (list, 1 item, token)", pair);
    for (auth_name, credentials, raw_auth) in auths {
        let c = generated(server, credentials);
        let r = Raw::new(&server.base, &server.host, raw_auth);
        for (graph, items) in [("g1", 1usize), ("g100", 100)] {
            let pair =
                compare(plan, async || gen_list(&c, graph, items).await, async || raw_list(&r, graph, items).await)
                    .await;
            let name = format!("list_graph_backups, {items} item(s), {auth_name}: generated / hand-written");
            table.ratio(&name, pair, 1.05);
            if items == 1 && matches!(raw_auth, raw::Auth::AkSk) {
                aksk_round_trip = Some(c.clone());
            }
        }
        let pair = compare(plan, async || gen_import(&c).await, async || raw_import(&r).await).await;
        table.ratio(&format!("import_backup (POST), {auth_name}: generated / hand-written"), pair, 1.05);
    }
    if let Some(c) = aksk_round_trip {
        let path = format!("/v2/{PROJECT}/graphs/g1/backups");
        let query = format!("limit={LIMIT}&offset=0");
        let sign_once = async || {
            let date = sign::sdk_date(time::OffsetDateTime::now_utc());
            let headers = [
                ("Content-Type", "application/json"),
                ("User-Agent", hwcloud::runtime::USER_AGENT),
                ("X-Project-Id", PROJECT),
                ("X-Sdk-Date", date.as_str()),
                ("Host", server.host.as_str()),
            ];
            black_box(sign::sign_request(AK, SK, "GET", &path, &query, &headers, b""));
        };
        let pair = compare(plan, sign_once, async || gen_list(&c, "g1", 1).await).await;
        table.share("AK/SK signing alone / whole loopback call (generated, list 1 item)", pair, 0.05);
    }
}

/// Decoding a 10,000-item listing into the generated model vs `serde_json::Value` (and vs a hand-written struct);
/// then what the runtime's decoding adds to the 100-item call.
async fn decoding(plan: Plan, table: &mut Table) {
    let big = server::list_body(0, 10_000, 10_000);
    let plan = Plan { rounds: plan.rounds.min(20), iters: 3 };
    let model = async || {
        let out: ListGraphBackupsOutput = serde_json::from_slice(&big).expect("model decodes");
        assert_eq!(out.backup_list.as_ref().map_or(0, Vec::len), 10_000);
        black_box(out);
    };
    let value = async || {
        let out: serde_json::Value = serde_json::from_slice(&big).expect("value decodes");
        assert_eq!(out["backup_list"].as_array().map_or(0, Vec::len), 10_000);
        black_box(out);
    };
    let hand_written = async || {
        let out: raw::BackupList = serde_json::from_slice(&big).expect("struct decodes");
        assert_eq!(out.backup_list.as_ref().map_or(0, Vec::len), 10_000);
        black_box(out);
    };
    let name = format!("decode 10,000 items ({} KiB): ListGraphBackupsOutput / serde_json::Value", big.len() / 1024);
    table.info(&name, compare(plan, model, value).await);
    let name = "decode 10,000 items: ListGraphBackupsOutput / hand-written struct";
    table.info(name, compare(plan, model, hand_written).await);

    for items in [1usize, 100] {
        let body = bytes::Bytes::from(server::list_body(0, items, items));
        let raw = RawResponse { status: 200, request_id: Some("r".into()), headers: http::HeaderMap::new(), body };
        let runtime_decode = async || {
            let out: ListGraphBackupsOutput = hwcloud::runtime::decode(&LIST_OPERATION, &raw).expect("decodes");
            assert_eq!(out.backup_list.as_ref().map_or(0, Vec::len), items);
            black_box(out);
        };
        let plain_decode = async || {
            let out: ListGraphBackupsOutput = serde_json::from_slice(&raw.body).expect("model decodes");
            assert_eq!(out.backup_list.as_ref().map_or(0, Vec::len), items);
            black_box(out);
        };
        let plan = Plan { rounds: plan.rounds, iters: 200 };
        let name = format!(
            "breakdown: decode {items} item(s), hwcloud_runtime::decode (serde_path_to_error) / serde_json::from_slice"
        );
        table.info(&name, compare(plan, runtime_decode, plain_decode).await);
    }
}

/// What the generated code does before the runtime sends: builder, `validate()` and `to_request()`, against the
/// hand-written call's `format!` of path and query.
async fn request_building(server: &Server, plan: Plan, table: &mut Table) {
    let c = generated(server, Credentials::token(TOKEN));
    let generated_side = async || {
        let builder = c.ges().list_graph_backups().project_id(PROJECT).graph_id("g1").limit(LIMIT).offset(0);
        let input = builder.as_input();
        input.validate().expect("valid");
        black_box(hwcloud::runtime::OperationInput::to_request(input).expect("request"));
    };
    let hand_written_side = async || {
        let path = format!("/v2/{PROJECT}/graphs/{}/backups", black_box("g1"));
        let query = format!("limit={LIMIT}&offset=0");
        black_box((path, query));
    };
    let name = "breakdown: builder + validate() + to_request() / hand-written format! of path and query";
    table.info(name, compare(plan, generated_side, hand_written_side).await);
    let r = Raw::new(&server.base, &server.host, raw::Auth::Token);
    let name = "breakdown: runtime Client::send of a prebuilt request / hand-written send (1 item, token, no decoding)";
    table.info(name, compare(plan, async || runtime_send(&c).await, async || raw_send(&r).await).await);
}

/// Peak heap while walking N pages of 100 with `into_items()`, against fetching one such page with `send()`.
fn pager_memory(rt: &tokio::runtime::Runtime, server: &Server, table: &mut Table) {
    let c = generated(server, Credentials::token(TOKEN));
    let one_page = || {
        rt.block_on(async {
            let out = c.ges().list_graph_backups().graph_id("total-100000").limit(LIMIT).send().await.expect("page");
            out.backup_list.map_or(0, |l| l.len())
        })
    };
    let walk = |pages: usize| {
        let graph = format!("total-{}", pages * 100);
        rt.block_on(async {
            let mut items = c.ges().list_graph_backups().graph_id(graph).limit(LIMIT).into_items();
            let mut n = 0usize;
            while let Some(item) = items.next().await {
                black_box(item.expect("item"));
                n += 1;
            }
            n
        })
    };
    // Warm up: connection, lazily allocated runtime and tracing state.
    one_page();
    walk(3);
    // The largest of 3 runs each, to report the worst case.
    let peak = |f: &dyn Fn() -> usize, expected: usize| {
        (0..3)
            .map(|_| {
                let (n, peak) = alloc::peak_during(f);
                assert_eq!(n, expected);
                peak
            })
            .max()
            .unwrap_or(0)
    };
    let single = peak(&one_page, 100);
    let mut peaks = Vec::new();
    for pages in [10usize, 100, 1000] {
        let p = peak(&|| walk(pages), pages * 100);
        peaks.push((pages, p));
    }
    let kib = |b: usize| format!("{:.1} KiB", b as f64 / 1024.0);
    for (pages, p) in &peaks {
        table.row(
            &format!("pager peak heap: into_items() over {pages} pages / one page via send()"),
            kib(*p),
            kib(single),
            format!("{:.2}x", *p as f64 / single as f64),
            "n/a".into(),
            None,
        );
    }
    if let (Some((_, first)), Some((_, last))) = (peaks.first(), peaks.last()) {
        let growth = *last as f64 / *first as f64;
        table.row(
            "pager peak heap: 1000 pages / 10 pages (independent of page count)",
            kib(*last),
            kib(*first),
            format!("{growth:.2}x"),
            "<= 1.10x".into(),
            Some(growth <= 1.10),
        );
    }
}

/// 64 concurrent calls through one generated client vs 64 concurrent hand-written calls on one reqwest client.
async fn concurrency(server: &Server, plan: Plan, table: &mut Table) {
    const N: usize = 64;
    let c = generated(server, Credentials::token(TOKEN));
    let r = Raw::new(&server.base, &server.host, raw::Auth::Token);
    let gen64 = async || {
        futures::future::join_all((0..N).map(|_| gen_list(&c, "g1", 1))).await;
    };
    let raw64 = async || {
        futures::future::join_all((0..N).map(|_| raw_list(&r, "g1", 1))).await;
    };
    let plan = Plan { rounds: plan.rounds, iters: (plan.iters / 20).max(2) };
    let pair = compare(plan, gen64, raw64).await;
    let per_sec = |ns: f64| format!("{:.0} calls/s", N as f64 * 1e9 / ns);
    table.row_allocs(
        "64 concurrent list calls (1 item, token), one client: generated / hand-written (time; throughput shown)",
        [per_sec(pair.a_ns), per_sec(pair.b_ns), ratio_text(&pair), "<= 1.05x".into()],
        Some(pair.ratio <= 1.05),
        Some((pair.a_allocs / N as f64, pair.b_allocs / N as f64)),
    );
}

/// Rounds of the Python comparison; each round times `RUST_CALLS` generated calls, then `PYTHON_CALLS` SDK calls.
const PEER_ROUNDS: usize = 7;
const RUST_CALLS: usize = 600;
const PYTHON_CALLS: usize = 150;

/// The generated client against the official Python SDK on the same server, one call at a time and with 16 at once
/// (16 SDK threads; 16 concurrent calls on the generated client's one thread): throughput, and its ratio per round.
fn python_sdk(rt: &tokio::runtime::Runtime, server: &Server, emulator: &emulated::Emulated, table: &mut Table) {
    let python = match peers::python() {
        Ok(python) => python,
        Err(why) => {
            eprintln!("hwcloud-bench: no Python SDK comparison: {why}");
            return;
        }
    };
    let lean = generated(server, Credentials::ak_sk(AK, SK));
    let listed = rt.block_on(emulator.client.ges().list_graph_backups().graph_id(&emulator.graph).send());
    let emulated_items = listed.expect("the emulator lists the graph's backups").backup_list().len();
    let lean_target = peers::Target { endpoint: &server.base, project: PROJECT, ak: AK, sk: SK, graph: "g1", items: 1 };
    let emulated_target = peers::Target {
        endpoint: &emulator.ges,
        project: &emulator.project,
        ak: hwcloud_emulator::DEFAULT_AK,
        sk: hwcloud_emulator::DEFAULT_SK,
        graph: &emulator.graph,
        items: emulated_items,
    };
    let cases = [("lean server", &lean, &lean_target), ("emulator", &emulator.client, &emulated_target)];
    for (server_name, client, target) in cases {
        for parallel in [1usize, 16] {
            let mut sdk = match peers::Sdk::start(&python, target, parallel) {
                Ok(sdk) => sdk,
                Err(why) => {
                    eprintln!("hwcloud-bench: the Python SDK did not start against the {server_name}: {why}");
                    return;
                }
            };
            rt.block_on(rust_calls(client, target, RUST_CALLS / 10, parallel));
            let (mut rust, mut python, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
            for _ in 0..PEER_ROUNDS {
                let rust_per_s = rt.block_on(rust_calls(client, target, RUST_CALLS, parallel));
                let python_per_s = match sdk.run(PYTHON_CALLS) {
                    Ok(seconds) => PYTHON_CALLS as f64 / seconds,
                    Err(why) => {
                        eprintln!("hwcloud-bench: the Python SDK failed against the {server_name}: {why}");
                        return;
                    }
                };
                rust.push(rust_per_s);
                python.push(python_per_s);
                ratios.push(rust_per_s / python_per_s);
            }
            let how = if parallel == 1 { "one at a time".to_owned() } else { format!("{parallel} at once") };
            let name = format!(
                "list_graph_backups ({} item(s), AK/SK), {how}, {server_name}: generated Rust / official Python SDK \
                 (throughput)",
                target.items
            );
            let ratio = measure::quantile(&mut ratios.clone(), 0.5);
            let (q1, q3) = (measure::quantile(&mut ratios.clone(), 0.25), measure::quantile(&mut ratios, 0.75));
            let per_s = |v: &mut Vec<f64>| format!("{:.0} calls/s", measure::quantile(v, 0.5));
            let goal = parallel == 1 && server_name == "lean server";
            table.row(
                &name,
                per_s(&mut rust),
                per_s(&mut python),
                format!("{ratio:.1}x ({q1:.1}-{q3:.1})"),
                if goal { ">= 10x".into() } else { "n/a".into() },
                goal.then_some(ratio >= 10.0),
            );
        }
    }
}

/// Calls per second of `calls` generated calls against `target` (rounded down to a multiple of `parallel`),
/// `parallel` at a time on this thread.
async fn rust_calls(client: &hwcloud::Client, target: &peers::Target<'_>, calls: usize, parallel: usize) -> f64 {
    let each = (calls / parallel).max(1);
    let started = std::time::Instant::now();
    let worker = async || {
        for _ in 0..each {
            let out = client.ges().list_graph_backups().graph_id(target.graph).limit(LIMIT).offset(0).send().await;
            let out = out.expect("generated list");
            assert_eq!(out.backup_list().len(), target.items);
            assert!(out.request_id().is_some());
        }
    };
    futures::future::join_all((0..parallel).map(|_| worker())).await;
    (each * parallel) as f64 / started.elapsed().as_secs_f64()
}

/// The state a caller's task holds while a call is in flight: every byte of it is copied when the future moves
/// and touched while it runs.
fn print_future_sizes(server: &Server) {
    let c = generated(server, Credentials::token(TOKEN));
    let r = Raw::new(&server.base, &server.host, raw::Auth::Token);
    let generated = std::mem::size_of_val(&c.ges().list_graph_backups().graph_id("g1").send());
    let runtime = std::mem::size_of_val(&runtime_send(&c));
    let hand_written = std::mem::size_of_val(&r.list("g1", LIMIT, 0));
    println!(
        "\nfuture sizes (bytes): generated list_graph_backups send() {generated}, runtime Client::send path \
         {runtime}, hand-written list {hand_written}"
    );
}

fn ratio_text(p: &Pair) -> String {
    format!("{:.3}x ({:.3}-{:.3})", p.ratio, p.ratio_q1, p.ratio_q3)
}

fn time_text(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.1} µs", ns / 1e3)
    }
}

/// The result table, printed as Markdown.
#[derive(Default)]
struct Table {
    rows: Vec<[String; 6]>,
    missed: usize,
}

impl Table {
    fn row(&mut self, name: &str, a: String, b: String, ratio: String, target: String, met: Option<bool>) {
        self.row_allocs(name, [a, b, ratio, target], met, None);
    }

    /// A row; `allocs` is allocations per operation of each side, when measured.
    fn row_allocs(&mut self, name: &str, cells: [String; 4], met: Option<bool>, allocs: Option<(f64, f64)>) {
        let [a, b, ratio, target] = cells;
        let verdict = match met {
            Some(true) => "met".to_owned(),
            Some(false) => {
                self.missed += 1;
                "MISSED".to_owned()
            }
            None => String::new(),
        };
        let target = if verdict.is_empty() { target } else { format!("{target} {verdict}") };
        let allocs = allocs.map_or(String::new(), |(a, b)| format!("{a:.0} / {b:.0}"));
        self.rows.push([name.to_owned(), a, b, ratio, target, allocs]);
    }

    fn ratio(&mut self, name: &str, p: Pair, max: f64) {
        let cells = [time_text(p.a_ns), time_text(p.b_ns), ratio_text(&p), format!("<= {max:.2}x")];
        self.row_allocs(name, cells, Some(p.ratio <= max), Some((p.a_allocs, p.b_allocs)));
    }

    fn share(&mut self, name: &str, p: Pair, max: f64) {
        let share = format!("{:.2} % ({:.2}-{:.2})", p.ratio * 100.0, p.ratio_q1 * 100.0, p.ratio_q3 * 100.0);
        let target = format!("<= {:.0} %", max * 100.0);
        let cells = [time_text(p.a_ns), time_text(p.b_ns), share, target];
        self.row_allocs(name, cells, Some(p.ratio <= max), Some((p.a_allocs, p.b_allocs)));
    }

    fn info(&mut self, name: &str, p: Pair) {
        let cells = [time_text(p.a_ns), time_text(p.b_ns), ratio_text(&p), "n/a".into()];
        self.row_allocs(name, cells, None, Some((p.a_allocs, p.b_allocs)));
    }

    fn print(&self) {
        println!(
            "\n| measurement (a / b) | a | b | a / b: median (IQR) of rounds | target | allocations per op, a / b |"
        );
        println!("|---|---:|---:|---:|---|---:|");
        for [name, a, b, ratio, target, allocs] in &self.rows {
            println!("| {name} | {a} | {b} | {ratio} | {target} | {allocs} |");
        }
        println!("\n{} target(s) missed", self.missed);
    }
}
