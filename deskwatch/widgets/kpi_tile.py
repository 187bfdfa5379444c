"""KpiTile: one number with its label, its change vs yesterday, vs typical, a stale badge and
an alert marker. Passive.

The tile shows the value twice, as text and as big ``Digits``; CSS decides which one is
visible (a screen in wall mode shows the digits). When the digits are wider than the tile
(e.g. 1,234,567 in a third of 80 columns) the tile gets the ``-overflow`` class, and wall mode
shows the text instead of cutting the number off (the tile's own ``.-wall KpiTile`` rules: any
ancestor with the ``-wall`` class, a dashboard screen in wall mode). Good/bad colouring comes
from CSS classes ``-good``/``-bad`` on the value and the change, so themes decide the colours;
under ``NO_COLOR`` the arrow and a bold change still carry the meaning.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.renderables.digits import Digits as DigitGlyphs
from textual.widget import Widget
from textual.widgets import Digits, Static

from deskwatch.format import NO_DELTA, Delta, Verdict

_VERDICT_CLASSES = ("-good", "-bad", "-neutral")
ALERT_MARK = "⚑"


class KpiTile(Widget):
    """A labelled KPI tile. Call :meth:`update_tile` with preformatted text; no I/O here.

    ``up_is_good``: True when a rise is good news (solved), False when it is bad news
    (unassigned), None when neither (the change is shown uncoloured).
    """

    SCOPED_CSS = False  # the wall rules below match an ancestor's -wall class
    DEFAULT_CSS = """
    KpiTile {
        height: auto;
        border: round $foreground 30%;
        border-title-color: $foreground;
        border-subtitle-color: $warning;
        border-subtitle-style: bold;
        padding: 0 1;
        .tile--value { width: 1fr; text-style: bold; }
        .tile--digits { display: none; }
        .tile--delta { width: 1fr; color: $text-muted; }
        .tile--value.-good, .tile--delta.-good { color: $text-success; }
        .tile--value.-bad, .tile--delta.-bad { color: $text-error; }
        .tile--delta.-bad { text-style: bold; }
        .tile--typical { width: 1fr; color: $text-muted; display: none; }
        &.-typical .tile--typical { display: block; }
        .tile--typical.-good { color: $text-success; }
        .tile--typical.-bad { color: $text-error; }
        &.-stale { border: round $warning; }
        &.-alert {
            border: heavy $error;
            border-title-color: $error;
            border-subtitle-color: $error;
        }
        &.-alert .tile--value { color: $text-error; }
        &.-stale .tile--value { color: $text-muted; }
    }
    .-wall KpiTile {
        .tile--value { display: none; }
        .tile--digits { display: block; }
        &.-overflow .tile--value { display: block; }
        &.-overflow .tile--digits { display: none; }
    }
    """

    def __init__(
        self,
        label: str,
        *,
        up_is_good: bool | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.label = label
        self.up_is_good = up_is_good
        self.border_title = label
        self._state: tuple[object, ...] | None = None
        self._digits = "—"
        self._typical = ("", "")

    def compose(self) -> ComposeResult:
        yield Static("—", classes="tile--value", markup=False)
        yield Digits("—", classes="tile--digits")
        yield Static(" ", classes="tile--delta", markup=False)
        yield Static(" ", classes="tile--typical", markup=False)

    @property
    def value_text(self) -> str:
        """The value as shown (for tests and screen readers of the DOM)."""
        return str(self.query_one(".tile--value", Static).content)

    @property
    def delta_text(self) -> str:
        return str(self.query_one(".tile--delta", Static).content)

    @property
    def typical_text(self) -> str:
        return str(self.query_one(".tile--typical", Static).content)

    def update_tile(
        self,
        value: str,
        *,
        digits: str | None = None,
        delta: Delta = NO_DELTA,
        versus: str = "",
        value_verdict: Verdict = "neutral",
        stale: bool = False,
        typical: tuple[str, str] = ("", ""),
        typical_verdict: Verdict = "neutral",
        alert: bool = False,
        partial: bool = False,
    ) -> None:
        """Show ``value`` (and ``digits`` in big digits, default the value), the change
        ``delta`` followed by ``versus`` (e.g. "vs 114"), the "vs typical" line (long and
        short form: the short one where the long one does not fit), the stale badge if
        ``stale``, the partial badge if ``partial`` (the history backfill has not finished
        the days the figure reads) and the alert look and marker (⚑) if ``alert``. Does
        nothing when nothing changed."""
        state = (
            value,
            digits,
            delta,
            versus,
            value_verdict,
            stale,
            typical,
            typical_verdict,
            alert,
            partial,
        )
        if state == self._state:
            return
        self._state = state
        value_widget = self.query_one(".tile--value", Static)
        value_widget.update(value)
        _set_verdict(value_widget, value_verdict)
        self._digits = digits if digits is not None else value
        self.query_one(".tile--digits", Digits).update(self._digits)
        self._fit()
        delta_widget = self.query_one(".tile--delta", Static)
        change = " ".join(part for part in (delta.text, versus) if part)
        delta_widget.update(change or " ")
        _set_verdict(delta_widget, delta.verdict(self.up_is_good))
        self._typical = typical
        self.set_class(bool(typical[0] or typical[1]), "-typical")
        typical_widget = self.query_one(".tile--typical", Static)
        _set_verdict(typical_widget, typical_verdict)
        self._fit_typical()
        self.set_class(stale, "-stale")
        self.set_class(alert, "-alert")
        self.border_title = f"{ALERT_MARK} {self.label}" if alert else self.label
        self.border_subtitle = " ".join(
            word for word, on in (("ALERT", alert), ("STALE", stale), ("PARTIAL", partial)) if on
        )

    def on_resize(self, event: events.Resize) -> None:
        self._fit()
        self._fit_typical()

    def _fit_typical(self) -> None:
        long, short = self._typical
        width = self.content_size.width
        text = long if width == 0 or len(long) <= width else short
        self.query_one(".tile--typical", Static).update(text or " ")

    def _fit(self) -> None:
        """Flag digits wider than the tile's content (wall mode then shows the text)."""
        width = self.content_size.width
        self.set_class(0 < width < DigitGlyphs.get_width(self._digits), "-overflow")


def _set_verdict(widget: Widget, verdict: Verdict) -> None:
    for name in _VERDICT_CLASSES:
        widget.set_class(name == f"-{verdict}", name)
