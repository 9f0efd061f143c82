from django.core.management.base import BaseCommand, CommandError

from servicecenter.backup import BackupError, restore


class Command(BaseCommand):
    help = ("Restore a backup folder (made by `backup`) into a database and a media folder, then check every "
            "table's row count and every file's checksum against the backup's manifest.")

    def add_arguments(self, parser):
        parser.add_argument("folder", help="the backup folder, e.g. var/backups/20261202-031500")
        parser.add_argument("--database-url", help="restore into this database (default: DATABASE_URL); a missing "
                                                   "PostgreSQL database is created")
        parser.add_argument("--media-root", help="restore the files here (default: MEDIA_ROOT)")
        parser.add_argument("--force", action="store_true", help="replace a database or folder that is not empty")

    def handle(self, *args, **opts):
        try:
            done = restore(opts["folder"], database_url=opts["database_url"], media_root=opts["media_root"],
                           force=opts["force"])
        except BackupError as exc:
            raise CommandError(str(exc))
        for problem in done.problems:
            self.stderr.write(problem)
        if done.problems:
            raise CommandError(f"restored, but {len(done.problems)} check(s) failed")
        self.stdout.write(f"restored and checked: {done.tables} tables, {done.rows} rows, {done.files} files")
