"""Incident Map engine: pure, typed functions with no Streamlit import."""
