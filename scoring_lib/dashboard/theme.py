"""Colours (colour-blind safe, Okabe-Ito) and the page's style sheet.

Blue means "lower risk / granted", orange-red "higher risk / refused"; every use of colour
comes with words or an icon, never alone.
"""

from __future__ import annotations

from ..decision import BORDERLINE, GRANTED, HIGH, LOW, REFUSED
from .safe import Html

BLUE = "#0072B2"        # granted, lowers the risk, repaid
ORANGE = "#D55E00"      # refused, raises the risk, defaulted
YELLOW = "#E69F00"      # borderline
GREY = "#8C8C8C"        # other factors
LIGHT_BLUE = "#CFE3F1"
LIGHT_ORANGE = "#F6D5C2"
INK = "#1F2933"
BAND_COLOURS = {LOW: BLUE, BORDERLINE: YELLOW, HIGH: ORANGE}
DECISION_COLOURS = {GRANTED: BLUE, REFUSED: ORANGE}
DECISION_ICONS = {GRANTED: "✔", REFUSED: "✖"}

CSS = Html("""
<style>
.sc-app { font-family: "Segoe UI", "Helvetica Neue", Arial, sans-serif; color: #1F2933;
  font-size: 14px; max-width: 1280px; margin: 0 auto; }
.sc-app .widget-html-content, .sc-app .widget-label { font-size: 14px; line-height: 1.45; }
.sc-header { border-bottom: 2px solid #0072B2; padding-bottom: 6px; margin-bottom: 10px;
  align-items: center; justify-content: space-between; }
.sc-title h1 { font-size: 22px; margin: 0; color: #0B3C5D; }
.sc-title p { margin: 0; color: #52606D; font-size: 13px; }
.sc-card { border: 1px solid #D9E2EC; border-radius: 8px; padding: 10px 14px;
  margin: 6px 4px; background: #FFFFFF; box-shadow: 0 1px 2px rgba(0,0,0,0.05); }
.sc-card h2, .sc-section-title h2 { font-size: 17px; margin: 2px 0 8px 0; color: #0B3C5D; }
.sc-card h3 { font-size: 15px; margin: 8px 0 4px 0; color: #334E68; }
.sc-message .widget-html-content { color: #9F1C00; font-weight: 600; }
.sc-message:empty { display: none; }
.sc-hint .widget-html-content { color: #52606D; font-style: italic; }
.sc-notice .widget-html-content { color: #8A5A00; font-size: 13px; }
.sc-client-id .widget-html-content { font-size: 18px; font-weight: 600; }
.sc-probability .widget-html-content { font-size: 30px; font-weight: 700; }
.sc-decision .widget-html-content { font-size: 20px; font-weight: 700; }
.sc-decision-icon .widget-html-content { font-size: 22px; font-weight: 700; }
.sc-band .widget-html-content { font-size: 15px; font-weight: 600; }
.sc-interpretation .widget-html-content { font-size: 15px; }
.sc-reasons ul { margin: 2px 0 8px 0; padding-left: 20px; }
.sc-reasons li { margin: 2px 0; }
.sc-reasons .sc-up { color: #D55E00; font-weight: 700; }
.sc-reasons .sc-down { color: #0072B2; font-weight: 700; }
.sc-note .widget-html-content { color: #52606D; font-size: 12.5px; }
.sc-gloss { color: #52606D; font-size: 12.5px; margin: 2px 0; }
.sc-info table { border-collapse: collapse; width: 100%; }
.sc-info td { padding: 3px 8px; border-bottom: 1px solid #EEF2F6; vertical-align: top; }
.sc-info td.sc-field { color: #52606D; width: 55%; }
.sc-info td.sc-value { font-weight: 600; }
.sc-results .sc-row .widget-html-content { font-size: 13px; }
.sc-pick button, button.sc-pick { font-weight: 600; }
.sc-search input { min-width: 0; }
.sc-search-button { overflow: visible; padding: 0 10px; }
.sc-lang { justify-content: flex-end; }
.sc-deferred > .bqplot.figure { margin: 0; }  /* drawn later (deferred.py): no jump */
.sc-tooltip .widget-html-content { background: #FFFFFF; border: 1px solid #9FB3C8;
  padding: 6px 8px; border-radius: 4px; font-size: 13px; }
</style>
""")
