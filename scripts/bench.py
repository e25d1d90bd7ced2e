#!/usr/bin/env python3
"""`make bench`: the portal under `make serve` against Datasette on one SQLite file.

Not a test: it measures. It builds a SQLite database from the fixtures (timing the
load), starts Datasette (from requirements-bench.txt, in .venv-bench) and `make serve`
twice, with the cache on and off (CACHE_RESPONSES), side by side on that file, drives
them with wrk over loopback on equivalent requests, and prints req/s, p50/p99 and the
ratio per pair with the command lines. Each pair is measured back to back (Datasette,
then the portal with the cache on, then off; an idle server costs nothing), so a change
in the machine's speed during a run moves both sides of a ratio alike; with --repeat N
each request is measured N times, interleaved, and the run with the median req/s kept.
A bare Django view returning the same 50 rows by raw SQL (portal/serving/bench_urls.py,
BENCH=1) is the ceiling. Search latency is measured apart, as one reader sees it: one
connection, the cache off, every query of tests/search/questions.yaml in turn, on the
search page and the search API (p50/p95/p99). It also times `make run` to its first page
on a fresh clone. Figures go to test-artifacts/bench.json.

    scripts/bench.py [--duration 10] [--threads 2] [--connections 16] [--skip-fresh-clone]
                     [--scale 100] [--database sqlite|postgres] [--postgres-url URL]
                     [--reuse-database] [--port-base 8125] [--cache on|off|both]
                     [--redis-url redis://127.0.0.1:6379/0] [--repeat 3]

--scale N builds the database with `manage.py generate_synthetic --scale N` (the fixtures
plus marked synthetic copies; N=1 is the fixtures alone). Datasette always reads a
SQLite file at the same scale; with --database postgres the portal reads PostgreSQL
(--postgres-url names a database the bench drops and makes again), so the ratios compare
the portal on PostgreSQL with Datasette on SQLite, both holding the same records.
"""

import argparse
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import yaml
from wrk_paths import ROTATE_PATHS, environment

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
WORK = ARTIFACTS / "bench"
PORTAL_PORT, DATASETTE_PORT, FRESH_PORT, PORTAL_OFF_PORT = 8125, 8126, 8127, 8128
WARM_SECONDS = 2
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"
DATASETTE = ROOT / ".venv-bench" / "bin" / "datasette"
PYTHON = ROOT / ".venv" / "bin" / "python"

SEARCH_SQL = """
select 'initiative' as kind, slug, name from initiatives_initiative
  where status = 'published' and (name like '%open ran%' or description like '%open ran%')
union all
select 'agreement', slug, name from initiatives_agreement
  where status = 'published' and (name like '%open ran%' or description like '%open ran%')
union all
select 'dialogue', slug, name from initiatives_dialogue
  where status = 'published' and (name like '%open ran%' or description like '%open ran%')
union all
select 'framework', slug, name from frameworks_framework
  where status = 'published' and (name like '%open ran%' or description like '%open ran%')
union all
select 'topic', slug, name from portal_topic
  where status = 'published' and (name like '%open ran%' or description like '%open ran%')
limit 50
"""
FILTER_SQL = """
select i.id, i.slug, i.name, i.kind, i.date_start from initiatives_initiative i
  join initiatives_initiative_countries ic on ic.initiative_id = i.id
  join countries_country c on c.id = ic.country_id
where c.code = 'VN' and i.status = 'published' order by i.name
"""


def sql_url(name, sql, extension=""):
    return f"/{name}{extension}?" + urllib.parse.urlencode({"sql": " ".join(sql.split())})


