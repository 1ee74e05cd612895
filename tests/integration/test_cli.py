"""The commands a new user and an operator run."""
from sqlalchemy import func

from courier.domain.formatting import local_today
from courier.domain.states import State
from courier.models import Attempt, CashHandIn, Dossier, Outcome, ProofKind, Round, Shipment, User
from courier.services.demo import DEMO_PASSWORDS
from tests.conftest import AuthActions


def test_init_db_is_safe_to_run_again(app):
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "nâng cấp" in result.output


def test_seed_demo_builds_a_tam_ky_day_once_and_prints_working_logins(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    for username in DEMO_PASSWORDS:
        assert username in first.output and DEMO_PASSWORDS[username] in first.output
    assert "/t/" in first.output  # citizen links
    dossiers = db.session.execute(db.select(Dossier)).scalars().all()
    assert {d.province_code for d in dossiers} == {48}
    states = {s.state for s in db.session.execute(db.select(Shipment)).scalars()}
    assert {State.REGISTERED, State.RECEIVED, State.OUT_FOR_DELIVERY, State.RETURNED} <= states
    rounds = db.session.execute(db.select(Round)).scalars().all()
    assert len([r for r in rounds if r.round_date == local_today()]) == 3
    # Two past weeks of hand-overs, each with its signature, and the cash handed in for them.
    past = [r for r in rounds if r.round_date < local_today()]
    assert len(past) >= 30
    delivered = db.session.execute(db.select(Attempt).filter_by(outcome=Outcome.DELIVERED)).scalars().all()
    assert len([a for a in delivered if a.captured_at.date() < local_today()]) >= 60
    assert all(any(p.kind == ProofKind.SIGNATURE for p in a.proofs) for a in delivered)
    assert db.session.execute(db.select(func.sum(CashHandIn.amount))).scalar() > 0
    assert runner.invoke(args=["verify"]).exit_code == 0

    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0 and "buuta1" in again.output
    assert len(db.session.execute(db.select(Dossier)).scalars().all()) == len(dossiers)

    for username, home in (("buuta1", "/courier/"), ("dieuphoi", "/dispatch/"), ("quantri", "/dispatch/")):
        client = app.test_client()  # a fresh browser for each person
        response = AuthActions(client).login(username, DEMO_PASSWORDS[username])
        assert response.headers["Location"] == home
        assert client.get(home).status_code == 200


def test_create_user_hashes_the_password_and_refuses_duplicates(app, db, office):
    runner = app.test_cli_runner()
    args = ["create-user", "--username", "BuuTa9", "--full-name", "Đỗ Văn Nam",
            "--role", "courier", "--post-office", office.code]
    result = runner.invoke(args=args, input="mat-khau-moi-9\nmat-khau-moi-9\n")
    assert result.exit_code == 0, result.output
    user = db.session.execute(db.select(User).filter_by(username="buuta9")).scalar_one()
    assert user.check_password("mat-khau-moi-9") and user.post_office_id == office.id
    again = runner.invoke(args=args, input="mat-khau-moi-9\nmat-khau-moi-9\n")
    assert again.exit_code != 0 and "đã tồn tại" in again.output


def test_create_user_refuses_an_unknown_office_and_a_short_password(app, office):
    runner = app.test_cli_runner()
    base = ["create-user", "--username", "x1", "--full-name", "X", "--role", "courier"]
    unknown = runner.invoke(args=base + ["--post-office", "NOPE"], input="abcdefgh\nabcdefgh\n")
    assert unknown.exit_code != 0 and "Không có bưu cục" in unknown.output
    short = runner.invoke(args=base + ["--post-office", office.code], input="abc\nabc\n")
    assert short.exit_code != 0 and "quá ngắn" in short.output


def test_a_desk_user_is_tied_to_an_existing_agency_and_lands_on_its_dossiers(app, db, office, client):
    from tests import factories
    from tests.conftest import AuthActions

    agency = factories.agency()
    db.session.commit()
    runner = app.test_cli_runner()
    base = ["create-user", "--username", "motcua9", "--full-name", "Đặng Thị Mai", "--role", "agency_desk",
            "--post-office", office.code]
    for extra, words in (([], "cần --agency"), (["--agency", "000.00.99.H47"], "cần --agency")):
        refused = runner.invoke(args=base + extra, input="mat-khau-moi-9\nmat-khau-moi-9\n")
        assert refused.exit_code != 0 and words in refused.output
    made = runner.invoke(args=base + ["--agency", agency.code], input="mat-khau-moi-9\nmat-khau-moi-9\n")
    assert made.exit_code == 0, made.output
    assert db.session.execute(db.select(User).filter_by(username="motcua9")).scalar_one().agency_id == agency.id
    courier_with_agency = runner.invoke(args=["create-user", "--username", "x2", "--full-name", "X", "--role",
                                              "courier", "--post-office", office.code, "--agency", agency.code],
                                        input="mat-khau-moi-9\nmat-khau-moi-9\n")
    assert courier_with_agency.exit_code != 0
    landed = AuthActions(client).login("motcua9", "mat-khau-moi-9")
    assert landed.headers["Location"] == "/desk/"
