"""Delivery channels behind one interface: `send(message, attachments)`, `close()`.

A channel takes an outbox row (or any object with its fields) and raises DeliveryError when
the message did not leave; `permanent` says a retry cannot help (a 5xx refusal). Email goes
through Flask-Mail to the SMTP server of the mail settings. SMS or WhatsApp would be another
class in CHANNELS: events write rows naming their channel and never change for it.
"""
import hashlib
import hmac
import smtplib
import urllib.error
import urllib.request
from contextlib import ExitStack
from email import policy
from email.utils import make_msgid, parseaddr, quote

from flask_mail import Connection, Message
from sqlalchemy import select

from app.extensions import mail
from app.models import WebhookEndpoint

SMTP_TIMEOUT = 30  # seconds: a server that does not answer must not hold the sender forever


class DeliveryError(Exception):
    def __init__(self, text, permanent=False, response=None):
        super().__init__(text)
        self.permanent = permanent
        self.response = response  # what the receiver answered, when it did


class _Connection(Connection):
    """Flask-Mail's connection with a timeout."""

    def configure_host(self):
        state = self.mail
        host = (smtplib.SMTP_SSL if state.use_ssl else smtplib.SMTP)(state.server, state.port, timeout=SMTP_TIMEOUT)
        if state.use_tls:
            host.starttls()
        if state.username and state.password:
            host.login(state.username, state.password)
        return host


# Headers go out as Flask-Mail encoded them (RFC 2047, lines under 78): the SMTP policy would
# fold the longer ones again, and the email package's folder drops the space between two
# encoded words («аренды №15/А»).
_AS_ENCODED = policy.SMTP.clone(refold_source="none")


class _Message(Message):
    def _message(self):
        mime = super()._message()
        mime.policy = _AS_ENCODED
        return mime


def robot_address(settings):
    return f"robot@{settings['MAIL_DOMAIN'] or 'localhost'}"


def _reply(error):
    return error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else str(error.smtp_error)


def _refused(error):
    """The server refused this message (its recipient, or its content): retrying cannot help
    when every code is 5xx; the connection stays usable for the next message."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = {address: (code, reply.decode(errors="replace")) for address, (code, reply) in error.recipients.items()}
        text = "; ".join(f"{address}: {code} {reply}" for address, (code, reply) in replies.items())
        return DeliveryError(f"Адрес отклонён сервером: {text}", all(code >= 500 for code, _ in replies.values()))
    return DeliveryError(f"Письмо отклонено сервером: {error.smtp_code} {_reply(error)}", error.smtp_code >= 500)


def _unavailable(error):
    if isinstance(error, smtplib.SMTPResponseException):
        return DeliveryError(f"Почтовый сервер отказал: {error.smtp_code} {_reply(error)}")
    return DeliveryError(f"Почтовый сервер недоступен: {str(error) or type(error).__name__}")


class EmailChannel:
    """One SMTP connection for a run of messages; after a connection failure the rest of the
    run fails at once with the same error, instead of waiting for the server once per message."""

    name = "email"

    def __init__(self, settings, config, session=None):
        self.settings = settings
        self.app_name = config.get("APP_NAME", "Аренда")
        self.default_sender = config.get("MAIL_DEFAULT_SENDER")
        self.state = mail.init_mail(
            {**config, **{key: settings[key] for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USE_SSL",
                                                           "MAIL_USERNAME", "MAIL_PASSWORD")}},
            testing=config.get("TESTING", False),
        )
        self._stack = None
        self._connection = None
        self._down = None

    def _sender(self, message):
        """A tenant's mail comes from «Робот {executor}», staff mail from MAIL_DEFAULT_SENDER when
        set, both else from robot@MAIL_DOMAIN. The name is quoted: executors' names hold commas."""
        name, address = message.sender_name or self.app_name, robot_address(self.settings)
        if message.sender_name is None and self.default_sender:
            name, address = parseaddr(self.default_sender)
        return f'"{quote(name)}" <{address}>'

    def build(self, message, attachments):
        email = _Message(subject=message.subject, recipients=[message.recipient], body=message.body_text,
                         html=message.body_html, sender=self._sender(message), reply_to=message.reply_to or None)
        email.msgId = make_msgid(domain=self.settings["MAIL_DOMAIN"] or "localhost")
        for attachment in attachments:
            email.attach(attachment.filename, attachment.content_type, attachment.data)
        return email

    def _connect(self):
        if self._connection is None:
            self._stack = ExitStack()
            self._connection = self._stack.enter_context(_Connection(self.state))
        return self._connection

    def send(self, message, attachments):
        if self._down is not None:
            raise DeliveryError(self._down)
        email = self.build(message, attachments)
        try:
            try:
                self._connect().send(email)
            except smtplib.SMTPServerDisconnected:  # an idle connection timed out: one fresh try
                self.close()
                self._connect().send(email)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as error:
            raise _refused(error) from error
        except (OSError, smtplib.SMTPException) as error:  # no server, or it refuses us: the rest of the run would fail alike
            self.close()
            failure = _unavailable(error)
            self._down = str(failure)
            raise failure from error

    def close(self):
        stack, self._stack, self._connection = self._stack, None, None
        if stack is not None:
            try:
                stack.close()
            except (OSError, smtplib.SMTPException):
                pass  # the connection is gone already; nothing is left to close


def signature(secret, body):
    """The X-Arenda-Signature header of a webhook body: `sha256=` and the HMAC-SHA256 hex digest."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookChannel:
    """Outgoing webhooks: the row's text (JSON) POSTed to its recipient URL, signed with the
    secret of the endpoint registered for that URL and event. A 2xx answer is a delivery; any
    other answer or no answer is retried by the sender's back-off; the answer is recorded."""

    name = "webhook"
    TIMEOUT = 10  # seconds
    KEPT = 2000  # characters of the answer kept on the row

    def __init__(self, settings, config, session=None):
        self.session = session
        self.user_agent = "Arenda-Webhooks/1"  # headers are Latin-1: not the Russian APP_NAME

    def _secret(self, message):
        secret = self.session.scalar(select(WebhookEndpoint.secret).where(
            WebhookEndpoint.url == message.recipient, WebhookEndpoint.event == message.event,
            WebhookEndpoint.active.is_(True)))
        if secret is None:
            raise DeliveryError("Адрес больше не подписан на это событие", permanent=True)
        return secret

    def send(self, message, attachments):
        body = message.body_text.encode()
        request = urllib.request.Request(message.recipient, data=body, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8", "User-Agent": self.user_agent,
            "X-Arenda-Event": message.event, "X-Arenda-Delivery": f"{message.event}:{message.object_ref}",
            "X-Arenda-Signature": signature(self._secret(message), body),
        })
        try:
            with urllib.request.urlopen(request, timeout=self.TIMEOUT) as answer:
                return f"{answer.status} {answer.read(self.KEPT).decode(errors='replace')}".strip()
        except urllib.error.HTTPError as error:
            answer = f"{error.code} {error.read(self.KEPT).decode(errors='replace')}".strip()
            raise DeliveryError(f"Получатель ответил {error.code}", response=answer) from error
        except (OSError, ValueError) as error:
            raise DeliveryError(f"Адрес недоступен: {getattr(error, 'reason', None) or error}") from error

    def close(self):
        pass


CHANNELS = {EmailChannel.name: EmailChannel, WebhookChannel.name: WebhookChannel}


def open_channels(settings, config, session=None):
    return {name: factory(settings, config, session) for name, factory in CHANNELS.items()}
