"""Every domain's tables on one MetaData, for alembic and the model-migration check."""

from app import pending
from app.actors import models as actors_models
from app.api import idempotency
from app.audit import models as audit_models
from app.auth import models as auth_models
from app.cdn import models as cdn_models
from app.changes import models as changes_models
from app.commitments import models as commitments_models
from app.db import Base
from app.navigation import models as navigation_models
from app.search import models as search_models
from app.statements import models as statements_models
from app.taxonomy import models as taxonomy_models
from app.webhooks import models as webhooks_models

metadata = Base.metadata
# Tables the migrations create but SQLAlchemy cannot model (SQLite's FTS5 index).
include_name = search_models.unmodelled
__all__ = [
    "actors_models",
    "audit_models",
    "auth_models",
    "cdn_models",
    "changes_models",
    "commitments_models",
    "idempotency",
    "include_name",
    "metadata",
    "navigation_models",
    "pending",
    "search_models",
    "statements_models",
    "taxonomy_models",
    "webhooks_models",
]
