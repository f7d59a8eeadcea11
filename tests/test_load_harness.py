"""The pieces of `make load` (bench/load/), quickly and untimed: the lost-records check, the forms
as the simulated people fill them in, the two-step login with codes computed from device keys,
the role mix and the CPU sampler. The load run itself is a benchmark and runs by hand."""

import datetime as dt
import subprocess
import sys

import pytest
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from bench.load import pages
from bench.load.ledger import Ledger, find_lost
from bench.load.prepare import device_key
from bench.load.report import CpuSampler, Timeline, counts_for, percentile, targets
from cases.models import Family
from referrals.models import Referral
from visits.enums import VisitStatus
from visits.models import Visit

from .factories import TEST_PASSWORD, CaseFactory, FamilyMemberFactory, VisitFactory


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def case(assistant, social_worker):
    case = CaseFactory(assistant=assistant, family__registered_by=social_worker)
    FamilyMemberFactory(family=case.family, first_name="Ewa")
    return case


def log_in(client, user, settings) -> None:  # noqa: ANN001
    """The real login: the password form, then the code computed from the device's key."""
    settings.OTP_REQUIRED_FOR_STAFF = True
    TOTPDevice.objects.create(user=user, name="load run", key=device_key(user.username), confirmed=True)
    login = client.get("/login/")
    form = pages.form_with(login.content.decode(), "username")
    answer = client.post("/login/", form.data(username=user.username, password=TEST_PASSWORD))
    assert answer.status_code == 302
    if "/login/verify/" not in answer["Location"]:  # asked for on the first page after the password
        answer = client.get(answer["Location"])
    assert answer.status_code == 302 and "/login/verify/" in answer["Location"]
    verify = client.get(answer["Location"])
    form = pages.form_with(verify.content.decode(), "token")
    answer = client.post(answer["Location"], form.data(token=pages.totp(device_key(user.username))))
    assert answer.status_code == 302 and "/login/" not in answer["Location"]


@pytest.mark.postgresql("the check reads the ids with = ANY(array), as on the run's PostgreSQL")
def test_the_lost_records_check_finds_a_missing_record_and_a_visit_left_a_draft(case):
    final = VisitFactory(case=case, status=VisitStatus.FINAL)
    draft = VisitFactory(case=case, status=VisitStatus.DRAFT)
    ledger = Ledger()
    ledger.saved("visit", final.pk, status="draft")
    ledger.saved("visit", final.pk, status="final")  # the last word counts
    ledger.saved("family", case.family.pk)
    with connection.cursor() as cursor:
        assert find_lost(cursor, ledger.latest()) == []

    ledger.saved("visit", draft.pk, status="final")  # told finished, still a draft
    ledger.saved("family", case.family.pk + 1000)  # told registered, not there
    with connection.cursor() as cursor:
        lost = find_lost(cursor, ledger.latest())
    assert sorted((r["kind"], r["pk"], r["why"]) for r in lost) == [
        ("family", case.family.pk + 1000, "missing"),
        ("visit", draft.pk, "status 'draft', told 'final'"),
    ]
    assert ledger.counts() == {"visit": 2, "family": 2, "referral": 0}


def test_the_code_computed_from_a_device_key_is_the_one_the_device_accepts(assistant):
    device = TOTPDevice.objects.create(user=assistant, key=device_key(assistant.username), confirmed=True)
    assert device.verify_token(pages.totp(device.key))
    assert not device.verify_token(pages.totp(device.key, at=0))


def test_an_assistant_logs_in_with_both_steps_and_logs_a_visit_then_finishes_it(
    client, assistant, case, settings
):
    log_in(client, assistant, settings)
    url = f"/visits/case/{case.pk}/new/"
    form = pages.form_with(client.get(url).content.decode(), "topics")
    saved = client.post(url, pages.visit_draft(form, 9))
    assert saved.status_code == 302
    pk = pages.pk_from(saved["Location"], r"/visits/(\d+)/")
    assert Visit.objects.get(pk=pk).status == VisitStatus.DRAFT

    edit = pages.form_with(client.get(f"/visits/{pk}/edit/").content.decode(), "topics")
    assert edit.values["version"]  # the optimistic lock comes back with the form
    finished = client.post(f"/visits/{pk}/edit/", pages.visit_final(edit))
    assert finished.status_code == 302, finished.content.decode()[:2000]
    visit = Visit.objects.get(pk=pk)
    assert visit.status == VisitStatus.FINAL and visit.participants.count() == 1


@pytest.mark.parametrize(
    ("now", "day"),
    [
        (dt.datetime(2026, 12, 8, 0, 14, tzinfo=pages.WARSAW), "2026-12-07"),  # after midnight
        (dt.datetime(2026, 12, 8, 9, 59, tzinfo=pages.WARSAW), "2026-12-07"),  # 9:00-10:00 not over
        (dt.datetime(2026, 12, 8, 10, 0, tzinfo=pages.WARSAW), "2026-12-08"),
        (dt.datetime(2026, 12, 8, 16, 30, tzinfo=pages.WARSAW), "2026-12-08"),
    ],
)
def test_a_visit_is_logged_on_a_day_it_is_over_whatever_the_hour_of_the_run(now, day):
    """A run after midnight logged 9:00 visits for today and could not finish one of them."""
    form = pages.Form(action="", method="post", values={"date": ["2026-12-08"]})
    data = pages.visit_draft(form, 9, now=now)
    assert data["date"] == [day] and data["start_time"] == ["09:00"] and data["end_time"] == ["10:00"]


