"""Taking dossiers in from an agency: a checked file becomes dossiers and shipments, once.

A dossier code already known for its agency is skipped, not duplicated, so
the same file (or the same API push) can be sent twice safely.
"""
from dataclasses import dataclass, field

from ..domain.dossiers import CleanDossier
from ..domain.imports import CheckedFile, check_rows, header_key
from ..extensions import db
from ..ledger import custody
from ..models import Agency, AuthorisedPerson, Dossier, PostOffice, Shipment, User


@dataclass
class IntakeResult:
    created: list[Shipment] = field(default_factory=list)
    already_known: list[str] = field(default_factory=list)


def office_agencies(office: PostOffice) -> dict[str, Agency]:
    """The agencies whose results this office carries, by code: the only ones its dispatchers import for.

    Another office's agency is as unknown as a made-up code, so a file cannot learn
    (or land shipments on) what another office holds.
    """
    found = db.session.execute(db.select(Agency).filter_by(post_office_id=office.id).order_by(Agency.name))
    return {agency.code: agency for agency in found.scalars()}


def agency_patterns(office: PostOffice) -> dict[str, str | None]:
    """The office's agencies' codes and their own dossier-code patterns, for checking rows."""
    return {code: agency.dossier_code_pattern for code, agency in office_agencies(office).items()}


def check_table(rows: list[tuple[int, dict]], office: PostOffice, **options) -> CheckedFile:
    """Check numbered rows for `office`; `options` as for `check_rows` (the file's agency, headers)."""
    return check_rows(rows, agency_patterns(office), province_code=office.province_code,
                      ward_codes=frozenset(office.ward_codes or ()), **options)


def remember_mapping(agency: Agency, headers: list[str], mapping: list[str | None]) -> None:
    """Keep which column held which field, so the agency's next file asks nothing; the caller commits."""
    agency.intake_mapping = {header_key(header): name for header, name in zip(headers, mapping) if header_key(header)}


def take_in(checked: CheckedFile, office: PostOffice, actor: User, *, valid_only: bool = False) -> IntakeResult:
    """Create a dossier and a registered shipment per valid row; the caller commits.

    Refuses (ValueError) when the file has errors, unless `valid_only` says to take the rest.
    """
    if checked.errors and not valid_only:
        raise ValueError("the file has errors; nothing was imported")
    agencies = office_agencies(office)
    result = IntakeResult()
    for _row, agency_code, clean in checked.valid:
        agency = agencies[agency_code]
        if _known(agency, clean.code):
            result.already_known.append(clean.code)
            continue
        dossier = build_dossier(agency, clean)
        result.created.append(custody.register_shipment(dossier, office, actor=actor))
    return result


def build_dossier(agency: Agency, clean: CleanDossier) -> Dossier:
    """A Dossier (with its authorised persons) from checked values."""
    values = {name: getattr(clean, name) for name in (
        "code", "procedure_name", "applicant_name", "applicant_phone", "street", "ward_code",
        "province_code", "due_date", "fee_agency", "fee_postage", "legacy_district", "latitude",
        "longitude", "expected_id_tail")}
    dossier = Dossier(agency=agency, **values)
    dossier.authorised_persons = [AuthorisedPerson(**person) for person in clean.authorised_persons]
    return dossier


def _known(agency: Agency, code: str) -> bool:
    return db.session.execute(
        db.select(Dossier.id).filter_by(agency_id=agency.id, code=code).limit(1)).first() is not None
