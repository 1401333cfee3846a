"""Human-readable dates and their ISO form, for the translation lessons (Course 5, weeks 3 and 4).

The course's attention assignment translates dates written the way people write them
("3 may 1979", "thursday, may 3, 1979", "05/03/79") into machine dates ("1979-05-03"). The
course used the Faker package; here the dates are generated with Python's ``datetime`` (no
download): dates from 1950 to 2049 in 13 formats, in English, French and German (:data:`FORMATS`),
all lower-cased as in the course. Two-digit years are unambiguous because every year is in
1950–2049 (50–99 → 19xx, 00–49 → 20xx). :func:`make_dates` holds out a fifth of the calendar
days for the test set, so exact-match accuracy measures generalization, not recall.

The encoding is the course's: inputs are T_x = 30 character ids over :data:`INPUT_CHARS`
(:func:`encode_input`), outputs T_y = 10 ids over the 11 characters of :data:`OUTPUT_CHARS`
(:func:`encode_output`); :func:`decode` turns a model's (m, T_y, 11) probabilities back into
ISO strings.
"""
from __future__ import annotations

import datetime

import numpy as np

from tfcourse.checks import check_choice, check_int

TX, TY = 30, 10  # input and output lengths, as in the course
INPUT_CHARS = " ',-./0123456789abcdefghijklmnopqrstuvwxyzäéû"  # id 0 is padding, last+1 unknown
OUTPUT_CHARS = "0123456789-"
FIRST, LAST = datetime.date(1950, 1, 1), datetime.date(2049, 12, 31)

MONTHS = {
    "en": ["january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"],
    "de": ["januar", "februar", "märz", "april", "mai", "juni", "juli", "august",
           "september", "oktober", "november", "dezember"],
}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

# Each format is a function of the date: the writer's choice of formats and locales.
FORMATS = {
    "d month yyyy": lambda d: f"{d.day} {MONTHS['en'][d.month - 1]} {d.year}",
    "dd month yyyy": lambda d: f"{d.day:02d} {MONTHS['en'][d.month - 1]} {d.year}",
    "d month yy": lambda d: f"{d.day} {MONTHS['en'][d.month - 1]} {d.year % 100:02d}",
    "month d, yyyy": lambda d: f"{MONTHS['en'][d.month - 1]} {d.day}, {d.year}",
    "weekday, month d, yyyy": lambda d: (f"{WEEKDAYS[d.weekday()]}, {MONTHS['en'][d.month - 1]} "
                                         f"{d.day}, {d.year}"),
    "wkd d mon yyyy": lambda d: (f"{WEEKDAYS[d.weekday()][:3]} {d.day} "
                                 f"{MONTHS['en'][d.month - 1][:3]} {d.year}"),
    "d mon. yyyy": lambda d: f"{d.day} {MONTHS['en'][d.month - 1][:3]}. {d.year}",
    "mm/dd/yy (US)": lambda d: f"{d.month:02d}/{d.day:02d}/{d.year % 100:02d}",
    "dd.mm.yyyy (de)": lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}",
    "d. monat yyyy (de)": lambda d: f"{d.day}. {MONTHS['de'][d.month - 1]} {d.year}",
    "d mois yyyy (fr)": lambda d: f"{d.day} {MONTHS['fr'][d.month - 1]} {d.year}",
    "le d mois yyyy (fr)": lambda d: f"le {d.day} {MONTHS['fr'][d.month - 1]} {d.year}",
    "iso": lambda d: d.isoformat(),
}


def human_date(d: datetime.date, fmt: str) -> str:
    """``d`` written in the format named ``fmt`` (a key of :data:`FORMATS`), lower-cased.

    Course 5, week 3; used by no lesson directly (:func:`make_dates` writes its dates with it).
    """
    return FORMATS[check_choice("fmt", fmt, tuple(FORMATS), owner="human_date")](d).lower()


def encode_input(texts) -> np.ndarray:
    """Character ids, (m, TX): 0 pads on the right, unknown characters get the last id.

    Course 5, weeks 3 and 4; lessons c5w3_attention, c5w4_transformer.
    """
    index = {c: i + 1 for i, c in enumerate(INPUT_CHARS)}
    unknown = len(INPUT_CHARS) + 1
    out = np.zeros((len(texts), TX), "int32")
    for row, text in enumerate(texts):
        ids = [index.get(c, unknown) for c in text[:TX]]
        out[row, :len(ids)] = ids
    return out


def encode_output(texts) -> np.ndarray:
    """ISO dates → output character ids, (m, TY).

    Course 5, weeks 3 and 4; lessons c5w3_attention, c5w4_transformer.
    """
    return np.array([[OUTPUT_CHARS.index(c) for c in t] for t in texts], "int32")  # (m, TY)


def decode(probs) -> list:
    """(m, TY, 11) probabilities → ISO strings (argmax per output step).

    Course 5, weeks 3 and 4; lessons c5w3_attention, c5w4_transformer.
    """
    return ["".join(OUTPUT_CHARS[i] for i in row) for row in np.asarray(probs).argmax(-1)]


def make_dates(n_train: int, n_test: int, seed: int):
    """Train and test examples with disjoint calendar days; formats drawn uniformly.

    Course 5, weeks 3 and 4; lessons c5w3_attention, c5w4_transformer.

    A fifth of the calendar days 1950–2049 (a seeded permutation) is held out for the test set;
    each part draws its days from its own pool (with replacement only when it asks for more
    dates than the pool has) and a format for each date.

    Returns ``{"train": (human, iso, formats), "test": (human, iso, formats)}``: three lists
    of strings per part (the written date, its ISO form, the name of its format).
    """
    n_train = check_int("n_train", n_train, 0, owner="make_dates")
    n_test = check_int("n_test", n_test, 0, owner="make_dates")
    rng = np.random.default_rng(seed)
    days = rng.permutation((LAST - FIRST).days + 1)
    n_test_days = len(days) // 5  # a fifth of the calendar days are held out
    pools = {"train": days[n_test_days:], "test": days[:n_test_days]}
    fmts = list(FORMATS)
    out = {}
    for part, n in (("train", n_train), ("test", n_test)):
        picks = rng.choice(pools[part], size=n, replace=n > len(pools[part]))
        dates = [FIRST + datetime.timedelta(days=int(k)) for k in picks]
        styles = rng.integers(len(fmts), size=n)
        human = [human_date(d, fmts[s]) for d, s in zip(dates, styles)]
        out[part] = (human, [d.isoformat() for d in dates], [fmts[s] for s in styles])
    return out
