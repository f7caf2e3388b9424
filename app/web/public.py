"""Public routes, no login: the listing feeds at secret-token URLs, the public site with its
feedback form, and the building photos both show (SPEC §3, §5, §6)."""
import threading
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, send_file, url_for
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from wtforms import HiddenField, StringField, TextAreaField

from app import addresses
from app.domain import changes, feeds, inquiries
from app.domain.feed_cache import FeedCache
from app.domain.enums import RoomKind
from app.errors import ValidationFailed
from app.exports import feeds as feed_writers
from app.extensions import db
from app.models import BuildingPhoto, Section
from app.notify import events
from app.timeutil import today, utcnow

blueprint = Blueprint("public", __name__)
MAX_ID = 2**31 - 1  # an integer column's largest id: a longer number names nothing (and no 500)


def _base():
    return addresses.base_url(db.session)


@blueprint.route("/feeds/<kind>/<token>.xml")
def feed(kind, token):
    """The feed as it is now, built once per change of what it reads (app.domain.feed_cache); 304
    when the poller's ETag or date is still current. An unknown kind or token is 404: the token
    opens this feed and nothing else."""
    if not feeds.token_matches(db.session, kind, token):
        abort(404)
    etag, moment, body = _kept(current_app, kind, _base())
    unchanged = request.if_none_match.contains(etag)
    response = Response(b"" if unchanged else body, content_type=feed_writers.CONTENT_TYPE)
    if unchanged:
        response.status_code = 304
    response.set_etag(etag)
    response.last_modified = moment
    response.headers["Cache-Control"] = "no-cache"
    return response.make_conditional(request)


def _kept(app, kind, base):
    """(ETag, moment of the last change, XML) of the feed now, kept in this process until what it
    reads changes (app.domain.feed_cache)."""
    day = today()
    stamp = (changes.current(db.session, feeds.TOPIC), day)  # read before the data the feed is built from
    cache = app.extensions.setdefault("arenda.feed_cache", FeedCache())
    return cache.get((kind, base), stamp, lambda: _built(kind, day, base))


def warm_feeds(app):
    """Build the feeds the portals poll (those whose URL was handed out: they have a token) into
    this process's cache, in a daemon thread; the server calls it as each process starts, so that
    the first poll after a start or a deploy is served at once instead of waiting for a build (a
    second or so at 20,000 rooms); a poll arriving meanwhile waits for that build, as it would for
    its own. Only where the address is set (the site's address or PUBLIC_URL): otherwise a feed's
    links take the host each poller asks, known at its first poll."""
    def build():
        with app.app_context():
            try:
                base = addresses.configured_base_url(db.session)
                for kind in feeds.FEEDS if base else ():
                    if feeds.has_token(db.session, kind):
                        _kept(app, kind, base)
            except Exception:  # the polls build it then
                app.logger.exception("feeds: building the feeds at start-up failed")
            finally:
                db.session.remove()

    thread = threading.Thread(target=build, name="arenda-feeds", daemon=True)
    thread.start()
    return thread


def _built(kind, day, base):
    """(ETag, moment of the last change, XML) of the feed on `day`."""
    found = feeds.listings(db.session, day, base)
    etag = feeds.fingerprint(kind, found)
    try:
        moment = _changed_at(kind, etag)
    except IntegrityError:  # another process stored the same change first: its moment is read back
        db.session.rollback()
        moment = _changed_at(kind, etag)
    return etag, moment, feed_writers.render(kind, found, moment)


def _changed_at(kind, etag):
    moment, stored = feeds.changed_at(db.session, kind, etag, utcnow())
    if stored:
        db.session.commit()
    return moment


@blueprint.route("/site/photos/<int:photo_id>")
def photo(photo_id):
    """A building photo, for the site and the feeds: only photos of the buildings shown."""
    item = db.session.get(BuildingPhoto, photo_id) if photo_id <= MAX_ID else None
    chosen = feeds.selected_building_ids(db.session)
    if item is None or (chosen is not None and item.building_id not in chosen):
        abort(404)
    path = Path(current_app.config["IMG_UPLOAD_FOLDER"]) / item.photo
    if not path.is_file():
        abort(404)
    return send_file(path, max_age=3600)


class InquiryForm(FlaskForm):
    building_id = HiddenField()
    section_id = HiddenField()
    name = StringField("Как к вам обращаться")
    phone = StringField("Телефон")
    email = StringField("Email")
    message = TextAreaField("Сообщение")
    website = StringField("Сайт")  # the honeypot: hidden from people, filled by bots


KIND_WORDS = {kind.value: kind.label for kind in RoomKind}


def _page(status=200, form=None, errors=None, target=None, notice=None):
    buildings = feeds.site_buildings(db.session, today(), _base())
    html = render_template(
        "site/index.html", buildings=buildings, form=form or InquiryForm(), errors=errors or {}, target=target,
        notice=notice, kind_words=KIND_WORDS, phone=feeds.phone(db.session),
    )
    return html, status


@blueprint.route("/site/")
def site():
    return _page(notice="sent" if request.args.get("sent") else None)


def _id(text):
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() and int(text) <= MAX_ID else None


def _target(form):
    """The building and section the form was sent for (a section picked in the form wins)."""
    section_id, building_id = _id(form.section_id.data), _id(form.building_id.data)
    section = db.session.get(Section, section_id) if section_id is not None else None
    if section is not None and building_id is not None and section.building_id != building_id:
        section = None
    shown = {building.id: building for building, _, _ in feeds.site_buildings(db.session, today(), _base())}
    return shown.get(section.building_id if section else building_id), section


@blueprint.route("/site/inquiry", methods=["POST"])
def inquiry():
    form = InquiryForm()
    if not form.validate_on_submit():  # only the CSRF token is checked here; the rules are the domain's
        return _page(400, form, {"form": ["Форма устарела: обновите страницу и отправьте заявку ещё раз"]})
    if form.website.data:
        return redirect(url_for("public.site", sent=1) + "#sent")  # a bot: thanked, nothing stored
    building, section = _target(form)
    if building is None:
        return _page(400, form, {"form": ["Выберите здание, о котором вы спрашиваете"]})
    try:
        item = inquiries.submit(
            db.session, name=form.name.data, phone=form.phone.data, email=form.email.data, message=form.message.data,
            address=request.remote_addr, now=utcnow(), building=building, section=section,
        )
        events.site_inquiry(db.session, item, today())
        db.session.commit()
    except ValidationFailed as error:
        db.session.rollback()
        return _page(400, form, error.errors, building.id)
    except inquiries.TooMany as error:
        db.session.rollback()
        return _page(429, form, {"form": [str(error)]}, building.id)
    return redirect(url_for("public.site", sent=1) + "#sent")


@blueprint.errorhandler(CSRFError)
def _csrf(error):
    return _page(400, None, {"form": ["Форма устарела: обновите страницу и отправьте заявку ещё раз"]})


def init_app(app):
    app.register_blueprint(blueprint)
