import pandas as pd
import streamlit as st

import ui
from readiness.core.i18n import format_datetime, origin_label
from readiness.core.models import Origin
from readiness.intake import evidence, review
from readiness.reading import queries

actor = ui.logged_in()
st.title(ui.t("Duyệt báo cáo", "Review submissions"))
ui.show_done()
lang = ui.lang()
communes = ui.query(queries.communes, ui.province())
names = dict(zip(communes["code"], communes["name"], strict=True))

left, middle, right = st.columns([3, 3, 2])
commune = left.selectbox(
    ui.t("Xã, phường", "Commune"),
    [None, *names],
    format_func=lambda c: ui.t("Tất cả", "All") if c is None else f"{names[c]} ({c})",
    key="review_commune",
)
origins = middle.multiselect(
    ui.t("Nguồn", "Origin"),
    list(Origin),
    format_func=lambda o: origin_label(o, lang),
    placeholder=ui.t("Mọi nguồn", "Every origin"),
    key="review_origins",
)
min_age = right.number_input(
    ui.t("Chờ ít nhất (ngày)", "Waiting at least (days)"), min_value=0, value=0, step=1, key="review_age"
)
with ui.session() as session:
    pending = review.queue(session, actor, commune, origins, int(min_age))
st.caption(
    ui.t(
        f"{ui.number(len(pending))} báo cáo chờ duyệt, cũ nhất trước. Báo cáo chờ duyệt "
        + ("chưa được tính" if queries.counts_setting() == "approved" else "đã được tính")
        + " vào số liệu.",
        f"{ui.number(len(pending))} submissions pending review, oldest first. Pending submissions "
        + ("do not count" if queries.counts_setting() == "approved" else "count")
        + " in the figures.",
    )
)
if pending.empty:
    st.success(ui.t("Không có báo cáo nào chờ duyệt.", "Nothing is waiting for review."))
    st.stop()

for row in pending.head(50).itertuples():
    title = (
        f"{row.commune_name} ({row.commune_code}) · {ui.t('ngày báo cáo', 'reporting date')} "
        f"{ui.day(row.reporting_date)} · {origin_label(row.origin, lang)} · "
        + ui.t(f"chờ {row.age_days} ngày", f"waiting {row.age_days} days")
    )
    with st.expander(title, expanded=len(pending) == 1 or row.Index == 0):
        st.text(
            ui.t(
                f"Báo cáo số {row.id}, gửi bởi {row.received_from} lúc {format_datetime(row.received_at, lang)}",
                f"Submission {row.id}, sent by {row.received_from} at {format_datetime(row.received_at, lang)}",
            )
        )
        with ui.session() as session:
            changes = review.changes(session, actor, int(row.id))
            files = evidence.files(session, actor, row.commune_code)
        moved = changes[changes["change"].isin(["newly_green", "no_longer_green"])]
        previous = changes["previous_submission_id"].iloc[0]
        since = f"({int(previous)})" if pd.notna(previous) else ui.t("(chưa có)", "(none)")
        st.markdown(
            ui.t(
                f"**So với báo cáo được tính trước đó** {since}: "
                f"{int((moved['change'] == 'newly_green').sum())} tiêu chí mới đạt, "
                f"{int((moved['change'] == 'no_longer_green').sum())} không còn đạt, "
                f"{int((changes['change'] == 'value').sum())} đổi giá trị.",
                f"**Against the previously counting submission** {since}: "
                f"{int((moved['change'] == 'newly_green').sum())} newly green, "
                f"{int((moved['change'] == 'no_longer_green').sum())} no longer green, "
                f"{int((changes['change'] == 'value').sum())} values changed.",
            )
        )
        ui.changes_table(changes)
        st.markdown(ui.t("**Minh chứng**", "**Evidence**"))
        ui.evidence_files(files, key=f"queue_{row.id}", show_superseded=False)

        approve_column, return_column = st.columns([1, 3])
        if approve_column.button(
            ui.t("Duyệt", "Approve"), type="primary", icon=":material/check:", key=f"approve_{row.id}"
        ):
            ui.act(
                review.approve,
                int(row.id),
                done=ui.t(f"Đã duyệt báo cáo số {row.id}.", f"Submission {row.id} approved."),
            )
        with return_column.form(f"return_{row.id}"):
            reason = st.text_area(ui.t("Lý do trả lại", "Reason for returning"), key=f"reason_{row.id}")
            concerned = st.multiselect(
                ui.t("Tiêu chí liên quan", "Criteria concerned"),
                changes["criterion_code"].tolist(),
                placeholder=ui.t("Chọn tiêu chí (không bắt buộc)", "Choose criteria (optional)"),
                key=f"criteria_{row.id}",
            )
            if st.form_submit_button(ui.t("Trả lại", "Return"), icon=":material/undo:"):
                ui.act(
                    review.return_submission,
                    int(row.id),
                    reason,
                    concerned,
                    done=ui.t(
                        f"Đã trả lại báo cáo số {row.id} cho xã, phường.",
                        f"Submission {row.id} returned to the commune.",
                    ),
                )
if len(pending) > 50:
    st.caption(
        ui.t(
            f"Đang hiện 50 báo cáo cũ nhất trong {ui.number(len(pending))}; lọc để xem các báo cáo khác.",
            f"Showing the 50 oldest of {ui.number(len(pending))}; filter to see the others.",
        )
    )
