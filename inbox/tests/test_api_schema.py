import pytest
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/whatsapp/messages/": "get",
    "/api/whatsapp/conversations/": "get",
    "/api/whatsapp/statuses/": "get",
    "/api/whatsapp/mark-read/": "post",
}


def fetch_schema(client) -> dict:
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def test_renders_a_valid_openapi_document_listing_the_four_endpoints(staff_client):
    schema = fetch_schema(staff_client)

    validate_schema(schema)
    assert {path: next(iter(ops)) for path, ops in schema["paths"].items() if path in PATHS} == PATHS


def test_documents_the_filters_of_each_list(staff_client):
    paths = fetch_schema(staff_client)["paths"]

    def params(path: str) -> set[str]:
        return {p["name"] for p in paths[path]["get"]["parameters"]}

    assert params("/api/whatsapp/messages/") == {
        "phone", "type", "limit", "before", "message_id", "direction", "conversation"
    }
    assert params("/api/whatsapp/conversations/") == {"phone", "limit", "before"}
    assert params("/api/whatsapp/statuses/") == {"message_id", "status", "limit", "before"}


def test_documents_the_response_envelopes_and_token_auth(staff_client):
    schema = fetch_schema(staff_client)
    components = schema["components"]["schemas"]

    assert set(components["MessageList"]["properties"]) == {"count", "next", "messages"}
    assert set(components["ConversationList"]["properties"]) == {"count", "next", "conversations"}
    assert set(components["StatusList"]["properties"]) == {"count", "next", "statuses"}
    assert components["Message"]["properties"]["timestamp"]["format"] == "date-time"
    assert components["Message"]["properties"]["media_url"]["nullable"] is True
    assert "tokenAuth" in schema["components"]["securitySchemes"]
    for path, method in PATHS.items():
        assert set(schema["paths"][path][method]["responses"]) >= {"200", "401", "403"}
