from customers.importers import import_customers

from ._import_base import ImportCommand


class Command(ImportCommand):
    help = "Import or update customers from a CSV/XLSX file (upsert by account number; see docs/import.md)."
    importer = staticmethod(import_customers)
    what = "customers"
