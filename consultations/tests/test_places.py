import pytest

from consultations.forms import BookingForm
from consultations.places import LITHUANIAN_CITIES, lithuanian_sort_key


def test_cities_are_in_lithuanian_alphabetical_order():
    position = {city: n for n, city in enumerate(LITHUANIAN_CITIES)}
    # ė sorts with e, so Kėdainiai is among the K-e names, not after Kuršėnai.
    assert position["Kazlų Rūda"] < position["Kėdainiai"] < position["Kelmė"] < position["Klaipėda"]
    assert position["Kuršėnai"] < position["Lazdijai"]
    # š is a letter of its own after s: the Š towns come between Skuodas and Tauragė, not after Zarasai.
    assert position["Skuodas"] < position["Šakiai"] < position["Švenčionys"] < position["Tauragė"]
    assert LITHUANIAN_CITIES[-1] == "Zarasai"
    assert position["Birštonas"] < position["Biržai"]  # š before ž


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        # y sorts with i (Ylakiai among the I names), not after v as in English.
        (["Zarasai", "Ylakiai", "Jonava", "Ignalina"], ["Ignalina", "Ylakiai", "Jonava", "Zarasai"]),
        # č after c, ž after z.
        (["Čekiškė", "Dusetos", "Ceikiniai"], ["Ceikiniai", "Čekiškė", "Dusetos"]),
        (["Žagarė", "Zarasai"], ["Zarasai", "Žagarė"]),
        # Names differing only by ą/ę/ė/į/ų/ū go in alphabet order; the word ends before a longer one.
        (["Kelmė", "Kelme", "Kelmės rajonas"], ["Kelme", "Kelmė", "Kelmės rajonas"]),
        # Letters of other languages sort with their base letter; case does not change the order.
        (["Österreich", "Ohio", "alytus", "Bauska"], ["alytus", "Bauska", "Ohio", "Österreich"]),
    ],
)
def test_lithuanian_sort_key(names, expected):
    assert sorted(names, key=lithuanian_sort_key) == expected


def test_the_booking_forms_city_choices_follow_the_order():
    cities = [value for value, _label in BookingForm().fields["city"].choices if value]
    assert cities == LITHUANIAN_CITIES
