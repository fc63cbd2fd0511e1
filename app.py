"""Incident Map: router and page configuration."""

import streamlit as st

st.set_page_config(page_title="Incident Map", page_icon=":material/map:", layout="wide")

pages = [
    st.Page("pages/map.py", title="Map", icon=":material/map:", default=True, url_path="map"),
]
st.navigation(pages).run()
