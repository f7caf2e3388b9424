"""The enums as the layers above the models name them: app.vocabulary.enums, re-exported."""
from app.vocabulary.enums import *  # noqa: F401,F403
from app.vocabulary.enums import N_  # noqa: F401  (explicit: the catalog marker)
