"""Small builders for test data; state changes go through ledger.custody like everywhere else."""
import itertools
from datetime import timedelta

from courier.ledger import custody
from courier.domain.formatting import local_today
from courier.extensions import db
from courier.models import Agency, Dossier, PostOffice, Role, User

PASSWORD = "mat-khau-thu-nghiem"
_sequence = itertools.count(1)
WARD_TAM_KY, DA_NANG = 20341, 48


def post_office(code: str | None = None) -> PostOffice:
    n = next(_sequence)
    office = PostOffice(code=code or f"BC-{n:03d}", name=f"Bưu cục thử {n}", hotline="02353851234",
                        ward_code=WARD_TAM_KY, province_code=DA_NANG)
    db.session.add(office)
    db.session.flush()
    return office


def user(office: PostOffice, role: str | Role, username: str | None = None) -> User:
    role = Role(role)
    person = User(username=username or f"{role.value}{next(_sequence)}",
                  full_name=f"Nguyễn Văn {role.value.title()}", role=role, post_office=office)
    person.set_password(PASSWORD)
    db.session.add(person)
    db.session.flush()
    return person


def agency(code: str = "000.00.17.H47") -> Agency:
    found = db.session.execute(db.select(Agency).filter_by(code=code)).scalar_one_or_none()
    if found:
        return found
    record = Agency(code=code, name="Trung tâm Phục vụ hành chính công thử")
    db.session.add(record)
    db.session.flush()
    return record


def dossier(**fields) -> Dossier:
    n = next(_sequence)
    values = dict(
        # A day of its own (261101), so a made-up code never meets one a test writes out (261127-…).
        agency=agency(), code=f"000.00.17.H47-261101-{n:04d}",
        procedure_name="Cấp phiếu lý lịch tư pháp", applicant_name="Trần Thị Bích Ngọc",
        applicant_phone="0905123456", street="12 Phan Châu Trinh", ward_code=WARD_TAM_KY,
        province_code=DA_NANG, due_date=local_today() + timedelta(days=1),
        fee_agency=200_000, fee_postage=25_000,
    )
    values.update(fields)
    record = Dossier(**values)
    db.session.add(record)
    db.session.flush()
    return record


def shipment(office: PostOffice, **dossier_fields):
    """A registered shipment (with its first custody event) for a fresh dossier."""
    record = custody.register_shipment(dossier(**dossier_fields), office, actor_label="agency:test")
    db.session.flush()
    return record


def procedure(office: PostOffice, code: str = "1.001193", name: str = "Cấp Phiếu lý lịch tư pháp cho công dân",
              fee_agency: int = 200_000, agency_code: str = "000.00.17.H47") -> "Procedure":
    """An active procedure of an agency (the test agency unless said), whose dossiers `office`
    carries, with two documents; the same one again if it exists."""
    from courier.models import Procedure, ProcedureDocument

    owner = agency(agency_code)
    found = db.session.execute(db.select(Procedure).filter_by(agency_id=owner.id, code=code)).scalar_one_or_none()
    if found is not None:
        return found
    record = Procedure(agency=owner, code=code, name=name, fee_agency=fee_agency, processing_days=10,
                       documents=[ProcedureDocument(position=0, name="Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp"),
                                  ProcedureDocument(position=1, name="Bản chụp CCCD", required=False)])
    record.agency.post_office = office
    db.session.add(record)
    db.session.flush()
    return record


def pickup_request(office: PostOffice, procedure_=None, **fields):
    """A pickup asked for on the public page (REQUESTED), through the same rules and service."""
    from courier.domain.pickups import check_request
    from courier.models import Channel
    from courier.services.pickups import request_pickup

    procedure_ = procedure_ or procedure(office)
    raw = dict(procedure=str(procedure_.id), applicant_name="Lê Thị Hoa", applicant_phone="0912345678",
               street="45 Trần Cao Vân", ward=str(WARD_TAM_KY),
               preferred_date=(local_today() + timedelta(days=1)).isoformat(), preferred_slot="morning",
               consent="y")
    raw.update(fields)
    clean = check_request(raw, today=local_today(), procedure_ids={procedure_.id}, ward_codes={WARD_TAM_KY})
    requested = request_pickup(clean, office, Channel.WEB, local_today())
    db.session.flush()
    return requested
