"""Notifications (SPEC §1.8): an outbox of messages, sent once, with retries, through channels.

- outbox.py: writing rows under the exactly-once key (event, object, recipient, trigger day);
- events.py: one builder per event (who, what, which key), render.py and
  templates/arenda/notify: the Russian subject, plain text and HTML;
- sender.py: delivering what is due, claims, back-off; channels.py: email (Flask-Mail), the
  interface other channels would implement; attachments.py: PDFs and files rendered at send time;
- settings.py: SMTP, MAIL_DOMAIN and the public email, the settings page over the environment;
- hooks.py: staff and tariff changes noticed at flush, and delivery asked for after the commit;
- webhooks.py: outgoing webhooks, events noticed at flush, queued on the webhook channel.
"""


def init_app(app, request_delivery):
    """Install the hooks; `request_delivery()` is called after a commit that wrote messages
    (create_app passes app.jobs.outbox.request_delivery: notify never imports the jobs)."""
    from app.extensions import db
    from app.notify import hooks, webhooks

    hooks.install(db.session, request_delivery)
    webhooks.install(db.session)
