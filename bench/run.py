"""`python -m bench.run --scale city`: generate the data set, measure it, print the table and write
bench/results.json. `make bench SCALE=small|city|national` runs it.

DATABASE_URL must name a PostgreSQL database the bench may empty: it refuses a database with users
it did not generate itself unless BENCH_OVERWRITE=yes.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

DEFAULT_OUTPUT = Path(__file__).resolve().parent / "results.json"
POSTGRES_SCHEMES = ("postgres://", "postgresql://", "pgsql://", "psql://")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--scale", default="city", help="tiny, small, city (default) or national")
    parser.add_argument("--requests", type=int, default=50, help="requests per page (default 50)")
    parser.add_argument("--load-seconds", type=float, default=30, help="length of the load test (default 30)")
    parser.add_argument("--pdf-runs", type=int, default=10, help="renderings of the PDF (default 10)")
    parser.add_argument(
        "--import-rows", type=int, default=10_000, help="rows of the spreadsheet imported (default 10000)"
    )
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--skip-generate", action="store_true", help="measure the data set already there")
    parser.add_argument("--generate-only", action="store_true", help="generate the data set, measure nothing")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument(
        "--without",
        type=_caches,
        default=frozenset(),
        metavar="CACHES",
        help="measure with these caches switched off in the bench (comma-separated: "
        "figure-stamps, report-snapshots, or all); see bench/without.py",
    )
    return parser.parse_args(argv)


def _caches(value: str) -> frozenset[str]:
    from .without import parse

    try:
        return parse(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def refuse(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr)
    raise SystemExit(2)


def ensure_database(url: str) -> None:
    """Create the database DATABASE_URL names if it does not exist yet (a bench database of its own)."""
    import environ
    import psycopg
    from psycopg import sql

    config = environ.Env.db_url_config(url)
    connect: dict[str, Any] = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "connect_timeout": 5,
    }
    try:
        psycopg.connect(dbname=config["NAME"], **connect).close()
    except psycopg.OperationalError as error:
        if "does not exist" not in str(error):
            refuse(f"cannot connect to {config['NAME']!r}: {error}")
        with psycopg.connect(dbname="postgres", autocommit=True, **connect) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
        print(f"Created the database {config['NAME']!r}", flush=True)


def _n(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def table(results: dict) -> str:
    """The figures as a plain-text table (the same as in results.json)."""
    generation = results.get("generation") or {}
    rows = generation.get("rows") or {}
    head = f"Asystent benchmark, scale {results['scale']}"
    if rows:
        head += (
            f": {rows.get('cases_family', 0):,} families, {rows.get('cases_case', 0):,} cases, "
            f"{rows.get('visits_visit', 0):,} visits, {rows.get('asystent_user', 0):,} users; "
            f"generated in {generation['seconds']:.1f} s"
        )
    lines = [head, f"{results['database']}, measured {results['measured_at']}"]
    without = results.get("without") or {}
    if without.get("caches"):
        lines.append(f"WITHOUT the caches: {', '.join(without['caches'])}")
        for name, pages in without.get("checks", {}).items():
            for key, check in pages.items():
                same = "yes" if check["same_content"] else "NO"
                lines.append(
                    f"  {name}, {key}: queries {check['queries_with']} with, "
                    f"{check['queries_without']} without; same page: {same}"
                )
    lines.append("")
    floor = results["floor"]
    lines.append(f"{'page':<40} {'queries':>7} {'median ms':>10} {'p95 ms':>9} {'× floor':>8}")
    lines.append(
        f"{floor['label']:<40} {floor['queries']:>7} {_n(floor['median_ms']):>10} {_n(floor['p95_ms']):>9} "
        f"{'1.0':>8}"
    )
    for key_page in (True, False):
        if not key_page:
            lines.append("(for information)")
        for page in results["pages"].values():
            if page["key_page"] == key_page:
                lines.append(
                    f"{page['label']:<40} {page['queries']:>7} {_n(page['median_ms']):>10} "
                    f"{_n(page['p95_ms']):>9} {_n(page['ratio']):>8}"
                )
    pdf, sweep, load = results["pdf"], results["sweep"], results["throughput"]
    imported = results["import"]
    report = results["report"]
    lines += [
        "",
        f"court-opinion PDF ({pdf['pages']} pages): task {_n(pdf['task_median_ms'], 0)} ms, WeasyPrint alone "
        f"{_n(pdf['raw_median_ms'], 0)} ms: {pdf['ratio']:.2f}× (median of {pdf['runs']} pairs)",
        f"half-year report {report['period']} computed from the data: {_n(report['median_ms'], 0)} ms "
        f"(median of {report['runs']}; the page serves the stored figures while the data is unchanged)",
        f"reminder sweep over {sweep['active_cases']:,} active cases: {sweep['seconds']:.2f} s, "
        f"{sweep['queries']} queries, {sweep['notifications_created']:,} notifications; "
        f"run again: {sweep['repeat_seconds']:.2f} s, {sweep['repeat_queries']} queries, "
        f"{sweep['repeat_created']} created",
        f"import of a {imported['rows']:,}-row spreadsheet ({imported['families']:,} families with their "
        f"cases): checked in {imported['check_seconds']:.1f} s, confirmed (checked again and written) in "
        f"{imported['confirm_seconds']:.1f} s, {imported['seconds']:.1f} s in all "
        f"({imported['check_queries']} and {imported['confirm_queries']} queries)",
        f"throughput, {load['user']}'s family list (gunicorn, {load['workers']} workers, "
        f"{load['connections']} connections, {load['seconds']:.0f} s): {load['rps']:.1f} requests/s, "
        f"{load['errors']} errors, median {_n(load['median_ms'])} ms, p95 {_n(load['p95_ms'])} ms",
    ]
    met = results.get("targets_met") or {}
    if met:
        lines += ["", "targets: " + ", ".join(f"{name} {'yes' if ok else 'NO'}" for name, ok in met.items())]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(POSTGRES_SCHEMES):
        refuse(
            "set DATABASE_URL to a PostgreSQL database the bench may empty, e.g. "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/asystent_bench make bench"
        )
    ensure_database(url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

    import django

    django.setup()

    from . import generate, measure

    if args.scale not in generate.SCALES:
        refuse(f"unknown scale {args.scale!r}: choose one of {', '.join(generate.SCALES)}")
    scale = generate.SCALES[args.scale]
    results: dict = {"scale": scale.name}
    if not args.skip_generate:
        print(f"Generating the {scale.name} data set …", flush=True)
        try:
            summary = generate.generate(
                scale,
                seed=args.seed,
                allow_overwrite=os.environ.get("BENCH_OVERWRITE", "").lower() in {"1", "yes", "true"},
                say=lambda line: print(line, flush=True),
            )
        except generate.GenerationRefused as error:
            refuse(str(error))
        print(f"Generated in {summary.seconds:.1f} s", flush=True)
        results["generation"] = {"seconds": round(summary.seconds, 1), "rows": summary.rows}
        if args.generate_only:
            return results
    print("Measuring …", flush=True)
    started = time.perf_counter()
    results.update(
        measure.run_all(
            requests=args.requests,
            load_seconds=args.load_seconds,
            pdf_runs=args.pdf_runs,
            say=lambda line: print(line, flush=True),
            without=args.without,
            import_rows=args.import_rows,
        )
    )
    results["measure_seconds"] = round(time.perf_counter() - started, 1)
    print()
    print(table(results))
    args.output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nWritten to {args.output}")
    return results


if __name__ == "__main__":
    main()
