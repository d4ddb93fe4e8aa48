"""Residents' national ID numbers: the check (GB 11643) and the mask. Their data is
encrypted and fingerprinted with the key by shared.pii."""

from datetime import date

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"


def id_number_problem(value):
    """What is wrong with a PRC resident ID number (GB 11643), or None when it is valid."""
    value = value.upper()
    if len(value) != 18 or not value[:17].isdigit() or value[17] not in "0123456789X":
        return "Must be 18 characters: 17 digits and a check digit or X."
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "The date of birth in it is not a date."
    total = sum(int(digit) * weight for digit, weight in zip(value[:17], ID_WEIGHTS, strict=True))
    if ID_CHECK_CHARS[total % 11] != value[17]:
        return "The check digit is wrong."
    return None


def mask_id_number(value):
    """6532**********123X: region and last four only."""
    return value[:4] + "*" * (len(value) - 8) + value[-4:] if value else value


__all__ = ["id_number_problem", "mask_id_number"]
