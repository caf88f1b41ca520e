"""Extension objects, created here and bound to the app in create_app()."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from app.core.limits import configured, is_read, user_or_ip
from app.core.models import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
#: every write counts against RATELIMIT_DEFAULT_POST per route (app/core/limits.py)
limiter = Limiter(
    key_func=user_or_ip,
    default_limits=[configured("RATELIMIT_DEFAULT_POST")],
    default_limits_exempt_when=is_read,
)
mail = Mail()
babel = Babel()
