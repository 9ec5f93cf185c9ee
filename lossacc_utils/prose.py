"""How a number reads in a sentence of the book.

Python writes a very small number as 1.1e-07, which a reader has to decode; the book writes it
as 1.1 × 10⁻⁷, and a number of ordinary size as it is.

>>> readable(1.0734e-07), readable(4.69e-12, digits=1), readable(0.4137), readable(9.7e-06, 1)
('1.1 × 10⁻⁷', '5 × 10⁻¹²', '0.41', '10⁻⁵')

A figure's title or an explorer's readout shows a number with a fixed count of decimals, unless
those would hide it (`fixed`, `percent`); the explorers' front end writes them the same way.
"""

from __future__ import annotations

import math

import numpy as np

from .validation import check_count, check_real

__all__ = ["fixed", "percent", "readable"]

#: From this size on, `fixed` writes a number as `readable` does: 1.2 × 10⁶, not 1234567.000.
LARGE = 1e6

_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def readable(value, digits: int = 2) -> str:
    """`value` to `digits` significant digits, as Python's `g` format rounds it, with a power of
    ten written as one ("3.2 × 10⁻⁵", or "10⁻⁵" when the digits are a lone 1) instead of Python's
    "3.2e-05"."""
    value = check_real(value, "value") + 0.0  # -0.0 is 0.0, as a browser writes it
    digits = check_count(digits, "digits", high=17, why=" (a float holds 17 significant digits)")
    text = f"{value:.{digits}g}"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    power = "10" + str(int(exponent)).translate(_SUPERSCRIPTS)
    if mantissa.lstrip("-") == "1":
        return mantissa.replace("1", "") + power
    return f"{mantissa} × {power}"


def fixed(value, decimals: int) -> str:
    """`value` with `decimals` decimals, as Python's `f` format writes it, unless the decimals
    would hide it: a number they round to 0 but is not 0 (a temperature of 0.004 is not "0.00"),
    or one that rounds to `LARGE` or more, reads as `readable` writes it. NaN and infinities read
    as `f` writes them.

    >>> fixed(0.4137, 2), fixed(0.004, 2), fixed(0.0, 2), fixed(3.4e38, 3)
    ('0.41', '0.004', '0.00', '3.4 × 10³⁸')
    """
    decimals = check_count(decimals, "decimals", low=0, high=20)
    if _not_finite(value):
        return f"{float(value):.{decimals}f}"
    value = check_real(value, "value") + 0.0  # -0.0 is 0.0, as a browser writes it
    text = f"{value:.{decimals}f}"
    if abs(float(text)) >= LARGE or (value != 0 and not text.strip("-0.")):
        return readable(value)
    return text


def percent(value, decimals: int) -> str:
    """`value` (a share, such as an accuracy) as a percentage: `fixed` of 100 × `value`, then "%".

    >>> percent(0.9137, 1), percent(1e-7, 1)
    ('91.4%', '10⁻⁵%')
    """
    if _not_finite(value):
        return fixed(value, decimals) + "%"
    share = check_real(value, "value")
    if not math.isfinite(100 * share):
        raise ValueError(f"value must be a share a float holds as a percentage; got {share}")
    return fixed(100 * share, decimals) + "%"


def _not_finite(value) -> bool:
    """Whether `value` is a float's NaN or infinity (a longdouble beyond a float is neither)."""
    return isinstance(value, float | np.floating) and not np.isfinite(value)
