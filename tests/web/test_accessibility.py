"""Accessibility of the dashboard, as a public-sector site must have it: axe-core (the npm
package, pinned in tests/web/package-lock.json and installed by `make test`) finds no serious or
critical violation in French or in English once a result is shown, with every panel of the form
open (nor around refusals, in the lever panels, the map's details and the printable report); the
keyboard alone reaches every control, in order, runs a scenario and switches the language; and
the colours axe does not read (placeholders, the focus ring) are legible."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import _in_ci, needs_real_data

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
GRAVE = {"serious", "critical"}


@pytest.fixture(scope="module")
def axe_script() -> Path:
    if not AXE.exists():
        reason = (
            "needs axe-core (make web-audit, or npm ci --prefix tests/web)"
            if shutil.which("npm")
            else "needs npm to install axe-core"
        )
        if _in_ci():
            pytest.fail(f"{reason} (CI=true: the accessibility check must run)", pytrace=False)
        pytest.skip(reason)
    return AXE


def everything_shown(page: Page) -> None:
    """A result, a short curve, a comparison and a small Pareto front on screen, every folded
    panel of the form open, one row in each lever table."""
    expect(page.locator("#kpis")).to_be_visible()
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.locator("#run")).to_be_enabled()
    page.fill("#curve-points", "3")
    page.click("#draw-curve")
    expect(page.locator("#curve circle")).to_have_count(3)
    expect(page.locator("#compare")).to_be_enabled()
    choices = page.locator("#compare-choices input")
    choices.nth(0).check()
    choices.nth(1).check()
    page.click("#compare")
    expect(page.locator("#comparison")).to_be_visible()
    expect(page.locator("#run")).to_be_enabled()
    page.fill("#pareto-points", "3")
    page.click("#draw-pareto")
    expect(page.locator("#pareto-front")).to_be_visible()
    expect(page.locator("#draw-pareto")).to_be_enabled()
    page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    for button in ["#add-contribution", "#add-department", "#add-territory", "#add-sector",
                   "#add-round"]:  # fmt: skip
        page.click(button)


def violations(page: Page, axe: Path) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(axe))
    found: list[dict[str, Any]] = page.evaluate(
        """async () => (await axe.run(document, { resultTypes: ["violations"] })).violations
            .map((v) => ({ id: v.id, impact: v.impact, help: v.help,
                           nodes: v.nodes.map((n) => n.target.join(" ")) }))"""
    )
    return found


def described(found: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v['impact']} {v['id']} ({v['help']}): {', '.join(v['nodes'][:8])}"
        + (f" and {len(v['nodes']) - 8} more" if len(v["nodes"]) > 8 else "")
        for v in found
    )


def test_no_serious_violation_in_french(page: Page, axe_script: Path) -> None:
    everything_shown(page)
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    grave = [v for v in violations(page, axe_script) if v["impact"] in GRAVE]
    assert not grave, "axe-core, page in French:\n" + described(grave)


def test_no_serious_violation_in_english(page_en: Page, axe_script: Path) -> None:
    everything_shown(page_en)
    expect(page_en.locator("html")).to_have_attribute("lang", "en")
    grave = [v for v in violations(page_en, axe_script) if v["impact"] in GRAVE]
    assert not grave, "axe-core, page in English:\n" + described(grave)


@pytest.mark.parametrize(
    ("base", "panel"),
    [
        pytest.param("march-2021-top-up", "#funding-panel", id="co-funding"),
        pytest.param("revues-regionales-2021", "#rounds-panel", id="review-rounds"),
    ],
)
def test_no_serious_violation_in_the_lever_panels(
    page: Page, axe_script: Path, base: str, panel: str
) -> None:
    expect(page.locator("#kpis")).to_be_visible()
    expect(page.locator("#run")).to_be_enabled()
    page.select_option("#base", base)
    page.click("#run-saved")
    expect(page.locator(panel)).to_be_visible()
    expect(page.locator("#run")).to_be_enabled()
    grave = [v for v in violations(page, axe_script) if v["impact"] in GRAVE]
    assert not grave, f"axe-core, {base} in French:\n" + described(grave)


@needs_real_data
def test_no_serious_violation_in_the_map_and_its_details(page: Page, axe_script: Path) -> None:
    expect(page.locator("#map")).to_have_attribute("data-state", "ready")
    page.locator("#map circle.laureate.funded").last.hover()
    expect(page.locator("#map-details h4")).to_be_visible()
    grave = [v for v in violations(page, axe_script) if v["impact"] in GRAVE]
    assert not grave, "axe-core, the map and a laureate's details:\n" + described(grave)


def test_no_serious_violation_around_refusals(page: Page, axe_script: Path) -> None:
    # An infeasible result (its conflicts beside the fields) and a value that is not a number.
    expect(page.locator("#kpis")).to_be_visible()
    expect(page.locator("#run")).to_be_enabled()
    page.select_option("#base", "infeasible-corsica-floor")
    page.click("#run-saved")
    expect(page.locator("#infeasible")).to_be_visible()
    expect(page.locator("#run")).to_be_enabled()
    page.fill("#fragile", "abc")
    page.click("#run")
    expect(page.locator("label[data-field='fragileShareMin'] .error")).not_to_be_empty()
    grave = [v for v in violations(page, axe_script) if v["impact"] in GRAVE]
    assert not grave, "axe-core, refusals in French:\n" + described(grave)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_serious_violation_in_the_printable_report(
    page: Page, axe_script: Path, lang: str
) -> None:
    page.evaluate(f"localStorage.setItem('territoires.lang', '{lang}')")
    page.goto("/report?name=france-relance-2020")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    grave = [v for v in violations(page, axe_script) if v["impact"] in GRAVE]
    assert not grave, f"axe-core, the report in {lang}:\n" + described(grave)


def test_the_check_finds_what_it_must(page: Page, axe_script: Path) -> None:
    # The same check on a field without a label and on grey-on-white text: both reported.
    everything_shown(page)
    page.evaluate(
        """() => {
            const unlabelled = document.createElement("input");
            unlabelled.type = "text";
            const faint = document.createElement("p");
            faint.textContent = "texte illisible";
            faint.style.cssText = "color: #bbb; background: #fff";
            document.querySelector("main").append(unlabelled, faint);
        }"""
    )
    found = {v["id"] for v in violations(page, axe_script) if v["impact"] in GRAVE}
    assert {"label", "color-contrast"} <= found, found


def focused(page: Page) -> str:
    """The focused element's id, "skip" for the skip link, else its tag name."""
    return str(
        page.evaluate(
            """() => { const node = document.activeElement;
                return node.classList.contains("skip-link") ? "skip" : node.id || node.tagName; }"""
        )
    )


