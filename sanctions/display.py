"""How a score is printed, the same on every surface (the CLI's tables, the web's pages).

    >>> format_score(0.9896), format_score(1.0), format_score(0.9)
    ('0.989', '1.000', '0.900')
"""

from __future__ import annotations


def format_score(score: float) -> str:
    """Three decimals, cut rather than rounded: every band starts at a number of at most three
    decimals (0.99, 0.90, the threshold), so the printed score is never on the other side of a
    band boundary from the score (0.9896, strong, prints 0.989, not 0.990)."""
    text = f"{score:.6f}"  # scores carry 4 decimals; 6 keeps them exact before the cut
    whole, _, frac = text.partition(".")
    return f"{whole}.{frac[:3]}"
