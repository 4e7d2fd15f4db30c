"""Pages of the Streamlit app. Thin: read widgets, call vetting, show results."""