def test_the_keyboard_reaches_the_controls_in_order(page: Page) -> None:
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.locator("#run")).to_be_enabled()
    stops = []
    for _ in range(40):
        page.keyboard.press("Tab")
        stops.append(focused(page))
    expected = ["skip", "lang-switch", "base", "budget", "fragile", "decarbonisation",
                "min-spend", "aid-cap", "fragile-projects", "mode", "SUMMARY", "run"]  # fmt: skip
    positions = [stops.index(stop) for stop in expected]
    assert positions == sorted(positions), stops
    assert stops[0] == "skip"
    # The skip link takes the keyboard past the banner, and shows while it has the focus.
    skip = page.locator(".skip-link")
    skip.focus()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("#base")).to_be_focused()


def test_every_visible_control_is_reached_with_the_tab_key(page: Page) -> None:
    everything_shown(page)
    # Each visible control gets a number; Tab walks the page once and notes what it reached.
    controls: int = page.evaluate(
        """() => {
            const selector = "a[href], button, input, select, textarea, summary, [tabindex]";
            const shown = [...document.querySelectorAll(selector)].filter((node) =>
                node.checkVisibility() && !node.disabled && node.tabIndex >= 0
                && !(node.type === "radio" && !node.checked));
            shown.forEach((node, i) => { node.dataset.probe = i; });
            document.activeElement.blur();
            window.reached = new Set();
            document.addEventListener("focusin", (event) => {
                if (event.target.dataset.probe) window.reached.add(event.target.dataset.probe);
            });
            return shown.length;
        }"""
    )
    assert controls > 50
    page.locator("h1").click()  # the walk starts from the top
    for _ in range(controls + 20):
        page.keyboard.press("Tab")
    missed: list[str] = page.evaluate(
        """() => [...document.querySelectorAll("[data-probe]")]
            .filter((node) => !window.reached.has(node.dataset.probe))
            .map((node) => node.id || node.outerHTML.slice(0, 80))"""
    )
    assert not missed, missed


def test_enter_on_the_run_button_runs_the_scenario(page: Page) -> None:
    expect(page.locator("#kpis")).to_be_visible()
    expect(page.locator("#run")).to_be_enabled()
    expect(page.locator("#kpi-fragile")).not_to_contain_text("80")
    page.focus("#fragile")
    page.keyboard.type("80")
    page.focus("#run")
    expect(page.locator("#run")).to_have_text("Lancer la simulation")
    page.keyboard.press("Enter")
    expect(page.locator("#kpi-fragile")).to_contain_text("80")
    # The keyboard keeps its place: the buttons were disabled while it ran, and the next Tab
    # goes on from the run button.
    expect(page.locator("#run")).to_be_enabled()
    page.keyboard.press("Tab")
    expect(page.locator("#run-saved")).to_be_focused()


def test_the_language_switch_works_with_the_keyboard(page: Page) -> None:
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.locator("#lang-switch")).to_be_enabled()
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")
    expect(page.locator("#lang-switch")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#lang-switch")).to_have_text("Français")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    expect(page.locator("#lang-switch")).to_be_enabled()
    page.locator("#lang-switch").focus()
    page.keyboard.press("Space")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("#lang-switch")).to_have_text("English")


def luminance(rgb: str) -> float:
    """Relative luminance of a CSS `rgb(r, g, b)` colour (WCAG 2.x)."""
    channels = [int(c) / 255 for c in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted([luminance(a), luminance(b)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_luminance_matches_the_wcag_examples() -> None:
    # Black on white is 21:1; #767676 on white is the lightest grey passing AA, 4.54:1.
    assert contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)") == pytest.approx(21)
    assert contrast("rgb(118, 118, 118)", "rgb(255, 255, 255)") == pytest.approx(4.54, abs=0.01)


def test_colours_axe_does_not_check_are_legible(page: Page) -> None:
    # Placeholders (the base's values, "shown in grey") are text: 4.5:1 on the field's
    # background; the keyboard focus ring is a graphical object: 3:1 on the page's white.
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    colours = page.evaluate(
        """() => {
            const input = document.querySelector("#budget");
            input.focus();
            return {
                placeholder: getComputedStyle(input, "::placeholder").color,
                field: getComputedStyle(input).backgroundColor,
                focus: getComputedStyle(input).outlineColor,
                page: getComputedStyle(document.body).backgroundColor,
            };
        }"""
    )
    assert contrast(colours["placeholder"], colours["field"]) >= 4.5, colours
    assert contrast(colours["focus"], colours["page"]) >= 3, colours
