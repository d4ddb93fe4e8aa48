"""Masking personal data in answers: what a viewer without the right to see it gets."""


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
