"""The Streamlit app: navigation only. Each page is a small module in app_pages/."""

import streamlit as st

from vetting.memory import keep_freed_memory

keep_freed_memory()  # once per server process; later reruns change nothing
st.set_page_config(
    page_title="Social media hire vetting", page_icon=":material/person_search:", layout="wide"
)

navigation = st.navigation(
    [
        st.Page("app_pages/candidates.py", title="Candidates", icon=":material/groups:",
                default=True),
        st.Page("app_pages/scorecard.py", title="Scorecard", icon=":material/fact_check:"),
        st.Page("app_pages/compare.py", title="Compare", icon=":material/compare_arrows:"),
        st.Page("app_pages/rubrics.py", title="Rubrics", icon=":material/rule:"),
    ]
)
navigation.run()
