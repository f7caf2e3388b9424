"""Extension objects, unbound; `create_app()` binds them. The AppBuilder is built per app."""
from flask_appbuilder.models.sqla import Model
from flask_appbuilder.models.sqla.base import SQLA
from flask_mail import Mail
from flask_migrate import Migrate

# One metadata for FAB's ab_* tables and ours, so migrations see both.
db = SQLA(model_class=Model)
migrate = Migrate()
mail = Mail()
