"""The four kinds of people who sign in; the kernel's permissions speak of them."""

import enum


class Role(enum.Enum):
    ADMIN = "admin"
    FRONT_DESK = "front_desk"
    TRAINER = "trainer"
    MEMBER = "member"

    @property
    def is_staff(self) -> bool:
        return self is not Role.MEMBER
