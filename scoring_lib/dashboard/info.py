"""Client information panel: the client's application and history in human units, in four
sections an advisor can show or hide, with a box that keeps only the fields whose label
contains a word."""

from __future__ import annotations

import ipywidgets as W

from ..explain.units import format_value, is_missing, missing_text
from .panel import Panel, hold
from .safe import esc, tag
from .text import tr

#: section key -> candidate features, in display order (those the bundle lacks are skipped)
SECTIONS: dict[str, tuple[str, ...]] = {
    "identity": ("CODE_GENDER", "DAYS_BIRTH", "NAME_FAMILY_STATUS", "CNT_CHILDREN",
                 "CNT_FAM_MEMBERS", "NAME_EDUCATION_TYPE", "NAME_HOUSING_TYPE",
                 "FLAG_OWN_REALTY", "FLAG_OWN_CAR", "OWN_CAR_AGE", "FLAG_PHONE", "FLAG_EMAIL",
                 "REGION_RATING_CLIENT"),
    "income": ("AMT_INCOME_TOTAL", "INCOME_PER_PERSON", "NAME_INCOME_TYPE", "OCCUPATION_TYPE",
               "ORGANIZATION_TYPE", "DAYS_EMPLOYED", "DAYS_EMPLOYED_PERC"),
    "credit": ("NAME_CONTRACT_TYPE", "AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE",
               "ANNUITY_INCOME_PERC", "PAYMENT_RATE", "INCOME_CREDIT_PERC",
               "GOODS_PRICE_CREDIT_PERC", "NAME_TYPE_SUITE", "WEEKDAY_APPR_PROCESS_START",
               "HOUR_APPR_PROCESS_START"),
    "history": ("EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3", "BURO_COUNT", "ACTIVE_COUNT",
                "CLOSED_COUNT", "ACTIVE_AMT_CREDIT_SUM_SUM", "BURO_AMT_CREDIT_SUM_DEBT_SUM",
                "BURO_CREDIT_DAY_OVERDUE_MAX", "PREV_COUNT", "PREV_APPROVED_COUNT",
                "PREV_REFUSED_COUNT", "PREV_NAME_CONTRACT_STATUS_Refused_SHARE",
                "INSTAL_COUNT", "INSTAL_DPD_MEAN", "INSTAL_PAYMENT_PERC_MEAN", "POS_COUNT",
                "CC_COUNT", "AMT_REQ_CREDIT_BUREAU_YEAR", "DEF_30_CNT_SOCIAL_CIRCLE"),
}


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def section_fields(scorer) -> dict[str, list[tuple[str, str, str, object]]]:
    """``{section: [(feature, French label, English label, unit), ...]}``: the features of
    :data:`SECTIONS` that the bundle has (looked up once per Scorer)."""
    dictionary = scorer.dictionary
    known = set(scorer.feature_names)
    return {section: [(name, str(dictionary.at[name, "label_fr"]),
                       str(dictionary.at[name, "label_en"]), dictionary.at[name, "unit"])
                      for name in names if name in known and name in dictionary.index]
            for section, names in SECTIONS.items()}


def info_rows(scorer, client_id, lang: str = "fr",
              fields=None) -> dict[str, list[tuple[str, str]]]:
    """``{section: [(label, value text), ...]}`` for one client: the features of
    :data:`SECTIONS` that the bundle has, labelled and written in human units
    (``fields``: :func:`section_fields`, computed if not given)."""
    fields = fields if fields is not None else section_fields(scorer)
    features = scorer.features(client_id)
    names = [f[0] for rows in fields.values() for f in rows]
    values = dict(zip(names, features.reindex(names).to_numpy()))
    out = {}
    for section, rows in fields.items():
        out[section] = []
        for name, label_fr, label_en, unit in rows:
            value = values[name]
            text = missing_text(unit, lang) if is_missing(value) else format_value(value,
                                                                                   unit, lang)
            out[section].append((label_fr if lang == "fr" else label_en, capitalise(text)))
    return out


class InfoPanel(Panel):
    """Sections of the state's client's information, a toggle per section, a field search
    box (the toggles and the box only choose what is shown: no state of the page)."""

    name = "info"
    watches = ("client_id", "lang")

    def __init__(self, state, scorer):
        super().__init__(state, scorer)
        self.lang = state.lang
        self.rows: dict[str, list[tuple[str, str]]] = {}
        self.fields = section_fields(scorer)
        self.title = W.HTML()
        self.sections_label = W.HTML()
        self.toggles = {}
        for key in SECTIONS:
            t = W.ToggleButton(value=True, layout=W.Layout(width="auto"))
            t.add_class("sc-info-section")
            t.observe(self._render_changed, "value")
            self.toggles[key] = t
        self.sections = W.HBox(list(self.toggles.values()),
                               layout=W.Layout(flex_flow="row wrap"))
        self.sections.add_class("sc-info-sections")
        self.field_filter = W.Text(continuous_update=True, layout=W.Layout(width="240px"))
        self.field_filter.add_class("sc-info-filter")
        self.field_filter.observe(self._render_changed, "value")
        self.blocks = {key: W.HTML(layout=W.Layout(width="100%")) for key in SECTIONS}
        for key, block in self.blocks.items():
            block.add_class(f"sc-info-{key}")
        grid = W.GridBox(list(self.blocks.values()),
                         layout=W.Layout(grid_template_columns="repeat(2, minmax(0, 1fr))",
                                         grid_gap="4px 24px", width="100%"))
        self.empty = W.HTML()
        self.info = W.VBox([grid, self.empty])
        self.info.add_class("sc-info")
        self.children = [self.title, W.HBox([self.sections_label, self.sections,
                                             self.field_filter],
                                            layout=W.Layout(align_items="center",
                                                            flex_flow="row wrap")),
                         self.info]
        self.add_class("sc-card")
        self.set_texts(self.lang)

    def set_texts(self, lang: str) -> None:
        self.title.value = tag("h2", tr("info_title", lang))
        self.sections_label.value = esc(tr("info_sections", lang))
        for key, t in self.toggles.items():
            t.description = tr(key, lang)
        self.field_filter.placeholder = tr("info_filter", lang)

    def refresh(self, state) -> None:
        self.lang = state.lang
        self.rows = info_rows(self.scorer, state.client_id, state.lang, self.fields)
        self._render()
        self.shown_client = int(state.client_id)

    def shown(self) -> dict[str, list[tuple[str, str]]]:
        """The sections and fields currently shown (after the toggles and the search)."""
        word = self.field_filter.value.strip().lower()
        out = {}
        for key, rows in self.rows.items():
            if not self.toggles[key].value:
                continue
            kept = [r for r in rows if not word or word in r[0].lower()]
            if kept:
                out[key] = kept
        return out

    def _render_changed(self, _change) -> None:
        self._render()

    def _render(self) -> None:
        shown = self.shown()
        with hold(self.empty, *self.blocks.values()):
            for key, block in self.blocks.items():
                rows = shown.get(key)
                if not rows:
                    block.layout.display = "none"
                    continue
                cells = (tag("tr", tag("td", label, css="sc-field"),
                             tag("td", value, css="sc-value")) for label, value in rows)
                block.value = tag("h3", tr(key, self.lang)) + tag("table", *cells)
                block.layout.display = "block"
            self.empty.value = ("" if shown or not self.rows
                                else esc(tr("no_field", self.lang)))
