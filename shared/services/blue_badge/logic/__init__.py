"""Blue Badge's service layer: intake, workflow steps, decisions, badges, printing, reminders, statistics."""
