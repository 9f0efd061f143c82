"""Backup and restore (SPEC §13): a backup of a database with demo data and uploaded photos,
restored into a new database and a new folder, holds every row and every file."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection

from servicecenter import backup as b
from workorders.models import WorkOrder, WorkOrderPhoto

pytestmark = pytest.mark.django_db(transaction=True)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def target(tmp_path):
    """A new database to restore into (dropped afterwards) and a new media folder."""
    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}", tmp_path / "restored-media"
        return
    name = f"{db['NAME']}_restored"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    url = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    with connection.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
    yield url, tmp_path / "restored-media"
    with connection.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restored_into_a_new_database_and_folder_has_every_row_and_file(media, target, tmp_path, capsys):
    call_command("load_demo", "--force")
    order = WorkOrder.objects.first()
    for n in range(3):
        photo = WorkOrderPhoto(work_order=order, content_type="image/jpeg", size=10, sha256="-")
        photo.file.save(f"site-{n}.jpg", ContentFile(b"\xff\xd8\xff" + bytes([n]) * 5000), save=True)
    source_counts = b.table_counts()
    source_files = {p.relative_to(media).as_posix(): sha(p) for p in media.rglob("*") if p.is_file()}
    assert source_counts["workorders_workorderphoto"] == 3 and len(source_files) == 3
    assert source_counts["customers_customer"] >= 300 and source_counts["complaints_complaintevent"] > 0

    call_command("backup", dir=str(tmp_path / "backups"), keep=2)
    folder = b.backups(tmp_path / "backups")[-1]
    assert (folder / ("db.dump" if connection.vendor == "postgresql" else "db.sqlite3")).exists()

    url, new_media = target
    call_command("restore", str(folder), database_url=url, media_root=str(new_media))
    assert "restored and checked" in capsys.readouterr().out

    # counted again here, in the restored database itself, table by table
    restored_counts = b.counts_in(b.dj_database_url.parse(url), b.table_names())
    assert restored_counts == source_counts
    assert {p.relative_to(new_media).as_posix(): sha(p) for p in new_media.rglob("*") if p.is_file()} == source_files


def test_restore_refuses_a_target_that_is_not_empty_and_backups_are_pruned(media, tmp_path):
    (media / "x").mkdir(parents=True)
    (media / "x" / "a.jpg").write_bytes(b"1")
    for _ in range(3):
        b.backup(into=tmp_path / "backups", keep=2)
    kept = b.backups(tmp_path / "backups")
    assert len(kept) == 2
    with pytest.raises(b.BackupError):
        b.restore(kept[-1], media_root=media)  # the live database and folder: refused without --force


def test_compose_backs_up_every_night_with_the_databases_own_pg_dump():
    import yaml

    compose = yaml.safe_load((Path(settings.BASE_DIR) / "docker-compose.yml").read_text(encoding="utf-8"))
    service = compose["services"]["backup"]
    assert service["image"] == compose["services"]["db"]["image"]  # pg_dump refuses a newer server
    assert {"backups:/backups", "media:/data/media"} <= {v.split()[0] for v in service["volumes"]}
    script = service["command"][-1]
    assert "pg_dump --format=custom" in script and "media.tar.gz" in script and "BACKUP_KEEP" in script
    assert "backups" in compose["volumes"]
