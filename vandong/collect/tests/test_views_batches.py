"""The user's import batches and one batch's progress."""

import pytest
from django.urls import reverse

from vandong.collect.models import ImportBatch

pytestmark = pytest.mark.django_db


def make_batch(actor, **fields) -> ImportBatch:
    # A status row as an import in progress leaves it (no service writes one
    # that stays running).
    defaults = {"channel": "import", "format": "csv", "filename": "so-lieu.csv"}
    return ImportBatch.objects.create(actor=actor, **{**defaults, **fields})


def test_batches_lists_only_the_users_own(client, world):
    # given
    mine = make_batch(world.xa, status="done", total=1200, created=1200)
    make_batch(world.tinh, filename="cua-tinh.csv", status="done")
    client.force_login(world.xa)

    # when
    response = client.get(reverse("collect:batches"))

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="{reverse("collect:batch", args=[mine.pk])}"' in html
    assert "so-lieu.csv" in html
    assert "cua-tinh.csv" not in html
    assert '<td class="num">1.200</td>' in html
    assert "every 1s" not in html


def test_batches_poll_while_one_is_running(client, world):
    make_batch(world.xa, status="running", total=10, done=3)
    client.force_login(world.xa)

    html = client.get(reverse("collect:batches")).content.decode()

    assert 'hx-trigger="every 1s"' in html


def test_running_batch_page_polls_its_progress(client, world):
    # given
    batch = make_batch(world.xa, status="running", total=1000, done=250)
    client.force_login(world.xa)

    # when
    response = client.get(
        reverse("collect:batch", args=[batch.pk]), HTTP_HX_REQUEST="true"
    )

    # then the partial polls and shows the progress
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="batch"')
    assert 'hx-trigger="every 1s"' in html
    assert '<progress id="batch-progress" max="1000" value="250">' in html


def test_finished_batch_page_stops_polling_and_lists_the_problems(client, world):
    # given
    batch = make_batch(
        world.xa,
        status="rejected",
        total=2,
        errors=[
            {
                "row": 3,
                "field": "value",
                "message_vi": "“abc” không phải là số.",
                "message_en": "'abc' is not a number.",
                "sheet": "",
                "column": "value",
                "unit": "03388",
                "element": "T_HH",
            }
        ],
    )
    client.force_login(world.xa)

    # when
    html = client.get(reverse("collect:batch", args=[batch.pk])).content.decode()

    # then
    assert "every 1s" not in html
    assert 'data-status="rejected"' in html
    assert "<td>“abc” không phải là số.</td>" in html
    assert "<td>03388</td><td>T_HH</td>" in html


def test_batch_of_another_user_is_not_found(client, world):
    batch = make_batch(world.tinh)
    client.force_login(world.xa)

    response = client.get(reverse("collect:batch", args=[batch.pk]))

    assert response.status_code == 404
