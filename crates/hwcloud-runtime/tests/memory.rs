//! A server streaming a 256 MiB body costs the client no more than its limits: the heap's high-water mark during
//! the call stays far below the body, and the server only gets to send a small part of it before the client
//! hangs up. Its own test binary, because it counts every allocation of the process.

#[path = "support/mod.rs"]
mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use hwcloud_runtime::{Error, Request};
use support::{builder, LIST};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The system allocator, counting live bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const BODY: u64 = 256 << 20;
const MIB: usize = 1 << 20;

/// Answers every request with `status` and a 256 MiB chunked body written from one reused 64 KiB buffer, until
/// the client hangs up; counts the body bytes it managed to write.
async fn streaming_server(status: &'static str) -> (std::net::SocketAddr, Arc<AtomicU64>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let sent = Arc::new(AtomicU64::new(0));
    let written = sent.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let written = written.clone();
            tokio::spawn(async move {
                let mut head = [0u8; 4096];
                let _ = socket.read(&mut head).await;
                let answer = format!(
                    "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                );
                if socket.write_all(answer.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = [b'['; 64 << 10];
                let frame = format!("{:x}\r\n", chunk.len());
                for _ in 0..BODY / chunk.len() as u64 {
                    let ok = socket.write_all(frame.as_bytes()).await.is_ok()
                        && socket.write_all(&chunk).await.is_ok()
                        && socket.write_all(b"\r\n").await.is_ok();
                    if !ok {
                        return;
                    }
                    written.fetch_add(chunk.len() as u64, Ordering::Relaxed);
                }
                let _ = socket.write_all(b"0\r\n\r\n").await;
            });
        }
    });
    (addr, sent)
}

/// The heap's high-water mark above what was live before `call`, while it ran.
async fn peak_during<T>(call: impl std::future::Future<Output = T>) -> (T, usize) {
    // Whatever an earlier call left behind (connection tasks ending) is freed first.
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let out = call.await;
    (out, PEAK.load(Ordering::Relaxed).saturating_sub(before))
}

#[tokio::test]
async fn a_256_mib_body_is_neither_read_nor_held() {
    // Success body: read up to the default 8 MiB limit, then the connection is dropped.
    let (addr, sent) = streaming_server("200 OK").await;
    let client = builder(addr).build().unwrap();
    let (result, peak) = peak_during(client.send(Request::new(&LIST, "/x".into()))).await;
    let err = result.unwrap_err();
    assert!(matches!(err, Error::ResponseTooLarge { limit_bytes: 8_388_608, .. }), "{err:?}");
    assert!(peak < 24 * MIB, "the call held {} MiB at its peak", peak / MIB);
    let sent_mib = sent.load(Ordering::Relaxed) / MIB as u64;
    assert!(sent_mib < 64, "the server sent {sent_mib} MiB before the client hung up");

    drop(client);

    // Error body: 64 KiB kept per attempt (a 503 on a GET is tried three times).
    let (addr, sent) = streaming_server("503 Service Unavailable").await;
    let client = builder(addr).build().unwrap();
    let (result, peak) = peak_during(client.send(Request::new(&LIST, "/x".into()))).await;
    let err = result.unwrap_err();
    let Error::Service(service) = &err else { panic!("{err:?}") };
    assert!(service.status == 503 && service.body_snippet.len() <= 512, "{err:?}");
    assert!(peak < 4 * MIB, "the call held {} KiB at its peak", peak / 1024);
    let sent_mib = sent.load(Ordering::Relaxed) / MIB as u64;
    assert!(sent_mib < 3 * 32, "the server sent {sent_mib} MiB over three attempts");
}
