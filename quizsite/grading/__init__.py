"""Django glue of the grader: the Submission row, the thin Celery task and the sweeper.
The grading itself lives in the Django-free library around this package."""
