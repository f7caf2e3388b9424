"""The start page after login: what needs attention, counted per rule, each count a link to
its filtered list — for the lists the user may read."""
from dataclasses import dataclass, field

from flask import g, redirect, url_for
from flask_appbuilder import IndexView, expose
from flask_babel import gettext

from app.domain import attention
from app.permissions import readable_kinds
from app.timeutil import today
from app.views.attention import AttentionMixin, list_url


@dataclass
class Panel:
    """One list on the start page: its rows needing attention, and per rule."""

    title: str
    count: int
    url: str
    rules: list = field(default_factory=list)  # (label, count, url)


class HomeView(IndexView):
    index_template = "arenda/home.html"

    @expose("/")
    def index(self):
        if not getattr(g, "user", None) or not g.user.is_authenticated:
            return redirect(url_for(f"{self.appbuilder.sm.auth_view.__class__.__name__}.login"))
        return self.render_template(self.index_template, appbuilder=self.appbuilder, panels=self._panels())

    def _panels(self):
        lists = {attention.kind_of(view.datamodel.obj): view for view in self._attention_lists()}
        kinds = [kind for kind in readable_kinds(self.appbuilder.sm, attention.KINDS) if kind in lists]
        counts = attention.counts(self.appbuilder.session, today(), kinds)
        return [
            Panel(
                title=str(lists[kind].list_title),
                count=counts.by_kind[kind],
                url=list_url(lists[kind]),
                rules=[
                    (gettext(rule.label), counts.by_rule[kind][rule.key], list_url(lists[kind], rule.key))
                    for rule in attention.rules_for(kind)
                ],
            )
            for kind in kinds
        ]

    def _attention_lists(self):
        return [view for view in self.appbuilder.baseviews if isinstance(view, AttentionMixin)]