def pairs(record, name):
    """(name, portal path, Datasette path): equivalent requests. Datasette serves the
    database file under its name without the suffix (portal-x100.sqlite3: /portal-x100/)."""
    return [
        (
            "50 initiatives as JSON",
            "/api/v1/initiatives/?page_size=50",
            f"/{name}/initiatives_initiative.json?_size=50&_shape=objects&status=published&_sort=name",
        ),
        (
            "one initiative as JSON",
            f"/api/v1/initiatives/{record['slug']}/",
            f"/{name}/initiatives_initiative/{record['id']}.json?_shape=objects",
        ),
        (
            'search "open ran" as JSON',
            "/api/v1/search/?q=open+ran",
            sql_url(name, SEARCH_SQL, ".json") + "&_shape=objects",
        ),
        (
            "initiatives list page",
            "/initiatives/",
            f"/{name}/initiatives_initiative?status=published&_sort=name",
        ),
        ("a country page (VN)", "/countries/VN/", f"/{name}/countries_country/{record['vn']}"),
        ("filtered list page (country=VN)", "/initiatives/?country=VN", sql_url(name, FILTER_SQL)),
        (
            "one record page",
            f"/initiatives/{record['slug']}/",
            f"/{name}/initiatives_initiative/{record['id']}",
        ),
    ]


CEILING = ("ceiling: 50 rows by raw SQL", "/bench/ceiling/", None)

# Search latency: one reader (one connection, so no queueing behind other requests) with
# the cache off, typing each query of the search evaluation (tests/search/questions.yaml)
# in turn; wrk's Lua hooks give the 95th percentile its command line does not print.
SEARCHES = [("search page", "/search/?q="), ("search API", "/api/v1/search/?q=")]
SEARCH_SCRIPT = (
    ROTATE_PATHS
    + r"""
function init(args)
  paths = read_paths()
  counter = 0
end
function done(summary, latency, requests)
  io.write(string.format(
    'SEARCH-LATENCY {"requests": %d, "non_2xx": %d, "p50_ms": %.2f, "p95_ms": %.2f, ' ..
    '"p99_ms": %.2f, "max_ms": %.2f}\n',
    summary.requests, summary.errors.status, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"""
)


def step(message):
    print(f"== {message}", flush=True)


