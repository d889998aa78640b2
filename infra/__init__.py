"""AWS CDK v2 app for the Casework platform (one stack, councils as tenants)."""
