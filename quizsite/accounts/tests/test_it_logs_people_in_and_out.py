import re

import pytest
from django.core import mail


@pytest.mark.django_db
def test_it_logs_in_with_the_right_password(client, student):
    response = client.post("/accounts/login/", {"username": "student", "password": "pw-student"})
    assert response.status_code == 302 and response.url == "/"
    assert "cs107" in client.get("/").content.decode()


@pytest.mark.django_db
def test_it_refuses_the_wrong_password(client, student):
    response = client.post("/accounts/login/", {"username": "student", "password": "nope"})
    assert response.status_code == 200
    assert "didn't match" in response.content.decode()


@pytest.mark.django_db
def test_it_logs_out_on_post(client_for, student):
    client = client_for(student)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response.url == "/accounts/login/"
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_it_sends_a_working_password_reset_link(client, student, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.post("/accounts/password_reset/", {"email": "student@example.edu"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url  # Django swaps the token for a session marker
    response = client.post(
        form_url, {"new_password1": "a-new-Passw0rd!", "new_password2": "a-new-Passw0rd!"}
    )
    assert response.status_code == 302
    assert client.login(username="student", password="a-new-Passw0rd!")
