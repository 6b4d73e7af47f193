"""The official Huawei Cloud Python SDK calling GES `list_graph_backups` in a loop, driven by hwcloud-bench.

The SDK's `huaweicloudsdkges.v2` module names the operation `list_graph_backups2`
(`GET /v2/{project_id}/graphs/{graph_id}/backups`, the page hwcloud's `list_graph_backups` follows); its
`list_graph_backups` is the older `/v1.0/...` path.

hwcloud-bench starts this script in a virtualenv it made (`huaweicloudsdkges` from PyPI) and talks to it over
stdin/stdout, so that the Rust client and the SDK take turns against the same loopback server in one run:

    ready                      <- printed once the clients are built and warmed up
    run N                      -> N calls, spread over the threads
    <seconds>                  <- wall time of those N calls
    quit                       -> exit

Every call is checked: the status must be 200 and the item count the expected one (the SDK does not expose the
response's `X-Request-Id` for this operation).
Each thread has its own client (the SDK's connection pool holds 10 connections, fewer than 16 threads would
share), configured like the Rust client: AK/SK (`BasicCredentials` with the project id, so the SDK never asks
IAM), the endpoint override, 10 s connect and 30 s read timeouts, no retries, no redirects.
"""

import argparse
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkges.v2 import GesClient, ListGraphBackups2Request


def build_client(args):
    config = HttpConfig.get_default_config()
    config.timeout = (10, 30)
    config.retry_times = 0
    config.allow_redirects = False
    credentials = BasicCredentials(args.ak, args.sk, args.project)
    return (
        GesClient.new_builder()
        .with_http_config(config)
        .with_credentials(credentials)
        .with_endpoints([args.endpoint])
        .build()
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--project", required=True)
    parser.add_argument("--ak", required=True)
    parser.add_argument("--sk", required=True)
    parser.add_argument("--graph", required=True)
    parser.add_argument("--items", type=int, required=True, help="backups every answer must list")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--warmup", type=int, default=20, help="calls per thread before `ready`")
    args = parser.parse_args()

    local = threading.local()

    def call(_):
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = build_client(args)
        request = ListGraphBackups2Request(graph_id=args.graph, limit=100, offset=0)
        response = client.list_graph_backups2(request)
        if response.status_code != 200:
            raise SystemExit(f"HTTP {response.status_code}")
        listed = len(response.backup_list or [])
        if listed != args.items:
            raise SystemExit(f"expected {args.items} backups, got {listed}")

    with ThreadPoolExecutor(max_workers=args.threads) as pool:
        # Every thread builds its client and warms its connection before timing starts.
        list(pool.map(call, range(args.warmup * args.threads)))
        print("ready", flush=True)
        for line in sys.stdin:
            words = line.split()
            if words[:1] == ["quit"]:
                break
            if words[:1] != ["run"] or len(words) != 2:
                raise SystemExit(f"unknown command {line!r}")
            calls = int(words[1])
            started = time.perf_counter()
            list(pool.map(call, range(calls)))
            print(f"{time.perf_counter() - started:.6f}", flush=True)


if __name__ == "__main__":
    main()
