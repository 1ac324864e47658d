"""application_train / application_test: one row per client, and the latent risk behind TARGET.

See the package docstring for the generative story. Every numeric column is drawn through a
Gaussian copula: a standard normal built from the client's latent factors is mapped to the
real marginal through its known quantiles, so the marginal matches the real one while the
factor carries the associations (age with employment, wealth with credit size, the latent
creditworthiness with the external scores and with TARGET...).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..schema import DAYS_SENTINEL, LEVELS, get_spec
from . import _draw as d

T = "application_train"
TARGET_RATE = 0.0807  # published share of positives in the full training set

# Shares over the full real training set for small-integer and flag columns, which the
# 1,000-row quantiles only bracket (approximate, from the competition's public EDA).
FLAG_SHARES = {
    "FLAG_WORK_PHONE": 0.199, "FLAG_CONT_MOBILE": 0.998, "FLAG_PHONE": 0.281,
    "FLAG_EMAIL": 0.057, "REG_REGION_NOT_LIVE_REGION": 0.015,
    "REG_REGION_NOT_WORK_REGION": 0.051, "LIVE_REGION_NOT_WORK_REGION": 0.041,
    "REG_CITY_NOT_LIVE_CITY": 0.078, "REG_CITY_NOT_WORK_CITY": 0.230,
    "LIVE_CITY_NOT_WORK_CITY": 0.180,
    "FLAG_DOCUMENT_2": 0.00004, "FLAG_DOCUMENT_3": 0.710, "FLAG_DOCUMENT_4": 0.00008,
    "FLAG_DOCUMENT_5": 0.0151, "FLAG_DOCUMENT_6": 0.0881, "FLAG_DOCUMENT_7": 0.0002,
    "FLAG_DOCUMENT_8": 0.0814, "FLAG_DOCUMENT_9": 0.0039, "FLAG_DOCUMENT_10": 0.00002,
    "FLAG_DOCUMENT_11": 0.0039, "FLAG_DOCUMENT_12": 0.00001, "FLAG_DOCUMENT_13": 0.0035,
    "FLAG_DOCUMENT_14": 0.0029, "FLAG_DOCUMENT_15": 0.0012, "FLAG_DOCUMENT_16": 0.0099,
    "FLAG_DOCUMENT_17": 0.0003, "FLAG_DOCUMENT_18": 0.0081, "FLAG_DOCUMENT_19": 0.0006,
    "FLAG_DOCUMENT_20": 0.0005, "FLAG_DOCUMENT_21": 0.0003,
}
CHILDREN_P = [0.700, 0.199, 0.087, 0.012, 0.0014, 0.0004, 0.0002]
REGION_RATING_P = [0.105, 0.738, 0.157]
# Share of each AMT_REQ_CREDIT_BUREAU_* count (0, 1, 2, ...) among known values.
REQ_P = {
    "HOUR": [0.9945, 0.0050, 0.0005], "DAY": [0.9945, 0.0048, 0.0007],
    "WEEK": [0.9680, 0.0300, 0.0020],
    "MON": [0.8350, 0.1080, 0.0300, 0.0120, 0.0060, 0.0040, 0.0030, 0.0020],
    "QRT": [0.8100, 0.1270, 0.0540, 0.0060, 0.0020, 0.0010],
}

# Effects on the log-odds of default (per standard deviation of the latent factor, or per
# level). Calibrated (issue #16, bench/signal_check.py) so that, like the published facts
# (shared/homecredit/README.md, ``reference.UNIVARIATE_AUC_BANDS``), each external score alone
# ranks clients with an AUC in 0.65-0.72, EXT_SOURCE_3 first (about 0.70, then 0.68 and 0.67
# for EXT_SOURCE_2 and EXT_SOURCE_1 on the clients who have it); every other application
# variable stays clearly below them (employment, age, ID/phone changes and region ratings
# 0.55-0.60); and a gradient-boosting model on the application table alone reaches a CV AUC
# of about 0.75 at 30,000 clients. The external scores share a common factor
# (``CREDIT_COMMON``, correlations about 0.15-0.2 as in the real data), so each is stronger
# alone without making the three together stronger.
#
# Loan terms ("duration", "burden"): the facts file says nothing about them; the public
# kernels of the competition find the loan duration (AMT_CREDIT / AMT_ANNUITY, or its inverse
# PAYMENT_RATE) and the annuity-to-income burden among the useful features. From that
# experience, not from the facts, a longer loan and a heavier burden (per standard deviation
# of their logs, see _loan_duration_z and _burden_z) add a modest risk: each alone has a
# univariate AUC of about 0.53-0.55 (``reference.LOAN_TERMS_AUC_BAND``). The AMT_* columns are
# drawn as before (same marginals); only TARGET depends on them.
BETA = {
    "ext1": 0.42, "ext2": 0.47, "ext3": 0.82, "young": 0.30, "unstable": 0.35,
    "id_recent": 0.06, "phone_recent": 0.14, "region": 0.32, "male": 0.35,
    "low_education": 0.30, "duration": 0.25, "burden": 0.20, "history": 0.85, "unseen": 0.88,
}
# EXT_SOURCE_k = a view of the creditworthiness factor c_k with correlation ``rho``, minus
# ``age`` times the ``young`` factor (older clients score higher on EXT_SOURCE_1), rescaled.
EXT_VIEW = {1: (0.92, 0.45), 2: (0.94, 0.0), 3: (0.95, 0.0)}
# loading of c1, c2, c3 on their common creditworthiness factor
CREDIT_COMMON = 0.5


@dataclass
class Latent:
    """Per-client latent quantities the child tables need (train clients first, then test)."""

    sk_id: np.ndarray
    history: np.ndarray        # hidden history risk h (shows only through child tables)
    risk: np.ndarray           # full log-odds of default
    age_years: np.ndarray
    income: np.ndarray
    credit: np.ndarray
    is_train: np.ndarray


def _flag(rng, n, share):
    return (rng.random(n) < share).astype(np.int64)


def _ordinal(rng, n, p, score=None):
    levels = np.arange(len(p))
    if score is None:
        return d.choice(rng, n, levels, p).astype(np.int64)
    return d.by_rank(score, levels, p).astype(np.int64)


def _real_choice(rng, column, n):
    """Independent draws with the real level shares of an application column."""
    return d.choice(rng, n, *d.real_levels(T, column))


def client_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """Distinct, sorted SK_ID_CURR like the real ones (six digits from 100002)."""
    span = int(n * 1.16) + 10
    return np.sort(rng.choice(span, size=n, replace=False)) + 100002


def generate(rng: np.random.Generator, n_train: int, n_test: int,
             ) -> tuple[pd.DataFrame, pd.DataFrame, Latent]:
    n = n_train + n_test
    z = rng.standard_normal
    cols: dict[str, np.ndarray] = {}

    # --- latent factors -----------------------------------------------------------------
    young = z(n)                       # high = young
    wealth = z(n)
    stability = d.mix(rng, 0.35, -young)  # older clients have longer jobs, older IDs
    # creditworthiness: three factors sharing a common part (the external scores correlate)
    common = z(n)
    c1, c2, c3 = (d.mix(rng, CREDIT_COMMON, common) * np.sqrt(1 - 0.25 ** 2) + 0.25 * s
                  for s in (wealth, stability, z(n)))
    history = z(n)                     # past repayment behaviour, seen in child tables
    unseen = z(n)                      # what no data shows: limits any model's AUC

    sk_id = client_ids(rng, n)
    perm = rng.permutation(n)          # which ids go to train and which to test
    is_train = np.zeros(n, bool)
    is_train[perm[:n_train]] = True

    # --- identity and family ------------------------------------------------------------
    gender = d.choice(rng, n, ["F", "M", "XNA"], [0.6583, 0.3417, 0.000013])
    male = gender == "M"
    cols["CODE_GENDER"] = gender
    cols["DAYS_BIRTH"] = np.round(d.real_column(T, "DAYS_BIRTH", young)).astype(np.int64)
    age_years = -cols["DAYS_BIRTH"] / 365.25
    fam_levels, fam_p = d.real_levels(T, "NAME_FAMILY_STATUS")
    old, young_adult = (age_years - 45) / 10, (35 - age_years) / 8
    effect = {"Single / not married": 1.2 * young_adult, "Civil marriage": 0.5 * young_adult,
              "Widow": 1.8 * old, "Separated": 0.2 * old}
    fam_effects = np.column_stack([effect.get(lv, np.zeros(n)) for lv in fam_levels])
    fam = d.categorical(rng, fam_levels, fam_p, fam_effects)
    fam[rng.random(n) < 0.000007] = "Unknown"
    cols["NAME_FAMILY_STATUS"] = fam
    couple = np.isin(fam, ["Married", "Civil marriage"])
    child_score = couple * 1.0 - np.abs(age_years - 36) / 10 + rng.standard_normal(n)
    children = _ordinal(rng, n, CHILDREN_P, child_score)
    cols["CNT_CHILDREN"] = children
    cols["CNT_FAM_MEMBERS"] = (children + 1 + couple).astype(float)
    cols["NAME_TYPE_SUITE"] = _real_choice(rng, "NAME_TYPE_SUITE", n)
    edu_score = 0.45 * wealth + 0.25 * c1 + 0.3 * rng.standard_normal(n)
    edu = d.by_rank(edu_score, ["Lower secondary", "Secondary / secondary special",
                                "Incomplete higher", "Higher education", "Academic degree"],
                    [0.0124, 0.710, 0.0334, 0.2435, 0.0005])
    cols["NAME_EDUCATION_TYPE"] = edu
    low_education = np.isin(edu, ["Lower secondary", "Secondary / secondary special"])

    # --- income and employment ----------------------------------------------------------
    pension_score = -young + 0.25 * rng.standard_normal(n)
    pensioner = d.by_rank(pension_score, [False, True], [0.818, 0.182]).astype(bool)
    inc_levels = ["Working", "Commercial associate", "State servant", "Unemployed",
                  "Student", "Businessman", "Maternity leave"]
    inc = d.choice(rng, n, inc_levels, [0.6467, 0.2433, 0.0978, 0.00009, 0.00007,
                                        0.00004, 0.00002])
    inc[pensioner] = "Pensioner"
    cols["NAME_INCOME_TYPE"] = inc
    no_job = np.isin(inc, ["Pensioner", "Unemployed"])
    # DAYS_EMPLOYED: 365243 without a job; otherwise the real non-sentinel quantiles.
    q = d.quantiles(T, "DAYS_EMPLOYED")
    share = d.column_facts(T, "DAYS_EMPLOYED")["share_equal_365243"]
    keep = d.QUANTILE_LEVELS < 1 - share
    lv = np.append(d.QUANTILE_LEVELS[keep] / (1 - share), 1.0)
    qv = np.append(q[keep], -1.0)
    emp = np.round(d.from_quantiles(d.uniform_of(-stability), qv, lv))
    emp = np.maximum(emp, -(age_years - 16) * 365.25).round()
    cols["DAYS_EMPLOYED"] = np.where(no_job, DAYS_SENTINEL, emp).astype(np.int64)
    cols["FLAG_EMP_PHONE"] = (~no_job).astype(np.int64)
    occ_levels, occ_p = d.real_levels(T, "OCCUPATION_TYPE")
    occ = d.choice(rng, n, occ_levels, occ_p)
    occ_missing = no_job | (rng.random(n) < 0.17)
    cols["OCCUPATION_TYPE"] = np.where(occ_missing, None, occ)
    org_levels, org_p = d.real_levels(T, "ORGANIZATION_TYPE")
    org_p = np.where(np.array(org_levels) == "XNA", 0.0, org_p)
    org = d.choice(rng, n, org_levels, org_p)
    cols["ORGANIZATION_TYPE"] = np.where(no_job, "XNA", org)
    inc_z = d.mix(rng, 0.75, wealth) + 0.25 * male
    cols["AMT_INCOME_TOTAL"] = d.round_to(d.real_column(T, "AMT_INCOME_TOTAL", inc_z), 2250.0)

    # --- the requested credit -----------------------------------------------------------
    revolving = rng.random(n) < 0.0952
    cols["NAME_CONTRACT_TYPE"] = np.where(revolving, "Revolving loans", "Cash loans")
    credit_z = d.mix(rng, 0.45, wealth) - 0.9 * revolving
    credit = d.real_column(T, "AMT_CREDIT", credit_z)
    goods_ratio = np.where(rng.random(n) < 0.3, 1.0, 1.0 + rng.gamma(2.0, 0.08, n))
    goods = np.maximum(d.round_to(credit / goods_ratio, 4500.0), 22500.0)
    credit = np.where(revolving, goods, np.round(goods * goods_ratio, 1))
    cols["AMT_CREDIT"] = credit
    cols["AMT_GOODS_PRICE"] = np.where(revolving & (rng.random(n) < 0.01), np.nan, goods)
    ann_z = d.mix(rng, 0.8, credit_z + 0.9 * revolving)
    annuity = d.real_column(T, "AMT_ANNUITY", ann_z)
    annuity = np.where(revolving, credit * 0.05, np.clip(annuity, credit / 60, credit / 4))
    cols["AMT_ANNUITY"] = np.round(annuity * 2) / 2
    cols["FLAG_OWN_CAR"] = np.where(d.by_rank(0.6 * wealth + 0.6 * male + z(n) * 0.8,
                                              [0, 1], [0.66, 0.34]) == 1, "Y", "N")
    car_age = np.round(d.real_column(T, "OWN_CAR_AGE", z(n)))
    cols["OWN_CAR_AGE"] = np.where(cols["FLAG_OWN_CAR"] == "Y", car_age, np.nan)
    cols["FLAG_OWN_REALTY"] = np.where(d.by_rank(-young + z(n), [0, 1], [0.306, 0.694]) == 1,
                                       "Y", "N")
    house_score = young + 0.5 * rng.standard_normal(n)
    housing = d.choice(rng, n, ["House / apartment", "Municipal apartment", "Rented apartment",
                                "Office apartment", "Co-op apartment"],
                       [0.9325, 0.0386, 0.0169, 0.0090, 0.0039])
    housing[d.by_rank(house_score, [0, 1], [0.952, 0.048]) == 1] = "With parents"
    cols["NAME_HOUSING_TYPE"] = housing

    # --- region -------------------------------------------------------------------------
    region_z = z(n)
    rating = 1 + _ordinal(rng, n, REGION_RATING_P, region_z + 0.3 * (-c2))
    cols["REGION_RATING_CLIENT"] = rating
    shift = rng.random(n)
    city = rating.copy()
    city[(shift < 0.03) & (rating > 1)] -= 1
    city[(shift > 0.985) & (rating < 3)] += 1
    cols["REGION_RATING_CLIENT_W_CITY"] = city
    # 81 regions: population share is a property of the region, bigger regions rate better
    regions = d.from_quantiles((np.arange(81) + 0.5) / 81,
                               d.quantiles(T, "REGION_POPULATION_RELATIVE"))
    pos = np.clip(d.uniform_of(-d.mix(rng, 0.7, region_z)) * 81, 0, 80).astype(int)
    cols["REGION_POPULATION_RELATIVE"] = regions[pos]
    for name in ("REG_REGION_NOT_LIVE_REGION", "REG_REGION_NOT_WORK_REGION",
                 "LIVE_REGION_NOT_WORK_REGION", "REG_CITY_NOT_LIVE_CITY",
                 "REG_CITY_NOT_WORK_CITY", "LIVE_CITY_NOT_WORK_CITY"):
        cols[name] = _flag(rng, n, FLAG_SHARES[name] * (1.15 if "WORK" in name else 1.0))
        if "WORK" in name:
            cols[name][no_job] = 0

    # --- dates and contact --------------------------------------------------------------
    id_z = d.mix(rng, 0.55, stability)
    cols["DAYS_ID_PUBLISH"] = np.round(d.real_column(T, "DAYS_ID_PUBLISH", -id_z)).astype(np.int64)
    reg_z = d.mix(rng, 0.4, -young)
    cols["DAYS_REGISTRATION"] = np.maximum(
        np.round(d.real_column(T, "DAYS_REGISTRATION", -reg_z)), cols["DAYS_BIRTH"])
    phone_z = d.mix(rng, 0.35, stability)
    phone = np.round(d.real_column(T, "DAYS_LAST_PHONE_CHANGE", -phone_z))
    cols["DAYS_LAST_PHONE_CHANGE"] = np.where(phone > -2, 0.0, phone)
    cols["FLAG_MOBIL"] = np.ones(n, np.int64)
    for name in ("FLAG_WORK_PHONE", "FLAG_CONT_MOBILE", "FLAG_PHONE", "FLAG_EMAIL"):
        cols[name] = _flag(rng, n, FLAG_SHARES[name])
    cols["WEEKDAY_APPR_PROCESS_START"] = _real_choice(rng, "WEEKDAY_APPR_PROCESS_START", n)
    cols["HOUR_APPR_PROCESS_START"] = np.round(
        d.real_column(T, "HOUR_APPR_PROCESS_START", z(n))).astype(np.int64)

    # --- external scores: noisy views of the creditworthiness factors -------------------
    ext = {}
    for k, factor in ((1, c1), (2, c2), (3, c3)):
        name = f"EXT_SOURCE_{k}"
        rho, age = EXT_VIEW[k]
        zk = (d.mix(rng, rho, factor) - age * young) / np.sqrt(1 + age ** 2)
        vals = np.round(d.real_column(T, name, zk), 6)
        vals[rng.random(n) < d.real_missing_rate(T, name)] = np.nan
        ext[k] = vals
        cols[name] = vals

    # --- building where the client lives (present for about half the clients) -----------
    _building(rng, n, cols, wealth)

    # --- social circle and credit bureau enquiries --------------------------------------
    obs = np.round(d.real_column(T, "OBS_30_CNT_SOCIAL_CIRCLE", z(n)))
    social_missing = rng.random(n) < d.real_missing_rate(T, "OBS_30_CNT_SOCIAL_CIRCLE")
    def_p = d.sigmoid(-2.4 + 0.35 * (-c2) + 0.35 * history)
    def30 = np.minimum(obs, rng.binomial(np.minimum(obs, 4).astype(int), def_p) +
                       (rng.random(n) < def_p * 0.25))
    def60 = np.minimum(def30, rng.binomial(def30.astype(int), 0.75))
    obs60 = np.maximum(obs - (rng.random(n) < 0.03), def60)
    for name, v in (("OBS_30_CNT_SOCIAL_CIRCLE", obs), ("DEF_30_CNT_SOCIAL_CIRCLE", def30),
                    ("OBS_60_CNT_SOCIAL_CIRCLE", obs60), ("DEF_60_CNT_SOCIAL_CIRCLE", def60)):
        cols[name] = np.where(social_missing, np.nan, v.astype(float))
    req_missing = rng.random(n) < d.real_missing_rate(T, "AMT_REQ_CREDIT_BUREAU_YEAR")
    for period, p in REQ_P.items():
        v = _ordinal(rng, n, p).astype(float)
        cols[f"AMT_REQ_CREDIT_BUREAU_{period}"] = np.where(req_missing, np.nan, v)
    year = np.round(d.real_column(T, "AMT_REQ_CREDIT_BUREAU_YEAR",
                                  d.mix(rng, 0.3, history)))
    cols["AMT_REQ_CREDIT_BUREAU_YEAR"] = np.where(req_missing, np.nan, year)
    for name in FLAG_SHARES:
        if name.startswith("FLAG_DOCUMENT"):
            cols[name] = _flag(rng, n, FLAG_SHARES[name])

    # --- TARGET -------------------------------------------------------------------------
    b = BETA
    emp_years = np.where(no_job, np.nan, -cols["DAYS_EMPLOYED"] / 365.25)
    unstable = np.where(no_job, 0.0, -np.log1p(np.nan_to_num(emp_years)) + 1.2) / 0.9
    risk = (-b["ext1"] * c1 - b["ext2"] * c2 - b["ext3"] * c3
            + b["young"] * young + b["unstable"] * unstable
            - b["id_recent"] * id_z - b["phone_recent"] * phone_z
            + b["region"] * (rating - 2) + b["male"] * male
            + b["low_education"] * low_education
            + b["duration"] * _loan_duration_z(cols) + b["burden"] * _burden_z(cols)
            + b["history"] * history + b["unseen"] * unseen)
    risk = risk + _intercept(risk[is_train], TARGET_RATE)
    target = (rng.random(n) < d.sigmoid(risk)).astype(np.int64)

    cols["SK_ID_CURR"] = sk_id
    cols["TARGET"] = target
    frame = _to_frame(cols, n)
    latent = Latent(sk_id=sk_id, history=history, risk=risk, age_years=age_years,
                    income=cols["AMT_INCOME_TOTAL"], credit=cols["AMT_CREDIT"],
                    is_train=is_train)
    train = frame[is_train].reset_index(drop=True)
    test = frame[~is_train].drop(columns="TARGET").reset_index(drop=True)
    return train, test, latent


def _loan_duration_z(cols: dict) -> np.ndarray:
    """Standardised log of the loan duration AMT_CREDIT / AMT_ANNUITY (median about 20)."""
    return (np.log(cols["AMT_CREDIT"] / cols["AMT_ANNUITY"]) - 3.0) / 0.45


def _burden_z(cols: dict) -> np.ndarray:
    """Standardised log of the annuity-to-income burden AMT_ANNUITY / AMT_INCOME_TOTAL."""
    return (np.log(cols["AMT_ANNUITY"] / cols["AMT_INCOME_TOTAL"]) + 1.93) / 0.72


def _intercept(logit: np.ndarray, rate: float) -> float:
    """The shift of ``logit`` that makes the mean probability equal ``rate`` (bisection)."""
    lo, hi = -20.0, 20.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if d.sigmoid(logit + mid).mean() > rate:
            hi = mid
        else:
            lo = mid
    return (lo + hi) / 2


BUILDING = ("APARTMENTS", "BASEMENTAREA", "YEARS_BEGINEXPLUATATION", "YEARS_BUILD",
            "COMMONAREA", "ELEVATORS", "ENTRANCES", "FLOORSMAX", "FLOORSMIN", "LANDAREA",
            "LIVINGAPARTMENTS", "LIVINGAREA", "NONLIVINGAPARTMENTS", "NONLIVINGAREA")
# Normalised counts take values on a grid (k / 24 floors, k / 29 entrances, k / 25 lifts).
GRID = {"FLOORSMAX": 24, "FLOORSMIN": 24, "ENTRANCES": 29, "ELEVATORS": 25}
BUILDING_PRESENT = 1 - 0.504  # the least-missing building column (EMERGENCYSTATE_MODE)


def _building(rng, n, cols, wealth):
    """The building-information family (*_AVG / *_MODE / *_MEDI): known for some of the
    clients who gave their building (``present``), each column with exactly its real
    missing rate (``d.exact_share``; the three statistics of a base are missing together)."""
    present = d.exact_share(rng, np.ones(n, bool), BUILDING_PRESENT)
    size = d.mix(rng, 0.2, wealth)                   # bigger buildings, bigger flats
    for base in BUILDING:
        known = d.exact_share(rng, present, _share_known(f"{base}_AVG"))
        zb = d.mix(rng, 0.6 if base not in ("YEARS_BUILD", "YEARS_BEGINEXPLUATATION") else 0.1,
                   size)
        for stat in ("AVG", "MODE", "MEDI"):
            name = f"{base}_{stat}"
            u = d.uniform_of(zb + 0.08 * rng.standard_normal(n))
            v = d.from_quantiles(u, d.quantiles(T, name))
            if base in GRID:  # mostly the common values, sometimes a neighbour on the grid
                step = d.step_quantiles(u, d.quantiles(T, name))
                v = np.where(rng.random(n) < 0.8, step, d.round_to(v, 1 / GRID[base]))
            v = np.round(v, 4)
            cols[name] = np.where(known, v, np.nan)
    total = np.round(d.real_column(T, "TOTALAREA_MODE", size + 0.3 * rng.standard_normal(n)), 4)
    cols["TOTALAREA_MODE"] = np.where(
        d.exact_share(rng, present, _share_known("TOTALAREA_MODE")), total, np.nan)
    for name in ("FONDKAPREMONT_MODE", "HOUSETYPE_MODE", "WALLSMATERIAL_MODE",
                 "EMERGENCYSTATE_MODE"):
        known = d.exact_share(rng, present, _share_known(name))
        levels, p = d.real_levels(T, name)
        cols[name] = np.where(known, d.choice(rng, n, levels, p), None)


def _share_known(name: str) -> float:
    """Share of the clients with building information who have ``name``."""
    return min((1 - d.real_missing_rate(T, name)) / BUILDING_PRESENT, 1.0)


def _to_frame(cols: dict, n: int) -> pd.DataFrame:
    spec = get_spec(T)
    out = {}
    for c in spec.columns:
        v = cols[c.name]
        if c.kind == "cat":
            out[c.name] = pd.Categorical(v, categories=list(LEVELS[c.name]))
        elif c.kind == "int":
            out[c.name] = np.asarray(v, np.int64)
        else:
            out[c.name] = np.asarray(v, np.float64)
    return pd.DataFrame(out)
