from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from grading import rules, services
from servicecenter.exceptions import DomainError


class Command(BaseCommand):
    # a batch job run by cron/beat: the system checks (seconds on a large project) are for deploys
    requires_system_checks: list = []
    help = "Re-evaluate every customer's grade for a month (default: the previous month)."

    def add_arguments(self, parser):
        parser.add_argument("--period", help="YYYY-MM (default: the previous month)")
        parser.add_argument("--dry-run", action="store_true", help="compute and record the would-be changes only")
        parser.add_argument("--force", action="store_true", help="run again for a period that already ran")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, period=None, dry_run=False, force=False, no_progress=False, **options):
        try:
            day = rules.parse_period(period) if period else rules.previous_month(timezone.localdate())
        except ValueError as exc:
            raise CommandError(str(exc))
        bar = None

        def progress(done, total):
            nonlocal bar
            if bar is None:
                bar = tqdm(total=total, unit="customers", file=self.stderr._out, disable=no_progress)
            bar.update(done - bar.n)

        try:
            run, executed = services.reevaluate_grades(period=day, dry_run=dry_run, force=force, progress=progress)
        except DomainError as exc:
            raise CommandError(str(exc.message))
        finally:
            if bar is not None:
                bar.close()
        if not executed:
            self.stdout.write(f"{day:%Y-%m} already graded (run {run.pk}, {run.status}); use --force to run again.")
            return
        kind = "dry run" if run.dry_run else "run"
        self.stdout.write(self.style.SUCCESS(
            f"{kind} {run.pk} for {day:%Y-%m}: {run.total} customers, up {run.up}, down {run.down}, "
            f"unchanged {run.unchanged}, held by lock {run.held_by_lock}, held by hysteresis "
            f"{run.held_by_hysteresis}, tier mismatches {run.mismatch_count}; {run.duration_seconds} s"))
        for row in run.mismatches[:20]:
            self.stdout.write(f"  tier mismatch: {row['account_no']} grade {row['grade']} needs {row['required_tier']}, "
                              f"has {row['account_manager'] or '-'} ({row['tier'] or 'none'})")
