"""Input bounds, written once: the rules (dossiers.py, attempts.py) and the API's schemas use these.

The agency API's pydantic schemas (routes/api/schemas.py) declare the same limits, so the
published document and the rules can never disagree on a number.
"""
MAX_FEE = 100_000_000  # no procedure fee or postage comes near 100 million đồng
ID_TAIL = r"\d{3,6}"  # the last 3 to 6 digits of the recipient's ID number, as the agency gives them
MAX_NAME = 120  # an applicant's, an authorised person's or a recipient's name
MAX_CODE = 64  # a dossier code
MAX_PROCEDURE = 300
MAX_STREET = 200
MAX_DISTRICT = 100
MAX_RELATIONSHIP = 60  # "chồng", "con gái", … as written by the agency or the courier
# Any point on Earth (a phone's fix may be anywhere), and the box a dossier's address must fall in:
# Vietnam's, islands included.
LATITUDE, LONGITUDE = (-90.0, 90.0), (-180.0, 180.0)
VIETNAM_LATITUDE, VIETNAM_LONGITUDE = (8.0, 23.5), (102.0, 117.5)
