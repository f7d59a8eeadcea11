"""The floors of the apps: a lower app never names a higher one (style.md, "Apps are rooms").

Not by import, `apps.get_model`, URL names, template paths, nor `import_module`: when a page or a
rule of a lower app needs something from above, the upper app registers it in its
AppConfig.ready() (asystent.navigation, cases.panels, cases.timeline, cases.agenda,
cases.retention, cases.visibility, cases.selectors.register_family_history). The test reads every
.py file and template of each app and the project's `templates/<app>/`; the project's own
templates (the top of `templates/`: base.html, _nav_items.html, home.html, the shared partials,
registration/, two_factor/) belong to the core app and name no app above it: the navigation bar
and the home page show what the apps register. Only the root URLconf, which mounts every app,
names them all.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The floors, lowest first; an app names only apps on its floor or below. Apps that do not exist
# (yet) are skipped.
FLOORS = {
    "asystent": 0,
    "staff": 1,
    "notifications": 1,
    "seals": 1,
    "cases": 2,
    "referrals": 3,
    "visits": 3,
    "documents": 4,
    "courts": 4,
    "cooperation": 4,
    "reports": 5,
    "timesheets": 5,
    "api": 6,
    "transfer": 7,
}
# The project's wiring is where the floors are put together: the root URLconf mounts every app.
WIRING = {"asystent/urls.py"}
# The app that owns the project's templates outside `templates/<app>/`.
CORE = "asystent"
TEMPLATE_SUFFIXES = {".html", ".txt", ".xml"}


def _upper_patterns(upper: str) -> dict[str, re.Pattern[str]]:
    name = re.escape(upper)
    return {
        "import": re.compile(rf"^[ \t]*(?:from|import)[ \t]+{name}(?:\.|\s|$)", re.MULTILINE),
        "get_model": re.compile(rf"get_model\(\s*[\"']{name}[\"'.]"),
        "URL name": re.compile(rf"[\"']{name}:"),
        "template path": re.compile(rf"[\"']{name}/"),
    }


IMPORT_MODULE = re.compile(r"\bimport_module\(")


def _project_templates(root: Path, app: str, apps: set[str]) -> list[Path]:
    """The project's templates of `app`: `templates/<app>/`, and for the core app every template
    outside the apps' folders (base.html, the partials, registration/, two_factor/)."""
    folder = root / "templates"
    if not folder.is_dir():
        return []
    found = [p for p in folder.rglob("*") if p.is_file() and p.suffix in TEMPLATE_SUFFIXES]
    owner = {p: p.relative_to(folder).parts[0] if len(p.relative_to(folder).parts) > 1 else "" for p in found}
    if app == CORE:
        return [p for p in found if owner[p] == app or owner[p] not in apps]
    return [p for p in found if owner[p] == app]


def _files_of(root: Path, app: str, apps: set[str]) -> list[Path]:
    files = [path for path in (root / app).rglob("*") if path.is_file()]
    code = [p for p in files if p.suffix == ".py" or p.suffix in TEMPLATE_SUFFIXES and "templates" in p.parts]
    return sorted(code + _project_templates(root, app, apps))


def floor_violations(root: Path, floors: dict[str, int] = FLOORS, wiring: set[str] = WIRING) -> list[str]:
    """`path:line: what` for every place where an app names an app on a higher floor."""
    present = {app: floor for app, floor in floors.items() if (root / app).is_dir()}
    found = []
    for app, floor in sorted(present.items()):
        uppers = {upper: _upper_patterns(upper) for upper, level in present.items() if level > floor}
        for path in _files_of(root, app, set(floors)):
            relative = path.relative_to(root).as_posix()
            if relative in wiring:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            hits = [(match.start(), "import_module") for match in IMPORT_MODULE.finditer(text)]
            for upper, patterns in uppers.items():
                for what, pattern in patterns.items():
                    hits += [(match.start(), f"{what} of {upper}") for match in pattern.finditer(text)]
            for offset, what in sorted(hits):
                found.append(f"{relative}:{text.count(chr(10), 0, offset) + 1}: {app} names {what}")
    return found


def test_no_app_names_an_app_above_it():
    assert floor_violations(ROOT) == []


def test_the_floors_cover_the_apps_of_the_project():
    for app in ("asystent", "cases", "referrals", "visits", "reports"):
        assert (ROOT / app / "apps.py").is_file()
        assert app in FLOORS


def _write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_the_checker_reports_each_kind_of_reaching_up(tmp_path):
    _write(tmp_path, "cases/__init__.py", "")
    _write(tmp_path, "cases/timeline.py", "import datetime\n\nfrom visits.models import Visit\n")
    _write(tmp_path, "cases/agenda.py", 'def f(apps):\n    return apps.get_model("visits", "Visit")\n')
    _write(tmp_path, "cases/views.py", 'URL = reverse("visits:visit-detail")\n')
    _write(tmp_path, "cases/retention.py", 'from importlib import import_module\nimport_module("x")\n')
    _write(tmp_path, "templates/cases/page.html", '{% include "visits/_row.html" %}\n')
    _write(tmp_path, "templates/base.html", "{% url 'cases:family-list' %}\n")
    _write(tmp_path, "templates/registration/login.html", '{% include "cases/_x.html" %}\n')
    _write(tmp_path, "asystent/__init__.py", "")
    _write(tmp_path, "cases/templates/cases/own.html", "{% url 'visits:week' %}\n")
    # Naming a lower floor, or the same floor, is allowed.
    _write(tmp_path, "visits/__init__.py", "")
    _write(tmp_path, "visits/views.py", 'from cases.models import Case\nreverse("cases:case-detail")\n')
    _write(tmp_path, "referrals/__init__.py", "")
    _write(tmp_path, "referrals/views.py", "import visits\n")

    found = floor_violations(
        tmp_path, floors={"asystent": 0, "cases": 2, "referrals": 3, "visits": 3}, wiring=set()
    )

    assert found == [
        "templates/base.html:1: asystent names URL name of cases",
        "templates/registration/login.html:1: asystent names template path of cases",
        "cases/agenda.py:2: cases names get_model of visits",
        "cases/retention.py:2: cases names import_module",
        "cases/templates/cases/own.html:1: cases names URL name of visits",
        "cases/timeline.py:3: cases names import of visits",
        "cases/views.py:1: cases names URL name of visits",
        "templates/cases/page.html:1: cases names template path of visits",
    ]


def test_a_tree_that_keeps_its_floors_passes(tmp_path):
    _write(tmp_path, "cases/models.py", "from asystent.models import User\n")
    _write(tmp_path, "visits/models.py", "from cases.models import Case\n")
    assert floor_violations(tmp_path, floors={"asystent": 0, "cases": 2, "visits": 3}) == []