def timed(command, env=None, cwd=ROOT):
    start = time.monotonic()
    subprocess.run(command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - start


def status_of(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def wait_for(url, process, seconds=300):
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if process.poll() is not None:
            raise SystemExit(f"the server for {url} stopped (exit {process.returncode})")
        try:
            if status_of(url) == 200:
                return time.monotonic() - start
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def start(command, env, log_name, cwd=ROOT):
    log = open(WORK / log_name, "w")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(
        command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(process):
    """Stop a server this script started, with everything it started (its own group)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def milliseconds(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return round(float(number) * UNITS[unit], 2)


def wrk(url, args):
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "--timeout",
        "10s",
        "--latency",
        url,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "command": " ".join(command),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": milliseconds(latency["50"]),
        "p99_ms": milliseconds(latency["99"]),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def measure(base, path, args):
    url = base + path
    try:
        status = status_of(url)
    except (TimeoutError, urllib.error.URLError) as error:
        # Slower than the 30 s a first answer may take: recorded, and the run goes on.
        return {"command": f"GET {url}", "error": f"no answer within 30 s ({error})",
                "rps": 0.0, "p50_ms": None, "p99_ms": None, "requests": 0, "non_2xx": 0,
                "status": None}  # fmt: skip
    # Warm, as a server is warm after its first minute: every worker's first requests
    # build its caches (templates, compiled queries), and a few requests in a row reach
    # only some of the workers. The same for Datasette.
    wrk(url, argparse.Namespace(**{**vars(args), "duration": WARM_SECONDS}))
    result = wrk(url, args)
    result["status"] = status
    return result


def search_latency(base, prefix, args):
    """p50/p95/p99 of one reader's searches, every query of the evaluation in turn."""
    questions = yaml.safe_load((ROOT / "tests" / "search" / "questions.yaml").read_text())
    paths = [prefix + urllib.parse.quote_plus(question["query"]) for question in questions]
    script = WORK / "search-latency.lua"
    script.write_text(SEARCH_SCRIPT)
    figures = {}
    for seconds in (WARM_SECONDS, args.duration):
        command = ["wrk", "-t1", "-c1", f"-d{seconds}s", "--timeout", "10s", "-s", str(script)]
        command.append(base)
        output = subprocess.run(
            command,
            env=environment(os.environ, paths),
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        line = next(line for line in output.splitlines() if line.startswith("SEARCH-LATENCY "))
        figures = json.loads(line.removeprefix("SEARCH-LATENCY "))
    return {"command": " ".join(command), "queries": len(paths), **figures}


def median_run(runs):
    """The run with the median req/s (the lower middle of an even number), with every
    run's req/s beside it."""
    chosen = dict(sorted(runs, key=lambda run: run["rps"])[(len(runs) - 1) // 2])
    chosen["runs_rps"] = [run["rps"] for run in runs]
    return chosen


def build_database(path, scale=1, database_url=None, reuse=False):
    """The SQLite file (Datasette reads it) and, with database_url, the same records in
    PostgreSQL for the portal; returns (setup timings, the records the pairs name)."""
    setup = {}
    if not (reuse and path.exists()):
        step(f"building {path.relative_to(ROOT)} from the fixtures (scale {scale})")
        path.unlink(missing_ok=True)
        setup.update(populate(f"sqlite:///{path}", scale))
    if database_url:
        step(f"building {database_url} (scale {scale})")
        if not reuse or not postgres_has_records(database_url):
            recreate_postgres(database_url)
            setup.update(
                {f"postgres_{key}": value for key, value in populate(database_url, scale).items()}
            )
    with sqlite3.connect(path) as db:
        record_id, slug = db.execute(
            "select i.id, i.slug from initiatives_initiative i"
            " left join initiatives_initiative_citations c on c.initiative_id = i.id"
            " where i.status = 'published' and i.loaded_digest != ''"
            " group by i.id order by count(c.id) desc, i.id limit 1"
        ).fetchone()
        (vn,) = db.execute("select id from countries_country where code = 'VN'").fetchone()
        (initiatives,) = db.execute("select count(*) from initiatives_initiative").fetchone()
    setup["initiatives"] = initiatives
    return setup, {"id": record_id, "slug": slug, "vn": vn}


def populate(database_url, scale):
    env = {**os.environ, "DATABASE_URL": database_url}
    if scale == 1:
        migrate = timed([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
        load = timed([PYTHON, "manage.py", "load_portal_data"], env)
        return {"migrate_s": round(migrate, 2), "fixture_load_s": round(load, 2)}
    seconds = timed([PYTHON, "manage.py", "generate_synthetic", f"--scale={scale}"], env)
    return {"generate_synthetic_s": round(seconds, 2)}


def _postgres(database_url, sql):
    """Run one statement in the server's maintenance database (psql, Debian's client)."""
    parsed = urllib.parse.urlparse(database_url)
    maintenance = parsed._replace(path="/postgres").geturl()
    subprocess.run(["psql", maintenance, "-qtAc", sql], check=True, capture_output=True)


def recreate_postgres(database_url):
    name = urllib.parse.urlparse(database_url).path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit(f"{name!r}: give --postgres-url a plain database name")
    _postgres(database_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    _postgres(database_url, f"CREATE DATABASE {name}")


def postgres_has_records(database_url):
    result = subprocess.run(
        ["psql", database_url, "-qtAc", "select count(*) from initiatives_initiative"],
        capture_output=True,
        text=True,
    )
    return result.returncode == 0 and int(result.stdout.strip() or 0) > 0


def serve_portal(database_url, cache_on, port, redis_url=None):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "BENCH": "1",
        "CACHE_RESPONSES": "1" if cache_on else "0",
        # The bench is one client sending thousands of requests: the API throttle would
        # answer most with 429. It still counts every request (in the database cache).
        "API_THROTTLE_RATE": "100000000/minute",
    }
    env.pop("REDIS_URL", None)
    if redis_url:
        # Cached answers, the data version and the throttle counters in Redis, as with
        # several instances; without it they are in the database (SQLite: a write for
        # every API request's counter, one writer at a time).
        env["REDIS_URL"] = redis_url
    process = start(["make", "serve"], env, f"serve-cache-{'on' if cache_on else 'off'}.log")
    wait_for(f"http://127.0.0.1:{port}/robots.txt", process)
    return process


def flush_redis(url):
    """Empty the bench's Redis database: no answer cached by an earlier run."""
    parsed = urllib.parse.urlparse(url)
    command = ["redis-cli", "-h", parsed.hostname or "127.0.0.1", "-p", str(parsed.port or 6379)]
    command += ["-n", parsed.path.lstrip("/") or "0", "FLUSHDB"]
    subprocess.run(command, check=True, capture_output=True)


def fresh_clone_first_page():
    """`make run` on a fresh clone of the committed tree: seconds to its first page."""
    step("make run on a fresh clone (git clone, then make run until / answers)")
    with tempfile.TemporaryDirectory(prefix="portal-clone-") as directory:
        clone = Path(directory) / "portal"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL"}}
        env["PORT"] = str(FRESH_PORT)
        started = time.monotonic()
        process = start(["make", "run"], env, "fresh-clone-make-run.log", cwd=clone)
        try:
            wait_for(f"http://127.0.0.1:{FRESH_PORT}/", process, seconds=900)
            return round(time.monotonic() - started, 1)
        finally:
            stop(process)


def ratio(ours, theirs):
    return round(ours / theirs, 2) if theirs else None


def table(results, datasette):
    lines = [
        "| request | cache | portal req/s | p50 ms | p99 ms "
        "| Datasette req/s | p50 ms | p99 ms | ratio |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for mode, rows in results.items():
        for name, ours in rows.items():
            theirs = datasette.get(name)
            cells = [name, mode, ours["rps"], ours["p50_ms"], ours["p99_ms"]]
            if theirs:
                cells += [theirs["rps"], theirs["p50_ms"], theirs["p99_ms"]]
                cells.append(ratio(ours["rps"], theirs["rps"]))
            else:
                fifty = rows["50 initiatives as JSON"]["rps"]
                cells += ["—", "—", "—", f"list/ceiling {ratio(fifty, ours['rps'])}"]
            lines.append("| " + " | ".join(str(cell) for cell in cells) + " |")
    return "\n".join(lines)


def main():
    global PORTAL_PORT, DATASETTE_PORT, FRESH_PORT, PORTAL_OFF_PORT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--skip-fresh-clone", action="store_true")
    parser.add_argument("--scale", type=int, default=1, help="times the fixture volume")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument(
        "--reuse-database", action="store_true", help="keep a database built by an earlier run"
    )
    parser.add_argument("--port-base", type=int, default=PORTAL_PORT)
    parser.add_argument("--cache", choices=["on", "off", "both"], default="both")
    parser.add_argument("--redis-url", help="serve with REDIS_URL (emptied first)")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of each request, interleaved; median kept"
    )
    args = parser.parse_args()
    if not 1 <= args.scale <= 1000:
        parser.error("--scale takes a whole number from 1 to 1000")
    if not 1 <= args.repeat <= 9:
        parser.error("--repeat takes a whole number from 1 to 9")
    PORTAL_PORT, DATASETTE_PORT, FRESH_PORT, PORTAL_OFF_PORT = (
        args.port_base + n for n in range(4)
    )
    for tool in ["wrk", "make", "git", *(["psql"] if args.database == "postgres" else [])]:
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is needed (Debian: apt-get install {tool})")
    if not DATASETTE.exists():
        raise SystemExit("Datasette is missing: `make bench` installs it into .venv-bench")
    WORK.mkdir(parents=True, exist_ok=True)
    suffix = "" if args.scale == 1 else f"-x{args.scale}"
    database = WORK / f"portal{suffix}.sqlite3"
    postgres_url = args.postgres_url if args.database == "postgres" else None
    setup, record = build_database(database, args.scale, postgres_url, args.reuse_database)
    portal_url = postgres_url or f"sqlite:///{database}"
    figures = {
        "machine": {"cpus": os.cpu_count(), "load_average_at_start": os.getloadavg()},
        "wrk": {"threads": args.threads, "connections": args.connections},
        "duration_s": args.duration,
        "scale": args.scale,
        "database": args.database,
        "redis": bool(args.redis_url),
        "setup": setup,
        "record": record,
    }
    pair_list = pairs(record, database.stem)

    step("Datasette 0.65.5 and the portal on the same file")
    servers = [
        start(
            [
                DATASETTE,
                "serve",
                database,
                "-h",
                "127.0.0.1",
                "-p",
                str(DATASETTE_PORT),
                "--setting",
                "sql_time_limit_ms",
                "5000",
            ],
            dict(os.environ),
            "datasette.log",
        )
    ]
    datasette_figures, results = {}, {}
    try:
        wait_for(f"http://127.0.0.1:{DATASETTE_PORT}/-/versions.json", servers[0])
        if args.redis_url:
            flush_redis(args.redis_url)
        ports = {}
        for cache_on in {"both": (True, False), "on": (True,), "off": (False,)}[args.cache]:
            port = PORTAL_PORT if cache_on else PORTAL_OFF_PORT
            servers.append(serve_portal(portal_url, cache_on, port, args.redis_url))
            ports["on" if cache_on else "off"] = port
            results["on" if cache_on else "off"] = {}
        for name, path, datasette_path in [*pair_list, CEILING]:
            runs = {"datasette": [], **{mode: [] for mode in ports}}
            for round_ in range(args.repeat):
                of = f" ({round_ + 1}/{args.repeat})" if args.repeat > 1 else ""
                if datasette_path:
                    step(f"Datasette: {name}{of}")
                    runs["datasette"].append(
                        measure(f"http://127.0.0.1:{DATASETTE_PORT}", datasette_path, args)
                    )
                for mode, port in ports.items():
                    step(f"portal, cache {mode}: {name}{of}")
                    runs[mode].append(measure(f"http://127.0.0.1:{port}", path, args))
            if datasette_path:
                datasette_figures[name] = median_run(runs["datasette"])
            for mode in ports:
                results[mode][name] = median_run(runs[mode])
        if "off" in ports:
            for name, prefix in SEARCHES:
                step(f"portal, cache off: {name}, one reader")
                latency = search_latency(f"http://127.0.0.1:{ports['off']}", prefix, args)
                figures.setdefault("search_latency", {})[name] = latency
    finally:
        for server in reversed(servers):
            stop(server)

    if not args.skip_fresh_clone:
        figures["fresh_clone_make_run_first_page_s"] = fresh_clone_first_page()
    figures["portal"] = results
    figures["datasette"] = datasette_figures
    output = ARTIFACTS / f"bench-{args.database}{suffix}.json"
    if args.scale == 1 and args.database == "sqlite":
        output = ARTIFACTS / "bench.json"
    output.write_text(json.dumps(figures, indent=2, default=str) + "\n")

    print()
    print(table(results, datasette_figures))
    print()
    redis = " with Redis" if args.redis_url else ""
    print(
        f"scale {args.scale} ({setup['initiatives']} initiatives), portal on {args.database}{redis}"
    )
    if "fixture_load_s" in setup:
        print(f"fixture load: {setup['fixture_load_s']} s (migrate {setup['migrate_s']} s)")
    for name, latency in figures.get("search_latency", {}).items():
        print(
            f"{name}, one reader, cache off, {latency['queries']} queries in turn: "
            f"p50 {latency['p50_ms']} ms, p95 {latency['p95_ms']} ms, p99 {latency['p99_ms']} ms "
            f"({latency['requests']} requests, {latency['non_2xx']} not 2xx)"
        )
    if "fresh_clone_make_run_first_page_s" in figures:
        seconds = figures["fresh_clone_make_run_first_page_s"]
        print(f"make run on a fresh clone, to its first page: {seconds} s")
    print("\ncommands:")
    for mode, rows in results.items():
        for name, row in rows.items():
            print(f"  portal (cache {mode}) {name}: {row['command']}")
    for name, row in datasette_figures.items():
        print(f"  Datasette {name}: {row['command']}")
    for name, latency in figures.get("search_latency", {}).items():
        print(f"  portal (cache off) {name}, one reader: {latency['command']}")
    bad = [
        (who, name, row["status"], row["non_2xx"])
        for who, rows in [("datasette", datasette_figures), *results.items()]
        for name, row in rows.items()
        if row["status"] != 200 or row["non_2xx"]
    ]
    if bad:
        print(f"\nWARNING: answers other than 200: {bad}")
    print(f"\nfigures: {output.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
