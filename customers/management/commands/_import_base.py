"""Shared body of import_customers and import_consumption (the logic is in customers.importers)."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from customers.importers import ImportFileError


class ImportCommand(BaseCommand):
    importer = None  # set by subclasses: a function (path, *, progress, dry_run) -> ImportReport
    what = ""

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv (UTF-8 or GB18030) or .xlsx file; columns in docs/import.md")
        parser.add_argument("--dry-run", action="store_true", help="validate and count, then roll back")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, file, dry_run, no_progress, **opts):
        progress = None
        if not no_progress:
            def progress(total, unit):
                return tqdm(total=total, unit=unit, desc=self.what, file=self.stderr._out, dynamic_ncols=True)
        try:
            report = type(self).importer(file, progress=progress, dry_run=dry_run)
        except ImportFileError as exc:
            raise CommandError(str(exc))
        for line, reason in report.errors:
            self.stdout.write(f"line {line}: {reason}")
        prefix = "DRY RUN (nothing saved): " if dry_run else ""
        style = self.style.WARNING if report.errors else self.style.SUCCESS
        self.stdout.write(style(f"{prefix}{file}: {report.created} created / {report.updated} updated / "
                                f"{report.unchanged} unchanged / {len(report.errors)} bad rows"))
        if report.errors:
            raise CommandError(f"{len(report.errors)} bad rows were not imported (listed above); "
                               "the good rows were imported.", returncode=2)
