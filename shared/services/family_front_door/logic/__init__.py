"""The Family Front Door service layer: the portal's and the team's actions, and the workflow's steps."""
