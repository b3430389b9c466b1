"""The JSON API at /api/v1, served by the same process as the pages (web.py mounts it beside Streamlit).

Every request carries a bearer token (readiness.access.tokens) and acts with its account's role and scope; cookies
are never read here, so a browser's session gives no access and there is no CSRF surface. The figures come from the
same functions as the pages and the command line; the request and response models below are declared once and
give both the validation and the OpenAPI document (/api/v1/openapi.json, read at /api/v1/docs).
"""

import html
from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from sqlmodel import select

from readiness.access import tokens
from readiness.access.permissions import (
    Actor,
    Permission,
    PermissionDenied,
    Refusal,
    UnknownProvince,
    readable_province,
    require,
)
from readiness.core import db, registry
from readiness.core.enums import TaskLevel
from readiness.core.i18n import today
from readiness.core.models import CriterionBase, ReviewStatus, Submission
from readiness.core.settings import get_settings
from readiness.intake import review
from readiness.intake.excel import Outcome, check_form, confirm
from readiness.intake.excel.webform import FormRow, WebForm, typed
from readiness.outputs.views import records
from readiness.reading import queries
from readiness.reading import tasks as task_register

PREFIX = "/api/v1"
_bearer = HTTPBearer(auto_error=False, description="An API token made with `readiness token create NAME`.")


# Models --------------------------------------------------------------------------------------------------------


class Message(BaseModel):
    vi: str
    en: str


class Failure(BaseModel):
    """Every refusal: what was refused and why, in Vietnamese and English."""

    detail: Message


class StatusCounts(BaseModel):
    green: int
    red: int
    grey: int


class CommuneCounts(StatusCounts):
    on_time: int = Field(description="criteria that turned green by their deadline")
    late: int


class TasksDone(BaseModel):
    total: int
    on_time: int
    late: int


class TasksInProgress(BaseModel):
    total: int
    within: int
    overdue: int


class UnitTasks(BaseModel):
    total: int
    on_time: int
    late: int
    within: int
    overdue: int
    continuous: int


class TasksSummary(BaseModel):
    """Exactly the JSON of `readiness tasks summary --json`: the steering committee's table."""

    as_of: date
    total: int
    done: TasksDone
    in_progress: TasksInProgress
    continuous: int = Field(description="tasks without a deadline (Thường xuyên)")
    by_unit: dict[str, UnitTasks] = Field(description="per lead unit code")


class Summary(BaseModel):
    """Exactly the JSON of `readiness summary --json` for the token's scope."""

    as_of: date
    province: str = Field(description="the scope's name (Toàn quốc for the whole country)")
    province_code: str = Field(description='"01", or "all" for the whole country')
    counts: Literal["reported", "approved"] = Field(description="which submissions count")
    communes: int
    fully_green: int
    pending: int = Field(description="communes whose figures come from a submission pending review")
    criteria: dict[str, StatusCounts]
    by_commune: dict[str, CommuneCounts]
    timeliness: dict[str, int]


class CriterionStatus(BaseModel):
    criterion_code: str
    name_vi: str
    name_en: str
    status: Literal["green", "red", "grey"]
    value: float | None
    out_of: float | None
    target: float
    deadline: date
    overdue: bool
    submission_id: int | None
    reporting_date: date | None
    review_status: str | None


class HistoryEntry(BaseModel):
    submission_id: int
    reporting_date: date
    received_at: datetime
    origin: str
    green_count: int
    review_status: ReviewStatus
    review_reason: str
    counts: bool = Field(description="admitted by the counting rule (READINESS_COUNTS)")
    superseded: bool = Field(description="replaced by a newer counting submission for the same date")


class CommuneReport(BaseModel):
    code: str
    name: str
    province_code: str
    province_name: str
    as_of: date
    green: int
    criteria: list[CriterionStatus]
    history: list[HistoryEntry]


class ReviewEntry(BaseModel):
    id: int
    commune_code: str
    reporting_date: date
    origin: str
    status: ReviewStatus
    reason: str
    flags: list[str]


class Reporter(BaseModel):
    name: str = ""
    phone: str = ""


