"""Narrative reports: templates with named figures, composed from the data and
written as DOCX, PDF and XLSX in the official document formats."""
