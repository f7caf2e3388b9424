"""The start page after login."""
from flask import g, redirect, url_for
from flask_appbuilder import IndexView, expose


class HomeView(IndexView):
    index_template = "arenda/home.html"

    @expose("/")
    def index(self):
        if not getattr(g, "user", None) or not g.user.is_authenticated:
            return redirect(url_for(f"{self.appbuilder.sm.auth_view.__class__.__name__}.login"))
        return self.render_template(self.index_template, appbuilder=self.appbuilder)
