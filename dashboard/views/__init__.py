"""Pure builders behind each page: frames in, words, figures and tables out (no Dash callbacks)."""
