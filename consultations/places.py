"""Where on-site consultations may take place: the seats of Lithuania's 60 municipalities and other towns."""

LITHUANIAN_CITIES = sorted(
    {
        "Akmenė", "Alytus", "Anykščiai", "Birštonas", "Biržai", "Druskininkai", "Elektrėnai", "Gargždai",
        "Ignalina", "Jonava", "Joniškis", "Jurbarkas", "Kaišiadorys", "Kalvarija", "Kaunas", "Kazlų Rūda",
        "Kėdainiai", "Kelmė", "Klaipėda", "Kretinga", "Kupiškis", "Kuršėnai", "Lazdijai", "Marijampolė",
        "Mažeikiai", "Molėtai", "Naujoji Akmenė", "Neringa", "Pagėgiai", "Pakruojis", "Palanga", "Panevėžys",
        "Pasvalys", "Plungė", "Prienai", "Radviliškis", "Raseiniai", "Rietavas", "Rokiškis", "Šakiai",
        "Šalčininkai", "Šiauliai", "Šilalė", "Šilutė", "Širvintos", "Skuodas", "Švenčionys", "Tauragė",
        "Telšiai", "Trakai", "Ukmergė", "Utena", "Varėna", "Vilkaviškis", "Vilnius", "Visaginas", "Zarasai",
    }
)

CITY_CHOICES = [(city, city) for city in LITHUANIAN_CITIES]
