"""Question banks: the file format (``questions.format``) and answer scoring."""
