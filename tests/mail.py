"""A real SMTP server on loopback (aiosmtpd) for tests that check mail as sent."""

import socket
from contextlib import contextmanager


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def loopback_smtp(settings):
    """Point Django's SMTP backend at a server on 127.0.0.1; yields (envelopes,
    session ids) as the server received them."""
    from aiosmtpd.controller import Controller

    received, sessions = [], set()

    class Keep:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope)
            sessions.add(id(session))
            return "250 OK"

    port = free_port()
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
        yield received, sessions
    finally:
        controller.stop()
