// Front-end start-up for every page, loaded by base.html as <script type="module">.
//
// The content security policy allows no inline script, so the class that GOV.UK
// Frontend's page template adds with an inline snippet is added here instead. Browsers
// that cannot run ES modules never load this file and get the no-JavaScript versions
// of the components, as GOV.UK Frontend intends.
import { initAll } from "./../vendor/govuk-frontend/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
