"""The admin's 403, 404, 500 and 503 pages: in Russian, in the product's frame, with a way back.
Under /api/ the JSON answer of app.api stays; the public site, feeds and hooks keep their plain pages.
A database that dropped the connection or does not answer (SQLAlchemy's OperationalError, in
any door) is a 503 with Retry-After, the session rolled back: never a 500; pool pre-ping gives
the next request a live connection."""
import logging

from flask import current_app, render_template, request
from flask_babel import lazy_gettext as _
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, ServiceUnavailable

from app.extensions import db

OUTSIDE_THE_ADMIN = ("/api/", "/site/", "/feeds/", "/hooks/", "/static/")

PAGES = {
    403: (_("Нет доступа"), _("У вашей роли нет прав на эту страницу или действие. Если они нужны, обратитесь к владельцу.")),
    404: (_("Страница не найдена"), _("Такой страницы нет: возможно, запись удалена или ссылка устарела.")),
    500: (_("Внутренняя ошибка"), _("Что-то пошло не так. Изменения не сохранены; попробуйте ещё раз или сообщите администратору.")),
    503: (_("Сервис временно недоступен"), _("База данных не отвечает. Изменения не сохранены; повторите через минуту.")),
}
RETRY_AFTER = 30  # seconds: the database restarting, or a connection the pool replaces at once
log = logging.getLogger(__name__)


def _page(error):
    code = error.code if isinstance(error, HTTPException) else 500
    if request.path.startswith(OUTSIDE_THE_ADMIN):
        generic = current_app.error_handler_spec.get(None, {}).get(None, {}).get(HTTPException)
        return generic(error) if generic is not None and isinstance(error, HTTPException) else error
    title, text = PAGES[code]
    referrer = request.referrer or ""
    back = referrer if referrer.startswith(request.host_url) and referrer != request.url else None
    try:
        html = render_template("arenda/error.html", code=code, title=title, text=text, back=back,
                               base_template=current_app.appbuilder.base_template, appbuilder=current_app.appbuilder)
    except Exception:  # the frame itself failed (the database is down): the message alone
        html = f"<h1>{title}</h1><p>{text}</p><p><a href='/'>{_('На главную')}</a></p>"
    return html, code


def _database_unavailable(error):
    log.warning("database unavailable: %s", error.orig if error.orig is not None else error)
    try:
        db.session.rollback()
    except Exception:  # the connection is gone: the session is discarded at the request's end anyway
        log.exception("rollback after a database error failed")
    response = current_app.make_response(_page(ServiceUnavailable(description=str(PAGES[503][1]))))
    response.headers["Retry-After"] = str(RETRY_AFTER)
    return response


def init_app(app):
    for code in PAGES:
        app.register_error_handler(code, _page)
    app.register_error_handler(OperationalError, _database_unavailable)
