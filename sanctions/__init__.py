"""sanctions: official designation lists in one SQLite database, screened by an explaining matcher."""

__version__ = "0.1.0"
