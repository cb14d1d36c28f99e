# The reports app's upload was called Submission, like grading's code submission; it
# is renamed (its table and rows kept) so each name means one thing.

from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_submission_length_check"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel(old_name="Submission", new_name="ReportSubmission"),
    ]
