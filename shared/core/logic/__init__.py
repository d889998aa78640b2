"""The engine's service layer: what happens to a case of any service, with its stores passed in."""
