"""Petition attachments on disk: what is accepted, by content, and where it goes.

Files live under `<VANDONG_DATA_DIR>/media/petitions/` with random names (the
citizen's file name is kept in the database only), and are served by a view
that checks scope, never by the web server.
"""

import hashlib
import io
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from vandong.core.errors import DomainError
from vandong.petitions.errors import PetitionsErrorCode

MAX_BYTES = 5 * 1024 * 1024
MAX_FILES = 5
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# kind → (content type, the extensions a file of that kind may carry)
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "pdf": ("application/pdf", (".pdf",)),
    "jpeg": ("image/jpeg", (".jpg", ".jpeg")),
    "png": ("image/png", (".png",)),
    "docx": (DOCX_TYPE, (".docx",)),
}


@dataclass(frozen=True)
class Accepted:
    kind: str
    content_type: str
    extension: str
    sha256: str


def media_dir() -> Path:
    """The petitions media folder, read from settings when called."""
    path = Path(settings.DATA_DIR) / "media" / "petitions"
    path.mkdir(parents=True, exist_ok=True)
    return path


def sniff(content: bytes) -> str | None:
    """The kind of file the bytes are, by their content; None if not one we take."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if {"[Content_Types].xml", "word/document.xml"} <= names:
            return "docx"
    return None


def check(name: str, content: bytes) -> Accepted:
    """Accept a PDF, JPEG, PNG or DOCX file of at most 5 MB whose content
    matches its extension, or raise DomainError."""
    if len(content) > MAX_BYTES:
        size_mb = f"{len(content) / 1024 / 1024:.1f}"
        raise DomainError(
            PetitionsErrorCode.ATTACHMENT_TOO_BIG,
            f"Tệp “{name}” nặng {size_mb.replace('.', ',')} MB, quá giới hạn 5 MB.",
            f"The file “{name}” is {size_mb} MB, over the 5 MB limit.",
            field="file",
        )
    if not content:
        raise DomainError(
            PetitionsErrorCode.ATTACHMENT_TYPE,
            f"Tệp “{name}” rỗng.",
            f"The file “{name}” is empty.",
            field="file",
        )
    kind = sniff(content)
    extension = Path(name).suffix.lower()
    if kind is None or extension not in KINDS[kind][1]:
        raise DomainError(
            PetitionsErrorCode.ATTACHMENT_TYPE,
            f"Tệp “{name}” không phải PDF, JPEG, PNG hay DOCX (nội dung tệp "
            "không khớp với phần mở rộng hoặc không được chấp nhận).",
            f"The file “{name}” is not a PDF, JPEG, PNG or DOCX file (its "
            "content does not match its extension, or is not accepted).",
            field="file",
        )
    content_type, extensions = KINDS[kind]
    return Accepted(
        kind=kind,
        content_type=content_type,
        extension=extensions[0],
        sha256=hashlib.sha256(content).hexdigest(),
    )


def write(accepted: Accepted, content: bytes) -> str:
    """Store the bytes under a random name; return that name."""
    stored_name = f"{secrets.token_hex(16)}{accepted.extension}"
    (media_dir() / stored_name).write_bytes(content)
    return stored_name


def path_of(stored_name: str) -> Path:
    """The file's path; a stored name never leaves the media folder."""
    if "/" in stored_name or "\\" in stored_name or stored_name.startswith("."):
        raise ValueError(stored_name)
    return media_dir() / stored_name


def remove(stored_name: str) -> None:
    path_of(stored_name).unlink(missing_ok=True)
