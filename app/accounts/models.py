"""People who sign in: members, trainers, front desk and admins."""

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, String, event
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import str_enum, utc_now
from app.core.roles import Role
from app.core.search import digits, fold
from app.extensions import db


class UserStatus(enum.Enum):
    ACTIVE = "active"
    INACTIVE = "inactive"


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        # emails are stored lower-cased, so this is unique whatever the case
        CheckConstraint("email = lower(email)", name="email_lower"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(40))
    #: path under the uploads folder, set by the trainers/members domains
    photo_path: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role, "user_role"), default=Role.MEMBER, index=True)
    status: Mapped[UserStatus] = mapped_column(
        str_enum(UserStatus, "user_status"), default=UserStatus.ACTIVE
    )
    language: Mapped[str | None] = mapped_column(String(5))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    must_change_password: Mapped[bool] = mapped_column(default=False)
    #: changes on password change and sign-out-everywhere: old cookies stop working
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    last_login_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)
    deleted_at: Mapped[datetime | None] = mapped_column(index=True)
    #: name, email and phone digits folded for search ("juan perez|juan@x.mx|5512"),
    #: set on every insert and update by `_fill_search_text`, never by hand
    search_text: Mapped[str] = mapped_column(String(500), default="", server_default="")

    #: the sign-in this request belongs to (not a column): set at sign-in and
    #: by the user loader, written into the session and remember-me cookies
    sign_in_id = None

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}:{self.sign_in_id or ''}"

    @property
    def is_active(self) -> bool:
        return self.status is UserStatus.ACTIVE and self.deleted_at is None

    @property
    def is_authenticated(self) -> bool:
        """Always, for a User: the loader hands out active accounts only, and
        anyone else is Flask-Login's anonymous user. (Flask-Login's own
        answer reads `is_active`, which after a commit reloads the row.)"""
        return True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_staff(self) -> bool:
        return self.role.is_staff

    @property
    def is_member(self) -> bool:
        """A member's account that has not been deleted."""
        return self.role is Role.MEMBER and self.deleted_at is None

    @property
    def member_number(self) -> str:
        """The short number the desk reads out and types: "0042" for id 42."""
        return f"{self.id:04d}" if self.id else ""

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role.value}>"


def search_text_of(name: str | None, email: str | None, phone: str | None) -> str:
    """What `User.search_text` holds for these values (the migration copies it)."""
    return "|".join((fold(name), fold(email), digits(phone)))[:500]


@event.listens_for(User, "before_insert")
@event.listens_for(User, "before_update")
def _fill_search_text(_mapper, _connection, user: User) -> None:
    # a mapper event, not each service: the demo loader and the test factories
    # add users directly, and no write of a name can forget it
    user.search_text = search_text_of(user.name, user.email, user.phone)


class EndedSignIn(db.Model):
    """A sign-in the member ended (signed out): its session and remember-me
    cookies no longer work. Kept as long as such a cookie could live."""

    __tablename__ = "ended_sign_ins"

    #: the random id given to the sign-in, carried in its cookies
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    ended_at: Mapped[datetime] = mapped_column(default=utc_now, index=True)
