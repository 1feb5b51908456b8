"""The message templates the fake Graph API lists, shaped like Meta's
`GET /<WABA_ID>/message_templates` items: positional and named variables, a header, buttons,
and one rejected template that a sync must not offer to agents."""


def default_templates() -> list[dict]:
    return [
        {
            "name": "hello_world",
            "parameter_format": "POSITIONAL",
            "components": [
                {"type": "HEADER", "format": "TEXT", "text": "Hello World"},
                {
                    "type": "BODY",
                    "text": "Welcome and congratulations!! This message demonstrates your ability to send a "
                    "WhatsApp message notification from the Cloud API, hosted by Meta.",
                },
                {"type": "FOOTER", "text": "WhatsApp Business Platform sample message"},
            ],
            "language": "en_US",
            "status": "APPROVED",
            "category": "UTILITY",
            "id": "1192339204654487",
        },
        {
            "name": "order_ready",
            "parameter_format": "POSITIONAL",
            "components": [
                {"type": "HEADER", "format": "TEXT", "text": "Order {{1}} is ready", "example": {"header_text": ["A-1042"]}},
                {
                    "type": "BODY",
                    "text": "Hi {{1}}, your order {{2}} is cleaned, pressed and ready for pickup. "
                    "We are open today until {{3}}.",
                    "example": {"body_text": [["John", "A-1042", "8 pm"]]},
                },
                {"type": "FOOTER", "text": "Sparkle Dry Cleaners"},
                {
                    "type": "BUTTONS",
                    "buttons": [{"type": "QUICK_REPLY", "text": "Deliver it instead"}],
                },
            ],
            "language": "en",
            "status": "APPROVED",
            "category": "UTILITY",
            "id": "1447220063321810",
        },
        {
            "name": "pickup_reminder",
            "parameter_format": "NAMED",
            "components": [
                {
                    "type": "BODY",
                    "text": "Hello {{customer_name}}, a friendly reminder that your items from order "
                    "{{order_number}} are still waiting for you. Reply to this message if you would "
                    "like us to deliver them.",
                    "example": {
                        "body_text_named_params": [
                            {"param_name": "customer_name", "example": "John"},
                            {"param_name": "order_number", "example": "A-1042"},
                        ]
                    },
                }
            ],
            "language": "en",
            "status": "APPROVED",
            "category": "UTILITY",
            "id": "902113877654321",
        },
        {
            "name": "follow_up",
            "parameter_format": "POSITIONAL",
            "components": [
                {
                    "type": "BODY",
                    "text": "Hi {{1}}, we are following up on your last message to Sparkle Dry Cleaners. "
                    "Is there anything else we can help you with?",
                    "example": {"body_text": [["John"]]},
                }
            ],
            "language": "en",
            "status": "APPROVED",
            "category": "UTILITY",
            "id": "781245509912345",
        },
        {
            "name": "pedido_listo",
            "parameter_format": "POSITIONAL",
            "components": [
                {
                    "type": "BODY",
                    "text": "Hola {{1}}, tu pedido {{2}} está listo para recoger.",
                    "example": {"body_text": [["Juan", "A-1042"]]},
                }
            ],
            "language": "es",
            "status": "APPROVED",
            "category": "UTILITY",
            "id": "640098123456789",
        },
        {
            "name": "summer_sale",
            "parameter_format": "POSITIONAL",
            "components": [{"type": "BODY", "text": "Get 50% off all suits this week only!"}],
            "language": "en",
            "status": "REJECTED",
            "category": "MARKETING",
            "rejected_reason": "PROMOTIONAL",
            "id": "530011223344556",
        },
    ]
