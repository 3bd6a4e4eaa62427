"""Permission-matrix entries of the API's objects (see inolink/tests/matrix.py), requested with the browser's session.

The same objects are requested with tokens, as every wrong role, by api/tests/test_permission_matrix.py.
"""

from accounts.tests.factories import StaffFactory
from inolink.tests.matrix import Case, register

from .factories import cluster_data

# Who besides staff may read each kind of object through the API: the pages' own rules (api/permissions.py).
READERS = {
    "cluster": ("manager",),
    "organisation": ("manager",),
    "member": ("manager",),
    "agreement": ("manager",),
    "allocation": ("manager",),
    "consultation": ("manager", "expert"),
    "outcome": ("manager", "expert"),
    "event": (),  # a draft: staff only (published events are for everyone signed in)
    "participation": ("manager",),
    "label": ("manager",),
    "benchmarking": ("manager",),
}


def api_case(basename):
    def factory():
        data = cluster_data()
        people = {"manager": data.manager, "expert": data.expert}
        rightful = [people[role] for role in READERS[basename]] + [StaffFactory()]
        wrong = {f"the session's expert ({basename})": data.expert} if "expert" not in READERS[basename] else {}
        return Case(kwargs={"pk": data.objects()[basename]}, rightful=rightful, wrong=wrong, anonymous_status=401)

    return factory


for _basename in READERS:
    register(f"api:{_basename}-detail")(api_case(_basename))
