"""The presentation layer: the tables a page, the PDF report, the Excel workbooks and the CLI show, built once.

Each view turns query frames (reading.queries) into one frame whose columns a table spec (views.columns)
describes: key, Vietnamese and English header, kind, and where it appears (page, PDF, Excel) at which width.
ui.py draws a spec with st.dataframe, outputs.report as an fpdf2 table, outputs.export as a sheet, so that the
three show the same rows, words and numbers. No streamlit here.
"""
