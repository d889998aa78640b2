"""The children's Family Front Door: a portal where professionals of approved partner agencies raise a cause for
concern or ask for information about a child, and the front-door team's holding area where screening officers
prioritise, ask for more detail, decide the outcome and push accepted contacts into the social care record system."""

SERVICE_KEY = "family-front-door"
