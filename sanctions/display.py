"""How a score is printed, the same on every surface (the CLI's tables, the web's pages), and
which strings can be shown at all.

    >>> format_score(0.9896), format_score(1.0), format_score(0.9)
    ('0.989', '1.000', '0.900')
    >>> is_text("Nicolás"), is_text("\\udcff")
    (True, False)
"""

from __future__ import annotations


def format_score(score: float) -> str:
    """Three decimals, cut rather than rounded: every band starts at a number of at most three
    decimals (0.99, 0.90, the threshold), so the printed score is never on the other side of a
    band boundary from the score (0.9896, strong, prints 0.989, not 0.990)."""
    text = f"{score:.6f}"  # scores carry 4 decimals; 6 keeps them exact before the cut
    whole, _, frac = text.partition(".")
    return f"{whole}.{frac[:3]}"


def is_text(value: str) -> bool:
    """False for a string holding a lone surrogate: valid JSON ("\\ud800") and how Python keeps
    an argument's bytes that were not UTF-8, but not text; echoed back it could not be encoded."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
