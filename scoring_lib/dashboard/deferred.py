"""Draw a part of the page after the page has painted, and only while it is shown.

    slot = Deferred(figure, height="380px")      # in a panel's children, where the figure was

A :class:`Deferred` is a slot for one widget (``child``, set once: usually a bqplot figure
or a whole tab's content). The kernel makes the child's widget model with the page as
before (its data and texts are set in place on every client switch, drawn or not); the
browser creates the child's view (the SVG, the axes, the marks) only

- after the page's first paint: a Voilà page draws all its widgets in one task, and the
  bqplot figures below the fold were a quarter of the browser's own work before an advisor
  could read the probability (bench/RESULTS.md, issue #13, "figures drawn after the first
  paint");
- one slot per browser task, in the order they were shown, so that a click (on a tab, a
  button) is answered between two figures;
- only when the slot has a size (it is not in a hidden tab): a figure drawn in a hidden tab
  has no size and would be drawn twice. A slot in the tab the advisor opens is drawn then,
  without asking the kernel.

The slot keeps the child's height (``height``) before the child is drawn, so nothing on the
page moves when it appears. The browser side is a small module of our own run by
``anywidget`` (its ``widget_manager`` makes the child's view, as ipywidgets' own boxes do);
it carries no data, only code. ``data-sc-drawn`` on the slot says the child is drawn (tests
wait on it).
"""

from __future__ import annotations

import anywidget
import ipywidgets as W
import traitlets

__all__ = ["Deferred"]

#: the browser side: one queue for the page, one task per slot, a ResizeObserver for "shown"
ESM = r"""
const queue = (globalThis.__scDeferred ??= {waiting: [], busy: false});

function pump() {
  if (queue.busy || queue.waiting.length === 0) return;
  queue.busy = true;
  setTimeout(async () => {
    const draw = queue.waiting.shift();
    try { await draw(); } catch (err) { console.error("sc-deferred:", err); }
    queue.busy = false;
    pump();
  }, 0);
}

function render({ model, el }) {
  el.classList.add("sc-deferred");
  let view = null, queued = false, gone = false;
  const shown = () => el.isConnected && el.getClientRects().length > 0;
  async function draw() {
    queued = false;
    if (gone || view !== null || !shown()) return;  // hidden since: the observer re-queues
    const manager = model.widget_manager;
    const child = await manager.get_model(model.get("child").slice("IPY_MODEL_".length));
    const made = await manager.create_view(child);
    if (gone) { made.remove(); return; }
    view = made;
    // a Lumino attach, as ipywidgets' boxes do: the child and its own children get
    // "after-attach", which resolves each view's `displayed` (bqplot draws then)
    view.luminoWidget.constructor.attach(view.luminoWidget, el);
    el.dataset.scDrawn = "true";
    observer.disconnect();
  }
  const observer = new ResizeObserver(() => {
    if (!gone && view === null && !queued && shown()) {
      queued = true;
      queue.waiting.push(draw);
      pump();
    }
  });
  observer.observe(el);
  return () => {
    gone = true;
    observer.disconnect();
    if (view !== null) { view.remove(); view = null; }
  };
}

export default { render };
"""


class Deferred(anywidget.AnyWidget):
    """A slot that has the browser draw ``child`` after the page's first paint, one slot per
    task, and only while the slot is shown (see the module's docstring). ``height``: the
    child's height, kept by the empty slot (CSS, e.g. ``"380px"``; None: no reserve)."""

    _esm = ESM
    child = traitlets.Instance(W.DOMWidget).tag(sync=True, **W.widget_serialization)

    def __init__(self, child: W.DOMWidget, height: str | None = None, **kwargs):
        layout = kwargs.pop("layout", None) or W.Layout(width="100%")
        if height is not None:
            layout.min_height = height
        super().__init__(child=child, layout=layout, **kwargs)
