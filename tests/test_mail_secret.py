"""The SMTP password of the mail settings page is stored encrypted, decrypted only for sending,
never shown back in the form."""
from sqlalchemy import select

from app.models import Setting
from app.notify import settings
from app.notify.channels import open_channels
from app.permissions import ROLE_OWNER

FORM = {"MAIL_SERVER": "smtp.landlord.example", "MAIL_PORT": "587", "MAIL_USE_TLS": "true", "MAIL_USE_SSL": "",
        "MAIL_USERNAME": "robot", "MAIL_PASSWORD": "s3cret-Pass", "MAIL_DOMAIN": "landlord.example", "PUBLIC_EMAIL": ""}


def _stored(session):
    return session.scalar(select(Setting.value).where(Setting.key == "MAIL_PASSWORD"))


def test_the_password_is_stored_encrypted_and_the_sender_gets_it_in_clear(app, client, session, login_as):
    login_as(ROLE_OWNER)
    assert client.post("/mailsettings/form", data=FORM).status_code == 302
    stored = _stored(session)
    assert stored and "s3cret-Pass" not in stored and stored.startswith("fernet:")
    page = client.get("/mailsettings/form").text
    assert "s3cret-Pass" not in page and stored not in page and "Пароль сохранён" in page
    channel = open_channels(settings.current(session, app.config), app.config)["email"]
    assert channel.state.username == "robot" and channel.state.password == "s3cret-Pass"


def test_another_secret_key_cannot_read_it(app, session):
    settings.save(session, {"MAIL_PASSWORD": "s3cret-Pass"}, "another-key")
    assert settings.current(session, app.config)["MAIL_PASSWORD"] == app.config.get("MAIL_PASSWORD")


def test_a_plain_text_password_saved_before_is_re_saved_encrypted_on_first_read(app, session):
    session.add(Setting(key="MAIL_PASSWORD", value="old-plain"))
    session.flush()
    assert settings.current(session, app.config)["MAIL_PASSWORD"] == "old-plain"
    assert _stored(session).startswith("fernet:")
    assert settings.current(session, app.config)["MAIL_PASSWORD"] == "old-plain"
