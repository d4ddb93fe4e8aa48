"""Masking personal data in answers: what a viewer without the right to see it gets."""

import re

# In free text (a question, advice, notes) someone may have typed an ID number or a phone:
# 18 characters of an ID (17 digits and a digit or X), an 11-digit mobile, a landline
# with its area code. Digits may be split by spaces or dashes as people type them.
_SEPARATED = r"[\s-]?"
ID_NUMBER_IN_TEXT = re.compile(
    r"(?<![0-9A-Za-z])(?:\d" + _SEPARATED + r"){17}[\dXx](?![0-9A-Za-z])"
)
PHONE_IN_TEXT = re.compile(
    r"(?<!\d)(?:1[3-9](?:" + _SEPARATED + r"\d){9}|0\d{2,3}" + _SEPARATED + r"\d{7,8})(?!\d)"
)


def mask_phone(phone):
    """138****5678: the first three and last four digits only."""
    if not phone:
        return phone
    if len(phone) <= 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_name(name):
    """阿**: the first character only."""
    if not name:
        return name
    return name[0] + "*" * max(1, len(name) - 1)


def _keep_ends(found, head, tail):
    digits = [i for i, char in enumerate(found) if char.isalnum()]
    hidden = set(digits[head : len(digits) - tail])
    return "".join("*" if i in hidden else char for i, char in enumerate(found))


def mask_text(text):
    """Free text with every ID number (6532**********123X) and phone (138****5678) in it
    masked; the rest as written."""
    if not text:
        return text
    text = ID_NUMBER_IN_TEXT.sub(lambda found: _keep_ends(found.group(), 4, 4), text)
    return PHONE_IN_TEXT.sub(lambda found: _keep_ends(found.group(), 3, 4), text)
