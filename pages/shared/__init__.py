"""Helpers shared by the pages (kept in a package so Streamlit does not list them as pages)."""
