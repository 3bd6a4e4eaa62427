"""Permission-matrix entries of outreach (see inolink/tests/matrix.py)."""

from inolink.tests.matrix import exempt

exempt(
    "outreach:invitation-accept",
    "the invited person has no account yet: the single-use secret in the emailed link is the permission",
)
