"""On a phone (390 px wide) no page scrolls sideways: wide tables scroll inside their own region or stack their rows.

Lithuanian, whose words are the longer, on the demo data: the pages every role sees, as in the accessibility check.
"""

import pytest
from django.core.management import call_command

from accounts.models import User

from .test_accessibility import visit_every_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


# The visible drop-downs whose chosen option is cut off: its text is wider than the room beside the arrow.
CUT_OFF_SELECTS = """() => {
  const measure = document.createElement("canvas").getContext("2d");
  const cut = [];
  for (const select of document.querySelectorAll("select")) {
    if (!select.offsetParent || select.selectedIndex < 0) continue;
    const style = getComputedStyle(select);
    measure.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const text = select.options[select.selectedIndex].text;
    const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (measure.measureText(text).width > room + 1) cut.push(`${select.name}: ${text}`);
  }
  return cut;
}"""


def test_no_page_scrolls_sideways_on_a_phone(page):
    call_command("load_demo", verbosity=0)
    User.objects.update(language="lt")
    page.set_viewport_size({"width": 390, "height": 844})
    too_wide, cut_off = {}, {}
    for url in visit_every_page(page):
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            too_wide[url] = width
        if selects := page.evaluate(CUT_OFF_SELECTS):
            cut_off[url] = selects
    assert too_wide == {}
    assert cut_off == {}
