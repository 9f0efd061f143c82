from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from servicecenter.backup import BackupError, backup


class Command(BaseCommand):
    help = ("Back up the database (pg_dump custom format on PostgreSQL, the online-backup API on SQLite) and the "
            "uploaded files into a new folder under BACKUP_DIR; keeps the newest BACKUP_KEEP backups.")

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="where to put the backup folder (default: BACKUP_DIR)")
        parser.add_argument("--keep", type=int, help="keep this many newest backups (default: BACKUP_KEEP; 0 = all)")

    def handle(self, *args, **opts):
        try:
            done = backup(into=Path(opts["dir"]) if opts["dir"] else None, keep=opts["keep"])
        except BackupError as exc:
            raise CommandError(str(exc))
        m = done.manifest
        self.stdout.write(f"backup {done.folder}: {len(m['tables'])} tables, {sum(m['tables'].values())} rows, "
                          f"{len(m['files'])} files")
