"""Permission-matrix entries of reports (see inolink/tests/matrix.py): staff only."""

from accounts.tests.factories import StaffFactory
from inolink.tests.matrix import Case, register


@register("reports:table-csv")
def table_csv():
    return Case(kwargs={"key": "agreements"}, rightful=[StaffFactory()])


@register("reports:table-xlsx")
def table_xlsx():
    return Case(kwargs={"key": "agreements"}, rightful=[StaffFactory()])


@register("reports:table")
def table_page():
    return Case(kwargs={"key": "agreements"}, rightful=[StaffFactory()])
