"""How a person signs in to read her own record through the API: her browser's session
(with its CSRF check on writes)."""

from rest_framework.authentication import SessionAuthentication

PERSONAL_AUTH = [SessionAuthentication]
