"""Progress of running imports, kept in the cache: the tracker, the progress
endpoint, the imports page and the upload page."""

import datetime
import time
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from vandong.collect import progress
from vandong.collect.models import DataValue, ImportBatch
from vandong.collect.tests.test_views_entry import make_form

pytestmark = pytest.mark.django_db

PROGRESS = reverse("collect:import-progress")
BATCHES = reverse("collect:batches")
EXCEL = reverse("collect:excel")
GOOD_CSV = "data_element,unit_code,period,value\nT_HH,03388,2025,1.250\nT_HH_CULT,03388,2025,900\n"
TOKEN = "tok-abcdefgh-1234"  # noqa: S105 - an upload token, not a password


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def later(monkeypatch, seconds: float) -> None:
    """Move the wall clock the progress module reads forward."""
    moved = timezone.now() + datetime.timedelta(seconds=seconds)
    monkeypatch.setattr(timezone, "now", lambda: moved)


def stored(user, token: str) -> Any:
    return cache.get(f"collect:imports:{user.pk}:{token}")


# --- the tracker -------------------------------------------------------------------


def test_start_shows_the_import_as_being_read(world):
    tracker = progress.start(world.xa, "so-lieu.csv", token=TOKEN, dry_run=True)

    [entry] = progress.in_flight(world.xa)
    assert entry.token == TOKEN == tracker.token
    assert entry.filename == "so-lieu.csv"
    assert entry.phase == progress.Phase.READING
    assert (entry.done, entry.total) == (0, 0)
    assert entry.dry_run is True
    assert entry.stale is False
    assert entry.started_at <= timezone.now()


def test_update_follows_the_phases_of_the_write_service(world):
    # given
    tracker = progress.start(world.xa, "so-lieu.csv", token=TOKEN)

    # when / then: the service checks over the first half, writes over the second
    tracker.update(0, 1000)
    assert progress.in_flight(world.xa)[0].phase == progress.Phase.CHECKING
    tracker.update(500, 1000)
    [entry] = progress.in_flight(world.xa)
    assert entry.phase == progress.Phase.WRITING
    assert (entry.done, entry.total, entry.percent) == (500, 1000, 50)
    tracker.update(1000, 1000)
    assert progress.in_flight(world.xa)[0].phase == progress.Phase.FINISHING


def test_finish_removes_the_import(world):
    # given two imports of the same user
    first = progress.start(world.xa, "a.csv", token="first-token")
    progress.start(world.xa, "b.csv", token="second-token")

    # when
    first.finish()

    # then
    assert [e.filename for e in progress.in_flight(world.xa)] == ["b.csv"]
    assert stored(world.xa, "first-token") is None
    first.update(5, 10)  # a late report after the end writes nothing
    assert [e.filename for e in progress.in_flight(world.xa)] == ["b.csv"]


def test_updates_are_written_at_most_four_times_a_second(world):
    # given an import whose clock stands still
    clock = Clock()
    tracker = progress.start(world.xa, "so-lieu.csv", token=TOKEN)
    tracker.clock = clock
    tracker.update(0, 1000)

    # when many reports come within a quarter of a second
    for done in range(1, 400):
        tracker.update(done, 1000)

    # then only the first is written, though the last is remembered
    assert stored(world.xa, TOKEN)["done"] == 0
    assert tracker.done == 399

    # when a quarter of a second has passed
    clock.now += progress.MIN_INTERVAL
    tracker.update(450, 1000)
    assert stored(world.xa, TOKEN)["done"] == 450

    # a change of phase is written at once
    tracker.update(600, 1000)
    assert stored(world.xa, TOKEN)["phase"] == progress.Phase.WRITING
    tracker.update(601, 1000)
    assert stored(world.xa, TOKEN)["done"] == 600


def test_an_import_without_news_for_a_minute_shows_as_stopped(world, monkeypatch):
    # given
    tracker = progress.start(world.xa, "so-lieu.csv", token=TOKEN)
    tracker.update(100, 1000)

    # when
    later(monkeypatch, progress.STALE_AFTER + 1)

    # then
    [entry] = progress.in_flight(world.xa)
    assert entry.stale is True


def test_an_import_expires_ten_minutes_after_its_last_update(world, monkeypatch):
    # given
    progress.start(world.xa, "so-lieu.csv", token=TOKEN)
    assert len(progress.in_flight(world.xa)) == 1

    # when the cache's clock has moved past the entry's life
    moved = time.time() + progress.ENTRY_TTL + 1
    monkeypatch.setattr(time, "time", lambda: moved)

    # then
    assert progress.in_flight(world.xa) == []


def test_a_user_never_sees_the_imports_of_another(world):
    progress.start(world.xa, "cua-xa.csv", token=TOKEN)
    progress.start(world.tinh, "cua-tinh.csv", token=TOKEN)

    assert [e.filename for e in progress.in_flight(world.xa)] == ["cua-xa.csv"]
    assert [e.filename for e in progress.in_flight(world.tinh)] == ["cua-tinh.csv"]
    assert progress.in_flight(world.thon) == []


