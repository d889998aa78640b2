"""Blue Badge: disabled parking permits, the platform's first service (applications, decisions, badges, printing)."""

SERVICE_KEY = "blue-badge"
