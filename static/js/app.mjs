// Initialise GOV.UK Frontend and MOJ Frontend components on every page, and again on content
// htmx swaps in. Every page works without this: it only enhances.
import { createAll, initAll as initGovuk, ErrorSummary } from "../vendor/govuk/govuk-frontend.min.js";
import { initAll as initMoj } from "../vendor/moj/moj-frontend.min.js";

initGovuk();
initMoj();

document.addEventListener("htmx:afterSettle", (event) => {
  const scope = event.detail.elt;
  if (scope && scope.querySelector && scope.querySelector("[data-module='govuk-error-summary']")) {
    createAll(ErrorSummary, undefined, scope);
  }
});
