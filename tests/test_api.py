"""The API at /api/v1 on SQLite and PostgreSQL: through a real running server (Streamlit with the app's routes),
tokens, scopes, the figures equal to the command line's, and no cookie accepted or set; called in process (the same
app, no server to start), submissions with the web form's messages, review and the rate limit kept in the
database."""

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx2 as httpx
import pytest
from conftest import NATIONAL_PASSWORD as PASSWORD
from servers import serve
from sqlalchemy import select, update
from starlette.testclient import TestClient

import api
from readiness.access import auth, sessions, tokens
from readiness.access.permissions import OPERATOR
from readiness.cli import main
from readiness.core import db
from readiness.core.models import ApiToken, AuditEvent, ImportFile, Submission

HANOI, HCMC = "01", "79"
CUA_NAM, VUNG_TAU = "00073", "26506"
DAY = date(2025, 10, 6)
LIMIT = 25  # requests a minute per token, for the app under test


def token_for(name: str, **kwargs) -> str:
    with db.write_session() as session:
        return tokens.create(session, OPERATOR, name, **kwargs)


def _tokens() -> dict[str, str]:
    return {name: token_for(name) for name in ("hn", "hn2", "hcm", "nation")}


@pytest.fixture
def served(national: str, tmp_path: Path) -> Iterator[tuple[httpx.Client, dict[str, str]]]:
    """The API as users reach it, through the running app's server, on the national database (conftest.national);
    a token for each officer."""
    token = _tokens()
    with serve(tmp_path / "server.log") as url, httpx.Client(base_url=f"{url}{api.PREFIX}", timeout=30) as client:
        yield client, token


@pytest.fixture
def in_process(national: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[httpx.Client, dict[str, str]]]:
    """The same API app called in this process (no server to start), for what the server adds nothing to; a token
    for each officer, and a limit of LIMIT requests a minute per token."""
    monkeypatch.setenv("READINESS_API_RATE_LIMIT_PER_MINUTE", str(LIMIT))
    db.reset_caches()
    token = _tokens()
    with TestClient(api.build()) as client:
        yield client, token


def get(client: httpx.Client, path: str, token: str | None, **params) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(path, headers=headers, params=params)


def post(client: httpx.Client, path: str, token: str, body: dict) -> httpx.Response:
    return client.post(path, headers={"Authorization": f"Bearer {token}"}, json=body)


