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
    # The department a `unit` account acts for.
    unit_code: str | None = None

    @property
    def own_unit(self) -> str | None:
        """The unit whose tasks this account reports: its department, or its commune (a commune is a unit)."""
        return self.unit_code or self.commune_code


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
    VIEW_TASKS = "view_tasks"
    MANAGE_TASKS = "manage_tasks"  # import the plan, record extensions
    REPORT_TASK = "report_task"  # progress, completion and evidence of a task


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
        Permission.VIEW_TASKS,
        Permission.MANAGE_TASKS,
        Permission.REPORT_TASK,
    },
    Role.COMMUNE: {
        Permission.VIEW_PROVINCE,
        Permission.VIEW_COMMUNE,
        Permission.IMPORT_CHECKLIST,
        Permission.ATTACH_EVIDENCE,
        Permission.COMMENT,
        Permission.VIEW_TASKS,
        Permission.REPORT_TASK,
    },
    Role.LEADER: {
        Permission.VIEW_PROVINCE,
        Permission.VIEW_COMMUNE,
        Permission.EXPORT,
        Permission.VIEW_PERSONAL_DATA,
        Permission.VIEW_TASKS,
    },
    Role.UNIT: {Permission.VIEW_TASKS, Permission.REPORT_TASK},
}

# Permissions that a commune account holds for its own commune only.
_OWN_COMMUNE_ONLY = {
    Permission.VIEW_COMMUNE,
    Permission.IMPORT_CHECKLIST,
    Permission.ATTACH_EVIDENCE,
    Permission.COMMENT,
    Permission.REPORT_TASK,
}
# Permissions that a unit account holds for its own unit only (checked against the unit code).
_OWN_UNIT_ONLY = {Permission.REPORT_TASK}


class Refusal(Bilingual):
    """An explained refusal: what was refused and why."""


class PermissionDenied(Refusal, PermissionError):
    """The actor lacks the right for this action."""


def allowed(actor: Actor | None, permission: Permission, commune_code: str | None = None) -> bool:
    """`commune_code` is the commune acted for; for REPORT_TASK, the task's lead unit (a commune's unit code is
    its commune code)."""
    if actor is None or permission not in _GRANTS[Role(actor.role)]:
        return False
    if actor.role == Role.COMMUNE and permission in _OWN_COMMUNE_ONLY:
        return commune_code is not None and commune_code == actor.commune_code
    if actor.role == Role.UNIT and permission in _OWN_UNIT_ONLY:
        return commune_code is not None and commune_code == actor.unit_code
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
    if actor.role == Role.UNIT and permission in _OWN_UNIT_ONLY:
        raise PermissionDenied(
            f"Tài khoản {actor.name} chỉ được báo cáo nhiệm vụ do đơn vị {actor.unit_code} chủ trì, "
            f"không được báo cáo thay đơn vị {commune_code}.",
            f"Account {actor.name} may report only the tasks its unit {actor.unit_code} leads, not those of "
            f"{commune_code}.",
        )
    raise PermissionDenied(
        f"Tài khoản {actor.name} (vai trò {actor.role}) không có quyền: {permission}.",
        f"Account {actor.name} (role {actor.role}) does not have the right: {permission}.",
    )
