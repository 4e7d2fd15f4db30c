"""Text for people: names from any script placed safely inside sentences.

A right-to-left name (Arabic) inside a left-to-right sentence, or the reverse, makes the
Unicode bidirectional algorithm reorder the numbers and brackets next to it
("(91.0) نورة and …"). Wrapping the name in first-strong isolate marks keeps it a unit.

>>> isolate("نورة القحطاني") == "\\u2068نورة القحطاني\\u2069"
True
"""

FIRST_STRONG_ISOLATE = "\u2068"
POP_DIRECTIONAL_ISOLATE = "\u2069"


def isolate(name: str) -> str:
    """``name`` as one directional unit inside any sentence."""
    return f"{FIRST_STRONG_ISOLATE}{name}{POP_DIRECTIONAL_ISOLATE}"
