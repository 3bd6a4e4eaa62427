"""Shared pieces of the Hypothesis form tests: arbitrary form values and a snapshot of what a post could change."""

from django.db.models import Model
from hypothesis import strategies as st

# What people and scripts type into fields: nothing, blanks, numbers out of range, broken dates, control characters.
AWKWARD = [
    "",
    " ",
    "0",
    "-1",
    "1e9",
    "NaN",
    "Infinity",
    "0.001",
    "99999999999999999999",
    "2026-13-45T25:61",
    "1970-01-01T00:00",
    "\x00",
    "<script>alert(1)</script>",
    "ąčęėįšųūž",
]


def values(*valid):
    """Any of the valid values, an awkward one, or arbitrary text: mostly wrong, sometimes right."""
    return st.one_of(
        st.sampled_from([str(value) for value in valid]) if valid else st.nothing(),
        st.sampled_from(AWKWARD),
        st.integers(min_value=-(10**12), max_value=10**12).map(str),
        st.text(max_size=40),
    )


def form_data(fields: dict):
    """A POST body where any field may also be missing."""
    return st.fixed_dictionaries({}, optional=fields)


def snapshot(models: list[type[Model]], objects: list[Model]):
    """Row counts of the models and every field of the objects, to compare before and after a request."""
    counts = {model.__name__: model._default_manager.count() for model in models}
    rows = [list(type(obj)._default_manager.filter(pk=obj.pk).values()) for obj in objects]
    return counts, rows


def form_errors(response) -> bool:
    """Whether the re-rendered page carries an error for the person (a form or formset of the context)."""
    for context in response.context or []:
        for value in context.flatten().values():
            errors = getattr(value, "errors", None)
            if errors and (not isinstance(errors, list) or any(errors)):
                return True
            non_form_errors = getattr(value, "non_form_errors", None)
            if callable(non_form_errors) and getattr(value, "is_bound", False) and non_form_errors():
                return True
    return False


def near(valid: dict):
    """A valid POST body with up to three fields removed or replaced by arbitrary values: the near misses."""
    keys = sorted(valid)

    @st.composite
    def build(draw):
        data = dict(valid)
        for key in draw(st.sets(st.sampled_from(keys), max_size=3)):
            if draw(st.booleans()):
                del data[key]
            else:
                data[key] = draw(values())
        return data

    return build()


def posts(valid: dict, fields: dict):
    """Near misses of a valid body, or any mix of values for the fields."""
    return st.one_of(near(valid), form_data(fields))
