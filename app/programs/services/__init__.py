"""Programs operations, one module per part: the exercise library
(`exercises`), programs and their assignment (`programs`), the sets members
log (`logs`) and diet charts (`diet`). Each operation is one transaction with
its checks, its audit entry and, for assignments, the member's notification.
"""

from app.core.errors import DomainError


class ProgramError(DomainError):
    """A programs rule said no; the message is shown on the field it names."""
