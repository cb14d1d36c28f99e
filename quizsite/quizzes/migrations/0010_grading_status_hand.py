from django.db import migrations, models

STATUSES = [
    ("", "Not graded yet"),
    ("pending", "Being graded"),
    ("graded", "Graded"),
    ("failed", "Grading failed: for staff to grade"),
    ("hand", "Awaiting hand grading"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0009_question_feedback"),
    ]

    operations = [
        migrations.AlterField(
            model_name="answer",
            name="grading_status",
            field=models.CharField(blank=True, choices=STATUSES, default="", max_length=10),
        ),
        migrations.AlterField(
            model_name="answertry",
            name="grading_status",
            field=models.CharField(choices=STATUSES, default="pending", max_length=10),
        ),
    ]
