"""Incident Map: page configuration and router."""

from pathlib import Path

import streamlit as st

from pages.shared import router

ICON = Path(__file__).parent / "static" / "icon.png"
st.set_page_config(page_title="Incident Map", page_icon=str(ICON), layout="wide")
router.run()
