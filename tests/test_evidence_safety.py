"""Evidence that cannot hurt (readiness.intake.evidence): the hostile corpus of tests/hostile_evidence.py refused
with its reason or kept under a corrected name; thumbnails made once at upload; the per-commune quota."""

import io
import os

import pytest
from conftest import account
from hostile_evidence import corpus, image
from PIL import Image
from sqlalchemy import func, select

from readiness.access.permissions import PermissionDenied
from readiness.core import db
from readiness.core.models import EvidenceFile, Role
from readiness.intake import evidence

CASES = corpus()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_hostile_corpus_is_refused_with_its_reason_or_renamed_by_its_content(case):
    if case.refused is None:
        checked = evidence.check(case.filename, case.data)
        assert evidence.stored_name(case.filename, checked.media_type) == case.kept_as
        return
    with pytest.raises(evidence.EvidenceError) as refused:
        evidence.check(case.filename, case.data)
    assert case.refused in refused.value.en and case.filename in refused.value.en
    assert case.filename in refused.value.vi


def test_a_pixel_bomb_is_refused_from_its_header_without_decoding_it(monkeypatch):
    bomb = next(c for c in CASES if c.name.startswith("png pixel bomb"))
    decoded = []
    monkeypatch.setattr(Image.Image, "load", lambda self: decoded.append(self.size))
    with pytest.raises(evidence.EvidenceError):
        evidence.check(bomb.filename, bomb.data)
    assert decoded == []


def test_the_pixel_limit_is_a_setting(monkeypatch):
    photo = image("JPEG", (1200, 900))
    assert evidence.check("anh.jpg", photo).media_type == evidence.JPEG
    monkeypatch.setenv("READINESS_EVIDENCE_MAX_PIXELS", "1000000")
    from readiness.core.settings import get_settings

    get_settings.cache_clear()
    with pytest.raises(evidence.EvidenceError) as refused:
        evidence.check("anh.jpg", photo)
    assert "(1200 × 900 pixels) is too large: at most 1 megapixels" in refused.value.en


def test_hostile_files_change_nothing_in_the_database(initialized):
    lan = account(Role.COMMUNE, "00070")
    for case in CASES:
        if case.refused is None:
            continue
        with pytest.raises(evidence.EvidenceError), db.write_session() as session:
            evidence.add(session, lan, "00070", "TC01", case.filename, case.data)
    with db.session() as session:
        assert session.execute(select(func.count(EvidenceFile.id))).scalar_one() == 0


def test_an_image_is_stored_whole_with_a_thumbnail_of_at_most_480_px_that_only_its_readers_get(initialized):
    lan = account(Role.COMMUNE, "00070")
    photo, drawing = image("JPEG", (3000, 2000)), image("PNG", (300, 700))
    with db.write_session() as session:
        photo_id = evidence.add(session, lan, "00070", "TC09", "chu-ky-so.hta", photo)
        drawing_id = evidence.add(session, lan, "00070", "TC09", "so-do.png", drawing)
        pdf_id = evidence.add(session, lan, "00070", "TC09", "qd.pdf", next(c for c in CASES if c.kept_as).data)
    with db.session() as session:
        stored = evidence.content(session, lan, photo_id)
        thumbnails = [evidence.thumbnail(session, lan, i) for i in (photo_id, drawing_id, pdf_id)]
        with pytest.raises(PermissionDenied):
            evidence.thumbnail(session, account(Role.COMMUNE, "00073"), photo_id)
    assert stored == ("chu-ky-so.jpg", evidence.JPEG, photo)
    sizes = [Image.open(io.BytesIO(t)).size for t in thumbnails[:2]]
    assert sizes == [(480, 320), (206, 480)] and thumbnails[2] is None


def test_a_commune_stores_at_most_its_evidence_quota(initialized, monkeypatch):
    monkeypatch.setenv("READINESS_EVIDENCE_QUOTA_MB", "1")
    db.reset_caches()
    noise = Image.frombytes("RGB", (500, 500), os.urandom(500 * 500 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    lan = account(Role.COMMUNE, "00070")
    with db.write_session() as session:
        evidence.add(session, lan, "00070", "TC09", "1.png", buffer.getvalue())
    with pytest.raises(evidence.EvidenceError) as refused, db.write_session() as session:
        evidence.add(session, lan, "00070", "TC09", "2.png", buffer.getvalue())
    assert "of its 1 MB quota" in refused.value.en and "hạn mức 1 MB" in refused.value.vi
    with db.write_session() as session:  # another commune has its own quota
        evidence.add(session, account(Role.OFFICER), "00073", "TC09", "2.png", buffer.getvalue())
