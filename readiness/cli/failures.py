"""A database the command cannot use (damaged, read-only, a server down) said in one line: which database (its
password hidden) and what to check, exit status 2. The detail (exception, SQL, traceback) goes to the log:
READINESS_LOG_FILE if set, and standard error with --debug."""

from __future__ import annotations

import logging
import secrets
import sys
from pathlib import Path

log = logging.getLogger("readiness.cli")

DATABASE_FAILURE = 2

# (words in the driver's message, what to check); the first match wins.
_CAUSES = (
    (
        ("file is not a database", "malformed", "file is encrypted"),
        "the file is damaged or is not a Readiness database: restore it from a backup or point "
        "READINESS_DATABASE_URL at the right file",
    ),
    (
        ("readonly database", "read-only", "unable to open database file", "permission denied"),
        "the file or its folder cannot be written by this user: check the owner and permissions (and free disk space)",
    ),
    (
        ("connection refused", "could not connect", "connection failed", "timeout expired", "no route to host"),
        "the server does not answer: check that PostgreSQL is running and the host and port in READINESS_DATABASE_URL",
    ),
    (
        ("no such table", 'relation "', "undefinedtable"),
        "it has no Readiness tables yet (or not all): run readiness init",
    ),
    (
        ("password authentication failed", "no password supplied", 'role "', 'database "'),
        "the server refused the login or the database: check the user, password and database name in "
        "READINESS_DATABASE_URL",
    ),
)
_OTHER = "check READINESS_DATABASE_URL and that the database is reachable and in good order"


def configure_logging(debug: bool) -> None:
    """Details of failures go to READINESS_LOG_FILE (when set) and, with --debug, to standard error."""
    from readiness.core.settings import get_settings

    log.setLevel(logging.DEBUG)
    log.propagate = False
    for old in list(log.handlers):
        log.removeHandler(old)
        old.close()
    form = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    handlers: list[logging.Handler] = []
    if debug:
        handlers.append(logging.StreamHandler(sys.stderr))
    log_file = get_settings().log_file
    if log_file:
        Path(log_file).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_file, delay=True, encoding="utf-8"))
    for handler in handlers:
        handler.setFormatter(form)
        log.addHandler(handler)
    if not handlers:
        log.addHandler(logging.NullHandler())


def shown_url(url: str) -> str:
    """The database URL with its password hidden."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(READINESS_DATABASE_URL cannot be read as a URL)"


def database_failure(exc: BaseException) -> int:
    """Say in one line on standard error which database failed and what to check; log the detail; the exit
    status."""
    from readiness.core.settings import get_settings

    settings = get_settings()
    reference = secrets.token_hex(4)
    log.error("database failure, reference %s", reference, exc_info=exc)
    cause = str(getattr(exc, "orig", None) or exc).lower()
    advice = next((advice for words, advice in _CAUSES if any(w in cause for w in words)), _OTHER)
    where = f"details in {settings.log_file}" if settings.log_file else "details: run again with readiness --debug"
    print(
        f"error: cannot use the database {shown_url(settings.database_url)}: {advice} ({where}, reference {reference})",
        file=sys.stderr,
    )
    return DATABASE_FAILURE
