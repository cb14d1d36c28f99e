"""Staff pages of the question banks: browse, preview a variant, try an answer. A room
above both the bank (the questions) and grading (which grades the code tried here)."""
