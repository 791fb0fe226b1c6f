"""Attachments: type by content, size, count, stored under the data folder,
served only to officers handling petitions on the unit."""

import io
import zipfile

import pytest

from vandong.core.errors import DomainError
from vandong.petitions import services, storage
from vandong.petitions.models import Attachment
from vandong.petitions.tests.factories import make_petition

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def test_accepts_pdf_png_docx_and_stores_them_under_the_data_folder(world, tmp_path):
    petition = make_petition(world.xa, world.doan_ket)
    for name, content in (
        ("don.pdf", PDF),
        ("anh.png", PNG),
        ("don.docx", docx_bytes()),
    ):
        attachment = services.attachment_add(
            actor=world.xa, petition=petition, name=name, content=content
        )
        stored = tmp_path / "media" / "petitions" / attachment.stored_name
        assert stored.read_bytes() == content
    assert sorted(Attachment.objects.values_list("content_type", flat=True)) == [
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "image/png",
    ]


def test_refuses_a_file_over_5_mb(world):
    petition = make_petition(world.xa, world.doan_ket)
    big = PDF + b"0" * (5 * 1024 * 1024)
    with pytest.raises(DomainError) as caught:
        services.attachment_add(
            actor=world.xa, petition=petition, name="to.pdf", content=big
        )
    assert caught.value.code == "attachment_too_big"
    assert "5 MB" in caught.value.message_vi
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("virus.pdf", b"MZ\x90\x00 this is an executable"),  # the extension lies
        ("anh.png", PDF),  # a PDF named .png
        ("trang.html", b"<html><script>alert(1)</script></html>"),
        ("bang.xlsx", docx_bytes()),  # a zip, but not named as a Word file
        ("gia.docx", b"PK\x03\x04not really a zip"),
    ],
)
def test_refuses_a_wrong_type_by_content(world, name, content):
    petition = make_petition(world.xa, world.doan_ket)
    with pytest.raises(DomainError) as caught:
        services.attachment_add(
            actor=world.xa, petition=petition, name=name, content=content
        )
    assert caught.value.code == "attachment_type"
    assert caught.value.message_en.startswith(f"The file “{name}” is not a PDF")


def test_at_most_five_per_petition(world):
    petition = make_petition(world.xa, world.doan_ket)
    for number in range(5):
        services.attachment_add(
            actor=world.xa, petition=petition, name=f"{number}.pdf", content=PDF
        )
    with pytest.raises(DomainError) as caught:
        services.attachment_add(
            actor=world.xa, petition=petition, name="6.pdf", content=PDF
        )
    assert caught.value.code == "too_many_attachments"


def test_served_only_to_officers_handling_the_unit(world, client):
    # given
    petition = make_petition(world.xa, world.village_1)
    attachment = services.attachment_add(
        actor=world.xa, petition=petition, name="don.pdf", content=PDF
    )
    url = f"/petitions/attachments/{attachment.pk}/"

    # then the commune officer downloads it
    client.force_login(world.xa)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"

    # and the village reporter (reads petitions, does not handle them) and an
    # officer elsewhere get nothing
    for user in (world.thon, world.ngoai):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_stored_names_never_leave_the_media_folder():
    with pytest.raises(ValueError, match="etc"):
        storage.path_of("../../etc/passwd")
