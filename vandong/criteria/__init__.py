"""Evaluation of units against criteria sets, recognition records, and the pages and API that show them."""
