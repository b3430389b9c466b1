"""Demo task register: about 200 tasks of a Resolution 57 plan over the departments and some communes, with
completions (on time and late), progress reports, deadline extensions and KPIs, as the province would have them
in mid-November 2025. Deterministic for a given seed; every row is marked origin "demo" and `clear` removes them.
"""

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import delete, select
from sqlmodel import Session

from readiness.core.enums import Origin, ReviewStatus, TaskLevel, UnitKind
from readiness.core.models import Comment
from readiness.core.task_models import Task, TaskCompletion, TaskEvidence, TaskExtension, TaskProgress, Unit

# The demo's "today": the last demo week.
STORY_END = date(2025, 11, 15)
CENTRAL_TASKS = 187
PROVINCE_TASKS = 15

# (objective, what is done, lead departments it is given to, optional KPI (indicator, target, unit))
_THEMES = [
    ("Hoàn thiện thể chế, chính sách", "Rà soát, đề xuất sửa đổi quy định về {}", ["STP", "SNV", "SKHCN"],
     ["thủ tục hành chính liên quan đến dữ liệu số", "cơ chế thử nghiệm có kiểm soát (sandbox)",
      "chính sách ưu đãi cho doanh nghiệp công nghệ số", "phân cấp, phân quyền trong quản lý khoa học"], None),
    ("Phát triển hạ tầng số", "Triển khai {}", ["SKHCN", "SXD", "CATP", "VP-UBND"],
     ["mạng 5G phủ sóng khu vực đô thị", "kết nối mạng truyền số liệu chuyên dùng cấp II đến xã, phường",
      "trung tâm dữ liệu dùng chung của Thành phố", "hạ tầng điện toán đám mây cho cơ quan nhà nước"],
     ("Tỷ lệ xã, phường kết nối mạng chuyên dùng", 100, "%")),
    ("Phát triển dữ liệu số", "Xây dựng, đưa vào khai thác {}", ["SKHCN", "SNNMT", "STC", "SYT", "SGDDT"],
     ["cơ sở dữ liệu đất đai", "cơ sở dữ liệu hộ tịch điện tử", "kho dữ liệu mở của Thành phố",
      "cơ sở dữ liệu y tế, hồ sơ sức khỏe điện tử", "cơ sở dữ liệu ngành giáo dục"],
     ("Số bộ dữ liệu mở được công bố", 120, "bộ")),
    ("Phát triển nguồn nhân lực", "Tổ chức {}", ["SNV", "SGDDT", "SKHCN"],
     ["đào tạo kỹ năng số cho cán bộ, công chức cấp xã", "bồi dưỡng chuyên gia chuyển đổi số",
      "phong trào Bình dân học vụ số", "thu hút nhân tài khoa học công nghệ"],
     ("Số cán bộ, công chức được đào tạo kỹ năng số", 12000, "người")),
    ("Chính quyền số, dịch vụ công trực tuyến", "Hoàn thành {}", ["VP-UBND", "TTPVHCC", "SNV", "CATP"],
     ["cung cấp dịch vụ công trực tuyến toàn trình", "số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
      "tích hợp Cổng dịch vụ công quốc gia", "triển khai ký số cho cán bộ, công chức"],
     ("Tỷ lệ hồ sơ được giải quyết trực tuyến toàn trình", 80, "%")),
    ("Đổi mới sáng tạo, khởi nghiệp", "Thúc đẩy {}", ["SKHCN", "BQL-CNC", "SCT"],
     ["trung tâm đổi mới sáng tạo của Thành phố", "quỹ hỗ trợ khởi nghiệp sáng tạo",
      "đặt hàng nhiệm vụ khoa học công nghệ", "khu công nghệ cao Hòa Lạc"],
     ("Số doanh nghiệp khởi nghiệp sáng tạo được hỗ trợ", 300, "doanh nghiệp")),
    ("Kinh tế số", "Phát triển {}", ["SCT", "STC", "SDL", "SNNMT"],
     ["thương mại điện tử và thanh toán không dùng tiền mặt", "du lịch thông minh",
      "nông nghiệp số, truy xuất nguồn gốc", "doanh nghiệp công nghệ số"],
     ("Tỷ trọng kinh tế số trong GRDP", 30, "%")),
    ("An toàn, an ninh mạng", "Bảo đảm {}", ["CATP", "SKHCN", "BTLTD"],
     ["an toàn thông tin hệ thống theo cấp độ", "giám sát an ninh mạng tập trung (SOC)",
      "diễn tập ứng cứu sự cố an toàn thông tin", "bảo vệ dữ liệu cá nhân trong cơ quan nhà nước"], None),
]  # fmt: skip

_COMMUNE_TASKS = [
    "Triển khai mô hình Bình dân học vụ số tại xã, phường",
    "Số hóa 100% hồ sơ thủ tục hành chính tiếp nhận tại Bộ phận một cửa",
    "Vận hành nền tảng phản ánh hiện trường của người dân",
]
_CENTRAL_SOURCES = ["Kế hoạch 02-KH/BCĐTW", "Nghị quyết 71/NQ-CP", "Nghị quyết 03/NQ-CP", "Kế hoạch 01-KH/BCĐTW"]
_PROVINCE_SOURCES = ["Kế hoạch 150/KH-UBND", "Chương trình 07-CTr/TU"]


