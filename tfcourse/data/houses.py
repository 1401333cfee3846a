"""A synthetic house-price table from a documented formula (Course 1, week 1).

:func:`house_prices` gives the raw table, :func:`load_house_prices` the 60/20/20 split.
"""
from __future__ import annotations

import numpy as np

from tfcourse.data.dataset import Dataset
from tfcourse.data.splits import split


HOUSE_FEATURES = ("size_sqft", "bedrooms", "family_size", "zip_code", "wealth")
# Price premium (k$) and median income (k$/year) of each of the 10 zip codes. The premium is
# not monotonic in the code, so a linear model cannot use the code as a number.
_ZIP_PREMIUM = np.array([-40.0, 10, 80, -10, 150, 30, -60, 60, 0, 110])
_ZIP_INCOME = np.array([45.0, 60, 95, 55, 140, 70, 40, 90, 65, 120])


def house_prices(m: int = 2000, seed: int = 0):
    """The synthetic house-price table (Course 1, week 1: "what is a neural network").

    Course 1, week 1; lesson c1w1_house_prices.

    Generating formula (prices in k$):

    - size ~ U(600, 4000) square feet
    - bedrooms = clip(round(size / 800 + N(0, 0.7)), 1, 6)
    - family_size = clip(1 + Poisson(0.8·bedrooms), 1, 8)
    - zip_code ~ U{0..9}; wealth = income[zip] + N(0, 10) (k$/year)
    - price = 50 + 0.12·size + 15·min(bedrooms, family_size) + premium[zip]
              + 0.004·wealth² + 0.00002·size·wealth + N(0, 15)

    The non-linear parts (a square, a min, a product and a look-up table) are what a small
    ReLU network can learn and a linear regression cannot.

    Returns ``x`` (m, 5) float32 with columns :data:`HOUSE_FEATURES` and ``y`` (m,) float32.
    """
    rng = np.random.RandomState(seed)
    size = rng.uniform(600, 4000, m)
    bedrooms = np.clip(np.round(size / 800 + rng.normal(0, 0.7, m)), 1, 6)
    family = np.clip(1 + rng.poisson(0.8 * bedrooms), 1, 8)
    zip_code = rng.randint(0, 10, m)
    wealth = _ZIP_INCOME[zip_code] + rng.normal(0, 10, m)
    price = (50 + 0.12 * size + 15 * np.minimum(bedrooms, family) + _ZIP_PREMIUM[zip_code]
             + 0.004 * wealth ** 2 + 0.00002 * size * wealth + rng.normal(0, 15, m))
    x = np.stack([size, bedrooms, family, zip_code, wealth], axis=1).astype("float32")
    return x, price.astype("float32")


def load_house_prices(m: int = 2000, seed: int = 0, ratios=(0.6, 0.2, 0.2)) -> Dataset:
    """:func:`house_prices` split 60/20/20 into train/dev/test.

    Course 1, week 1; lesson c1w1_house_prices.
    """
    x, y = house_prices(m, seed)
    (xtr, ytr), (xd, yd), (xte, yte) = split(x, y, ratios, seed=seed)
    return Dataset("house_prices", xtr, ytr, xte, yte, xd, yd, classes=HOUSE_FEATURES,
                   description=f"synthetic house prices, {m} houses (k$)")
