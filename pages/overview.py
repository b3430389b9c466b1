import streamlit as st

import ui
from readiness import queries

st.title(ui.t("Mức độ sẵn sàng của xã, phường", "Commune readiness"))
kpis = ui.query(queries.kpis, ui.as_of(), ui.province())
left, right = st.columns(2)
left.metric(ui.t("Xã, phường", "Communes"), kpis["communes"])
right.metric(ui.t("Tiêu chí", "Criteria"), kpis["criteria"])
