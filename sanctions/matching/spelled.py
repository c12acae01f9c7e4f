"""A word cut short from how it was written, not from its folded spelling.

`normalize.VARIANTS` folds spellings of one name or word to one ('petr' -> 'pyotr', 'abdel'
-> 'abdul', listed 'hossein' -> 'husayn'), so a word cut short may start how the word was
written and not its fold: 'Petr' of PETROLEUM reads 'pyotr', 'Hoss' of a listed 'Hossein'
meets 'husayn', 'Abdel' of 'Abdelkader' reads 'abdul'. `cut_short` looks at every spelling
of both words; `features._abbreviations` pairs them (at `prefix_similarity`, only where the
rest of the name agrees), and the bounds of the re-screen and of the scorer
(`bound.shape`, `listed.listed_of`, `reach`, `reach_names`) count the same spellings.

    >>> cut_short("pyotr", "petroleum", 3), cut_short("abdul", "abdelkader", 4)
    (True, True)
    >>> cut_short("hoss", "husayn", 4), cut_short("hoss", "hassan", 4)
    (True, False)
"""

from __future__ import annotations

from .tokens import SPELLINGS


def spelled(token: str) -> tuple[str, ...]:
    """The word and the other spellings its fold stands for ('pyotr': pyotr, petr)."""
    more = SPELLINGS.get(token)
    return (token, *more) if more else (token,)


def cut_short(a: str, b: str, shortest: int) -> bool:
    """Whether a spelling of query word `a` (`shortest` letters or more) is the start of a
    spelling of listed word `b` (the words as they are among them), two letters short at
    least; False at once where neither is a fold (`features._abbreviations` looks at those
    itself)."""
    if a not in SPELLINGS and b not in SPELLINGS:
        return False
    return any(len(y) >= len(x) + 2 and y.startswith(x)
               for x in spelled(a) if len(x) >= shortest for y in spelled(b))
