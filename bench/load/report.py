"""The figures of a load run: per kind of request, the PDF's time to ready, each process's CPU,
the faults, the records lost, and the targets met or not."""

import math
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import psutil  # type: ignore[import-untyped]

PAGE_P95_MS = 300.0
PDF_P95_S = 10.0
SELF = "load generator"
# The city centre: 240 assistants, 40 social workers, 15 managers.
MIX = {"assistants": 240, "social_workers": 40, "managers": 15}
# "300 concurrent users" in round figures: the city's people above, 295, each logged in at once.
TARGET_USERS = sum(MIX.values())


def counts_for(total: int) -> dict[str, int]:
    """The role mix for `total` users, in the city's proportions, at least one of each."""
    whole = sum(MIX.values())
    counts = {k: max(1, round(total * v / whole)) for k, v in MIX.items()}
    counts["assistants"] = max(1, total - counts["social_workers"] - counts["managers"])
    return counts


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0–100), nearest rank."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Timeline:
    """Every request of the run: (time, kind, milliseconds, error or "")."""

    rows: list[tuple[float, str, float, str]] = field(default_factory=list)

    def add(self, kind: str, ms: float, error: str = "", at: float | None = None) -> None:
        self.rows.append((time.time() if at is None else at, kind, ms, error))

    def by_kind(self) -> dict[str, dict]:
        groups: dict[str, list[tuple[float, str]]] = defaultdict(list)
        for _, kind, ms, error in self.rows:
            groups[kind].append((ms, error))
        out = {}
        for kind in sorted(groups):
            times = [ms for ms, _ in groups[kind]]
            errors = [e for _, e in groups[kind] if e]
            out[kind] = {
                "count": len(times),
                "errors": len(errors),
                "median_ms": _round(percentile(times, 50)),
                "p95_ms": _round(percentile(times, 95)),
                "p99_ms": _round(percentile(times, 99)),
                "max_ms": _round(max(times)),
                "first_errors": sorted(set(errors))[:3],
            }
        return out

    def by_minute(self, start: float, skip: Iterable[str] = ()) -> list[dict]:
        """Minute by minute of the day (from `start`): the requests ended in it, their errors, and
        the median and p95 of its pages (the kinds in `skip` are not pages)."""
        skipped = set(skip)
        groups: dict[int, list[tuple[str, float, str]]] = defaultdict(list)
        for at, kind, ms, error in self.rows:
            groups[max(0, int((at - start) // 60))].append((kind, ms, error))
        out = []
        for minute in sorted(groups):
            rows = groups[minute]
            pages = [ms for kind, ms, _ in rows if kind not in skipped]
            out.append(
                {
                    "minute": minute + 1,
                    "requests": len(rows),
                    "errors": sum(1 for _, _, error in rows if error),
                    "page_median_ms": _round(percentile(pages, 50)),
                    "page_p95_ms": _round(percentile(pages, 95)),
                }
            )
        return out

    def between(self, start: float, end: float) -> list[tuple[float, str, float, str]]:
        return [row for row in self.rows if start <= row[0] <= end]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


class CpuSampler:
    """CPU seconds of each process tree (the root and its children), sampled so that children
    that come and go (PostgreSQL backends, Celery's pool) are counted while they lived."""

    def __init__(self) -> None:
        self.seen: dict[str, dict[int, float]] = defaultdict(dict)
        self.first: dict[str, dict[int, float]] = defaultdict(dict)
        self.started = time.monotonic()

    def sample(self, roots: dict[str, int], *, initial: bool = False) -> None:
        """Read every process's CPU time; a process first seen after the start was born during
        the run, so all of its time counts."""
        for name, pid in roots.items():
            try:
                root = psutil.Process(pid)
                # The load generator is the parent of the stack: its own process only.
                tree = [root] if name == SELF else [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                continue
            for process in tree:
                try:
                    times = process.cpu_times()
                except psutil.NoSuchProcess:
                    continue
                used = times.user + times.system
                self.first[name].setdefault(process.pid, used if initial else 0.0)
                self.seen[name][process.pid] = used

    def start(self, roots: dict[str, int]) -> None:
        self.sample(roots, initial=True)
        self.started = time.monotonic()

    def report(self) -> dict[str, dict]:
        wall = max(time.monotonic() - self.started, 1e-6)
        out = {}
        for name, seen in self.seen.items():
            seconds = sum(used - self.first[name].get(pid, 0.0) for pid, used in seen.items())
            out[name] = {"cpu_seconds": round(seconds, 1), "cores": round(seconds / wall, 2)}
        return out


def targets(result: dict) -> dict[str, bool]:
    kinds = result["requests"]
    pages = {k: v for k, v in kinds.items() if k not in result["not_pages"]}
    pdf = kinds.get("PDF request→ready", {})
    errors = sum(v["errors"] for v in kinds.values())
    return {
        f"{TARGET_USERS} concurrent users with 0 errors": result["users"] >= TARGET_USERS and errors == 0,
        f"p95 ≤ {PAGE_P95_MS:.0f} ms for every page": bool(pages)
        and all((v["p95_ms"] or 0) <= PAGE_P95_MS for v in pages.values()),
        f"PDF ready ≤ {PDF_P95_S:.0f} s at p95": bool(pdf.get("count"))
        and (pdf.get("p95_ms") or math.inf) <= PDF_P95_S * 1000,
        "0 records lost": result["lost"]["count"] == 0
        and all(f["lost"] == 0 for f in result.get("faults", [])),
    }


def table(result: dict) -> str:
    lines = [
        f"Asystent load run: {result['users']} users ({result['mix']}), {result['duration_s']:.0f} s, "
        f"scale {result['scale']}, think {result['think_s'][0]:g}–{result['think_s'][1]:g} s"
        + (", FAULTS" if result.get("faults") else ""),
        f"machine: {result['machine']['cpus']} CPUs, load average before {result['machine']['load_before']}, "
        f"after {result['machine']['load_after']}; gunicorn {result['gunicorn_workers']} workers",
        "",
        f"{'request':<44} {'count':>6} {'errors':>6} {'median':>8} {'p95':>8} {'p99':>8}",
    ]
    for kind, row in result["requests"].items():
        mark = " *" if kind in result["not_pages"] else ""
        lines.append(
            f"{kind + mark:<44} {row['count']:>6} {row['errors']:>6} "
            f"{_ms(row['median_ms'])} {_ms(row['p95_ms'])} {_ms(row['p99_ms'])}"
        )
    lines.append("(* not judged against the page target: " + "; ".join(result["not_pages"].values()) + ")")
    if result.get("by_minute"):
        lines += ["", f"{'minute':<20} {'requests':>8} {'errors':>6} {'page median':>11} {'page p95':>9}"]
        lines += [
            f"{row['minute']:<20} {row['requests']:>8} {row['errors']:>6} "
            f"{_ms(row['page_median_ms']):>11} {_ms(row['page_p95_ms']):>9}"
            for row in result["by_minute"]
        ]
    lines += [
        "",
        "CPU: "
        + ", ".join(f"{n} {c['cpu_seconds']} s ({c['cores']} cores)" for n, c in result["cpu"].items()),
    ]
    saved = result["lost"]["saved"]
    lines.append(
        f"saved and told so: {saved['visit']} visits, {saved['family']} families, "
        f"{saved['referral']} referrals; lost: {result['lost']['count']}"
    )
    for fault in result.get("faults", []):
        lines.append(
            f"fault {fault['name']} at {fault['at_s']:.0f} s: {fault['requests']} requests during it, "
            f"{fault['errors']} errors, recovered in {fault['recovery_s']} s, lost {fault['lost']}"
            + (f" ({fault['note']})" if fault.get("note") else "")
        )
    lines += [
        "",
        "targets: " + ", ".join(f"{name} {'yes' if ok else 'NO'}" for name, ok in result["targets"].items()),
    ]
    return "\n".join(lines)


def _ms(value: float | None) -> str:
    return f"{'—' if value is None else f'{value:,.0f}':>8}"
