// Front-end start-up for every page, loaded by base.html as <script type="module">.
//
// The content security policy allows no inline script, so the class that GOV.UK
// Frontend's page template adds with an inline snippet is added here instead. Browsers
// that cannot run ES modules never load this file and get the no-JavaScript versions
// of the components, as GOV.UK Frontend intends.
import { initAll } from "./../vendor/govuk-frontend/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

// Phones: tables stack into rows (app.css); each cell shows its column's header as a label.
// A header may set data-label itself (the sort links' headers do, without their arrows).
for (const table of document.querySelectorAll("table.govuk-table")) {
  const head = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
  if (!head) continue;
  const labels = [];
  for (const th of head.cells) {
    const label = th.dataset.label ?? th.textContent.replace(/\s+/g, " ").trim();
    for (let i = 0; i < th.colSpan; i += 1) labels.push(label);
  }
  for (const body of [...table.tBodies, ...(table.tFoot ? [table.tFoot] : [])]) {
    for (const row of body.rows) {
      let column = 0;
      for (const cell of row.cells) {
        if (!cell.hasAttribute("data-label") && labels[column]) cell.dataset.label = labels[column];
        column += cell.colSpan;
      }
    }
  }
}

// Filters fold away on phones: open on wider screens, and whenever a filter has an error.
for (const details of document.querySelectorAll("details.app-filter-details")) {
  const wide = window.matchMedia("(min-width: 40.0625em)").matches;
  details.open = wide || details.querySelector(".govuk-error-message") !== null;
}
