"""Where on-site consultations may take place: the seats of Lithuania's 60 municipalities and other towns."""

import unicodedata

# The Lithuanian alphabet with the foreign q, w and x where Latin has them. Letters in one group sort as one
# letter (ą and a, ė and e, y and i, ...) and differ only when the names are otherwise the same, as in
# Lithuanian dictionaries and in Unicode's (CLDR's) Lithuanian collation; č, š and ž are letters of their own.
_LETTER_GROUPS = [
    "aą", "b", "c", "č", "d", "eęė", "f", "g", "h", "iįy", "j", "k", "l", "m", "n", "o", "p", "q", "r", "s", "š",
    "t", "uųū", "v", "w", "x", "z", "ž",
]  # fmt: skip
_PRIMARY = {letter: rank for rank, group in enumerate(_LETTER_GROUPS, start=1) for letter in group}
_SECONDARY = {letter: rank for group in _LETTER_GROUPS for rank, letter in enumerate(group)}


def _primary(char: str) -> int:
    """The letter's place in the alphabet; a foreign letter (é, ö) sorts as its base letter; a space, hyphen or
    digit (0) comes before every letter."""
    if char not in _PRIMARY:
        char = unicodedata.normalize("NFD", char)[0]
    return _PRIMARY.get(char, 0)


def lithuanian_sort_key(name: str) -> tuple:
    """Sort key for names in Lithuanian alphabetical order: Kaunas, Kėdainiai, Kelmė, ..., Skuodas, Šakiai, Tauragė."""
    letters = name.casefold()
    return (
        tuple(_primary(char) for char in letters),
        tuple(_SECONDARY.get(char, 0) for char in letters),
        name,
    )


LITHUANIAN_CITIES = sorted(
    {
        "Akmenė",
        "Alytus",
        "Anykščiai",
        "Birštonas",
        "Biržai",
        "Druskininkai",
        "Elektrėnai",
        "Gargždai",
        "Ignalina",
        "Jonava",
        "Joniškis",
        "Jurbarkas",
        "Kaišiadorys",
        "Kalvarija",
        "Kaunas",
        "Kazlų Rūda",
        "Kėdainiai",
        "Kelmė",
        "Klaipėda",
        "Kretinga",
        "Kupiškis",
        "Kuršėnai",
        "Lazdijai",
        "Marijampolė",
        "Mažeikiai",
        "Molėtai",
        "Naujoji Akmenė",
        "Neringa",
        "Pagėgiai",
        "Pakruojis",
        "Palanga",
        "Panevėžys",
        "Pasvalys",
        "Plungė",
        "Prienai",
        "Radviliškis",
        "Raseiniai",
        "Rietavas",
        "Rokiškis",
        "Šakiai",
        "Šalčininkai",
        "Šiauliai",
        "Šilalė",
        "Šilutė",
        "Širvintos",
        "Skuodas",
        "Švenčionys",
        "Tauragė",
        "Telšiai",
        "Trakai",
        "Ukmergė",
        "Utena",
        "Varėna",
        "Vilkaviškis",
        "Vilnius",
        "Visaginas",
        "Zarasai",
    },
    key=lithuanian_sort_key,
)

CITY_CHOICES = [(city, city) for city in LITHUANIAN_CITIES]