def test_a_token_of_the_wrong_shape_is_replaced(world):
    tracker = progress.start(world.xa, "so-lieu.csv", token="../x")

    assert tracker.token != "../x"  # noqa: S105 - a token, not a password
    assert progress.clean_token(tracker.token) == tracker.token


def test_an_index_rewritten_by_another_process_is_mended(world):
    # given an import whose token another process dropped from the index
    clock = Clock()
    tracker = progress.start(world.xa, "so-lieu.csv", token=TOKEN)
    tracker.clock = clock
    cache.set(f"collect:imports:{world.xa.pk}", ["other-token"])

    # when it reports again
    clock.now += progress.MIN_INTERVAL
    tracker.update(10, 100)

    # then
    assert [e.token for e in progress.in_flight(world.xa)] == [TOKEN]


# --- the progress endpoint --------------------------------------------------------


def test_progress_partial_lists_the_running_imports_and_polls(client, world):
    # given
    tracker = progress.start(world.xa, "so-lieu.csv", token=TOKEN)
    tracker.update(750, 1000)
    progress.start(world.tinh, "cua-tinh.csv")
    client.force_login(world.xa)

    # when
    response = client.get(PROGRESS, HTTP_HX_REQUEST="true")

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="import-progress"')
    assert 'hx-trigger="every 1s"' in html
    assert "so-lieu.csv" in html
    assert "cua-tinh.csv" not in html
    assert f'<progress id="progress-{TOKEN}" max="1000" value="750">' in html
    assert 'data-phase="writing"' in html
    assert "75%" in html


def test_progress_partial_stops_polling_when_nothing_runs(client, world):
    client.force_login(world.xa)

    html = client.get(PROGRESS, HTTP_HX_REQUEST="true").content.decode()

    assert "every 1s" not in html
    assert "hx-get" not in html


def test_progress_waits_for_an_upload_then_follows_it_to_its_end(client, world):
    # given an upload page that has just sent its file
    client.force_login(world.xa)

    # when the import has not begun yet: the page waits
    html = client.get(PROGRESS, {"token": TOKEN}, HTTP_HX_REQUEST="true").content
    assert b'data-phase="sending"' in html
    assert f"?token={TOKEN}&amp;wait=1".encode() in html

    # when it runs: the page follows it
    tracker = progress.start(world.xa, "so-lieu.csv", token=TOKEN)
    html = client.get(
        PROGRESS, {"token": TOKEN, "wait": "3"}, HTTP_HX_REQUEST="true"
    ).content
    assert b'data-phase="reading"' in html
    assert f"?token={TOKEN}&amp;seen=1".encode() in html

    # when it has ended: the page stops asking
    tracker.finish()
    html = client.get(
        PROGRESS, {"token": TOKEN, "seen": "1"}, HTTP_HX_REQUEST="true"
    ).content
    assert b'data-phase="ended"' in html
    assert b"every 1s" not in html


def test_progress_gives_up_waiting_for_an_upload_that_never_begins(client, world):
    client.force_login(world.xa)

    html = client.get(
        PROGRESS, {"token": TOKEN, "wait": "600"}, HTTP_HX_REQUEST="true"
    ).content

    assert b"every 1s" not in html
    assert b'data-phase="sending"' not in html


def test_stopped_import_is_shown_as_interrupted_and_not_polled(
    client, world, monkeypatch
):
    # given an import whose process died a minute ago
    progress.start(world.xa, "so-lieu.csv", token=TOKEN).update(300, 1000)
    client.force_login(world.xa)
    later(monkeypatch, progress.STALE_AFTER + 5)

    # when
    html = client.get(PROGRESS, HTTP_HX_REQUEST="true").content.decode()

    # then
    assert 'data-phase="stopped"' in html
    assert '<p class="in-flight-stopped">' in html
    assert "every 1s" not in html


def test_progress_page_without_htmx_is_a_whole_page(client, world):
    progress.start(world.xa, "so-lieu.csv", token=TOKEN)
    client.force_login(world.xa)

    html = client.get(PROGRESS).content.decode()

    assert "<html" in html
    assert "so-lieu.csv" in html
    assert f'href="{BATCHES}"' in html


def test_progress_needs_a_login(client, world):
    response = client.get(PROGRESS)

    assert response.status_code == 302


# --- the imports page -------------------------------------------------------------


def test_batches_page_shows_a_running_upload_above_the_batches_and_polls(client, world):
    # given a committed batch and an upload running now
    ImportBatch.objects.create(
        actor=world.xa, channel="import", format="csv", filename="cu.csv", status="done"
    )
    progress.start(world.xa, "moi.csv", token=TOKEN).update(100, 1000)
    progress.start(world.tinh, "cua-tinh.csv")
    client.force_login(world.xa)

    # when
    html = client.get(BATCHES).content.decode()

    # then
    assert 'hx-trigger="every 1s"' in html
    assert html.index("moi.csv") < html.index("cu.csv")
    assert 'data-phase="checking"' in html
    assert "cua-tinh.csv" not in html


