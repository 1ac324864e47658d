"""Schema of the eight Home Credit files: columns, types, category levels, keys and links.

This is the contract between the raw files (the Kaggle download, or ``scoring synth``) and
everything downstream. Column names and their order are those of the real files; types are
those pandas infers on the full real files ("int" columns never hold a missing value there,
"float" columns may). Category levels are the complete lists of the real files, including
placeholders such as ``XNA`` / ``XAP`` that the real data uses for "not applicable".

Kinds of column:

``int``    whole numbers, read as int64. A missing value in a key column is an error; in a
           non-key column the column is read as float64 and the load report says so.
``float``  real numbers (float64), missing allowed.
``cat``    text with a known set of levels, read as a pandas ``Categorical``. A level the
           schema does not know is kept and reported (not fatal): the real data may hold a
           rare level we have never seen.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The client key (one row per client in the application tables, the link of every child
#: table), the outcome, and the keys of the bureau credits and of the previous applications:
#: the one home of these names (every other module imports them from here).
KEY = "SK_ID_CURR"
TARGET = "TARGET"
BUREAU_KEY = "SK_ID_BUREAU"
PREVIOUS_KEY = "SK_ID_PREV"

#: DAYS_* columns use this value for "not applicable" (pensioners, unemployed, open credits).
DAYS_SENTINEL = 365243


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "int" | "float" | "cat"
    levels: tuple[str, ...] = ()
    sentinel: int | None = None


@dataclass(frozen=True)
class Link:
    """``column`` of this table refers to ``parent_column`` of ``parent``."""

    column: str
    parent: str
    parent_column: str


@dataclass(frozen=True)
class TableSpec:
    name: str  # also the file stem, as Kaggle names it
    columns: tuple[Column, ...]
    primary_key: str | None = None  # unique, never missing
    links: tuple[Link, ...] = ()
    required: bool = False
    has_target: bool = False
    _by_name: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        self._by_name.update({c.name: c for c in self.columns})

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return self._by_name[name]

    @property
    def key_columns(self) -> set[str]:
        keys = {link.column for link in self.links}
        if self.primary_key:
            keys.add(self.primary_key)
        return keys


# --------------------------------------------------------------------------- levels
YES_NO = ("Y", "N")
WEEKDAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
TYPE_SUITE = ("Unaccompanied", "Family", "Spouse, partner", "Children", "Other_A", "Other_B",
              "Group of people")

LEVELS: dict[str, tuple[str, ...]] = {
    # application_{train,test}
    "NAME_CONTRACT_TYPE": ("Cash loans", "Revolving loans"),
    "CODE_GENDER": ("F", "M", "XNA"),
    "FLAG_OWN_CAR": YES_NO,
    "FLAG_OWN_REALTY": YES_NO,
    "NAME_TYPE_SUITE": TYPE_SUITE,
    "NAME_INCOME_TYPE": ("Working", "Commercial associate", "Pensioner", "State servant",
                         "Unemployed", "Student", "Businessman", "Maternity leave"),
    "NAME_EDUCATION_TYPE": ("Secondary / secondary special", "Higher education",
                            "Incomplete higher", "Lower secondary", "Academic degree"),
    "NAME_FAMILY_STATUS": ("Married", "Single / not married", "Civil marriage", "Separated",
                           "Widow", "Unknown"),
    "NAME_HOUSING_TYPE": ("House / apartment", "With parents", "Municipal apartment",
                          "Rented apartment", "Office apartment", "Co-op apartment"),
    "OCCUPATION_TYPE": ("Laborers", "Core staff", "Sales staff", "Managers", "Drivers",
                        "High skill tech staff", "Accountants", "Medicine staff",
                        "Security staff", "Cooking staff", "Cleaning staff",
                        "Private service staff", "Low-skill Laborers", "Waiters/barmen staff",
                        "Secretaries", "Realty agents", "HR staff", "IT staff"),
    "WEEKDAY_APPR_PROCESS_START": WEEKDAYS,
    "ORGANIZATION_TYPE": (
        "Business Entity Type 3", "XNA", "Self-employed", "Other", "Medicine",
        "Business Entity Type 2", "Government", "School", "Trade: type 7", "Kindergarten",
        "Construction", "Business Entity Type 1", "Transport: type 4", "Trade: type 3",
        "Industry: type 9", "Industry: type 3", "Security", "Housing", "Industry: type 11",
        "Military", "Bank", "Agriculture", "Police", "Transport: type 2", "Postal",
        "Security Ministries", "Trade: type 2", "Restaurant", "Services", "University",
        "Industry: type 7", "Transport: type 3", "Industry: type 1", "Hotel", "Electricity",
        "Industry: type 4", "Trade: type 6", "Industry: type 5", "Insurance", "Telecom",
        "Emergency", "Industry: type 2", "Advertising", "Realtor", "Culture",
        "Industry: type 12", "Trade: type 1", "Mobile", "Legal Services", "Cleaning",
        "Transport: type 1", "Industry: type 6", "Industry: type 10", "Religion",
        "Industry: type 13", "Trade: type 4", "Trade: type 5", "Industry: type 8"),
    "FONDKAPREMONT_MODE": ("reg oper account", "reg oper spec account", "org spec account",
                           "not specified"),
    "HOUSETYPE_MODE": ("block of flats", "specific housing", "terraced house"),
    "WALLSMATERIAL_MODE": ("Stone, brick", "Panel", "Block", "Wooden", "Mixed", "Monolithic",
                           "Others"),
    "EMERGENCYSTATE_MODE": ("No", "Yes"),
    # bureau
    "CREDIT_ACTIVE": ("Closed", "Active", "Sold", "Bad debt"),
    "CREDIT_CURRENCY": ("currency 1", "currency 2", "currency 3", "currency 4"),
    "CREDIT_TYPE": ("Consumer credit", "Credit card", "Car loan", "Mortgage", "Microloan",
                    "Loan for business development", "Another type of loan",
                    "Unknown type of loan", "Loan for working capital replenishment",
                    "Cash loan (non-earmarked)", "Real estate loan",
                    "Loan for the purchase of equipment",
                    "Loan for purchase of shares (margin lending)", "Interbank credit",
                    "Mobile operator loan"),
    # bureau_balance
    "STATUS": ("C", "X", "0", "1", "2", "3", "4", "5"),
    # previous_application (NAME_CONTRACT_TYPE differs from the application's: see below)
    "FLAG_LAST_APPL_PER_CONTRACT": YES_NO,
    "NAME_CASH_LOAN_PURPOSE": (
        "XAP", "XNA", "Repairs", "Other", "Urgent needs", "Buying a used car",
        "Building a house or an annex", "Everyday expenses", "Medicine",
        "Payments on other loans", "Education", "Journey", "Purchase of electronic equipment",
        "Buying a new car", "Wedding / gift / holiday", "Buying a home", "Car repairs",
        "Furniture", "Buying a holiday home / land", "Business development",
        "Gasification / water supply", "Buying a garage", "Hobby", "Money for a third person",
        "Refusal to name the goal"),
    "NAME_PAYMENT_TYPE": ("Cash through the bank", "XNA", "Non-cash from your account",
                          "Cashless from the account of the employer"),
    "CODE_REJECT_REASON": ("XAP", "HC", "LIMIT", "SCO", "CLIENT", "SCOFR", "XNA", "VERIF",
                           "SYSTEM"),
    "NAME_CLIENT_TYPE": ("Repeater", "New", "Refreshed", "XNA"),
    "NAME_GOODS_CATEGORY": (
        "XNA", "Mobile", "Consumer Electronics", "Computers", "Audio/Video", "Furniture",
        "Photo / Cinema Equipment", "Construction Materials", "Clothing and Accessories",
        "Auto Accessories", "Jewelry", "Homewares", "Medical Supplies", "Vehicles",
        "Sport and Leisure", "Gardening", "Other", "Office Appliances", "Tourism", "Medicine",
        "Direct Sales", "Fitness", "Additional Service", "Education", "Weapon", "Insurance",
        "House Construction", "Animals"),
    "NAME_PORTFOLIO": ("POS", "Cash", "XNA", "Cards", "Cars"),
    "NAME_PRODUCT_TYPE": ("XNA", "x-sell", "walk-in"),
    "CHANNEL_TYPE": ("Credit and cash offices", "Country-wide", "Stone", "Regional / Local",
                     "Contact center", "AP+ (Cash loan)", "Channel of corporate sales",
                     "Car dealer"),
    "NAME_SELLER_INDUSTRY": ("XNA", "Consumer electronics", "Connectivity", "Furniture",
                             "Construction", "Clothing", "Industry", "Auto technology",
                             "Jewelry", "MLM partners", "Tourism"),
    "NAME_YIELD_GROUP": ("XNA", "middle", "high", "low_normal", "low_action"),
    "PRODUCT_COMBINATION": (
        "Cash", "POS household with interest", "POS mobile with interest",
        "Cash X-Sell: middle", "Cash X-Sell: low", "Card Street", "POS industry with interest",
        "POS household without interest", "Card X-Sell", "Cash Street: high",
        "Cash X-Sell: high", "Cash Street: middle", "Cash Street: low",
        "POS mobile without interest", "POS other with interest",
        "POS industry without interest", "POS others without interest"),
}

# Same column name, different levels depending on the table.
TABLE_LEVELS: dict[tuple[str, str], tuple[str, ...]] = {
    ("previous_application", "NAME_CONTRACT_TYPE"): ("Cash loans", "Consumer loans",
                                                     "Revolving loans", "XNA"),
    ("previous_application", "NAME_CONTRACT_STATUS"): ("Approved", "Canceled", "Refused",
                                                       "Unused offer"),
    ("POS_CASH_balance", "NAME_CONTRACT_STATUS"): ("Active", "Completed", "Signed", "Demand",
                                                   "Returned to the store", "Approved",
                                                   "Amortized debt", "Canceled", "XNA"),
    ("credit_card_balance", "NAME_CONTRACT_STATUS"): ("Active", "Completed", "Signed",
                                                      "Demand", "Sent proposal", "Refused",
                                                      "Approved"),
}

# Columns that use DAYS_SENTINEL for "not applicable".
SENTINEL_COLUMNS: dict[str, tuple[str, ...]] = {
    "application_train": ("DAYS_EMPLOYED",),
    "previous_application": ("DAYS_FIRST_DRAWING", "DAYS_FIRST_DUE",
                             "DAYS_LAST_DUE_1ST_VERSION", "DAYS_LAST_DUE", "DAYS_TERMINATION"),
}

# ------------------------------------------------------------------------- columns
_COLUMNS: dict[str, str] = {
    "application_train": """
    SK_ID_CURR:int TARGET:int NAME_CONTRACT_TYPE:cat CODE_GENDER:cat FLAG_OWN_CAR:cat
    FLAG_OWN_REALTY:cat CNT_CHILDREN:int AMT_INCOME_TOTAL:float AMT_CREDIT:float
    AMT_ANNUITY:float AMT_GOODS_PRICE:float NAME_TYPE_SUITE:cat NAME_INCOME_TYPE:cat
    NAME_EDUCATION_TYPE:cat NAME_FAMILY_STATUS:cat NAME_HOUSING_TYPE:cat
    REGION_POPULATION_RELATIVE:float DAYS_BIRTH:int DAYS_EMPLOYED:int DAYS_REGISTRATION:float
    DAYS_ID_PUBLISH:int OWN_CAR_AGE:float FLAG_MOBIL:int FLAG_EMP_PHONE:int FLAG_WORK_PHONE:int
    FLAG_CONT_MOBILE:int FLAG_PHONE:int FLAG_EMAIL:int OCCUPATION_TYPE:cat CNT_FAM_MEMBERS:float
    REGION_RATING_CLIENT:int REGION_RATING_CLIENT_W_CITY:int WEEKDAY_APPR_PROCESS_START:cat
    HOUR_APPR_PROCESS_START:int REG_REGION_NOT_LIVE_REGION:int REG_REGION_NOT_WORK_REGION:int
    LIVE_REGION_NOT_WORK_REGION:int REG_CITY_NOT_LIVE_CITY:int REG_CITY_NOT_WORK_CITY:int
    LIVE_CITY_NOT_WORK_CITY:int ORGANIZATION_TYPE:cat EXT_SOURCE_1:float EXT_SOURCE_2:float
    EXT_SOURCE_3:float APARTMENTS_AVG:float BASEMENTAREA_AVG:float
    YEARS_BEGINEXPLUATATION_AVG:float YEARS_BUILD_AVG:float COMMONAREA_AVG:float
    ELEVATORS_AVG:float ENTRANCES_AVG:float FLOORSMAX_AVG:float FLOORSMIN_AVG:float
    LANDAREA_AVG:float LIVINGAPARTMENTS_AVG:float LIVINGAREA_AVG:float
    NONLIVINGAPARTMENTS_AVG:float NONLIVINGAREA_AVG:float APARTMENTS_MODE:float
    BASEMENTAREA_MODE:float YEARS_BEGINEXPLUATATION_MODE:float YEARS_BUILD_MODE:float
    COMMONAREA_MODE:float ELEVATORS_MODE:float ENTRANCES_MODE:float FLOORSMAX_MODE:float
    FLOORSMIN_MODE:float LANDAREA_MODE:float LIVINGAPARTMENTS_MODE:float LIVINGAREA_MODE:float
    NONLIVINGAPARTMENTS_MODE:float NONLIVINGAREA_MODE:float APARTMENTS_MEDI:float
    BASEMENTAREA_MEDI:float YEARS_BEGINEXPLUATATION_MEDI:float YEARS_BUILD_MEDI:float
    COMMONAREA_MEDI:float ELEVATORS_MEDI:float ENTRANCES_MEDI:float FLOORSMAX_MEDI:float
    FLOORSMIN_MEDI:float LANDAREA_MEDI:float LIVINGAPARTMENTS_MEDI:float LIVINGAREA_MEDI:float
    NONLIVINGAPARTMENTS_MEDI:float NONLIVINGAREA_MEDI:float FONDKAPREMONT_MODE:cat
    HOUSETYPE_MODE:cat TOTALAREA_MODE:float WALLSMATERIAL_MODE:cat EMERGENCYSTATE_MODE:cat
    OBS_30_CNT_SOCIAL_CIRCLE:float DEF_30_CNT_SOCIAL_CIRCLE:float OBS_60_CNT_SOCIAL_CIRCLE:float
    DEF_60_CNT_SOCIAL_CIRCLE:float DAYS_LAST_PHONE_CHANGE:float FLAG_DOCUMENT_2:int
    FLAG_DOCUMENT_3:int FLAG_DOCUMENT_4:int FLAG_DOCUMENT_5:int FLAG_DOCUMENT_6:int
    FLAG_DOCUMENT_7:int FLAG_DOCUMENT_8:int FLAG_DOCUMENT_9:int FLAG_DOCUMENT_10:int
    FLAG_DOCUMENT_11:int FLAG_DOCUMENT_12:int FLAG_DOCUMENT_13:int FLAG_DOCUMENT_14:int
    FLAG_DOCUMENT_15:int FLAG_DOCUMENT_16:int FLAG_DOCUMENT_17:int FLAG_DOCUMENT_18:int
    FLAG_DOCUMENT_19:int FLAG_DOCUMENT_20:int FLAG_DOCUMENT_21:int
    AMT_REQ_CREDIT_BUREAU_HOUR:float AMT_REQ_CREDIT_BUREAU_DAY:float
    AMT_REQ_CREDIT_BUREAU_WEEK:float AMT_REQ_CREDIT_BUREAU_MON:float
    AMT_REQ_CREDIT_BUREAU_QRT:float AMT_REQ_CREDIT_BUREAU_YEAR:float""",
    "bureau": """
    SK_ID_CURR:int SK_ID_BUREAU:int CREDIT_ACTIVE:cat CREDIT_CURRENCY:cat DAYS_CREDIT:int
    CREDIT_DAY_OVERDUE:int DAYS_CREDIT_ENDDATE:float DAYS_ENDDATE_FACT:float
    AMT_CREDIT_MAX_OVERDUE:float CNT_CREDIT_PROLONG:int AMT_CREDIT_SUM:float
    AMT_CREDIT_SUM_DEBT:float AMT_CREDIT_SUM_LIMIT:float AMT_CREDIT_SUM_OVERDUE:float
    CREDIT_TYPE:cat DAYS_CREDIT_UPDATE:int AMT_ANNUITY:float""",
    "bureau_balance": """
    SK_ID_BUREAU:int MONTHS_BALANCE:int STATUS:cat""",
    "previous_application": """
    SK_ID_PREV:int SK_ID_CURR:int NAME_CONTRACT_TYPE:cat AMT_ANNUITY:float AMT_APPLICATION:float
    AMT_CREDIT:float AMT_DOWN_PAYMENT:float AMT_GOODS_PRICE:float WEEKDAY_APPR_PROCESS_START:cat
    HOUR_APPR_PROCESS_START:int FLAG_LAST_APPL_PER_CONTRACT:cat NFLAG_LAST_APPL_IN_DAY:int
    RATE_DOWN_PAYMENT:float RATE_INTEREST_PRIMARY:float RATE_INTEREST_PRIVILEGED:float
    NAME_CASH_LOAN_PURPOSE:cat NAME_CONTRACT_STATUS:cat DAYS_DECISION:int NAME_PAYMENT_TYPE:cat
    CODE_REJECT_REASON:cat NAME_TYPE_SUITE:cat NAME_CLIENT_TYPE:cat NAME_GOODS_CATEGORY:cat
    NAME_PORTFOLIO:cat NAME_PRODUCT_TYPE:cat CHANNEL_TYPE:cat SELLERPLACE_AREA:int
    NAME_SELLER_INDUSTRY:cat CNT_PAYMENT:float NAME_YIELD_GROUP:cat PRODUCT_COMBINATION:cat
    DAYS_FIRST_DRAWING:float DAYS_FIRST_DUE:float DAYS_LAST_DUE_1ST_VERSION:float
    DAYS_LAST_DUE:float DAYS_TERMINATION:float NFLAG_INSURED_ON_APPROVAL:float""",
    "POS_CASH_balance": """
    SK_ID_PREV:int SK_ID_CURR:int MONTHS_BALANCE:int CNT_INSTALMENT:float
    CNT_INSTALMENT_FUTURE:float NAME_CONTRACT_STATUS:cat SK_DPD:int SK_DPD_DEF:int""",
    "installments_payments": """
    SK_ID_PREV:int SK_ID_CURR:int NUM_INSTALMENT_VERSION:float NUM_INSTALMENT_NUMBER:int
    DAYS_INSTALMENT:float DAYS_ENTRY_PAYMENT:float AMT_INSTALMENT:float AMT_PAYMENT:float""",
    "credit_card_balance": """
    SK_ID_PREV:int SK_ID_CURR:int MONTHS_BALANCE:int AMT_BALANCE:float
    AMT_CREDIT_LIMIT_ACTUAL:int AMT_DRAWINGS_ATM_CURRENT:float AMT_DRAWINGS_CURRENT:float
    AMT_DRAWINGS_OTHER_CURRENT:float AMT_DRAWINGS_POS_CURRENT:float
    AMT_INST_MIN_REGULARITY:float AMT_PAYMENT_CURRENT:float AMT_PAYMENT_TOTAL_CURRENT:float
    AMT_RECEIVABLE_PRINCIPAL:float AMT_RECIVABLE:float AMT_TOTAL_RECEIVABLE:float
    CNT_DRAWINGS_ATM_CURRENT:float CNT_DRAWINGS_CURRENT:int CNT_DRAWINGS_OTHER_CURRENT:float
    CNT_DRAWINGS_POS_CURRENT:float CNT_INSTALMENT_MATURE_CUM:float NAME_CONTRACT_STATUS:cat
    SK_DPD:int SK_DPD_DEF:int""",
}


def _columns(table: str, text: str, drop: tuple[str, ...] = ()) -> tuple[Column, ...]:
    sentinel_cols = SENTINEL_COLUMNS.get(table, ())
    cols = []
    for item in text.split():
        name, kind = item.split(":")
        if name in drop:
            continue
        levels = ()
        if kind == "cat":
            levels = TABLE_LEVELS.get((table, name)) or LEVELS[name]
        sentinel = DAYS_SENTINEL if name in sentinel_cols else None
        cols.append(Column(name, kind, levels, sentinel))
    return tuple(cols)


_CURR = Link(KEY, "application", KEY)  # train or test
_PREV = Link(PREVIOUS_KEY, "previous_application", PREVIOUS_KEY)

TABLES: dict[str, TableSpec] = {
    "application_train": TableSpec(
        "application_train", _columns("application_train", _COLUMNS["application_train"]),
        primary_key=KEY, required=True, has_target=True),
    "application_test": TableSpec(
        "application_test",
        # SENTINEL_COLUMNS are looked up under the train name: same columns, less TARGET.
        tuple(c for c in _columns("application_train", _COLUMNS["application_train"])
              if c.name != TARGET),
        primary_key=KEY),
    "bureau": TableSpec("bureau", _columns("bureau", _COLUMNS["bureau"]),
                        primary_key=BUREAU_KEY, links=(_CURR,)),
    "bureau_balance": TableSpec(
        "bureau_balance", _columns("bureau_balance", _COLUMNS["bureau_balance"]),
        links=(Link(BUREAU_KEY, "bureau", BUREAU_KEY),)),
    "previous_application": TableSpec(
        "previous_application",
        _columns("previous_application", _COLUMNS["previous_application"]),
        primary_key=PREVIOUS_KEY, links=(_CURR,)),
    "POS_CASH_balance": TableSpec(
        "POS_CASH_balance", _columns("POS_CASH_balance", _COLUMNS["POS_CASH_balance"]),
        links=(_CURR, _PREV)),
    "installments_payments": TableSpec(
        "installments_payments",
        _columns("installments_payments", _COLUMNS["installments_payments"]),
        links=(_CURR, _PREV)),
    "credit_card_balance": TableSpec(
        "credit_card_balance",
        _columns("credit_card_balance", _COLUMNS["credit_card_balance"]),
        links=(_CURR, _PREV)),
}

#: The order in which tables are loaded and written (parents before children).
TABLE_NAMES: tuple[str, ...] = tuple(TABLES)
APPLICATION_TABLES = ("application_train", "application_test")
CHILD_TABLES = tuple(t for t in TABLE_NAMES if t not in APPLICATION_TABLES)


def get_spec(table: str) -> TableSpec:
    try:
        return TABLES[table]
    except KeyError:
        raise KeyError(f"unknown table {table!r}; known tables: {', '.join(TABLE_NAMES)}") from None


def pandas_dtypes(table: str) -> dict:
    """The pandas dtype of every column, as the loader returns and the generator writes."""
    import pandas as pd

    out = {}
    for c in get_spec(table).columns:
        if c.kind == "int":
            out[c.name] = "int64"
        elif c.kind == "float":
            out[c.name] = "float64"
        else:
            out[c.name] = pd.CategoricalDtype(list(c.levels))
    return out