class ResultIn(BaseModel):
    value: float | bool | str | None = Field(
        default=None, description='1/0, true/false or "Có"/"Không" for yes/no; a number; "85%" for a share'
    )
    out_of: float | str | None = Field(default=None, description="for a share: the total the value is counted of")
    evidence: str = ""
    note: str = ""


class SubmissionIn(BaseModel):
    """A commune's checklist, read with the web form's rules and messages."""

    commune_code: str = Field(examples=["00070"])
    reporting_date: date | str = Field(examples=["2025-10-20"])
    reporter: Reporter = Reporter()
    results: dict[str, ResultIn] = Field(examples=[{"TC01": {"value": 1}, "TC03": {"value": 10, "out_of": 12}}])


class Problem(BaseModel):
    criterion: str | None = Field(description="the criterion concerned, if any")
    where: str
    message: Message


class Rejected(BaseModel):
    detail: Message
    problems: list[Problem]


class Accepted(BaseModel):
    submission_ids: list[int]
    commune_code: str
    reporting_date: date
    review_status: ReviewStatus
    newly_green: int


class ReturnIn(BaseModel):
    reason: str = Field(description="what the commune must fix (required)")
    criteria: list[str] = Field(default=[], description="the criteria concerned")


class Decision(BaseModel):
    id: int
    review_status: ReviewStatus


# Who is calling ------------------------------------------------------------------------------------------------


