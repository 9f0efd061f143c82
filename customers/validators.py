from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

account_no_validator = RegexValidator(
    r"^\d{10,20}$", _("An account number (户号) is 10 to 20 digits."), code="invalid_account_no"
)
# Mainland mobile (11 digits starting with 1) or a landline with optional area code and extension.
phone_validator = RegexValidator(
    r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|\d{7,8}|95598)$",
    _("Enter a mobile number (11 digits) or a landline such as 010-12345678."),
    code="invalid_phone",
)
