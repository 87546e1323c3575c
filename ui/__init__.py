"""The Streamlit app's pages and the pieces they share; app.py wires them together."""
