"""Blueprints outside the admin: the amoCRM webhook and the permanent contract links
(and the public site and feeds, elsewhere). Each module has its Blueprint and `register(app)`."""


def register_blueprints(app):
    from app.web import amocrm, links

    amocrm.register(app)
    links.register(app)
