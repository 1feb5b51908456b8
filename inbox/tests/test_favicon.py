"""The icon a browser asks for on pages that name none, such as the admin's."""

from django.templatetags.static import static


def test_favicon_ico_leads_to_the_inbox_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"] == static("img/favicon.svg")
