"""Who may do what: the actor behind an action, the permissions each role holds, its scope, and the checks.

Every write in readiness/ calls `require` itself, whatever a page shows or hides. In national mode every account has
a scope: the nation (province None), one province, or one commune (whose province it then also carries); a check on
a commune refuses one outside the actor's province, and `readable_province` is the one answer to "which province
may this actor read".
"""

from enum import StrEnum
from typing import NamedTuple

from readiness.core import registry
from readiness.core.i18n import Bilingual
from readiness.core.models import Account, Role
from readiness.core.settings import NATIONAL, get_settings


class Actor(NamedTuple):
    """The person (or operator) behind an action. `province` is the scope of an account of a national installation
    bound to one province (always None in single-province mode, where the installation is the scope)."""

    name: str
    role: Role
    commune_code: str | None = None
    # The department a `unit` account acts for.
    unit_code: str | None = None
    province: str | None = None

    @property
    def own_unit(self) -> str | None:
        """The unit whose tasks this account reports: its department, or its commune (a commune is a unit)."""
        return self.unit_code or self.commune_code

    @classmethod
    def of(cls, account: Account) -> "Actor":
        province = account.province_code
        if account.commune_code and get_settings().province == NATIONAL:
            province = registry.province_of(account.commune_code)
        return cls(account.name, Role(account.role), account.commune_code, account.unit_code, province)


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
    MANAGE_PROVINCE = "manage_province"  # national mode: a province's report header and recipients


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
    Role.UNIT: {Permission.VIEW_TASKS, Permission.REPORT_TASK, Permission.COMMENT},
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
_OWN_UNIT_ONLY = {Permission.REPORT_TASK, Permission.COMMENT}
# Accounts that act for one unit (a department, or a commune as a unit): a task's messages are theirs to read only
# when their unit leads or coordinates the task.
_BOUND_TO_A_UNIT = {Role.UNIT, Role.COMMUNE}


class Refusal(Bilingual):
    """An explained refusal: what was refused and why."""


class PermissionDenied(Refusal, PermissionError):
    """The actor lacks the right for this action."""


class UnknownProvince(Refusal, ValueError):
    """A province asked for that is no province."""


def _outside(actor: Actor, commune_code: str | None) -> bool:
    """A commune outside the actor's province (never for a national account or without a commune)."""
    if actor.province is None or commune_code is None or not commune_code.isdigit():
        return False  # no province scope, or a department's code (a task's lead unit), not a commune's
    return registry.province_of(commune_code) != actor.province


def allowed(actor: Actor | None, permission: Permission, commune_code: str | None = None) -> bool:
    """`commune_code` is the commune acted for; for REPORT_TASK, the task's lead unit (a commune's unit code is
    its commune code)."""
    if actor is None or permission not in _GRANTS[Role(actor.role)] or _outside(actor, commune_code):
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
    if permission in _GRANTS[Role(actor.role)] and _outside(actor, commune_code):
        raise _out_of_scope(actor, f"xã/phường mã {commune_code}", f"commune {commune_code}")
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


def allowed_on_task(actor: Actor | None, units: list[str], write: bool = False) -> bool:
    """Whether `actor` may read (or, `write`, post in) the messages of a task whose lead and coordinating units are
    `units`: whoever sees tasks reads, except that a unit or commune account reads only the tasks its unit leads or
    coordinates; whoever may comment for one of the units writes (the DOST's officers, the units' own accounts;
    not leaders)."""
    if write:
        return any(allowed(actor, Permission.COMMENT, unit) for unit in units)
    if not allowed(actor, Permission.VIEW_TASKS):
        return False
    return actor.role not in _BOUND_TO_A_UNIT or actor.own_unit in units


def require_on_task(actor: Actor | None, task_code: str, units: list[str], write: bool = False) -> None:
    """Raise PermissionDenied unless `allowed_on_task`, saying which task and why."""
    if allowed_on_task(actor, units, write):
        return
    if actor is None:
        raise not_logged_in()
    if actor.role in _BOUND_TO_A_UNIT:
        raise PermissionDenied(
            f"Tài khoản {actor.name} chỉ được trao đổi về nhiệm vụ do đơn vị {actor.own_unit} chủ trì hoặc phối hợp, "
            f"không phải nhiệm vụ {task_code}.",
            f"Account {actor.name} may discuss only the tasks its unit {actor.own_unit} leads or coordinates, not "
            f"task {task_code}.",
        )
    require(actor, Permission.COMMENT if write else Permission.VIEW_TASKS, units[0])


def require_in_scope(actor: Actor, province_code: str, what_vi: str, what_en: str) -> None:
    """Refuse what belongs to another province than a province-scoped account's (a unit, a task through its lead
    unit); a national account, and every account of a single-province installation, has no such limit."""
    if actor.province is not None and province_code != actor.province:
        raise _out_of_scope(actor, what_vi, what_en)


def _out_of_scope(actor: Actor, what_vi: str, what_en: str) -> PermissionDenied:
    name = registry.province_name(actor.province or NATIONAL)
    return PermissionDenied(
        f"Tài khoản {actor.name} chỉ được làm việc trong phạm vi {name}; {what_vi} nằm ngoài phạm vi đó.",
        f"Account {actor.name} works within {name} only; {what_en} is outside that scope.",
    )


def readable_province(actor: Actor | None, requested: str | None = None) -> str:
    """The province ("01", or NATIONAL for the whole country) that `actor` reads: the installation's province in
    single-province mode; in national mode its own province for a province or commune account, the requested one
    (default: the whole country) for a national account. A requested province outside the scope is refused."""
    if actor is None:
        raise not_logged_in()
    installed = get_settings().province
    scope = installed if installed != NATIONAL else actor.province
    wanted = _province_code(requested) if requested is not None else None
    if scope is None:
        if wanted is not None and wanted != NATIONAL:
            _check_province(wanted, requested)
        return wanted or NATIONAL
    if wanted is None or wanted == scope:
        return scope
    raise _out_of_scope(actor, f"tỉnh/thành mã {wanted}", f"province {wanted}")


def _province_code(text: str) -> str:
    text = text.strip().lower()
    return text if text == NATIONAL or not text.isdigit() else f"{int(text):02d}"


def _check_province(code: str, requested: str) -> None:
    try:
        registry.province_name(code)
    except registry.UnknownCode:
        raise UnknownProvince(
            f"Không có tỉnh/thành mã {requested!r} (34 tỉnh, thành từ 01/07/2025, ví dụ 01 là Hà Nội).",
            f"There is no province with code {requested!r} (34 provinces since 01/07/2025, e.g. 01 is Hà Nội).",
        ) from None
