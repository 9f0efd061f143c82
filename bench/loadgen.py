"""The load generator: a second process that drives gunicorn over loopback.

`python -m bench.loadgen < spec.json` prints one JSON line with what it saw. Standard library only
(http.client with one keep-alive connection per client thread: light enough that the measured
time is the server's, not the client's). Three modes:

- intake: `clients` threads POST /api/v1/complaints/ for `seconds`, each as a counter clerk of a
  station with that station's customers;
- crew: each tablet (a crew member's token) walks its orders through accept -> depart -> arrive
  -> complete, sending the order's `version` and a fresh `Idempotency-Key` per step; some steps
  are replayed with the same key (a tablet that lost the answer), and the two tablets of a crew
  share one order, so they race on it: the loser gets 409, re-reads the order and carries on;
- posts: a fixed list of POSTs shared by the client threads (a storm of repair calls).
"""

from __future__ import annotations

import http.client
import json
import random
import sys
import threading
import time
import uuid
from urllib.parse import urlsplit


class Http:
    def __init__(self, base: str, token: str):
        u = urlsplit(base)
        self.host, self.port = u.hostname, u.port
        self.headers = {"Authorization": f"Token {token}", "Content-Type": "application/json",
                        "Accept": "application/json", "Accept-Language": "en"}
        self.conn = None

    def request(self, method: str, path: str, body=None, headers=None) -> tuple[int, dict | None, float]:
        data = json.dumps(body) if body is not None else None
        hdrs = dict(self.headers, **(headers or {}))
        for attempt in range(3):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            started = time.perf_counter()
            try:
                self.conn.request(method, path, body=data, headers=hdrs)
                resp = self.conn.getresponse()
                raw = resp.read()
                elapsed = (time.perf_counter() - started) * 1000
            except (ConnectionError, http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
                continue
            if resp.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
            try:
                payload = json.loads(raw) if raw else None
            except ValueError:
                payload = {"raw": raw[:300].decode("utf-8", "replace")}
            return resp.status, payload, elapsed
        raise RuntimeError("unreachable")


def intake(spec: dict) -> dict:
    lock = threading.Lock()
    latencies, statuses, numbers, errors, warm_numbers = [], {}, [], [], []
    # a warm-up phase first (every worker has run the view once), then the measured phase
    start_at = time.perf_counter() + spec.get("warmup", 0)
    deadline_at = start_at + spec["seconds"]
    barrier = threading.Barrier(spec["concurrency"])

    def client(i: int) -> None:
        rng = random.Random(f"intake:{i}")
        me = spec["clients"][i % len(spec["clients"])]
        http_ = Http(spec["base"], me["token"])
        mine_lat, mine_num = [], []
        while time.perf_counter() < start_at:
            customer = rng.choice(me["customers"])
            status, payload, _ms = http_.request("POST", "/api/v1/complaints/", {
                "channel": "phone", "customer": customer["id"], "complainant_name": customer["name"],
                "complainant_phone": customer["phone"], "category": spec["categories"][0],
                "description": "预热请求"})
            if status == 201:
                with lock:
                    warm_numbers.append(payload["number"])
        barrier.wait()
        while time.perf_counter() < deadline_at:
            customer = rng.choice(me["customers"])
            body = {"channel": rng.choice(["counter", "counter", "phone"]), "customer": customer["id"],
                    "complainant_name": customer["name"], "complainant_phone": customer["phone"],
                    "category": rng.choice(spec["categories"]),
                    "description": "客户反映近期多次停电，要求尽快处理并答复。"}
            status, payload, ms = http_.request("POST", "/api/v1/complaints/", body)
            mine_lat.append(ms)
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                if status != 201 and len(errors) < 10:
                    errors.append({"status": status, "body": payload})
            if status == 201:
                mine_num.append(payload["number"])
        with lock:
            latencies.extend(mine_lat)
            numbers.extend(mine_num)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(spec["concurrency"])]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - max(start_at, 0)
    return {"elapsed": elapsed, "latencies_ms": latencies, "statuses": {str(k): v for k, v in statuses.items()},
            "numbers": numbers, "errors": errors, "warmup_numbers": warm_numbers}


NEXT = {"dispatched": "accept", "accepted": "depart", "en_route": "arrive", "on_site": "complete"}
EXTRA = {"arrive": {"delay_reason": "路上交通拥堵", "customer_informed": True, "lat": "30.274085", "lng": "120.155070"},
         "complete": {"notes": "已更换熔断器，恢复供电。"}}


