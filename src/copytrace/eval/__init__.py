"""Quality measurements on standard corpora (PAN text alignment, article extraction)."""
