"""How a number reads in a sentence of the book.

Python writes a very small number as 1.1e-07, which a reader has to decode; the book writes it
as 1.1 × 10⁻⁷, and a number of ordinary size as it is.

>>> readable(1.0734e-07), readable(4.69e-12, digits=1), readable(0.4137), readable(9.7e-06, 1)
('1.1 × 10⁻⁷', '5 × 10⁻¹²', '0.41', '10⁻⁵')
"""

from __future__ import annotations

from .validation import check_count, check_real

__all__ = ["readable"]

_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def readable(value, digits: int = 2) -> str:
    """`value` to `digits` significant digits, as Python's `g` format rounds it, with a power of
    ten written as one ("3.2 × 10⁻⁵", or "10⁻⁵" when the digits are a lone 1) instead of Python's
    "3.2e-05"."""
    value = check_real(value, "value")
    digits = check_count(digits, "digits", high=17, why=" (a float holds 17 significant digits)")
    text = f"{value:.{digits}g}"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    power = "10" + str(int(exponent)).translate(_SUPERSCRIPTS)
    if mantissa.lstrip("-") == "1":
        return mantissa.replace("1", "") + power
    return f"{mantissa} × {power}"