def load(session: Session, seed: int = 57) -> int:
    """Replace the demo tasks with a fresh set. Returns how many tasks were written."""
    clear(session)
    rng = random.Random(f"{seed}:tasks")
    departments = {u.code for u in session.scalars(select(Unit).where(Unit.kind == UnitKind.DEPARTMENT))}
    communes = list(session.scalars(select(Unit.code).where(Unit.kind == UnitKind.COMMUNE).order_by(Unit.code)))
    made = datetime(2025, 2, 1, 8, tzinfo=UTC)
    count = 0
    for n in range(1, CENTRAL_TASKS + PROVINCE_TASKS + 1):
        central = n <= CENTRAL_TASKS
        objective, verb, leads, topics, kpi = _THEMES[n % len(_THEMES)]
        topic = topics[(n // len(_THEMES)) % len(topics)]
        lead = rng.choice([code for code in leads if code in departments] or sorted(departments))
        content = verb.format(topic)
        if not central and n % 3 == 0 and communes:
            lead, content, objective = communes[n % len(communes)], _COMMUNE_TASKS[n % 3], "Chính quyền số cấp xã"
            kpi = None
        continuous = n % 23 == 0
        deadline = None if continuous else date(2025, 3, 31) + timedelta(days=rng.randrange(0, 500))
        task = Task(
            code=f"{'TW' if central else 'TP'}-{n:03d}",
            content=f"{content} ({n})" if n > len(_THEMES) * 4 else content,
            source_document=rng.choice(_CENTRAL_SOURCES if central else _PROVINCE_SOURCES),
            level=TaskLevel.CENTRAL if central else TaskLevel.PROVINCE,
            objective=objective,
            lead_unit_code=lead,
            coordinating_unit_codes=";".join(sorted(rng.sample(sorted(departments - {lead}), 2))),
            deadline=deadline,
            kpi_indicator=kpi[0] if kpi and n % 4 == 0 else "",
            kpi_target=float(kpi[1]) if kpi and n % 4 == 0 else None,
            kpi_unit=kpi[2] if kpi and n % 4 == 0 else "",
            created_at=made,
            updated_at=made,
            updated_by="demo",
            origin=Origin.DEMO,
        )
        session.add(task)
        session.flush()
        count += 1
        _story(session, task, rng)
    return count


def _at(day: date) -> datetime:
    return datetime.combine(day, time(9), tzinfo=UTC)


def _story(session: Session, task: Task, rng: random.Random) -> None:
    """Progress, an extension now and then, and a completion for most tasks due before the story's end."""
    deadline = task.deadline
    if deadline is not None and rng.random() < 0.07 and deadline < date(2025, 12, 31):
        decided = min(STORY_END, deadline - timedelta(days=rng.randrange(-10, 20)))
        new = deadline + timedelta(days=rng.choice([45, 60, 90]))
        session.add(
            TaskExtension(
                task_id=task.id,
                deadline=new,
                decision_number=f"{rng.randrange(1000, 6000)}/QĐ-UBND",
                decision_date=decided,
                recorded_by="demo",
                recorded_at=_at(decided),
            )
        )
        deadline = new
    due = deadline or date(2025, 12, 31)
    chance = 0.88 if due < STORY_END else 0.3
    done_on = None
    if rng.random() < chance:
        done_on = due + timedelta(days=rng.choice([-60, -40, -20, -15, -10, -7, -3, 0, 0, 0, 5, 30]))
        done_on = min(done_on, STORY_END - timedelta(days=1))
    reports = 1 + rng.randrange(3)
    for i in range(reports):
        day = STORY_END - timedelta(days=30 * (reports - i))
        if done_on is not None and day >= done_on:
            break
        percent = min(95, 20 + 25 * i + rng.randrange(15))
        kpi_value = round(task.kpi_target * percent / 100, 1) if task.kpi_target else None
        session.add(
            TaskProgress(
                task_id=task.id,
                percent=percent,
                result="Đang triển khai theo kế hoạch" if percent < 60 else "Cơ bản hoàn thành các nội dung chính",
                difficulties=rng.choice(["", "", "Thiếu kinh phí", "Chờ hướng dẫn của Bộ, ngành"]),
                kpi_value=kpi_value,
                reported_by="demo",
                received_at=_at(day),
            )
        )
    if done_on is not None:
        session.add(
            TaskCompletion(
                task_id=task.id,
                done_on=done_on,
                result="Đã hoàn thành, có báo cáo kết quả",
                reported_by="demo",
                received_at=_at(done_on),
                review_status=ReviewStatus.APPROVED,
                reviewed_by="demo",
                reviewed_at=_at(done_on),
            )
        )
        if task.kpi_target:
            session.add(
                TaskProgress(
                    task_id=task.id,
                    percent=100,
                    result="Hoàn thành",
                    kpi_value=task.kpi_target,
                    reported_by="demo",
                    received_at=_at(done_on),
                )
            )


def clear(session: Session) -> int:
    """Remove the demo tasks with everything recorded about them. Returns how many tasks were removed."""
    ids = select(Task.id).where(Task.origin == Origin.DEMO)
    for table in (TaskEvidence, TaskCompletion, TaskProgress, TaskExtension, Comment):
        session.execute(delete(table).where(table.task_id.in_(ids)))
    removed = session.execute(delete(Task).where(Task.origin == Origin.DEMO)).rowcount
    session.flush()
    return removed
