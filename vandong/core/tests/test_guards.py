"""Rules enforced by tests: migrations, translation catalogues, settings."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from vandong.core.i18n import catalogues, compiled, untranslated

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_migrations_have_readable_names():
    names = [p.name for p in ROOT.glob("*/migrations/0*.py")]
    assert names
    assert not [n for n in names if "_auto_" in n]


def test_vietnamese_catalogue_is_complete_and_compiled():
    (po,) = [p for p in catalogues() if p.parts[-3] == "vi"]
    assert untranslated(po) == []
    assert po.with_suffix(".mo").read_bytes() == compiled(po), (
        "django.mo is stale: run `make messages`"
    )


def test_pages_speak_vietnamese_by_default_and_english_on_request(client, world):
    client.force_login(world.tinh)
    vietnamese = client.get("/units/").content.decode()
    assert "Đăng xuất" in vietnamese
    assert '<html lang="vi">' in vietnamese
    client.post("/i18n/setlang/", {"language": "en", "next": "/units/"})
    english = client.get("/units/").content.decode()
    assert "Log out" in english
    assert '<html lang="en">' in english


def _settings_in_fresh_process(data_dir: Path, **env: str) -> list[str]:
    code = (
        "import vandong.settings as s; "
        "print(s.DEBUG); print(s.SECRET_KEY); print(s.SECURE_HSTS_SECONDS)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "VANDONG_DATA_DIR": str(data_dir), **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split()


def test_debug_off_and_secret_key_generated_once_into_the_data_folder(tmp_path):
    first = _settings_in_fresh_process(tmp_path)
    second = _settings_in_fresh_process(tmp_path)
    assert first[0] == "False"
    key_file = tmp_path / "secret_key"
    assert key_file.read_text() == first[1] == second[1]
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert first[2] == "0"  # no HSTS without HTTPS


def test_https_turns_on_hsts(tmp_path):
    values = _settings_in_fresh_process(tmp_path, VANDONG_HTTPS="1", DEBUG="1")
    assert values[0] == "True"
    assert int(values[2]) >= 31_536_000
