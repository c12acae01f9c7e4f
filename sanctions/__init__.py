"""sanctions: official designation lists in one SQLite database, and a matcher that explains."""

__version__ = "0.1.0"
