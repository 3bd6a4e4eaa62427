"""Permission-matrix entries of accounts (see inolink/tests/matrix.py)."""

from inolink.tests.matrix import exempt

exempt(
    "accounts:password-reset-confirm",
    "the emailed password-reset link: anyone holding it may open it; the signed token is the permission",
)
