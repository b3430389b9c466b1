"""The pages' query cache (ui.query): one result per process shared by every session, bounded in bytes."""

import threading
from datetime import date

import cachetools
import pandas as pd
import pytest
from conftest import APP, account, log_in, next_click
from streamlit.testing.v1 import AppTest

import ui
from readiness.core import db
from readiness.core.models import Role
from readiness.reading import queries

AS_OF = date(2025, 10, 20)


@pytest.fixture(autouse=True)
def _empty_cache():
    ui.clear_cache()
    yield
    ui.clear_cache()


def _status(version: tuple = (1,)) -> pd.DataFrame:
    return ui._cached(
        db.get_engine().url.render_as_string(), "readiness.reading.queries", "status", version, (AS_OF, "01")
    )


def test_sessions_asking_at_once_share_one_computation(demo_sqlite, monkeypatch):
    calls = []
    real = queries.status

    def counted(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(queries, "status", counted)
    results = []
    threads = [threading.Thread(target=lambda: results.append(_status())) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert len(results) == 6 and all(result is results[0] for result in results)
    assert len(results[0]) == 126 * 16


def test_the_cache_is_bounded_in_bytes_and_drops_the_least_recently_used(demo_sqlite, monkeypatch):
    frame = _status((1,))
    size = ui.result_size(frame)
    # Strings are counted: the deep size, not the pointers.
    assert size > frame.memory_usage(deep=False).sum()
    assert ui._cached.cache.currsize == size
    # The same cache as ui.py builds from READINESS_CACHE_MB, with room for two and a half frames.
    cache = cachetools.LRUCache(maxsize=int(size * 2.5), getsizeof=ui.result_size)
    monkeypatch.setattr(ui._cached, "cache", cache)
    _status((1,))
    _status((2,))
    _status((3,))  # a third frame does not fit: the least recently used one (version 1) goes
    assert cache.currsize <= cache.maxsize
    assert [key[3] for key in cache] == [(2,), (3,)]


def test_a_page_writing_into_its_result_does_not_change_the_shared_one(demo_sqlite):
    shared = _status()
    mine = ui._own({"status": shared})["status"]
    mine["status"] = "changed"
    assert (shared["status"] != "changed").all()
    assert (_status()["status"] != "changed").all()


def test_a_page_run_reads_the_data_version_once(demo_sqlite, monkeypatch):
    """The overview asks several cached queries; the data version behind their keys is read once per run (not once
    per query), and again at the next run, where a change made meanwhile shows."""
    calls = []
    real = queries.data_version
    monkeypatch.setattr(queries, "data_version", lambda session: calls.append(1) or real(session))
    at = log_in(AppTest.from_file(APP, default_timeout=60), account(Role.OFFICER)).run()
    assert not at.exception and at.metric, "the overview drew its figures"
    assert len(calls) == 1
    next_click(at)
    assert len(calls) == 2
