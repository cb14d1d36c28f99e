"""Sample data for a local site. It sits above every app it fills (accounts, the bank,
quizzes, reports), so none of them imports it."""
