"""The Family Front Door domain: pure, no AWS imports."""
