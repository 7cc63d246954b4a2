"""Ketamine therapy in mental health care: the course engine (no Streamlit imports here)."""

__version__ = "0.1.0"
