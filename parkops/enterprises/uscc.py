"""The unified social credit code (统一社会信用代码), GB 32100-2015.

Eighteen characters from a 31-character set (digits and upper-case letters
without I, O, S, V, Z): registration authority, entity type, six-digit
administrative division (GB/T 2260), nine-character organisation code and a
check character computed with weights 3^i mod 31.
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {char: index for index, char in enumerate(CHARSET)}
WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, 16, 17, 20, ...
LENGTH = 18


def normalise(raw: str) -> str:
    """Trim, fold full-width characters to half-width (NFKC) and upper-case."""
    return unicodedata.normalize("NFKC", raw or "").strip().replace(" ", "").upper()


def check_character(first17: str) -> str:
    """The GB 32100-2015 check character for the first seventeen characters."""
    total = sum(VALUES[char] * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> None:
    """Raise a ValidationError saying exactly what is wrong with ``value``."""
    code = normalise(value)
    if len(code) != LENGTH:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(length)d."),
            code="uscc_length",
            params={"length": len(code)},
        )
    bad = [char for char in code if char not in VALUES]
    if bad:
        raise ValidationError(
            _(
                "“%(chars)s” cannot appear in a unified social credit code "
                "(digits and capital letters except I, O, S, V and Z)."
            ),
            code="uscc_charset",
            params={"chars": "".join(dict.fromkeys(bad))},
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _(
                "The check character (18th) should be %(expected)s, not %(actual)s: "
                "a character was probably mistyped."
            ),
            code="uscc_check",
            params={"expected": expected, "actual": code[17]},
        )


def make_uscc(body17: str) -> str:
    """Append the check character: for demo data and tests."""
    return body17 + check_character(body17)


# Registration authorities (1st character) and entity types (2nd), GB 32100 table 1.
AUTHORITIES = frozenset("123456789ANY")
TYPES = frozenset("123459")


def looks_like_prefix(code: str) -> bool:
    """Whether normalised ``code`` reads as the start of a credit code (an
    authority, an entity type, then the start of a GB/T 2260 division code):
    what a user types to find one enterprise by its code, matched from the
    start; any other run of code characters is a fragment, matched anywhere."""
    from parkops.core.regions import region_code_prefixes

    if len(code) < 2 or any(char not in VALUES for char in code):
        return False
    if code[0] not in AUTHORITIES or code[1] not in TYPES:
        return False
    division = code[2:8]
    return not division or division in region_code_prefixes()