def test_batches_page_stops_polling_once_the_upload_has_committed(client, world):
    # given an upload that ran and ended
    tracker = progress.start(world.xa, "moi.csv", token=TOKEN)
    client.force_login(world.xa)
    assert "every 1s" in client.get(BATCHES, HTTP_HX_REQUEST="true").content.decode()

    # when
    tracker.finish()
    html = client.get(BATCHES, HTTP_HX_REQUEST="true").content.decode()

    # then
    assert "every 1s" not in html
    assert "moi.csv" not in html


def test_batches_page_shows_a_stopped_upload_without_polling(
    client, world, monkeypatch
):
    progress.start(world.xa, "moi.csv", token=TOKEN).update(100, 1000)
    client.force_login(world.xa)
    later(monkeypatch, progress.STALE_AFTER + 5)

    html = client.get(BATCHES).content.decode()

    assert 'data-phase="stopped"' in html
    assert "every 1s" not in html


# --- the upload page --------------------------------------------------------------


def test_upload_form_carries_a_token_and_asks_for_its_progress(client, world):
    client.force_login(world.xa)

    html = client.get(EXCEL).content.decode()

    token = html.split('name="progress_token" value="')[1].split('"')[0]
    assert progress.clean_token(token) == token
    assert f'hx-get="{PROGRESS}?token={token}"' in html
    assert 'hx-trigger="htmx:beforeRequest from:#upload-form"' in html
    assert 'hx-post="' in html
    assert "every 1s" not in html


def test_upload_page_follows_an_upload_running_elsewhere(client, world):
    progress.start(world.xa, "moi.csv", token=TOKEN)
    client.force_login(world.xa)

    html = client.get(EXCEL).content.decode()

    assert "moi.csv" in html
    assert 'hx-trigger="every 1s"' in html


def test_upload_reports_its_progress_then_forgets_it(client, world, monkeypatch):
    # given a form, and a spy on what the cache shows at every report
    make_form()
    client.force_login(world.xa)
    trackers: list[progress.Tracker] = []
    seen: list[list[progress.InFlight]] = []
    real_start, real_update = progress.start, progress.Tracker.update

    def start(*args, **kwargs):
        trackers.append(real_start(*args, **kwargs))
        return trackers[-1]

    def update(self, done, total):
        real_update(self, done, total)
        seen.append(progress.in_flight(world.xa))

    monkeypatch.setattr(progress, "start", start)
    monkeypatch.setattr(progress.Tracker, "update", update)
    upload = SimpleUploadedFile("so-lieu.csv", GOOD_CSV.encode(), "text/csv")

    # when
    response = client.post(EXCEL, {"file": upload, "progress_token": TOKEN})

    # then the service reported to the end, under the form's token
    assert response.status_code == 302
    [tracker] = trackers
    assert tracker.token == TOKEN
    assert (tracker.done, tracker.total) == (2, 2)
    assert tracker.finished is True
    last = seen[-1]
    assert [(e.token, e.done, e.total, e.phase) for e in last] == [
        (TOKEN, 2, 2, progress.Phase.FINISHING)
    ]
    # and once stored, the batch shows it and the cache no longer does
    assert progress.in_flight(world.xa) == []
    assert ImportBatch.objects.get(status="done").total == 2
    assert DataValue.objects.count() == 2


def test_refused_upload_is_forgotten_too(client, world):
    make_form()
    client.force_login(world.xa)
    bad = "data_element,unit_code,period,value\nT_HH,03388,2025,abc\n"
    upload = SimpleUploadedFile("sai.csv", bad.encode(), "text/csv")

    response = client.post(EXCEL, {"file": upload, "progress_token": TOKEN})

    assert response.status_code == 200
    assert progress.in_flight(world.xa) == []
    assert ImportBatch.objects.get().status == "rejected"


def test_htmx_upload_gets_the_page_part_or_a_client_redirect(client, world):
    # given
    make_form()
    client.force_login(world.xa)
    upload = SimpleUploadedFile("so-lieu.csv", GOOD_CSV.encode(), "text/csv")

    # when a dry run goes through HTMX
    response = client.post(
        EXCEL, {"file": upload, "dry_run": "on"}, HTTP_HX_REQUEST="true"
    )

    # then the part of the page comes back, with a fresh token
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="excel-main">')
    assert 'data-count="created">2</td>' in html
    assert 'name="progress_token"' in html

    # when the file is stored through HTMX: the browser is sent to its batch
    upload = SimpleUploadedFile("so-lieu.csv", GOOD_CSV.encode(), "text/csv")
    response = client.post(EXCEL, {"file": upload}, HTTP_HX_REQUEST="true")
    batch = ImportBatch.objects.get(status="done")
    assert response["HX-Redirect"] == reverse("collect:batch", args=[batch.pk])
