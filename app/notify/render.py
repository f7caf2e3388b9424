"""Message templates: app/templates/arenda/notify/<name>.html, one file per message, with the
blocks `subject`, `text` (plain text, not escaped) and `html` (wrapped by _layout.html). The
footer line, the same in text and HTML, says who gets a reply."""
import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from app.domain.words import date_in_words, format_amount, plural
from app.notify.outbox import Content

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "arenda" / "notify"
FOOTER = "Письмо отправлено автоматически системой «Аренда»."


def reply_footer(who):
    return f"Письмо отправлено автоматически. Ответ на него получит {who}."


def _in_days(days):
    """«сегодня», «завтра», «через 7 дней»."""
    if days == 0:
        return "сегодня"
    if days == 1:
        return "завтра"
    return f"через {days} {plural(days, 'день', 'дня', 'дней')}"


_env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                   trim_blocks=True, lstrip_blocks=True, undefined=StrictUndefined)
_env.filters.update(d=lambda day: f"{day:%d.%m.%Y}" if day else "", amount=format_amount, long_date=date_in_words,
                    in_days=_in_days, plural=plural)


def _tidy(text):
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def render(name, footer=FOOTER, **context):
    """Content with the subject on one line, the plain text and the HTML of the message."""
    template = _env.get_template(f"{name}.html")
    context["footer"] = footer
    blocks = template.new_context(context)
    text = {block: "".join(template.blocks[block](blocks)) for block in ("subject", "text")}
    return Content(subject=" ".join(text["subject"].split()), text=f"{_tidy(text['text'])}\n\n{footer}",
                   html=template.render(context))