def caller(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Actor:
    """The token's account, re-read for every request (a disabled account stops at once), this request counted."""
    return tokens.actor_for(credentials.credentials if credentials else None)


Caller = Annotated[Actor, Depends(caller)]
_REFUSALS = {401: {"model": Failure}, 403: {"model": Failure}, 429: {"model": Failure}}


def _failure(status: int, vi: str, en: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": {"vi": vi, "en": en}}, status_code=status, headers=headers)


def _refused(request: Request, exc: Refusal) -> JSONResponse:
    """Refusals by their kind (a token's refusal is `_token_refused`); any other is bad input: 422."""
    if isinstance(exc, tokens.RateLimited):
        return _failure(429, exc.vi, exc.en, {"Retry-After": str(exc.retry_after)})
    if isinstance(exc, PermissionDenied):
        return _failure(403, exc.vi, exc.en)
    if isinstance(exc, UnknownProvince):
        return _failure(404, exc.vi, exc.en)
    return _failure(422, exc.vi, exc.en)


def _token_refused(request: Request, exc: tokens.TokenError) -> JSONResponse:
    return _failure(401, exc.vi, exc.en, {"WWW-Authenticate": "Bearer"})


def _not_found(what_vi: str, what_en: str) -> JSONResponse:
    return _failure(404, f"Không có {what_vi}.", f"There is no {what_en}.")


# Endpoints -----------------------------------------------------------------------------------------------------


def summary(
    actor: Caller,
    as_of: Annotated[date | None, Query(description="YYYY-MM-DD (default: today, Vietnam time)")] = None,
    province: Annotated[str | None, Query(description="a national account: one province, e.g. 01")] = None,
) -> dict:
    """Greening per criterion and per commune of the token's scope: the JSON of `readiness summary --json`."""
    require(actor, Permission.VIEW_PROVINCE)
    scope = readable_province(actor, province)
    with db.session() as session:
        return queries.summary(session, as_of or today(), scope)


def tasks_summary(
    actor: Caller,
    as_of: Annotated[date | None, Query(description="YYYY-MM-DD (default: today, Vietnam time)")] = None,
    level: Annotated[TaskLevel | None, Query(description="only tasks set by this level")] = None,
    province: Annotated[str | None, Query(description="a national account: one province, e.g. 01")] = None,
) -> dict:
    """The task register's table as of a day, for the tasks of the token's scope (their lead unit's province): the
    JSON of `readiness tasks summary --json`."""
    require(actor, Permission.VIEW_TASKS)
    scope = readable_province(actor, province)
    day = as_of or today()
    with db.session() as session:
        return task_register.summary(task_register.register(session, day, level=level, province=scope), day)


def criteria(actor: Caller) -> list[dict]:
    """The criteria catalog, in its order."""
    require(actor, Permission.VIEW_PROVINCE)
    with db.session() as session:
        return queries.catalog(session).to_dict("records")


def commune(
    actor: Caller,
    code: Annotated[str, Path(description="official code, with or without leading zeros")],
    as_of: Annotated[date | None, Query(description="YYYY-MM-DD (default: today)")] = None,
) -> dict | JSONResponse:
    """One commune's status per criterion as of a date, and its submissions (newest first)."""
    try:
        code = registry.commune_code(code)
    except registry.UnknownCode:
        return _not_found(f"xã/phường mã {code}", f"commune with code {code}")
    require(actor, Permission.VIEW_COMMUNE, code)
    as_of = as_of or today()
    with db.session() as session:
        if queries.commune_in_scope(session, code) is None:
            return _not_found(f"xã/phường mã {code}", f"commune with code {code}")
        rows = queries.commune_status(session, as_of, code)
        history = queries.commune_submissions(session, as_of, code)
    first = rows.iloc[0]
    criteria_ = rows.astype(object).where(rows.notna(), None).to_dict("records")
    return {
        "code": code,
        "name": first["commune_name"],
        "province_code": first["province_code"],
        "province_name": first["province_name"],
        "as_of": as_of,
        "green": int((rows["status"] == "green").sum()),
        "criteria": criteria_,
        "history": history.rename(columns={"id": "submission_id"}).to_dict("records"),
    }


def review_list(
    actor: Caller, status: Annotated[ReviewStatus | None, Query(description="only this review status")] = None
) -> list[dict]:
    """Submissions of the token's scope with their review, oldest first (as `readiness review list --json`)."""
    with db.session() as session:
        frame = review.submissions(session, actor, status)
    return records.review_rows(frame)


def submit(actor: Caller, body: SubmissionIn) -> JSONResponse:
    """A commune's checklist: checked with the web form's rules and messages (422 with one problem per criterion,
    naming it), then stored pending review, archived and audited like any submission."""
    try:
        code = registry.commune_code(body.commune_code)
    except registry.UnknownCode:
        code = body.commune_code
    else:
        require(actor, Permission.IMPORT_CHECKLIST, code)
    with db.session() as session:
        known = set(queries.catalog(session)["code"])
    unknown = [
        Problem(
            criterion=key,
            where=key,
            message=Message(
                vi=f"Không có tiêu chí {key}; các mã tiêu chí là {', '.join(sorted(known))}.",
                en=f"There is no criterion {key}; the criterion codes are {', '.join(sorted(known))}.",
            ),
        )
        for key in body.results
        if key not in known
    ]
    if unknown:
        return _rejected(unknown)
    form = WebForm(
        commune_code=code,
        reporting_date=body.reporting_date,
        reporter_name=body.reporter.name,
        reporter_phone=body.reporter.phone,
        rows=[FormRow(key, typed(r.value), typed(r.out_of), r.evidence, r.note) for key, r in body.results.items()],
    )
    checked = check_form(form, actor)
    if checked.outcome == Outcome.REJECTED:
        return _rejected(
            [
                Problem(
                    criterion=p.cell.split(" · ")[0] if p.cell.split(" · ")[0] in known else None,
                    where=p.cell,
                    message=Message(vi=p.vi, en=p.en),
                )
                for p in checked.problems
            ]
        )
    outcome = confirm(checked.archive_id, actor) if checked.outcome == Outcome.CHECKED else checked
    if outcome.outcome != Outcome.ACCEPTED:
        return _failure(
            409,
            "Báo cáo y hệt đã được nhận trước đó; không tính lại.",
            "An identical submission was received before; it is not counted again.",
        )
    accepted = Accepted(
        submission_ids=outcome.submission_ids,
        commune_code=code,
        reporting_date=outcome.reporting_date,
        review_status=ReviewStatus.PENDING,
        newly_green=outcome.newly_green,
    )
    return JSONResponse(accepted.model_dump(mode="json"), status_code=201)


def _rejected(problems: list[Problem]) -> JSONResponse:
    rejected = Rejected(
        detail=Message(
            vi=f"Báo cáo có {len(problems)} lỗi, không được ghi.",
            en=f"The submission has {len(problems)} problem(s); nothing was stored.",
        ),
        problems=problems,
    )
    return JSONResponse(rejected.model_dump(mode="json"), status_code=422)


def _decide(actor: Actor, submission_id: int, reason: ReturnIn | None) -> dict | JSONResponse:
    with db.write_session() as session:
        commune_code = session.exec(select(Submission.commune_code).where(Submission.id == submission_id)).first()
        if commune_code is None or queries.commune_in_scope(session, commune_code) is None:
            return _not_found(f"báo cáo số {submission_id}", f"submission with id {submission_id}")
        if reason is None:
            review.approve(session, actor, submission_id)
        else:
            review.return_submission(session, actor, submission_id, reason.reason, reason.criteria)
    return {"id": submission_id, "review_status": ReviewStatus.APPROVED if reason is None else ReviewStatus.RETURNED}


def approve(actor: Caller, submission_id: int) -> dict | JSONResponse:
    """pending → approved (officers and admins of the submission's province; never one's own upload)."""
    return _decide(actor, submission_id, None)


def return_(actor: Caller, submission_id: int, body: ReturnIn) -> dict | JSONResponse:
    """pending → returned to its commune, with the reason and the criteria concerned."""
    return _decide(actor, submission_id, body)


def _docs_page(document: dict) -> str:
    """The OpenAPI document as one plain page (no script, nothing fetched from elsewhere: it reads offline)."""
    e = html.escape
    parts = [f"<h1>{e(document['info']['title'])} v{e(document['info']['version'])}</h1>"]
    parts.append(f'<p>Machine-readable: <a href="{PREFIX}/openapi.json">{PREFIX}/openapi.json</a>. Every call sends ')
    parts.append("<code>Authorization: Bearer &lt;token&gt;</code>; a token is made with ")
    parts.append("<code>readiness token create NAME</code>.</p>")
    for path, operations in document["paths"].items():
        for method, op in operations.items():
            parts.append(
                f"<h2><code>{method.upper()} {PREFIX}{e(path)}</code></h2><p>{e(op.get('description', ''))}</p>"
            )
            rows = [
                f"<li><code>{e(p['name'])}</code> ({e(p['in'])}{', required' if p.get('required') else ''}) "
                f"{e(p.get('description', ''))}</li>"
                for p in op.get("parameters", [])
            ]
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            if "$ref" in body:
                rows.append(f"<li>body: <code>{e(body['$ref'].rsplit('/', 1)[-1])}</code> (JSON)</li>")
            answers = ", ".join(f"{code} {e(r.get('description', ''))}" for code, r in op["responses"].items())
            rows.append(f"<li>answers: {answers}</li>")
            parts.append(f"<ul>{''.join(rows)}</ul>")
    style = "body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}h2{font-size:1.1rem}"
    head = f"<meta charset='utf-8'><title>Readiness API</title><style>{style}</style>"
    return f"<!doctype html><html lang='en'><head>{head}</head><body>{''.join(parts)}</body></html>"


def build() -> FastAPI:
    """The API application, configured from the settings of the moment (CORS)."""
    app = FastAPI(
        title="Readiness API",
        version="1",
        description=__doc__,
        docs_url=None,
        redoc_url=None,
        responses=_REFUSALS,
    )
    app.add_exception_handler(tokens.TokenError, _token_refused)
    app.add_exception_handler(Refusal, _refused)
    missing = {404: {"model": Failure}}
    routes = [
        ("GET", "/summary", summary, Summary, 200, None),
        ("GET", "/criteria", criteria, list[CriterionBase], 200, None),
        ("GET", "/communes/{code}", commune, CommuneReport, 200, missing),
        ("GET", "/review", review_list, list[ReviewEntry], 200, None),
        ("GET", "/tasks/summary", tasks_summary, TasksSummary, 200, None),
        ("POST", "/submissions", submit, Accepted, 201, {409: {"model": Failure}, 422: {"model": Rejected}}),
        ("POST", "/review/{submission_id}/approve", approve, Decision, 200, missing),
        ("POST", "/review/{submission_id}/return", return_, Decision, 200, missing),
    ]
    for method, path, endpoint, model, status, extra in routes:
        app.add_api_route(path, endpoint, methods=[method], response_model=model, status_code=status, responses=extra)
    app.add_api_route(
        "/docs", lambda: HTMLResponse(_docs_page(app.openapi())), methods=["GET"], include_in_schema=False
    )
    origins = [o.strip() for o in get_settings().api_cors_origins.split(",") if o.strip()]
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    return app
