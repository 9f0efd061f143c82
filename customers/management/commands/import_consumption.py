from customers.importers import import_consumption

from ._import_base import ImportCommand


class Command(ImportCommand):
    help = ("Import or update monthly consumption from a CSV/XLSX file "
            "(upsert by account number + period YYYY-MM; see docs/import.md).")
    importer = staticmethod(import_consumption)
    what = "consumption"
