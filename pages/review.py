import streamlit as st

import ui
from readiness.core.i18n import format_datetime, origin_label
from readiness.core.models import Origin
from readiness.intake import evidence, flags, review
from readiness.outputs.views import changes as change_views
from readiness.reading import queries

# Submissions shown in full at first, and how many more each "show more" adds: bulk approval and the flag filter
# do the rest, and the page stays quick with a province's 126 (or a country's 3,321) pending.
PAGE = 20
actor = ui.logged_in()
st.title(ui.t("Duyệt báo cáo", "Review submissions"))
ui.show_done()
lang = ui.lang()
communes = ui.query(queries.communes, ui.province())
names = dict(zip(communes["code"], communes["name"], strict=True))

left, middle, flag_column, right = st.columns([3, 2, 3, 2])
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
flagged = flag_column.multiselect(
    ui.t("Cờ cần xem", "Review flags"),
    [*flags.LABELS, ""],
    format_func=lambda c: flags.label(c, lang) if c else ui.t("Không có cờ", "No flag"),
    placeholder=ui.t("Mọi báo cáo", "Every submission"),
    key="review_flags",
)
min_age = right.number_input(
    ui.t("Chờ ít nhất (ngày)", "Waiting at least (days)"), min_value=0, value=0, step=1, key="review_age"
)
replaced = st.toggle(
    ui.t("Hiện cả báo cáo đã bị thay thế", "Show replaced submissions too"),
    key="review_superseded",
    help=ui.t(
        "Báo cáo chờ duyệt mà xã, phường đã gửi báo cáo mới hơn cùng ngày thay thế: không duyệt được, không được tính.",
        "Pending submissions that a newer one for the same date replaced: they cannot be reviewed and never count.",
    ),
)
with ui.session() as session:
    pending = review.queue(session, actor, commune, origins, int(min_age), flagged=flagged, superseded=replaced)
    texts = flags.of(session, pending["id"].astype(int).tolist())
waiting = int((pending["review_status"] == "pending").sum())
gone = len(pending) - waiting
st.caption(
    ui.t(
        f"{ui.number(waiting)} báo cáo chờ duyệt"
        + (f" và {ui.number(gone)} báo cáo đã bị thay thế (không duyệt được, không được tính)" if gone else "")
        + ", cũ nhất trước. Báo cáo chờ duyệt "
        + ("chưa được tính" if queries.counts_setting() == "approved" else "đã được tính")
        + " vào số liệu.",
        f"{ui.number(waiting)} submissions pending review"
        + (f" and {ui.number(gone)} replaced (they cannot be reviewed and never count)" if gone else "")
        + ", oldest first. Pending submissions "
        + ("do not count" if queries.counts_setting() == "approved" else "count")
        + " in the figures.",
    )
)
if pending.empty:
    st.success(ui.t("Không có báo cáo nào chờ duyệt.", "Nothing is waiting for review."))
    st.stop()

# Bulk approval: every submission shown that carries no flag (and that this account did not send), confirmed first.
clean = pending[(pending["flags"].str.len() == 0) & (pending["received_from"] != actor.name)]
clean = clean[clean["review_status"] == "pending"]["id"].astype(int).tolist()
if clean:
    if st.button(
        ui.t(
            f"Duyệt tất cả {ui.number(len(clean))} báo cáo đang hiện không có cờ",
            f"Approve all {ui.number(len(clean))} submissions shown that have no flag",
        ),
        icon=":material/done_all:",
        key="bulk_ask",
    ):
        st.session_state["bulk_ids"] = clean
    if st.session_state.get("bulk_ids") == clean:
        st.warning(
            ui.t(
                f"Duyệt {ui.number(len(clean))} báo cáo không có cờ: {', '.join(map(str, clean[:20]))}"
                + ("…" if len(clean) > 20 else "")
                + ". Mỗi lần duyệt được ghi nhật ký riêng. Tiếp tục?",
                f"Approve {ui.number(len(clean))} submissions without a flag: {', '.join(map(str, clean[:20]))}"
                + ("…" if len(clean) > 20 else "")
                + ". Each approval is audited on its own. Go ahead?",
            ),
            icon=":material/warning:",
        )
        yes, no = st.columns([1, 5])
        if yes.button(ui.t("Xác nhận duyệt", "Confirm"), type="primary", key="bulk_confirm"):
            del st.session_state["bulk_ids"]
            ui.act(
                review.approve_unflagged,
                clean,
                done=ui.t(f"Đã duyệt {ui.number(len(clean))} báo cáo.", f"{len(clean)} submissions approved."),
            )
        if no.button(ui.t("Hủy", "Cancel"), key="bulk_cancel"):
            del st.session_state["bulk_ids"]
            st.rerun()

shown = pending.head(st.session_state.get("review_shown", PAGE))
with ui.session() as session:
    # Read and scored at once for the page (one pass instead of one per submission).
    all_changes = review.changes_of(session, actor, shown["id"].astype(int).tolist())
    all_files = evidence.files_of(session, actor, shown["commune_code"].tolist())
for row, files in zip(shown.itertuples(), all_files, strict=True):
    title = (
        f"{row.commune_name} ({row.commune_code}) · {ui.t('ngày báo cáo', 'reporting date')} "
        f"{ui.day(row.reporting_date)} · {origin_label(row.origin, lang)} · "
        + ui.t(f"chờ {row.age_days} ngày", f"waiting {row.age_days} days")
        + (f" · :material/flag: {', '.join(flags.label(c, lang) for c in row.flags)}" if row.flags else "")
    )
    with st.expander(title, expanded=len(pending) == 1 or row.Index == 0):
        st.text(
            ui.t(
                f"Báo cáo số {row.id}, gửi bởi {row.received_from} lúc {format_datetime(row.received_at, lang)}",
                f"Submission {row.id}, sent by {row.received_from} at {format_datetime(row.received_at, lang)}",
            )
        )
        for flag in texts[texts["submission_id"] == row.id].itertuples():
            st.warning(
                f"**{flags.label(flag.code, lang)}**: {ui.t(flag.text_vi, flag.text_en)}", icon=":material/flag:"
            )
        changes = all_changes[int(row.id)]
        st.markdown(change_views.review_sentence(changes, lang))
        ui.table(change_views.review_changes(changes, lang), change_views.REVIEW_CHANGES)
        st.markdown(ui.t("**Minh chứng**", "**Evidence**"))
        ui.evidence_files(files, key=f"queue_{row.id}", show_superseded=False)
        if row.review_status == "superseded":
            continue

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
if len(pending) > len(shown) and st.button(
    ui.t(
        f"Xem thêm (đang hiện {ui.number(len(shown))} báo cáo cũ nhất trong {ui.number(len(pending))})",
        f"Show more (showing the {ui.number(len(shown))} oldest of {ui.number(len(pending))})",
    ),
    icon=":material/expand_more:",
    key="review_more",
):
    st.session_state["review_shown"] = len(shown) + PAGE
    st.rerun()
