"""Who may do what: the actor behind an action, the permissions each role holds, and the checks.

Every write in readiness/ calls `require` itself, whatever a page shows or hides.
"""

from enum import StrEnum
from typing import NamedTuple

from readiness.core.i18n import Bilingual
from readiness.core.models import Role


class Actor(NamedTuple):
    """The person (or operator) behind an action."""

    name: str
    role: Role
    commune_code: str | None = None


# Whoever runs the CLI on the server already holds the database; the CLI acts as an admin unless told --as.
OPERATOR = Actor("cli", Role.ADMIN)


class Permission(StrEnum):
    VIEW_PROVINCE = "view_province"
    VIEW_COMMUNE = "view_commune"
    IMPORT_CHECKLIST = "import_checklist"
    IMPORT_PROVINCE_WORKBOOK = "import_province_workbook"
    EXPORT = "export"
    LOAD_DEMO = "load_demo"
    MANAGE_ACCOUNTS = "manage_accounts"
    EDIT_CATALOG = "edit_catalog"
    LOAD_BOUNDARIES = "load_boundaries"
    VIEW_AUDIT = "view_audit"
    REVIEW = "review"
    ATTACH_EVIDENCE = "attach_evidence"
    COMMENT = "comment"
    # Reporters' names and phone numbers of every commune (a commune account sees those of its own commune only,
    # on its own pages; tables of several communes drop them: views.columns.Column.personal).
    VIEW_PERSONAL_DATA = "view_personal_data"


_GRANTS: dict[Role, set[Permission]] = {
    Role.ADMIN: set(Permission),
    Role.OFFICER: {
        Permission.VIEW_PROVINCE,
        Permission.VIEW_COMMUNE,
        Permission.IMPORT_CHECKLIST,
        Permission.IMPORT_PROVINCE_WORKBOOK,
        Permission.EXPORT,
        Permission.REVIEW,
        Permission.ATTACH_EVIDENCE,
        Permission.COMMENT,
        Permission.VIEW_PERSONAL_DATA,
    },
    Role.COMMUNE: {
        Permission.VIEW_PROVINCE,
        Permission.VIEW_COMMUNE,
        Permission.IMPORT_CHECKLIST,
        Permission.ATTACH_EVIDENCE,
        Permission.COMMENT,
    },
    Role.LEADER: {Permission.VIEW_PROVINCE, Permission.VIEW_COMMUNE, Permission.EXPORT, Permission.VIEW_PERSONAL_DATA},
}

# Permissions that a commune account holds for its own commune only.
_OWN_COMMUNE_ONLY = {
    Permission.VIEW_COMMUNE,
    Permission.IMPORT_CHECKLIST,
    Permission.ATTACH_EVIDENCE,
    Permission.COMMENT,
}


class Refusal(Bilingual):
    """An explained refusal: what was refused and why."""


class PermissionDenied(Refusal, PermissionError):
    """The actor lacks the right for this action."""


def allowed(actor: Actor | None, permission: Permission, commune_code: str | None = None) -> bool:
    if actor is None or permission not in _GRANTS[Role(actor.role)]:
        return False
    if actor.role == Role.COMMUNE and permission in _OWN_COMMUNE_ONLY:
        return commune_code is not None and commune_code == actor.commune_code
    return True


def not_logged_in() -> PermissionDenied:
    return PermissionDenied("Bạn cần đăng nhập để làm việc này.", "You need to log in to do this.")


def require(actor: Actor | None, permission: Permission, commune_code: str | None = None) -> None:
    """Raise PermissionDenied with a message that says what was refused and why."""
    if allowed(actor, permission, commune_code):
        return
    if actor is None:
        raise not_logged_in()
    if actor.role == Role.COMMUNE and permission in _OWN_COMMUNE_ONLY:
        raise PermissionDenied(
            f"Tài khoản {actor.name} chỉ được thao tác với xã/phường mã {actor.commune_code}, "
            f"không được thao tác với mã {commune_code}.",
            f"Account {actor.name} may act only for commune {actor.commune_code}, not for {commune_code}.",
        )
    raise PermissionDenied(
        f"Tài khoản {actor.name} (vai trò {actor.role}) không có quyền: {permission}.",
        f"Account {actor.name} (role {actor.role}) does not have the right: {permission}.",
    )