def cli_summary(capsys: pytest.CaptureFixture, *flags: str) -> dict:
    capsys.readouterr()
    assert main(["summary", "--json", "--as-of", DAY.isoformat(), *flags]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_summary_of_each_token_is_its_accounts_scope_and_equals_the_cli(served, capsys):
    client, token = served
    for name in ("hn", "hcm", "nation"):
        response = get(client, "/summary", token[name], as_of=DAY.isoformat())
        assert response.status_code == 200, response.text
        assert response.json() == cli_summary(capsys, "--as", name)
    assert get(client, "/summary", token["hn"], as_of=DAY.isoformat()).json()["communes"] == 126
    hcm = get(client, "/summary", token["nation"], as_of=DAY.isoformat(), province="79").json()
    assert hcm == cli_summary(capsys, "--as", "hcm") and hcm["by_commune"][VUNG_TAU]["green"] == 1
    refused = get(client, "/summary", token["hn"], province="79")
    assert refused.status_code == 403
    assert (
        refused.json()["detail"]["en"]
        == "Account hn works within Thành phố Hà Nội only; province 79 is outside that scope."
    )
    assert get(client, "/summary", token["nation"], province="99").status_code == 404

    criteria = get(client, "/criteria", token["hcm"]).json()
    assert [c["code"] for c in criteria] == [f"TC{i:02d}" for i in range(1, 17)]

    commune = get(client, "/communes/26506", token["hcm"], as_of=DAY.isoformat())
    assert commune.status_code == 200, commune.text
    body = commune.json()
    assert (body["code"], body["province_code"], body["green"]) == (VUNG_TAU, HCMC, 1)
    assert {c["criterion_code"]: c["status"] for c in body["criteria"]}["TC02"] == "red"
    assert [h["reporting_date"] for h in body["history"]] == [DAY.isoformat()]
    assert get(client, "/communes/26506", token["hn"]).status_code == 403
    assert get(client, "/communes/99999", token["nation"]).status_code == 404


def test_without_a_valid_token_nothing_is_answered_and_no_cookie_counts(served):
    client, token = served
    for bad in (None, "rdy_not-a-token", token["hn"] + "x"):
        response = get(client, "/summary", bad)
        assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
        assert "set-cookie" not in response.headers
    # A logged-in browser's session cookie gives no access to the API.
    _, session_token = auth.log_in("hn", PASSWORD)
    with httpx.Client(base_url=client.base_url, cookies={sessions.COOKIE: session_token}) as browser:
        assert browser.get("/summary").status_code == 401

    # A token ends when revoked, when its account is disabled, when its password is reset, and when it expires.
    revoked, disabled, reset, expired = (token_for(n) for n in ("hcm", "nation", "hn2", "hn"))
    with db.write_session() as session:
        (revoked_id,) = tokens.listing(session, OPERATOR, "hcm")["id"].head(1)
        tokens.revoke(session, OPERATOR, "hcm", int(revoked_id))
        auth.disable_account(session, OPERATOR, "nation")
        auth.reset_password(session, OPERATOR, "hn2", "another-long-password")
        session.exec(
            update(ApiToken)
            .where(ApiToken.token_hash == sessions.token_hash(expired))
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    for ended in (revoked, disabled, reset, expired):
        assert get(client, "/summary", ended).status_code == 401
    assert get(client, "/summary", token["hcm"]).status_code == 200  # the account's other token still works
    assert get(client, "/summary", token["hn"]).status_code == 200

    document = client.get("/openapi.json").json()
    assert {"/summary", "/criteria", "/communes/{code}", "/review", "/submissions"} <= set(document["paths"])
    assert "SubmissionIn" in document["components"]["schemas"]
    docs = client.get("/docs")
    assert docs.status_code == 200 and "<code>POST /api/v1/submissions</code>" in docs.text


def test_a_submission_is_checked_like_the_web_form_then_reviewed(in_process, capsys):
    client, token = in_process
    wrong = post(
        client,
        "/submissions",
        token["hn"],
        {
            "commune_code": CUA_NAM,
            "reporting_date": DAY.isoformat(),
            "results": {"TC01": {"value": "maybe"}, "TC03": {"value": 13, "out_of": 12}, "TC99": {"value": 1}},
        },
    )
    assert wrong.status_code == 422
    assert [p["criterion"] for p in wrong.json()["problems"]] == ["TC99"]
    wrong = post(
        client,
        "/submissions",
        token["hn"],
        {"commune_code": CUA_NAM, "reporting_date": DAY.isoformat(), "results": {"TC01": {"value": "maybe"}}},
    )
    assert wrong.status_code == 422
    (problem,) = wrong.json()["problems"]
    assert problem["criterion"] == "TC01"
    assert problem["message"]["en"].startswith("Criterion TC01: 'maybe' is not a yes/no answer.")
    outside = {"commune_code": VUNG_TAU, "reporting_date": "2025-10-07", "results": {"TC01": {"value": 1}}}
    outside = post(client, "/submissions", token["hn"], outside)
    assert outside.status_code == 403

    body = {
        "commune_code": "73",
        "reporting_date": "2025-10-07",
        "reporter": {"name": "Nguyễn Văn An", "phone": "0912345678"},
        "results": {"TC01": {"value": True}, "TC02": {"value": 1}, "TC03": {"value": 10, "out_of": 12}},
    }
    accepted = post(client, "/submissions", token["hn"], body)
    assert accepted.status_code == 201, accepted.text
    (new_id,) = accepted.json()["submission_ids"]
    assert accepted.json()["review_status"] == "pending"
    assert post(client, "/submissions", token["hn"], body).status_code == 409  # the same again: not counted twice
    with db.session() as session:
        stored = session.get(Submission, new_id)
        assert (stored.origin, stored.received_from, stored.reporter_name) == ("web", "hn", "Nguyễn Văn An")
        assert session.get(ImportFile, stored.import_file_id).kind == "web_form"
        actions = session.execute(select(AuditEvent.action).where(AuditEvent.actor == "hn")).scalars().all()
    assert "webform.accepted" in actions

    pending = get(client, "/review", token["hn2"], status="pending").json()
    assert new_id in [row["id"] for row in pending] and {row["commune_code"] for row in pending} == {CUA_NAM}
    capsys.readouterr()
    assert main(["review", "list", "--json", "--status", "pending", "--as", "hn2"]) == 0
    assert json.loads(capsys.readouterr().out) == pending
    assert post(client, f"/review/{new_id}/approve", token["hcm"], {}).status_code == 403
    own = post(client, f"/review/{new_id}/approve", token["hn"], {})
    assert own.status_code == 422 and "nobody reviews their own upload" in own.json()["detail"]["en"]
    assert post(client, f"/review/{new_id}/return", token["hn2"], {"reason": " "}).status_code == 422
    returned = post(
        client, f"/review/{new_id}/return", token["hn2"], {"reason": "TC03: attach the list", "criteria": ["TC03"]}
    )
    assert returned.json() == {"id": new_id, "review_status": "returned"}
    assert post(client, "/review/999999/approve", token["hn2"], {}).status_code == 404
    with db.session() as session:
        vung_tau_id = session.execute(select(Submission.id).where(Submission.commune_code == VUNG_TAU)).scalar_one()
    assert post(client, f"/review/{vung_tau_id}/approve", token["nation"], {}).json()["review_status"] == "approved"


def test_the_rate_limit_is_counted_per_token_in_the_database(in_process):
    client, token = in_process
    statuses = [get(client, "/criteria", token["hcm"]).status_code for _ in range(2 * LIMIT + 1)]
    # LIMIT requests pass in a minute; should the minute turn during the burst, at most LIMIT more.
    first_refusal = statuses.index(429)
    assert LIMIT <= first_refusal <= 2 * LIMIT and set(statuses[:first_refusal]) == {200}
    refused = get(client, "/criteria", token["hcm"])
    if refused.status_code == 429:
        assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert get(client, "/criteria", token["hn"]).status_code == 200  # another token has its own count
    with db.session() as session:
        hashed = sessions.token_hash(token["hcm"])
        count = session.execute(select(ApiToken.window_count).where(ApiToken.token_hash == hashed)).scalar_one()
    assert count > LIMIT


def test_token_create_prints_the_token_once_as_the_last_line_and_keeps_only_its_hash(national, capsys):
    capsys.readouterr()
    assert main(["token", "create", "hcm", "--expires-days", "30", "--label", "ioc"]) == 0
    token = capsys.readouterr().out.splitlines()[-1]
    assert token.startswith(tokens.PREFIX)
    assert tokens.actor_for(token).province == "79"
    with db.session() as session:
        (row,) = session.execute(select(ApiToken)).scalars()
        audited = session.execute(select(AuditEvent.action).where(AuditEvent.target == "hcm")).scalars().all()
    assert row.token_hash == sessions.token_hash(token) and token not in repr(row.model_dump())
    assert timedelta(days=29) < row.expires_at - row.created_at <= timedelta(days=30)
    assert "token.create" in audited
    assert main(["token", "list", "hcm"]) == 0
    listed = capsys.readouterr().out
    assert " ioc " in listed and token not in listed
    assert main(["token", "revoke", "hcm", str(row.id)]) == 0
    with pytest.raises(tokens.TokenError):
        tokens.actor_for(token)
    capsys.readouterr()
    assert main(["token", "create", "nobody"]) == 1
    assert "There is no account named nobody" in capsys.readouterr().err


@pytest.mark.parametrize("origins", ["", "https://ioc.example.vn"])
def test_cors_is_off_unless_configured(initialized, monkeypatch, origins):
    monkeypatch.setenv("READINESS_API_CORS_ORIGINS", origins)
    db.reset_caches()
    client = TestClient(api.build())
    headers = {"Origin": "https://ioc.example.vn", "Access-Control-Request-Method": "GET"}
    answer = client.options("/summary", headers=headers)
    allowed = answer.headers.get("access-control-allow-origin")
    assert allowed == (origins or None)


def test_the_task_register_summary_equals_the_cli(initialized, capsys):
    from readiness import demo_tasks

    with db.write_session() as session:
        demo_tasks.load(session)
        auth.create_account(session, OPERATOR, "leader", "leader", PASSWORD)
    client = TestClient(api.build())
    headers = {"Authorization": f"Bearer {token_for('leader')}"}
    for level in (None, "Trung ương"):
        flags = ["--level", level] if level else []
        capsys.readouterr()
        assert main(["tasks", "summary", "--json", "--as-of", "2025-11-14", *flags]) == 0
        expected = json.loads(capsys.readouterr().out)
        params = {"as_of": "2025-11-14", **({"level": level} if level else {})}
        answer = client.get("/tasks/summary", headers=headers, params=params)
        assert answer.status_code == 200, answer.text
        assert answer.json() == expected and expected["total"] > 0
    assert client.get("/tasks/summary").status_code == 401
