from django.dispatch import Signal

# Sent once when a submission reaches graded or error; kwargs: submission.
submission_finished = Signal()
