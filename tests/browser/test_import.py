"""An administrator imports the published Knowsley report as a PDF, corrects one value on
the review page and saves; the inspection page then shows it."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.inspections.test_importer_parse import KNOWSLEY, build_pdf

pytestmark = pytest.mark.browser


def test_an_administrator_imports_a_report_corrects_a_value_and_saves(
    page, app, a11y, tmp_path, knowsley_demo
):
    from inspections.models import Inspection

    report = tmp_path / "knowsley-2023.pdf"
    report.write_bytes(build_pdf(KNOWSLEY))
    sign_in(page, app, "admin", a11y)
    page.get_by_role("link", name="Import an inspection report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import an inspection report")
    a11y.check(page, "import")
    page.get_by_label("The published report (PDF or text file)").set_input_files(str(report))
    page.get_by_role("button", name="Read the report").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check what the report says")
    a11y.check(page, "review")
    # Knowsley 2023 is already recorded for Knowsley: the review says so, with a link.
    expect(page.get_by_text("This inspection is already recorded")).to_be_visible()
    expect(page.get_by_text("From the report: “Score 29/36”")).to_be_visible()
    # Record it for Liverpool instead, and correct the second recommendation's addressee
    # (the recommendations are folded away until opened).
    page.get_by_label("Service", exact=True).select_option(label="Liverpool YOS")
    page.get_by_text("Recommendations: 4 found").click()
    addressee = page.get_by_label("Addressed to").nth(1)
    expect(addressee).to_have_value("The Knowsley Youth Justice Management Board")
    addressee.fill("The Liverpool Youth Justice Management Board")
    page.get_by_role("button", name="Save the inspection").click()

    # The report names Knowsley: saving it under Liverpool needs a deliberate confirmation,
    # and the correction made is still there.
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    a11y.check(page, "review with the service question")
    expect(page.get_by_label("Addressed to").nth(1)).to_have_value(
        "The Liverpool Youth Justice Management Board"
    )
    page.get_by_label("Yes, import it under the service chosen above").check()
    page.get_by_role("button", name="Save the inspection").click()

    expect(page.get_by_text("Imported: 12 ratings and 4 recommendations saved.")).to_be_visible()
    a11y.check(page, "imported inspection")
    expect(page.get_by_text("29 out of 36")).to_be_visible()
    expect(page.get_by_text("The Liverpool Youth Justice Management Board should:")).to_be_visible()
    saved = Inspection.objects.get(service__slug="liverpool", fieldwork_start="2023-01-09")
    assert saved.recommendations.get(number=2).addressee == (
        "The Liverpool Youth Justice Management Board"
    )
    assert saved.ratings.exclude(level=None).count() == 12
