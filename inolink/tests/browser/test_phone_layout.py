"""On a phone (390 px wide) no page scrolls sideways: wide tables scroll inside their own region or stack their rows.

Lithuanian, whose words are the longer, on the demo data: the pages every role sees, as in the accessibility check.
"""

import pytest
from django.core.management import call_command

from accounts.models import User

from .test_accessibility import visit_every_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_no_page_scrolls_sideways_on_a_phone(page):
    call_command("load_demo", verbosity=0)
    User.objects.update(language="lt")
    page.set_viewport_size({"width": 390, "height": 844})
    too_wide = {}
    for url in visit_every_page(page):
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            too_wide[url] = width
    assert too_wide == {}
