import streamlit as st

import ui
from readiness.reading import queries

ui.data_page("Bảng xếp hạng", "Ranking")
st.caption(
    ui.t(
        "Xếp theo số tiêu chí đạt, rồi số tiêu chí đạt đúng hạn, rồi ngày chuyển sang đạt lần cuối (sớm hơn xếp "
        "trên). Bằng nhau thì cùng hạng.",
        "By criteria met, then criteria met on time, then the date of the last turn to green (earlier first). "
        "Ties share a rank.",
    )
)
if ui.national():
    st.subheader(ui.t("Tỉnh, thành phố", "Provinces"))
    st.caption(ui.t("Xếp theo tỉ lệ xã, phường đạt đủ tiêu chí.", "By share of communes fully green."))
    ui.province_ranking_table(queries.province_ranking(ui.status_frame()))
    st.subheader(ui.t("Xã, phường", "Communes"))
ui.ranking_table(ui.query(queries.ranking, ui.as_of(), ui.province()), key="ranking")