def test_a_social_worker_registers_a_family_and_files_a_referral(client, social_worker, settings):
    log_in(client, social_worker, settings)
    form = pages.form_with(client.get("/families/new/").content.decode(), "name")
    saved = client.post("/families/new/", pages.family(form, 7, dt.date(1990, 5, 5)))
    assert saved.status_code == 302, saved.content.decode()[:3000]
    family = Family.objects.get(pk=pages.pk_from(saved["Location"], r"/families/(\d+)/"))
    assert family.name == "Obciążeniowi 7" and family.members.count() == 1

    url = f"/referrals/family/{family.pk}/interview/"
    form = pages.form_with(client.get(url).content.decode(), "summary")
    assert client.post(url, pages.interview(form, dt.date.today())).status_code == 302  # noqa: DTZ011

    url = f"/referrals/family/{family.pk}/new/"
    form = pages.form_with(client.get(url).content.decode(), "justification")
    filed = client.post(url, pages.referral(form))
    assert filed.status_code == 302, filed.content.decode()[:3000]
    referral = Referral.objects.get(pk=pages.pk_from(filed["Location"], r"/referrals/(\d+)/"))
    assert referral.family == family and referral.status == "submitted"


def test_the_form_reader_sends_what_a_browser_sends():
    html = """<form action="/x/" method="post"><input type="hidden" name="csrfmiddlewaretoken" value="t">
    <input name="a" value="1"><input type="checkbox" name="c" value="5">
    <input type="checkbox" name="c" value="6" checked>
    <input type="radio" name="r" value="x" checked><input type="radio" name="r" value="y">
    <select name="s"><option value="">--</option><option value="2">two</option></select>
    <select name="m"><option value="3" selected>three</option></select>
    <textarea name="t">
typed</textarea><button name="action" value="final">Save</button></form>"""
    form = pages.form_with(html, "a")
    assert (form.action, form.method) == ("/x/", "post")
    assert form.values == {
        "csrfmiddlewaretoken": ["t"],
        "a": ["1"],
        "c": ["6"],
        "r": ["x"],
        "s": [""],
        "m": ["3"],
        "t": ["typed"],
    }
    assert form.choices["c"] == ["5", "6"] and pages.first_choice(form, "s") == ["2"]
    assert form.data(action="final")["action"] == ["final"]


def test_the_role_mix_is_the_citys_and_scales_down():
    assert counts_for(295) == {"assistants": 240, "social_workers": 40, "managers": 15}
    small = counts_for(20)
    assert sum(small.values()) == 20 and all(small.values())


def test_the_figures_and_the_targets():
    timeline = Timeline()
    for ms in range(1, 101):
        timeline.add("assistant: my week", float(ms))
    timeline.add("assistant: my week", 5.0, error="500")
    row = timeline.by_kind()["assistant: my week"]
    # Nearest rank: the p95 is the 96th of the 101 values (5 is there twice).
    assert (row["count"], row["errors"], row["median_ms"], row["p95_ms"]) == (101, 1, 50.0, 95.0)
    assert percentile([], 95) is None
    result = {
        "users": 300,
        "requests": timeline.by_kind(),
        "not_pages": {},
        "lost": {"count": 0},
        "faults": [{"lost": 0}],
    }
    met = targets(result)
    assert not met["295 concurrent users with 0 errors"]  # one error
    result["requests"] = {"assistant: my week": row | {"errors": 0}}
    assert targets(result)["295 concurrent users with 0 errors"]
    assert not targets(result | {"users": 294})["295 concurrent users with 0 errors"]
    assert met["p95 ≤ 300 ms for every page"] and met["0 records lost"]
    assert not met["PDF ready ≤ 10 s at p95"]  # no PDF measured is not a PDF met


def test_the_day_minute_by_minute_tells_the_login_minute_from_the_rest():
    timeline = Timeline()
    start = 1_000.0
    timeline.add("login: password", 900.0, at=start + 10)  # not a page: left out of the p95
    for ms in (400.0, 500.0):
        timeline.add("assistant: my week", ms, at=start + 30)
    timeline.add("assistant: case page", 40.0, at=start + 70, error="503")
    timeline.add("assistant: case page", 60.0, at=start + 119.9)
    minutes = timeline.by_minute(start, skip={"login: password"})
    assert minutes == [
        {"minute": 1, "requests": 3, "errors": 0, "page_median_ms": 400.0, "page_p95_ms": 500.0},
        {"minute": 2, "requests": 2, "errors": 1, "page_median_ms": 40.0, "page_p95_ms": 60.0},
    ]


def test_the_cpu_sampler_counts_a_child_born_during_the_run():
    sampler = CpuSampler()
    child = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import time\nt=time.process_time()\nwhile time.process_time()-t<0.3: pass\ntime.sleep(5)",
        ]
    )
    try:
        sampler.start({"worker": child.pid})
        for _ in range(40):
            sampler.sample({"worker": child.pid})
            if sampler.report()["worker"]["cpu_seconds"] >= 0.2:
                break
            subprocess.run([sys.executable, "-c", "import time; time.sleep(0.1)"], check=True)  # noqa: S603
        assert sampler.report()["worker"]["cpu_seconds"] >= 0.2
    finally:
        child.kill()
