"""The engine every council service runs on: cases, tenancy, queues, audit, workflows, notifications; it names no service."""
