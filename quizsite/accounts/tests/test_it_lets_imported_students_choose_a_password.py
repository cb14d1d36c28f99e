"""An account made by the roster import has no usable password; its owner chooses one
through "Forgot your password?", as the README says."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from quizsite.accounts.models import User
from quizsite.accounts.roster import import_roster


@pytest.mark.django_db
def test_it_sends_an_imported_student_a_link_to_choose_a_password(client, course, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert import_roster(course, "username,email,role\nada,Ada@Example.edu,student\n").ok
    assert not User.objects.get(username="ada").has_usable_password()
    client.post("/accounts/password_reset/", {"email": "ada@example.edu"})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["Ada@Example.edu"]
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url
    response = client.post(
        form_url, {"new_password1": "a-new-Passw0rd!", "new_password2": "a-new-Passw0rd!"}
    )
    assert response.status_code == 302
    assert client.login(username="ada", password="a-new-Passw0rd!")


@pytest.mark.django_db
def test_it_sends_nothing_to_an_inactive_account(client, course, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert import_roster(course, "username,email,role\nada,ada@example.edu,student\n").ok
    User.objects.filter(username="ada").update(is_active=False)
    client.post("/accounts/password_reset/", {"email": "ada@example.edu"})
    assert mail.outbox == []


@pytest.mark.django_db
def test_it_tells_staff_how_new_accounts_get_their_password(client_for, instructor, course):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("r.csv", b"username,email,role\nada,ada@example.edu,student\n")
    page = client_for(instructor).post(
        f"/courses/{course.code}/roster/", {"csv_file": upload}, follow=True
    )
    assert "New accounts choose their password with" in page.content.decode()
