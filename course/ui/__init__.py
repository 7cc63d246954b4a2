"""Streamlit user interface. Every `import streamlit` in the project lives under here."""
