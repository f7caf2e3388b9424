"""The admin's 403, 404 and 500 pages: in Russian, in the product's frame, with a way back.
Under /api/ the JSON answer of app.api stays; the public site, feeds and hooks keep their plain pages."""
from flask import current_app, render_template, request
from flask_babel import lazy_gettext as _
from werkzeug.exceptions import HTTPException

OUTSIDE_THE_ADMIN = ("/api/", "/site/", "/feeds/", "/hooks/", "/static/")

PAGES = {
    403: (_("Нет доступа"), _("У вашей роли нет прав на эту страницу или действие. Если они нужны, обратитесь к владельцу.")),
    404: (_("Страница не найдена"), _("Такой страницы нет: возможно, запись удалена или ссылка устарела.")),
    500: (_("Внутренняя ошибка"), _("Что-то пошло не так. Изменения не сохранены; попробуйте ещё раз или сообщите администратору.")),
}


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


def init_app(app):
    for code in PAGES:
        app.register_error_handler(code, _page)
