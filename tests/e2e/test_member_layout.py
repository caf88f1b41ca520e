"""The phone layout: nothing at the end of a long page hides behind the fixed
bottom navigation (Tabler fixes the body to the viewport's height, which
once left the last class card under the navigation)."""

import pytest

from tests.e2e.support import sign_in
from tests.e2e.test_booking_flow import PHONE

pytestmark = pytest.mark.e2e


def test_the_end_of_a_long_page_scrolls_clear_of_the_bottom_navigation(new_context):
    page = new_context(viewport=PHONE).new_page()
    sign_in(page, "member1@cupo.demo")
    page.goto("/app/schedule?view=week")
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    last_bottom, nav_top = page.evaluate(
        """() => [
            document.querySelector('main').lastElementChild.getBoundingClientRect().bottom,
            document.querySelector('.bottom-nav').getBoundingClientRect().top,
        ]"""
    )
    assert page.evaluate("document.documentElement.scrollHeight") > PHONE["height"]
    assert last_bottom <= nav_top


def test_the_home_cards_that_are_links_line_up(new_context):
    """Bootstrap indents a .card-link after another; the home's stacked link
    cards (schedule, shop, history) must share one left edge."""
    page = new_context(viewport=PHONE).new_page()
    sign_in(page, "member1@cupo.demo")
    page.goto("/app/")
    lefts = page.evaluate(
        "() => [...document.querySelectorAll('main > a.card')]"
        ".map(card => card.getBoundingClientRect().left)"
    )
    assert len(lefts) >= 2 and len(set(lefts)) == 1, lefts
