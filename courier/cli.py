"""Commands: `flask --app courier init-db | seed-demo | create-user | set-password | deactivate-user`."""
import click
from flask import Flask, current_app
from flask_migrate import upgrade

from .extensions import db
from .media import media_store
from .models import Agency, PostOffice, Role, User


def register(app: Flask) -> None:
    app.cli.add_command(init_db)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_user)
    app.cli.add_command(set_password_command)
    app.cli.add_command(deactivate_user_command)
    app.cli.add_command(office_area)
    app.cli.add_command(create_api_key)
    app.cli.add_command(revoke_api_key)
    app.cli.add_command(worker)
    app.cli.add_command(verify_command)
    app.cli.add_command(checkpoint_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(purge_media_command)
    app.cli.add_command(citizen_data)
    app.cli.add_command(restore_command)


@click.command("init-db")
def init_db() -> None:
    """Create or upgrade the database schema to the newest migration."""
    upgrade()
    click.echo("Cơ sở dữ liệu đã được nâng cấp lên phiên bản mới nhất.")


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Fill the database with the Tam Kỳ demo data set (once) and print the demo logins."""
    from .domain.tokens import citizen_url
    from .services.demo import seed_demo
    from .services.tracking import digits_to_type

    result = seed_demo(current_app.config["MAX_DELIVERY_ATTEMPTS"])
    db.session.commit()
    base = current_app.config["PUBLIC_BASE_URL"]
    click.echo("Tài khoản dùng thử (demo logins):")
    for username, password, role in result["logins"]:
        click.echo(f"  {role:<12} {username:<10} mật khẩu: {password}")
    for code, token in result["citizen_links"]:
        # The page asks for these before it shows the proof: a new user could not guess them.
        digits = digits_to_type(token) or "—"
        click.echo(f"  Người dân / citizen link {code}: {citizen_url(base, token)}"
                   f"  4 số cuối điện thoại / phone's last 4 digits: {digits}")


@click.command("create-user")
@click.option("--username", required=True)
@click.option("--full-name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--post-office", "post_office_code", required=True, help="The post office's code.")
@click.option("--agency", "agency_code", help="For an agency_desk user: the agency's unit code.")
@click.password_option()
def create_user(username, full_name, role, post_office_code, agency_code, password) -> None:
    """Create a user of a post office (or of an agency's desk); the password is asked for, never echoed."""
    office = db.session.execute(
        db.select(PostOffice).filter_by(code=post_office_code)).scalar_one_or_none()
    if office is None:
        raise click.ClickException(f"Không có bưu cục mã {post_office_code!r}.")
    agency = _desk_agency(Role(role), agency_code)
    username = username.strip().lower()
    if db.session.execute(db.select(User).filter_by(username=username)).first():
        raise click.ClickException(f"Tên đăng nhập {username!r} đã tồn tại.")
    user = User(username=username, full_name=full_name.strip(), role=Role(role), post_office=office, agency=agency)
    _set_chosen_password(user, password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Đã tạo tài khoản {username} ({role}).")


def _desk_agency(role: Role, agency_code: str | None) -> Agency | None:
    """The agency a desk user belongs to (required for that role, refused for any other)."""
    if role is not Role.AGENCY_DESK:
        if agency_code:
            raise click.ClickException("Chỉ tài khoản agency_desk mới gắn với một cơ quan (--agency).")
        return None
    agency = db.session.execute(db.select(Agency).filter_by(code=(agency_code or "").strip())).scalar_one_or_none()
    if agency is None:
        raise click.ClickException(f"Tài khoản agency_desk cần --agency là mã một cơ quan có sẵn (đã cho: {agency_code!r}).")
    return agency


def _set_chosen_password(user: User, password: str) -> None:
    """Set a password a person chose, if domain/passwords.py's rule allows it; else stop with why."""
    from .forms import password_refusal

    refusal = password_refusal(password, [user.username, user.full_name])
    if refusal:
        raise click.ClickException(refusal)
    user.set_password(password)


def _user_named(username: str) -> User:
    user = db.session.execute(db.select(User).filter_by(username=username.strip().lower())).scalar_one_or_none()
    if user is None:
        raise click.ClickException(f"Không có tài khoản {username!r}.")
    return user


@click.command("set-password")
@click.argument("username")
def set_password_command(username: str) -> None:
    """Give USERNAME a new password (asked twice, never echoed); ends all their sessions."""
    user = _user_named(username)
    password = click.prompt("Mật khẩu mới / new password", hide_input=True, confirmation_prompt=True)
    _set_chosen_password(user, password)
    db.session.commit()
    click.echo(f"Đã đặt mật khẩu mới cho {user.username}; mọi phiên đăng nhập của tài khoản đã kết thúc.")


@click.command("deactivate-user")
@click.argument("username")
def deactivate_user_command(username: str) -> None:
    """Lock USERNAME's account: no login, and all their sessions end now."""
    user = _user_named(username)
    user.set_active(False)
    db.session.commit()
    click.echo(f"Đã khóa tài khoản {user.username}; mọi phiên đăng nhập của tài khoản đã kết thúc.")



@click.command("office-area")
@click.argument("post_office_code")
@click.argument("wards", nargs=-1)
def office_area(post_office_code, wards) -> None:
    """Say which communes (2025 names, e.g. "Phường Tam Kỳ") an office delivers to; none: the whole
    province. Intake then warns of a dossier addressed outside them."""
    from .domain.addresses import UnknownDivision, find_ward

    office = db.session.execute(db.select(PostOffice).filter_by(code=post_office_code)).scalar_one_or_none()
    if office is None or office.province_code is None:
        raise click.ClickException(f"Không có bưu cục mã {post_office_code!r} (hoặc bưu cục chưa có tỉnh).")
    codes = []
    for name in wards:
        try:
            codes.append(int(find_ward(name, office.province_code).code))
        except UnknownDivision as error:
            raise click.ClickException(f"Không tìm thấy phường, xã {name!r} trong tỉnh của bưu cục.") from error
    office.ward_codes = sorted(set(codes)) or None
    db.session.commit()
    click.echo(f"Bưu cục {office.code} phát ở {len(codes)} phường, xã." if codes
               else f"Bưu cục {office.code} phát ở cả tỉnh.")


@click.command("create-api-key")
@click.option("--agency", "agency_code", required=True, help="The agency's national code.")
@click.option("--post-office", "post_office_code", help="Link the agency to the office that carries its results.")
@click.option("--days", type=click.IntRange(1, 3650), default=365, show_default=True,
              help="How long the key works; then it is refused and a new one must be issued.")
def create_api_key(agency_code, post_office_code, days) -> None:
    """Issue an API key for an agency's software; it is printed once and stored only hashed."""
    from .models import Agency
    from .services.agency_keys import issue_api_key

    agency = db.session.execute(db.select(Agency).filter_by(code=agency_code)).scalar_one_or_none()
    if agency is None:
        raise click.ClickException(f"Không có cơ quan mã {agency_code!r}.")
    if post_office_code:
        office = db.session.execute(db.select(PostOffice).filter_by(code=post_office_code)).scalar_one_or_none()
        if office is None:
            raise click.ClickException(f"Không có bưu cục mã {post_office_code!r}.")
        agency.post_office = office
    key = issue_api_key(agency, days)
    db.session.commit()
    click.echo(f"Khóa API cho {agency.name}, dùng được {days} ngày (chỉ hiện một lần / shown once):\n{key}")


@click.command("revoke-api-key")
@click.option("--agency", "agency_code", required=True, help="The agency's national code.")
@click.option("--key", "key_prefix", help="Only this key (its start, ck_xxxxxxxxxxxx, is enough); else all.")
def revoke_api_key(agency_code, key_prefix) -> None:
    """Revoke an agency's API key (a leaked one) or all of them; its software is refused from now on."""
    from .models import Agency
    from .services.agency_keys import revoke_api_keys

    agency = db.session.execute(db.select(Agency).filter_by(code=agency_code)).scalar_one_or_none()
    if agency is None:
        raise click.ClickException(f"Không có cơ quan mã {agency_code!r}.")
    count = revoke_api_keys(agency, key_prefix)
    db.session.commit()
    if not count:
        raise click.ClickException("Không có khóa nào đang dùng khớp với yêu cầu.")
    click.echo(f"Đã thu hồi {count} khóa API của {agency.name}.")


@click.command("worker")
@click.option("--once", is_flag=True, help="Send what is due here, without the queue, then stop.")
@click.option("--threads", default=4, show_default=True, help="Tasks run at once by this worker.")
def worker(once: bool, threads: int) -> None:
    """Run background tasks from the queue: webhook deliveries, retried with backoff.

    Start one on each machine that should share the work; stop it with SIGTERM.
    """
    if once:
        from .services.webhook_delivery import deliver_due

        click.echo(f"{deliver_due()} delivery tries")
        return
    import logging

    from .queue import run_consumer

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    run_consumer(current_app._get_current_object(), threads)


@click.command("verify")
def verify_command() -> None:
    """Walk every chain, the signed checkpoints and the checkpoint log; exit 1 on any problem."""
    import time

    from .ledger import chain
    from .services import chain_checkpoints

    started, failed = time.monotonic(), False
    for name in chain.CHAINS:
        report = chain.verify(db.session, name)
        if report.ok:
            click.echo(f"{name}: {report.checked} bản ghi hợp lệ / records intact")
        else:
            failed = True
            click.echo(f"{name}: LỖI / PROBLEM {report.problem} at #{report.at_seq} (id {report.record_id})")
    for problem in chain_checkpoints.problems():
        failed = True
        click.echo(f"LỖI / PROBLEM {problem}")
    click.echo(f"({time.monotonic() - started:.1f} s)")
    if failed:
        raise SystemExit(1)


@click.command("checkpoint")
def checkpoint_command() -> None:
    """Sign the heads that moved, log them (CHECKPOINT_LOG_FILE) and send them to the agencies."""
    from .ledger import checkpoints
    from .services import chain_checkpoints

    made = chain_checkpoints.checkpoint_now()
    for each in made:
        click.echo(f"{each['chain']} #{each['seq']} {each['hash']}")
    if not made:
        click.echo("không chuỗi nào thay đổi từ điểm kiểm tra trước / no chain moved since its last checkpoint")
    key = checkpoints.load_or_create_key(current_app.config["CHECKPOINT_KEY_FILE"])
    click.echo(f"public key: {checkpoints.public_text(key)}")


@click.command("backup")
@click.argument("target_dir", type=click.Path(file_okay=False))
def backup_command(target_dir: str) -> None:
    """Write the database and the media together into one .tar.gz in TARGET_DIR."""
    from .services.backup import create_backup

    path = create_backup(target_dir, media_store())
    click.echo(f"Đã sao lưu / backup written: {path}")


@click.command("restore")
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False))
def restore_command(backup_file: str) -> None:
    """Restore a backup into this empty, migrated database (run init-db first), then run verify."""
    from .services.backup import RestoreRefused, restore_backup

    try:
        counts = restore_backup(backup_file, media_store())
    except RestoreRefused as refused:
        db.session.rollback()
        raise click.ClickException(f"Không khôi phục được / restore refused: {refused}") from refused
    db.session.commit()
    click.echo("Đã khôi phục / restored: " + ", ".join(f"{t} {n}" for t, n in counts.items() if n))


@click.command("purge-media")
def purge_media_command() -> None:
    """Delete signatures and photos past MEDIA_RETENTION_DAYS; their hashes stay for the chain."""
    from .services.privacy import purge_expired_media

    purged = purge_expired_media(media_store(),
                                 current_app.config["MEDIA_RETENTION_DAYS"])
    db.session.commit()
    click.echo(f"Đã xóa {purged} tệp bằng chứng hết hạn lưu trữ / proofs purged.")


@click.command("citizen-data")
@click.argument("action", type=click.Choice(["export", "erase"]))
@click.option("--dossier", "code", required=True, help="The dossier's code.")
@click.option("--yes", is_flag=True, help="Confirm an erasure without asking.")
def citizen_data(action: str, code: str, yes: bool) -> None:
    """Export (JSON) or erase what is held about one citizen's dossier; recorded as an event."""
    import json

    from .ledger import custody
    from .models import Shipment
    from .services import privacy

    dossier = privacy.find_dossier(code)
    if dossier is None:
        raise click.ClickException(f"Không có hồ sơ {code!r}.")
    if action == "export":
        click.echo(json.dumps(privacy.export_citizen(dossier), ensure_ascii=False, indent=1))
        for shipment in db.session.execute(db.select(Shipment).filter_by(dossier_id=dossier.id)).scalars():
            custody.note(shipment, "citizen_data_exported", actor_label="admin-cli")
    else:
        if not yes:
            click.confirm(f"Xóa dữ liệu cá nhân của hồ sơ {code}? Không thể hoàn tác.", abort=True)
        count = privacy.erase_citizen(dossier, media_store(), "admin-cli")
        click.echo(f"Đã xóa dữ liệu cá nhân ({count} bưu gửi) / erased.")
    db.session.commit()
