"""A real SMTP server in the test process (aiosmtpd): what the app sends arrives here as raw bytes."""
import email
import socket
from email import policy
from email.header import decode_header, make_header

from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def header(raw, name):
    """A header of a raw message decoded as RFC 2047 says (Python's address parser keeps the
    space between two encoded words, RFC 2047 drops it)."""
    return str(make_header(decode_header(email.message_from_bytes(raw, policy=policy.compat32)[name])))


class Mailbox:
    """Collects every message; `refuse` holds addresses answered with 550 at RCPT TO."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.received = []  # (envelope recipients, raw bytes)
        self.refuse = set()
        self._controller = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"

    def start(self):
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self):
        return [email.message_from_bytes(raw, policy=policy.default) for _, raw in self.received]

    def to(self, address):
        return [message for message in self.messages if message["To"] == address]

    def recipients(self):
        return sorted(address for addresses, _ in self.received for address in addresses)
