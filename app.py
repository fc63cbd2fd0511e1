"""Incident Map: router and page configuration."""

from pathlib import Path

import streamlit as st

ICON = Path(__file__).parent / "static" / "icon.png"
st.set_page_config(page_title="Incident Map", page_icon=str(ICON), layout="wide")

pages = [
    st.Page("pages/map.py", title="Map", icon=":material/map:", default=True, url_path="map"),
    st.Page(
        "pages/review.py", title="Review place names", icon=":material/where_to_vote:",
        url_path="review",
    ),
    st.Page(
        "pages/import_file.py", title="Import", icon=":material/upload_file:", url_path="import",
    ),
    st.Page(
        "pages/extract.py", title="Extract from a report", icon=":material/article:",
        url_path="extract",
    ),
]
st.navigation(pages).run()
