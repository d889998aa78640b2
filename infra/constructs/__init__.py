"""Building blocks of the Casework stack, one concern per module."""