def crew(spec: dict) -> dict:
    lock = threading.Lock()
    latencies, statuses, problems = [], {}, []
    stats = {"steps_done": 0, "conflicts": 0, "replays": 0, "replay_mismatch": 0, "server_errors": 0}
    barrier = threading.Barrier(len(spec["tablets"]))

    def bump(key: str, n: int = 1) -> None:
        with lock:
            stats[key] += n

    def walk(http_: Http, rng: random.Random, order: dict, lat: list, *, race: bool) -> None:
        oid, status, version = order["id"], order["status"], order["version"]
        for attempt in range(20):  # at most a few conflicts per step
            action = NEXT.get(status)
            if action is None:
                return
            if attempt or not race:  # the crew member's time to tap (the shared order's first tap races)
                time.sleep(rng.uniform(*spec.get("think", (0, 0))))
            key = str(uuid.UUID(int=rng.getrandbits(128)))
            body = {"version": version, **EXTRA.get(action, {})}
            path = f"/api/v1/work-orders/{oid}/{action}/"
            code, payload, ms = http_.request("POST", path, body, {"Idempotency-Key": key})
            lat.append(ms)
            with lock:
                statuses[code] = statuses.get(code, 0) + 1
            tries = 0
            while code >= 500 and tries < 3:  # the tablet lost the answer: retry with the same key
                bump("server_errors")
                tries += 1
                code, payload, ms = http_.request("POST", path, body, {"Idempotency-Key": key})
                lat.append(ms)
            if code == 200:
                bump("steps_done")
                if rng.random() < spec.get("replay_rate", 0.1):  # replay: must get the same answer
                    bump("replays")
                    code2, payload2, ms2 = http_.request("POST", path, body, {"Idempotency-Key": key})
                    lat.append(ms2)
                    with lock:
                        statuses[code2] = statuses.get(code2, 0) + 1
                    if code2 != 200 or (payload2 or {}).get("version") != payload.get("version"):
                        bump("replay_mismatch")
                status, version = payload["status"], payload["version"]
            elif code == 409:
                bump("conflicts")
                code, payload, ms = http_.request("GET", f"/api/v1/work-orders/{oid}/")
                lat.append(ms)
                if code != 200:
                    with lock:
                        problems.append({"order": oid, "step": "reread", "status": code, "body": payload})
                    return
                status, version = payload["status"], payload["version"]
            else:
                with lock:
                    if len(problems) < 20:
                        problems.append({"order": oid, "step": action, "status": code, "body": payload})
                return

    def tablet(i: int) -> None:
        me = spec["tablets"][i]
        rng = random.Random(f"crew:{i}")
        http_ = Http(spec["base"], me["token"])
        lat: list[float] = []
        for _ in range(spec.get("warmup_requests", 3)):  # untimed: load the views in the workers
            http_.request("GET", "/api/v1/work-orders/?page_size=1")
        barrier.wait()
        # crews start within one tap interval of each other, the two tablets of a crew together
        # (they race on their shared order, which comes first)
        think = spec.get("think", (0, 0))
        time.sleep(random.Random(f"crew-start:{me.get('crew', i)}").uniform(0, think[1]))
        for n, order in enumerate(me["orders"]):
            walk(http_, rng, order, lat, race=n == 0)
        with lock:
            latencies.extend(lat)

    started = time.perf_counter()
    threads = [threading.Thread(target=tablet, args=(i,)) for i in range(len(spec["tablets"]))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"elapsed": time.perf_counter() - started, "latencies_ms": latencies,
            "statuses": {str(k): v for k, v in statuses.items()}, "problems": problems, **stats}


def posts(spec: dict) -> dict:
    """A fixed list of POSTs (`jobs`: {token, path, body}) shared by `concurrency` client threads,
    each taking the next job (a storm of calls arriving together, e.g. the repair calls of an
    outage): one answer per job, in the jobs' order, with what the answer names (`keep` keys)."""
    lock = threading.Lock()
    jobs, keep = spec["jobs"], spec.get("keep", ["id"])
    answers: list[dict | None] = [None] * len(jobs)
    cursor = {"next": 0}
    barrier = threading.Barrier(spec["concurrency"])

    def client(i: int) -> None:
        conns: dict[str, Http] = {}
        for token in {j["token"] for j in jobs[i::spec["concurrency"]]}:  # untimed: open the connections
            conns[token] = Http(spec["base"], token)
            conns[token].request("GET", spec.get("warm_path", "/healthz/"))
        barrier.wait()
        while True:
            with lock:
                n = cursor["next"]
                cursor["next"] += 1
            if n >= len(jobs):
                return
            job = jobs[n]
            http_ = conns.setdefault(job["token"], Http(spec["base"], job["token"]))
            status, payload, ms = http_.request("POST", job["path"], job["body"])
            answers[n] = {"status": status, "ms": ms,
                          **{k: (payload or {}).get(k) for k in keep},
                          **({"body": payload} if status >= 300 else {})}

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(spec["concurrency"])]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"elapsed": time.perf_counter() - started, "answers": answers}


def main() -> None:
    spec = json.loads(sys.stdin.read())
    result = {"intake": intake, "crew": crew, "posts": posts}[spec["mode"]](spec)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
